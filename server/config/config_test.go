package config

import (
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		raw     map[string]any
		check   func(c Config) bool
		problem string // a reported problem mentions this ("" = none)
	}{
		{"missing settings take the defaults", nil, func(c Config) bool {
			return c.PairingPolicy == "everyone" && c.MaxSessionsPerUser == 5 && c.ApprovalTimeout() == 30*time.Minute &&
				c.IdleTimeout() == 2*time.Hour && c.AllowApproveAll && c.RedactSecrets
		}, ""},
		{"keys are read in any case (Mattermost lower-cases them)", map[string]any{"maxsessionsperuser": 2.0, "allowapproveall": false}, func(c Config) bool {
			return c.MaxSessionsPerUser == 2 && !c.AllowApproveAll
		}, ""},
		{"numbers may arrive as strings", map[string]any{"IdleTimeoutMinutes": " 15 "}, func(c Config) bool { return c.IdleTimeoutMinutes == 15 }, ""},
		{"booleans may arrive as strings", map[string]any{"RedactSecrets": "false"}, func(c Config) bool { return !c.RedactSecrets }, ""},
		{"a negative number falls back to the default", map[string]any{"MaxSessionsPerUser": -1.0}, func(c Config) bool { return c.MaxSessionsPerUser == 5 }, "MaxSessionsPerUser"},
		{"a fraction is refused", map[string]any{"ApprovalTimeoutMinutes": 1.5}, func(c Config) bool { return c.ApprovalTimeoutMinutes == 30 }, "whole number"},
		{"garbage in a bool falls back to the default", map[string]any{"AllowApproveAll": "maybe"}, func(c Config) bool { return c.AllowApproveAll }, "true or false"},
		{"an unknown pairing policy fails closed to admins", map[string]any{"PairingPolicy": "anyone"}, func(c Config) bool { return c.PairingPolicy == "admins" }, "fail closed"},
		{"listed policy without users is reported", map[string]any{"PairingPolicy": "listed"}, func(c Config) bool { return c.PairingPolicy == "listed" }, "nobody can pair"},
		{"lists are trimmed, lower-cased, @ dropped, deduplicated", map[string]any{"PairingUsers": " @Alice, bob ,,alice"}, func(c Config) bool {
			return strings.Join(c.PairingUsers, ",") == "alice,bob"
		}, ""},
		{"team/channel entries are accepted", map[string]any{"AllowedChannels": "eng/dev, town-square"}, func(c Config) bool {
			return strings.Join(c.AllowedChannels, ",") == "eng/dev,town-square"
		}, ""},
		{"an invalid name is skipped and reported", map[string]any{"AllowedTeams": "eng, bad name"}, func(c Config) bool {
			return strings.Join(c.AllowedTeams, ",") == "eng"
		}, "bad name"},
		{"hidden idle seconds override the minutes", map[string]any{"IdleTimeoutMinutes": 10.0, "IdleTimeoutSecondsForTesting": 3.0}, func(c Config) bool {
			return c.IdleTimeout() == 3*time.Second
		}, ""},
		{"hidden approval seconds override the minutes", map[string]any{"approvaltimeoutsecondsfortesting": "2"}, func(c Config) bool {
			return c.ApprovalTimeout() == 2*time.Second
		}, ""},
		{"zero hidden seconds do not override", map[string]any{"IdleTimeoutSecondsForTesting": 0.0, "IdleTimeoutMinutes": 0.0}, func(c Config) bool {
			return c.IdleTimeout() == 0
		}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, problems := Parse(tc.raw)
			if !tc.check(c) {
				t.Errorf("config = %+v", c)
			}
			var all []string
			for _, p := range problems {
				all = append(all, p.String())
			}
			joined := strings.Join(all, "; ")
			if tc.problem == "" && len(problems) > 0 {
				t.Errorf("unexpected problems: %s", joined)
			}
			if tc.problem != "" && !strings.Contains(joined, tc.problem) {
				t.Errorf("problems %q do not mention %q", joined, tc.problem)
			}
		})
	}
}

func TestPolicies(t *testing.T) {
	c := Default()
	if !c.MayPair("anyone", false) {
		t.Error("everyone policy refused a user")
	}
	c.PairingPolicy = PairingAdmins
	if c.MayPair("alice", false) || !c.MayPair("root", true) {
		t.Error("admins policy")
	}
	c.PairingPolicy = PairingListed
	c.PairingUsers = []string{"alice"}
	if !c.MayPair("Alice", false) || c.MayPair("bob", true) {
		t.Error("listed policy")
	}

	c = Default()
	if !c.ChannelAllowed("eng", "dev") {
		t.Error("empty lists allow everything")
	}
	c.AllowedTeams = []string{"eng"}
	if c.ChannelAllowed("sales", "dev") || !c.ChannelAllowed("ENG", "dev") {
		t.Error("allowed teams")
	}
	c.AllowedChannels = []string{"eng/dev", "ops"}
	if !c.ChannelAllowed("eng", "dev") || !c.ChannelAllowed("eng", "ops") || c.ChannelAllowed("eng", "random") {
		t.Error("allowed channels")
	}
	if c.ChannelAllowed("", "dev") {
		t.Error("a group message has no team and is outside the allowed teams")
	}
}

func TestStoreRedactsOnlyWhenOn(t *testing.T) {
	s := NewStore(Default())
	if got := s.Redact("PASSWORD=hunter22"); got != "PASSWORD=[redacted]" {
		t.Errorf("on: %q", got)
	}
	c := Default()
	c.RedactSecrets = false
	s.Set(c)
	if got := s.Redact("PASSWORD=hunter22"); got != "PASSWORD=hunter22" {
		t.Errorf("off: %q", got)
	}
	var nilStore *Store
	if nilStore.Get().MaxSessionsPerUser != 5 {
		t.Error("nil store gives defaults")
	}
}
