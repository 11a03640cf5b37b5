package sessions

import (
	"errors"
	"strings"
	"testing"
)

func TestParseStart(t *testing.T) {
	machines := func(name string) bool { return strings.EqualFold(name, "laptop") }
	tests := []struct {
		name string
		in   string
		want StartOptions
		err  error
	}{
		{"plain prompt", "fix the build", StartOptions{Prompt: "fix the build"}, nil},
		{"machine", "on laptop fix the build", StartOptions{Machine: "laptop", Prompt: "fix the build"}, nil},
		{"machine name keeps its case", "on Laptop fix it", StartOptions{Machine: "Laptop", Prompt: "fix it"}, nil},
		{"unknown machine is still an option (the caller says it is unknown)", "on desk fix it", StartOptions{Machine: "desk", Prompt: "fix it"}, nil},
		{"directory", "in ~/src/app run the tests", StartOptions{Dir: "~/src/app", Prompt: "run the tests"}, nil},
		{"quoted directory with spaces", `in "/home/a/my repo" run`, StartOptions{Dir: "/home/a/my repo", Prompt: "run"}, nil},
		{"single-quoted directory", `in '/tmp/x y': run`, StartOptions{Dir: "/tmp/x y", Prompt: "run"}, nil},
		{"branch", "on branch fix/login-42 fix the login", StartOptions{Branch: "fix/login-42", Prompt: "fix the login"}, nil},
		{"all options in the documented order", "on laptop in /src on branch dev do it", StartOptions{Machine: "laptop", Dir: "/src", Branch: "dev", Prompt: "do it"}, nil},
		{"options in any order", "on branch dev in ./app on laptop do it", StartOptions{Machine: "laptop", Dir: "./app", Branch: "dev", Prompt: "do it"}, nil},
		{"keywords in any case", "ON laptop IN /src On Branch dev do it", StartOptions{Machine: "laptop", Dir: "/src", Branch: "dev", Prompt: "do it"}, nil},
		{"a trailing comma ends an option", "on laptop, fix it", StartOptions{Machine: "laptop", Prompt: "fix it"}, nil},
		{"an option given twice ends the options", "on laptop on desk fix it", StartOptions{Machine: "laptop", Prompt: "on desk fix it"}, nil},
		{"in followed by a word that is not a path is the prompt", "in the tests, fix the flake", StartOptions{Prompt: "in the tests, fix the flake"}, nil},
		{"on followed by an English word is the prompt", "on the login page the button is broken", StartOptions{Prompt: "on the login page the button is broken"}, nil},
		{"options later in the text are the prompt", "fix it on laptop in /src", StartOptions{Prompt: "fix it on laptop in /src"}, nil},
		{"multi-line prompt is kept", "on laptop first line\nsecond line", StartOptions{Machine: "laptop", Prompt: "first line\nsecond line"}, nil},
		{"only a machine leaves an empty prompt", "on laptop", StartOptions{Machine: "laptop"}, nil},
		{"branch with .. is refused", "on branch a..b go", StartOptions{}, ErrBadBranch},
		{"branch starting with - is refused", "on branch -x go", StartOptions{}, ErrBadBranch},
		{"branch with odd characters is refused", "on branch a;rm go", StartOptions{}, ErrBadBranch},
		{"on branch without a name is refused", "on branch", StartOptions{}, ErrBadBranch},
		{"unterminated quote leaves the prompt", `in "/tmp/x fix`, StartOptions{Prompt: `in "/tmp/x fix`}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseStart(tc.in, machines)
			if !errors.Is(err, tc.err) {
				t.Fatalf("err = %v, want %v", err, tc.err)
			}
			if err == nil && got != tc.want {
				t.Errorf("ParseStart(%q)\n got %+v\nwant %+v", tc.in, got, tc.want)
			}
		})
	}
}

func FuzzParseStart(f *testing.F) {
	for _, s := range []string{"on laptop in /x on branch y z", `in "a b" c`, "on", "in", "on branch", "", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		o, err := ParseStart(s, func(string) bool { return true })
		if err == nil && o.Branch != "" && !ValidBranch(o.Branch) {
			t.Fatalf("invalid branch %q accepted", o.Branch)
		}
		if strings.TrimSpace(o.Prompt) != o.Prompt {
			t.Fatalf("prompt %q not trimmed", o.Prompt)
		}
	})
}
