// Package config is the plugin's System Console configuration: the typed
// settings (plugin.json settings_schema), how they are read from the plugin
// config map with defaults and validation, and the hidden testing overrides
// (IdleTimeoutSecondsForTesting, ApprovalTimeoutSecondsForTesting) that are
// read from the same map but are not in the schema.
package config

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/claude-mattermost/claude-mattermost/server/redact"
)

// Pairing policies (PairingPolicy).
const (
	PairingEveryone = "everyone"
	PairingAdmins   = "admins"
	PairingListed   = "listed"
)

// Defaults, as in plugin.json.
const (
	DefaultMaxSessionsPerUser     = 5
	DefaultApprovalTimeoutMinutes = 30
	DefaultIdleTimeoutMinutes     = 120
)

// Keys are the settings in plugin.json's settings_schema (the hidden
// testing settings are not among them).
var Keys = []string{
	"PairingPolicy", "PairingUsers", "AllowedTeams", "AllowedChannels", "MaxSessionsPerUser",
	"ApprovalTimeoutMinutes", "IdleTimeoutMinutes", "AllowApproveAll", "RedactSecrets",
}

// Config is the plugin configuration after defaults and validation.
type Config struct {
	PairingPolicy          string
	PairingUsers           []string // lower-case usernames without '@'
	AllowedTeams           []string // lower-case team names; empty = all
	AllowedChannels        []string // lower-case "channel" or "team/channel"; empty = all
	MaxSessionsPerUser     int      // 0 = no limit
	ApprovalTimeoutMinutes int      // 0 = never
	IdleTimeoutMinutes     int      // 0 = never
	AllowApproveAll        bool
	RedactSecrets          bool

	// Hidden settings for end-to-end tests; they override the minutes when > 0.
	IdleTimeoutSecondsForTesting     int
	ApprovalTimeoutSecondsForTesting int
}

// Default is the configuration with every setting at its default.
func Default() Config {
	return Config{
		PairingPolicy:          PairingEveryone,
		MaxSessionsPerUser:     DefaultMaxSessionsPerUser,
		ApprovalTimeoutMinutes: DefaultApprovalTimeoutMinutes,
		IdleTimeoutMinutes:     DefaultIdleTimeoutMinutes,
		AllowApproveAll:        true,
		RedactSecrets:          true,
	}
}

// IdleTimeout is how long a session may be idle before it ends (0 = never).
func (c Config) IdleTimeout() time.Duration {
	if c.IdleTimeoutSecondsForTesting > 0 {
		return time.Duration(c.IdleTimeoutSecondsForTesting) * time.Second
	}
	return time.Duration(c.IdleTimeoutMinutes) * time.Minute
}

// ApprovalTimeout is how long an approval may stay pending (0 = never).
func (c Config) ApprovalTimeout() time.Duration {
	if c.ApprovalTimeoutSecondsForTesting > 0 {
		return time.Duration(c.ApprovalTimeoutSecondsForTesting) * time.Second
	}
	return time.Duration(c.ApprovalTimeoutMinutes) * time.Minute
}

// MayPair tells whether a user may pair machines under the pairing policy.
func (c Config) MayPair(username string, isSystemAdmin bool) bool {
	switch c.PairingPolicy {
	case PairingAdmins:
		return isSystemAdmin
	case PairingListed:
		return slices.Contains(c.PairingUsers, strings.ToLower(username))
	default:
		return true
	}
}

// ChannelAllowed tells whether @claude may be used in the channel named
// channelName of the team named teamName ("" for group messages).
func (c Config) ChannelAllowed(teamName, channelName string) bool {
	team, channel := strings.ToLower(teamName), strings.ToLower(channelName)
	if len(c.AllowedTeams) > 0 && !slices.Contains(c.AllowedTeams, team) {
		return false
	}
	if len(c.AllowedChannels) > 0 {
		return slices.Contains(c.AllowedChannels, channel) ||
			team != "" && slices.Contains(c.AllowedChannels, team+"/"+channel)
	}
	return true
}

// Problem is a setting that could not be used as given.
type Problem struct {
	Key   string
	Value any
	Msg   string // what was expected and what is used instead
}

func (p Problem) String() string { return fmt.Sprintf("%s=%v: %s", p.Key, p.Value, p.Msg) }

// Parse reads the plugin config map (as LoadPluginConfiguration gives it;
// Mattermost may lower-case the keys, and numbers may arrive as strings).
// Every invalid setting falls back to its default and is reported.
func Parse(raw map[string]any) (Config, []Problem) {
	c := Default()
	var problems []Problem
	get := func(key string) (any, bool) {
		for k, v := range raw {
			if strings.EqualFold(k, key) && v != nil {
				return v, true
			}
		}
		return nil, false
	}
	number := func(key string, dst *int, def int, maxV int) {
		v, ok := get(key)
		if !ok {
			return
		}
		if s, isStr := v.(string); isStr && strings.TrimSpace(s) == "" {
			return
		}
		n, ok := toInt(v)
		if !ok || n < 0 || n > maxV {
			problems = append(problems, Problem{key, v, fmt.Sprintf("expected a whole number from 0 to %d; using %d", maxV, def)})
			*dst = def
			return
		}
		*dst = n
	}
	boolean := func(key string, dst *bool, def bool) {
		v, ok := get(key)
		if !ok {
			return
		}
		b, ok := toBool(v)
		if !ok {
			problems = append(problems, Problem{key, v, fmt.Sprintf("expected true or false; using %v", def)})
			*dst = def
			return
		}
		*dst = b
	}
	list := func(key string, dst *[]string, valid func(string) bool) {
		v, ok := get(key)
		if !ok {
			return
		}
		s, isStr := v.(string)
		if !isStr {
			problems = append(problems, Problem{key, v, "expected comma-separated names; ignoring it"})
			return
		}
		for _, item := range strings.Split(s, ",") {
			item = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(item), "@"))
			if item == "" {
				continue
			}
			if !valid(item) {
				problems = append(problems, Problem{key, item, "not a valid name; skipping it"})
				continue
			}
			if !slices.Contains(*dst, item) {
				*dst = append(*dst, item)
			}
		}
	}

	if v, ok := get("PairingPolicy"); ok {
		s, _ := v.(string)
		switch p := strings.ToLower(strings.TrimSpace(s)); p {
		case PairingEveryone, PairingAdmins, PairingListed:
			c.PairingPolicy = p
		case "":
		default:
			problems = append(problems, Problem{"PairingPolicy", v, `expected "everyone", "admins" or "listed"; using "admins" (fail closed)`})
			c.PairingPolicy = PairingAdmins
		}
	}
	list("PairingUsers", &c.PairingUsers, validName)
	list("AllowedTeams", &c.AllowedTeams, validName)
	list("AllowedChannels", &c.AllowedChannels, func(s string) bool {
		team, ch, found := strings.Cut(s, "/")
		if !found {
			return validName(s)
		}
		return validName(team) && validName(ch)
	})
	const week = 7 * 24 * 60
	number("MaxSessionsPerUser", &c.MaxSessionsPerUser, DefaultMaxSessionsPerUser, 1000)
	number("ApprovalTimeoutMinutes", &c.ApprovalTimeoutMinutes, DefaultApprovalTimeoutMinutes, week)
	number("IdleTimeoutMinutes", &c.IdleTimeoutMinutes, DefaultIdleTimeoutMinutes, 4*week)
	boolean("AllowApproveAll", &c.AllowApproveAll, true)
	boolean("RedactSecrets", &c.RedactSecrets, true)
	number("IdleTimeoutSecondsForTesting", &c.IdleTimeoutSecondsForTesting, 0, 24*3600)
	number("ApprovalTimeoutSecondsForTesting", &c.ApprovalTimeoutSecondsForTesting, 0, 24*3600)
	if c.PairingPolicy == PairingListed && len(c.PairingUsers) == 0 {
		problems = append(problems, Problem{"PairingUsers", "", `PairingPolicy is "listed" but no users are listed: nobody can pair machines`})
	}
	return c, problems
}

// validName accepts Mattermost user, team and channel names.
func validName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

func toInt(v any) (int, bool) {
	switch n := v.(type) {
	case float64:
		if n != math.Trunc(n) || math.IsInf(n, 0) || n > math.MaxInt32 || n < math.MinInt32 {
			return 0, false
		}
		return int(n), true
	case int:
		return n, true
	case int64:
		return int(n), true
	case string:
		i, err := strconv.Atoi(strings.TrimSpace(n))
		return i, err == nil
	}
	return 0, false
}

func toBool(v any) (bool, bool) {
	switch b := v.(type) {
	case bool:
		return b, true
	case string:
		r, err := strconv.ParseBool(strings.TrimSpace(b))
		return r, err == nil
	}
	return false, false
}

// Store holds the current configuration; safe for concurrent use. The
// zero value holds Default().
type Store struct {
	v atomic.Pointer[Config]
}

// NewStore returns a store holding c.
func NewStore(c Config) *Store {
	s := &Store{}
	s.Set(c)
	return s
}

// Get returns the current configuration.
func (s *Store) Get() Config {
	if s == nil {
		return Default()
	}
	if c := s.v.Load(); c != nil {
		return *c
	}
	return Default()
}

// Set replaces the configuration.
func (s *Store) Set(c Config) { s.v.Store(&c) }

// Redact applies secret redaction to text when RedactSecrets is on.
func (s *Store) Redact(text string) string {
	if !s.Get().RedactSecrets {
		return text
	}
	return redact.String(text)
}
