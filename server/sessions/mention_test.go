package sessions

import "testing"

func TestMentions(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"@claude fix it", true},
		{"hey @claude", true},
		{"hey @Claude.", true},
		{"(@claude) fix it", true},
		{"@claude, fix it", true},
		{"@claude-bot fix it", false},
		{"@claude_two fix it", false},
		{"@claude.bot fix it", false},
		{"me@claude fix it", false},
		{"@@claude fix it", false},
		{"claude fix it", false},
		{"", false},
		{"İstanbul @claude", true},
		{"İstanbul me@claude", false},
	}
	for _, tc := range tests {
		t.Run(tc.text, func(t *testing.T) {
			if got := Mentions(tc.text, "claude"); got != tc.want {
				t.Fatalf("Mentions(%q) = %v", tc.text, got)
			}
		})
	}
}

func TestStripMention(t *testing.T) {
	tests := []struct{ text, want string }{
		{"@claude fix the flaky test", "fix the flaky test"},
		{"@claude, fix it", "fix it"},
		{"please @claude fix it", "please fix it"},
		{"@claude fix\n\n  this   file", "fix\n\nthis file"},
		{"@claude", ""},
		{"@claude-bot stays", "@claude-bot stays"},
	}
	for _, tc := range tests {
		if got := StripMention(tc.text, "claude"); got != tc.want {
			t.Errorf("StripMention(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

func TestLeadingMention(t *testing.T) {
	tests := []struct{ text, want string }{
		{"@bob look", "bob"},
		{"  @Claude. hi", "claude"},
		{"hi @bob", ""},
		{"@", ""},
	}
	for _, tc := range tests {
		if got := LeadingMention(tc.text); got != tc.want {
			t.Errorf("LeadingMention(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}
