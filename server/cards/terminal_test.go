package cards

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestPromptMessage(t *testing.T) {
	tests := []struct {
		name string
		text string
		want func(t *testing.T, msg string)
	}{
		{"every line is quoted under who typed it", "fix it\n\nthen test", func(t *testing.T, msg string) {
			if msg != "🖥️ **alice** in the terminal:\n> fix it\n> \n> then test" {
				t.Fatalf("%q", msg)
			}
		}},
		{"the owner is named, not mentioned", "hi", func(t *testing.T, msg string) {
			if strings.Contains(msg, "@alice") {
				t.Fatalf("%q", msg)
			}
		}},
		{"a prompt longer than a post is cut at a line with a note", strings.Repeat("some words here\n", 2000), func(t *testing.T, msg string) {
			if utf8.RuneCountInString(msg) > MaxMessageRunes || !strings.HasSuffix(msg, "more characters_") {
				t.Fatalf("%d runes, ends %q", utf8.RuneCountInString(msg), msg[len(msg)-40:])
			}
		}},
		{"a prompt of many short lines still fits", strings.Repeat("x\n", 20000), func(t *testing.T, msg string) {
			if utf8.RuneCountInString(msg) > MaxMessageRunes || !strings.HasSuffix(msg, "more characters_") {
				t.Fatalf("%d runes", utf8.RuneCountInString(msg))
			}
		}},
		{"a cut inside a code block closes it", "```go\n" + strings.Repeat("x := 1\n", 4000) + "```", func(t *testing.T, msg string) {
			if strings.Count(msg, "```")%2 != 0 {
				t.Fatalf("unbalanced fences in %q…", msg[:60])
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.want(t, PromptMessage("alice", tc.text)) })
	}
}

func TestTerminalSessionMessage(t *testing.T) {
	base := SessionProps{ID: "s1", Status: "idle", MachineName: "laptop", Cwd: "/src", OwnerUsername: "alice", Origin: OriginTerminal, RunsIn: RunsInTerminal}
	tests := []struct {
		name  string
		props func(p *SessionProps)
		has   []string
		lacks []string
	}{
		{"a terminal session says where it runs", nil,
			[]string{"in a terminal on `laptop`", "started by @alice in a terminal", "`!away`", "`!continue`"}, []string{"machine `laptop`"}},
		{"away says Claude waits here", func(p *SessionProps) { p.Away = true }, []string{"**Away**"}, nil},
		{"away is not shown once the session runs in Mattermost", func(p *SessionProps) { p.Away, p.RunsIn = true, RunsInAgent },
			[]string{"in Mattermost on `laptop`"}, []string{"**Away**", "`!away`"}},
		{"a session from the command line reads as any other", func(p *SessionProps) { p.Origin, p.RunsIn = OriginCLI, RunsInAgent },
			[]string{"machine `laptop`", "started by @alice from the command line"}, nil},
		{"the title is shown", func(p *SessionProps) { p.Title = "Nightly run" }, []string{"\nNightly run\n"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := base
			if tc.props != nil {
				tc.props(&p)
			}
			msg := SessionMessage(SessionCard{Props: p})
			for _, s := range tc.has {
				if !strings.Contains(msg, s) {
					t.Errorf("lacks %q: %q", s, msg)
				}
			}
			for _, s := range tc.lacks {
				if strings.Contains(msg, s) {
					t.Errorf("has %q: %q", s, msg)
				}
			}
		})
	}
}
