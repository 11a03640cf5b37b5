// Package machines owns paired machines: one-time pairing codes, agent
// tokens (only their sha256 is stored), listing and revoking.
package machines

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"sort"
	"strings"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/claude-mattermost/claude-mattermost/server/clock"
	"github.com/claude-mattermost/claude-mattermost/server/kvstore"
)

// Errors callers turn into responses.
var (
	ErrInvalidCode  = errors.New("pairing code is invalid or expired")
	ErrInvalidToken = errors.New("agent token is missing, unknown or revoked")
	ErrNotFound     = errors.New("no such machine")
	ErrAmbiguous    = errors.New("more than one machine has that name")
)

const (
	// CodeTTL is how long a pairing code stays valid.
	CodeTTL = 10 * time.Minute
	// CodeAlphabet has no look-alikes (no 0/O, 1/I/L).
	CodeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
	codeLen      = 8
	tokenPrefix  = "cmt_"
	// OnlineWindow: a machine seen this recently counts as online (agents
	// long-poll at most 30 s at a time).
	OnlineWindow = 75 * time.Second
	// touchEvery limits last_seen writes to one per machine per interval.
	touchEvery = 15 * time.Second
	maxNameLen = 64
)

// Machine is a paired machine.
type Machine struct {
	ID           string `json:"id"`
	UserID       string `json:"user_id"`
	Name         string `json:"name"`
	Hostname     string `json:"hostname"`
	AgentVersion string `json:"agent_version"`
	TokenHash    string `json:"token_hash"`
	PairedAt     int64  `json:"paired_at"` // unix ms
	LastSeen     int64  `json:"last_seen"` // unix ms
	// SharedWith lists the users (ids) the owner shared the machine with:
	// they may start sessions on it.
	SharedWith []string `json:"shared_with,omitempty"`
}

// Online tells whether the machine was seen within OnlineWindow of now.
func (m *Machine) Online(now time.Time) bool {
	return m.LastSeen > 0 && now.Sub(time.UnixMilli(m.LastSeen)) < OnlineWindow
}

type pairingCode struct {
	UserID    string `json:"user_id"`
	ExpiresAt int64  `json:"expires_at"` // unix ms
}

// Service keeps machines in the KV store.
type Service struct {
	kv    kvstore.Store
	clock clock.Clock
}

// New returns the machine service.
func New(kv kvstore.Store, c clock.Clock) *Service { return &Service{kv: kv, clock: c} }

func machineKey(id string) string       { return "machine/" + id }
func tokenKey(hash string) string       { return "token/" + hash }
func userMachinesKey(uid string) string { return "user_machines/" + uid }
func codeKey(code string) string        { return "pair_code/" + code }

// HashToken is the hex sha256 of an agent token.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// NormalizeCode upper-cases a code and drops dashes and spaces; it returns ""
// when what is left is not a well-formed code.
func NormalizeCode(code string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(code) {
		switch {
		case r == '-' || r == ' ':
		case strings.ContainsRune(CodeAlphabet, r):
			b.WriteRune(r)
		default:
			return ""
		}
	}
	if b.Len() != codeLen {
		return ""
	}
	return b.String()
}

// FormatCode shows a normalized code as XXXX-XXXX.
func FormatCode(code string) string {
	if len(code) != codeLen {
		return code
	}
	return code[:4] + "-" + code[4:]
}

// NewPairingCode makes a one-time code for userID, valid for CodeTTL. It
// returns the code as shown to the user (XXXX-XXXX) and when it expires.
func (s *Service) NewPairingCode(userID string) (string, time.Time, error) {
	var b strings.Builder
	for range codeLen {
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(CodeAlphabet))))
		if err != nil {
			return "", time.Time{}, fmt.Errorf("random code: %w", err)
		}
		b.WriteByte(CodeAlphabet[n.Int64()])
	}
	code := b.String()
	expires := s.clock.Now().Add(CodeTTL)
	rec := pairingCode{UserID: userID, ExpiresAt: expires.UnixMilli()}
	if err := kvstore.SetJSON(s.kv, codeKey(code), rec, CodeTTL); err != nil {
		return "", time.Time{}, fmt.Errorf("store pairing code: %w", err)
	}
	return FormatCode(code), expires, nil
}

// PairRequest is what the agent sends with a pairing code.
type PairRequest struct {
	Code         string
	Name         string
	Hostname     string
	AgentVersion string
}

// Pair spends a pairing code and creates the machine. It returns the token
// (shown once, never stored) and the machine.
func (s *Service) Pair(req PairRequest) (string, *Machine, error) {
	code := NormalizeCode(req.Code)
	if code == "" {
		return "", nil, ErrInvalidCode
	}
	raw, err := s.kv.Get(codeKey(code))
	if err != nil {
		return "", nil, fmt.Errorf("load pairing code: %w", err)
	}
	if raw == nil {
		return "", nil, ErrInvalidCode
	}
	// Spend the code first: of two concurrent requests only one deletes it.
	spent, err := s.kv.CompareAndDelete(codeKey(code), raw)
	if err != nil {
		return "", nil, fmt.Errorf("spend pairing code: %w", err)
	}
	if !spent {
		return "", nil, ErrInvalidCode
	}
	var rec pairingCode
	if err := json.Unmarshal(raw, &rec); err != nil {
		return "", nil, fmt.Errorf("decode pairing code: %w", err)
	}
	now := s.clock.Now()
	if now.UnixMilli() >= rec.ExpiresAt {
		return "", nil, ErrInvalidCode
	}

	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return "", nil, fmt.Errorf("random token: %w", err)
	}
	token := tokenPrefix + base64.RawURLEncoding.EncodeToString(secret)
	name := cleanName(req.Name)
	if name == "" {
		name = cleanName(req.Hostname)
	}
	if name == "" {
		name = "machine"
	}
	m := &Machine{
		ID:           model.NewId(),
		UserID:       rec.UserID,
		Name:         name,
		Hostname:     truncate(req.Hostname, 255),
		AgentVersion: truncate(req.AgentVersion, 64),
		TokenHash:    HashToken(token),
		PairedAt:     now.UnixMilli(),
	}
	if err := kvstore.SetJSON(s.kv, machineKey(m.ID), m, 0); err != nil {
		return "", nil, fmt.Errorf("store machine: %w", err)
	}
	if err := s.kv.Set(tokenKey(m.TokenHash), []byte(m.ID), 0); err != nil {
		return "", nil, fmt.Errorf("store token: %w", err)
	}
	if _, err := kvstore.Update(s.kv, userMachinesKey(m.UserID), 0, func(ids *[]string) (*[]string, error) {
		list := []string{}
		if ids != nil {
			list = append(list, *ids...)
		}
		list = append(list, m.ID)
		return &list, nil
	}); err != nil {
		return "", nil, fmt.Errorf("index machine: %w", err)
	}
	return token, m, nil
}

// Authenticate resolves an agent token to its machine.
func (s *Service) Authenticate(token string) (*Machine, error) {
	if !strings.HasPrefix(token, tokenPrefix) || len(token) > 128 {
		return nil, ErrInvalidToken
	}
	hash := HashToken(token)
	id, err := s.kv.Get(tokenKey(hash))
	if err != nil {
		return nil, fmt.Errorf("load token: %w", err)
	}
	if id == nil {
		return nil, ErrInvalidToken
	}
	m, err := s.Get(string(id))
	if errors.Is(err, ErrNotFound) {
		return nil, ErrInvalidToken
	}
	if err != nil {
		return nil, err
	}
	if m.TokenHash != hash {
		return nil, ErrInvalidToken
	}
	return m, nil
}

// Get loads a machine by id.
func (s *Service) Get(id string) (*Machine, error) {
	var m Machine
	found, err := kvstore.GetJSON(s.kv, machineKey(id), &m)
	if err != nil {
		return nil, fmt.Errorf("load machine %s: %w", id, err)
	}
	if !found {
		return nil, ErrNotFound
	}
	return &m, nil
}

// Touch records that the machine was just seen (at most one write per
// touchEvery), returning the machine as stored.
func (s *Service) Touch(m *Machine, agentVersion string) (*Machine, error) {
	now := s.clock.Now()
	if now.Sub(time.UnixMilli(m.LastSeen)) < touchEvery && (agentVersion == "" || agentVersion == m.AgentVersion) {
		return m, nil
	}
	updated, err := kvstore.Update(s.kv, machineKey(m.ID), 0, func(cur *Machine) (*Machine, error) {
		if cur == nil {
			return nil, ErrNotFound
		}
		cur.LastSeen = now.UnixMilli()
		if agentVersion != "" {
			cur.AgentVersion = truncate(agentVersion, 64)
		}
		return cur, nil
	})
	if err != nil {
		return nil, fmt.Errorf("touch machine %s: %w", m.ID, err)
	}
	return updated, nil
}

// ListForUser returns the user's machines, most recently seen first.
func (s *Service) ListForUser(userID string) ([]*Machine, error) {
	var ids []string
	if _, err := kvstore.GetJSON(s.kv, userMachinesKey(userID), &ids); err != nil {
		return nil, fmt.Errorf("load machine index: %w", err)
	}
	out := make([]*Machine, 0, len(ids))
	for _, id := range ids {
		m, err := s.Get(id)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	sort.SliceStable(out, func(i, j int) bool {
		return max(out[i].LastSeen, out[i].PairedAt) > max(out[j].LastSeen, out[j].PairedAt)
	})
	return out, nil
}

// Default is the user's most recently seen machine, or nil when there is none.
func (s *Service) Default(userID string) (*Machine, error) {
	list, err := s.ListForUser(userID)
	if err != nil || len(list) == 0 {
		return nil, err
	}
	return list[0], nil
}

// Find resolves a machine of userID by id or (case-insensitive) name.
func (s *Service) Find(userID, nameOrID string) (*Machine, error) {
	list, err := s.ListForUser(userID)
	if err != nil {
		return nil, err
	}
	var byName []*Machine
	for _, m := range list {
		if m.ID == nameOrID {
			return m, nil
		}
		if strings.EqualFold(m.Name, nameOrID) {
			byName = append(byName, m)
		}
	}
	switch len(byName) {
	case 0:
		return nil, ErrNotFound
	case 1:
		return byName[0], nil
	default:
		return nil, ErrAmbiguous
	}
}

// Revoke removes the user's machine named nameOrID: its token stops working
// on the next request, on every node.
func (s *Service) Revoke(userID, nameOrID string) (*Machine, error) {
	m, err := s.Find(userID, nameOrID)
	if err != nil {
		return nil, err
	}
	for _, uid := range m.SharedWith {
		if err := s.unindexShared(uid, m.ID); err != nil {
			return nil, err
		}
	}
	if err := s.kv.Delete(tokenKey(m.TokenHash)); err != nil {
		return nil, fmt.Errorf("revoke token: %w", err)
	}
	if err := s.kv.Delete(machineKey(m.ID)); err != nil {
		return nil, fmt.Errorf("delete machine: %w", err)
	}
	if _, err := kvstore.Update(s.kv, userMachinesKey(userID), 0, func(ids *[]string) (*[]string, error) {
		if ids == nil {
			return nil, nil
		}
		list := []string{}
		for _, id := range *ids {
			if id != m.ID {
				list = append(list, id)
			}
		}
		return &list, nil
	}); err != nil {
		return nil, fmt.Errorf("unindex machine: %w", err)
	}
	return m, nil
}

func cleanName(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == '`' || r == 0x7f {
			return -1
		}
		return r
	}, s)
	return truncate(s, maxNameLen)
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}
