package safetext

import (
	"encoding/json"
	"testing"
)

func TestString(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain text is kept", "hello, wörld ✓", "hello, wörld ✓"},
		{"NUL becomes U+FFFD", "a\x00b", "a\uFFFDb"},
		{"invalid UTF-8 becomes U+FFFD", "a\xff\xfeb", "a\uFFFDb"},
		{"a cut UTF-8 sequence becomes U+FFFD", "caf\xc3", "caf\uFFFD"},
		{"both", "\x00\xff", "\uFFFD\uFFFD"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := String(tc.in); got != tc.want {
				t.Fatalf("String(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if !Safe(String(tc.in)) {
				t.Fatal("result is not safe")
			}
		})
	}
}

func TestJSON(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"the \\u0000 escape becomes U+FFFD", `{"a":"x\u0000y"}`, "x\uFFFDy"},
		{"a literal backslash before u0000 is kept", `{"a":"x\\u0000y"}`, `x\u0000y`},
		{"three backslashes: a literal one, then the escape", `{"a":"x\\\u0000y"}`, "x\\\uFFFDy"},
		{"invalid UTF-8 becomes U+FFFD", "{\"a\":\"x\xffy\"}", "x\uFFFDy"},
		{"other escapes are kept", `{"a":"tab\there \"q\" \u00e9"}`, "tab\there \"q\" é"},
		{"a key with NUL is made safe too", `{"a":"x","k\u0000":"v"}`, "x"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var v map[string]string
			if err := json.Unmarshal(JSON([]byte(tc.in)), &v); err != nil {
				t.Fatal(err)
			}
			if v["a"] != tc.want {
				t.Fatalf("a = %q, want %q", v["a"], tc.want)
			}
			for k, s := range v {
				if !Safe(k) || !Safe(s) {
					t.Fatalf("unsafe %q: %q", k, s)
				}
			}
		})
	}
	t.Run("a raw NUL inside a string is made safe", func(t *testing.T) {
		var v map[string]string
		if err := json.Unmarshal(JSON([]byte("{\"a\":\"x\x00y\"}")), &v); err != nil || v["a"] != "x\uFFFDy" {
			t.Fatalf("%q %v", v["a"], err)
		}
	})
	t.Run("clean input is returned as it is", func(t *testing.T) {
		in := []byte(`{"a":"\\u0001 ok"}`)
		if out := JSON(in); &out[0] != &in[0] {
			t.Fatal("copied clean input")
		}
	})
}

func FuzzJSON(f *testing.F) {
	for _, s := range []string{`{"a":"\u0000"}`, `{"a":"\\u0000"}`, "{\"a\":\"\xff\"}", `"\`, `\u0000`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var v any
		if json.Unmarshal(JSON([]byte(s)), &v) != nil {
			return
		}
		var check func(any)
		check = func(v any) {
			switch x := v.(type) {
			case string:
				if !Safe(x) {
					t.Fatalf("unsafe string %q from %q", x, s)
				}
			case map[string]any:
				for k, e := range x {
					if !Safe(k) {
						t.Fatalf("unsafe key %q from %q", k, s)
					}
					check(e)
				}
			case []any:
				for _, e := range x {
					check(e)
				}
			}
		}
		check(v)
	})
}
