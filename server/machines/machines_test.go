package machines

import (
	"errors"
	"testing"
	"time"

	"github.com/claude-mattermost/claude-mattermost/server/clock"
	"github.com/claude-mattermost/claude-mattermost/server/kvstore"
)

func newService() (*Service, *clock.Fake) {
	c := clock.NewFake(time.Unix(1_700_000_000, 0))
	return New(kvstore.NewMemory(c.Now), c), c
}

func pairAs(t *testing.T, s *Service, userID, name string) (string, *Machine) {
	t.Helper()
	code, _, err := s.NewPairingCode(userID)
	if err != nil {
		t.Fatal(err)
	}
	tok, m, err := s.Pair(PairRequest{Code: code, Name: name})
	if err != nil {
		t.Fatal(err)
	}
	return tok, m
}

func TestNormalizeCode(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ABCD-EFGH", "ABCDEFGH"},
		{"abcd efgh", "ABCDEFGH"},
		{"ABCD-EFG", ""},
		{"ABCD-EFG0", ""}, // 0 is not in the alphabet
		{"ABCD-EFGHJ", ""},
		{"", ""},
	}
	for _, tc := range tests {
		if got := NormalizeCode(tc.in); got != tc.want {
			t.Errorf("NormalizeCode(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestFindAndRevoke(t *testing.T) {
	tests := []struct {
		name    string
		lookup  string
		wantErr error
	}{
		{"by id", "<id>", nil},
		{"by name, any case", "LAPTOP", nil},
		{"unknown name", "desk", ErrNotFound},
		{"duplicate names need the id", "twin", ErrAmbiguous},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := newService()
			tok, m := pairAs(t, s, "alice", "laptop")
			pairAs(t, s, "alice", "twin")
			pairAs(t, s, "alice", "twin")
			lookup := tc.lookup
			if lookup == "<id>" {
				lookup = m.ID
			}
			_, err := s.Revoke("alice", lookup)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("Revoke(%q) = %v, want %v", lookup, err, tc.wantErr)
			}
			if tc.wantErr == nil {
				if _, err := s.Authenticate(tok); !errors.Is(err, ErrInvalidToken) {
					t.Fatalf("revoked token still authenticates: %v", err)
				}
				if list, _ := s.ListForUser("alice"); len(list) != 2 {
					t.Fatalf("%d machines left", len(list))
				}
			}
		})
	}
}

func TestTouchIsThrottled(t *testing.T) {
	s, c := newService()
	_, m := pairAs(t, s, "alice", "laptop")
	m, _ = s.Touch(m, "")
	first := m.LastSeen
	c.Advance(5 * time.Second)
	m, _ = s.Touch(m, "")
	if m.LastSeen != first {
		t.Fatal("touched again within the throttle window")
	}
	c.Advance(15 * time.Second)
	m, _ = s.Touch(m, "")
	if m.LastSeen == first {
		t.Fatal("not touched after the throttle window")
	}
	if !m.Online(c.Now()) || m.Online(c.Now().Add(OnlineWindow)) {
		t.Fatal("online window wrong")
	}
}

func TestAuthenticateRejectsMalformedTokens(t *testing.T) {
	s, _ := newService()
	for _, tok := range []string{"", "cmt_", "Bearer x", "cmt_" + string(make([]byte, 200))} {
		if _, err := s.Authenticate(tok); !errors.Is(err, ErrInvalidToken) {
			t.Errorf("Authenticate(%q) = %v", tok, err)
		}
	}
}
