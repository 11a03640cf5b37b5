package threadcommands

import "testing"

func TestParse(t *testing.T) {
	tests := []struct {
		in         string
		name, args string
		ok         bool
	}{
		{"!stop", "stop", "", true},
		{"  !CD  /tmp/x y ", "cd", "/tmp/x y", true},
		{"!invite @bob\n@carol", "invite", "@bob\n@carol", true},
		{"!important: read this", "", "", false},
		{"! stop", "", "", false},
		{"stop!", "", "", false},
		{"!!stop", "", "", false},
		{"!1", "", "", false},
	}
	for _, tc := range tests {
		name, args, ok := Parse(tc.in)
		if name != tc.name || args != tc.args || ok != tc.ok {
			t.Errorf("Parse(%q) = %q, %q, %v", tc.in, name, args, ok)
		}
	}
}

func TestKnownIsForSlashCommands(t *testing.T) {
	for _, name := range []string{"stop", "escape", "cd", "permissions", "model", "cost", "context", "compact", "invite", "kick", "worktree"} {
		if !Known(name) {
			t.Errorf("%s is not known", name)
		}
	}
	// /claude help is the general help, not the thread one.
	if Known("help") || Known("connect") {
		t.Error("help/connect must stay /claude subcommands")
	}
}

func TestThousands(t *testing.T) {
	for in, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567"} {
		if got := thousands(in); got != want {
			t.Errorf("thousands(%d) = %q", in, got)
		}
	}
}
