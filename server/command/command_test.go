package command

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct{ in, sub, rest string }{
		{"/claude", "help", ""},
		{"/claude connect", "connect", ""},
		{"/CLAUDE Machines", "machines", ""},
		{"/claude disconnect  my laptop ", "disconnect", "my laptop"},
		{"  /claude   help  me ", "help", "me"},
		{"disconnect x", "disconnect", "x"},
	}
	for _, tc := range tests {
		sub, rest := Parse(tc.in)
		if sub != tc.sub || rest != tc.rest {
			t.Errorf("Parse(%q) = %q, %q; want %q, %q", tc.in, sub, rest, tc.sub, tc.rest)
		}
	}
}

func TestDefinitionAutocompletesEverySubcommand(t *testing.T) {
	d := Definition()
	if d.Trigger != "claude" || !d.AutoComplete {
		t.Fatalf("definition = %+v", d)
	}
	var subs []string
	for _, c := range d.AutocompleteData.SubCommands {
		subs = append(subs, c.Trigger)
	}
	if got := strings.Join(subs, ","); got != "new,sessions,status,connect,machines,share,unshare,disconnect,help" {
		t.Fatalf("subcommands = %s", got)
	}
	if err := d.AutocompleteData.IsValid(); err != nil {
		t.Fatalf("autocomplete data invalid: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"/claude", "/claude connect", "/claude disconnect a b", "", "   ", "/claude\u00a0x", "/claude \xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sub, rest := Parse(s)
		if sub == "" {
			t.Fatalf("Parse(%q) gave an empty subcommand", s)
		}
		if strings.TrimSpace(rest) != rest {
			t.Fatalf("Parse(%q) rest %q is not trimmed", s, rest)
		}
	})
}
