package userapi

import (
	"strconv"
	"testing"
)

func TestQuestionButton(t *testing.T) {
	tests := []struct {
		action     string
		wantOption int
		wantKind   string
		wantOK     bool
	}{
		{"opt_0", 0, "option", true},
		{"opt12", 12, "option", true},
		{"other", -1, "other", true},
		{"answer", -1, "answer", true},
		{"opt_", 0, "", false},
		{"opt_01", 0, "", false},
		{"opt_-1", 0, "", false},
		{"opt_1000", 0, "", false},
		{"approve", 0, "", false},
	}
	for _, tc := range tests {
		n, kind, ok := questionButton(tc.action)
		if ok != tc.wantOK || ok && (n != tc.wantOption || kind != tc.wantKind) {
			t.Errorf("questionButton(%q) = %d %q %v", tc.action, n, kind, ok)
		}
	}
}

func FuzzQuestionButton(f *testing.F) {
	for _, s := range []string{"opt_0", "opt7", "other", "answer", "opt_+1", "opt_１", "opt_999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, action string) {
		n, kind, ok := questionButton(action)
		if !ok {
			return
		}
		if kind == "option" && (n < 0 || n > 999 || action != "opt_"+strconv.Itoa(n) && action != "opt"+strconv.Itoa(n)) {
			t.Fatalf("%q → %d", action, n)
		}
	})
}
