// Package sessions owns Claude Code sessions: the record in the KV store,
// the header card that is the session's thread root, starting a session
// from an @claude mention, and turning participants' thread replies into
// events for the agent.
package sessions

import (
	"errors"
	"fmt"
	"slices"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/claude-mattermost/claude-mattermost/server/cards"
	"github.com/claude-mattermost/claude-mattermost/server/clock"
	"github.com/claude-mattermost/claude-mattermost/server/inbox"
	"github.com/claude-mattermost/claude-mattermost/server/kvstore"
	"github.com/claude-mattermost/claude-mattermost/server/machines"
	"github.com/claude-mattermost/claude-mattermost/server/mmapi"
)

// Statuses a session goes through (reported by the agent).
const (
	StatusStarting = "starting"
	StatusWorking  = "working"
	StatusWaiting  = "waiting"
	StatusIdle     = "idle"
	StatusEnded    = "ended"
	StatusError    = "error"
)

// ValidStatus tells whether s is a status the agent may report.
func ValidStatus(s string) bool {
	switch s {
	case StatusStarting, StatusWorking, StatusWaiting, StatusIdle, StatusEnded, StatusError:
		return true
	}
	return false
}

// ErrNotFound is returned for an unknown session.
var ErrNotFound = errors.New("no such session")

// Participant is a user who may talk to and decide for a session.
type Participant struct {
	ID       string `json:"id"`
	Username string `json:"username"`
}

// Session is the stored session record.
type Session struct {
	ID              string        `json:"id"`
	OwnerID         string        `json:"owner_id"`
	OwnerUsername   string        `json:"owner_username"`
	Participants    []Participant `json:"participants"`
	MachineID       string        `json:"machine_id"`
	MachineName     string        `json:"machine_name"`
	ChannelID       string        `json:"channel_id"`
	RootID          string        `json:"root_id"` // the header card, the thread root
	Prompt          string        `json:"prompt"`
	Cwd             string        `json:"cwd"`
	Status          string        `json:"status"`
	Model           string        `json:"model"`
	ClaudeSessionID string        `json:"claude_session_id"`
	CostUSD         float64       `json:"cost_usd"`
	InputTokens     int64         `json:"input_tokens"`
	OutputTokens    int64         `json:"output_tokens"`
	Error           string        `json:"error"`
	CreatedAt       int64         `json:"created_at"`
	UpdatedAt       int64         `json:"updated_at"`
}

// IsParticipant tells whether userID may talk to and decide for the session.
// In this version the participants are the starter only.
func (s *Session) IsParticipant(userID string) bool {
	return slices.ContainsFunc(s.Participants, func(p Participant) bool { return p.ID == userID })
}

// Card is the header card for the session.
func (s *Session) Card() cards.SessionCard {
	names := make([]string, 0, len(s.Participants))
	for _, p := range s.Participants {
		names = append(names, p.Username)
	}
	return cards.SessionCard{
		Prompt: s.Prompt,
		Props: cards.SessionProps{
			ID:              s.ID,
			Status:          s.Status,
			MachineName:     s.MachineName,
			Cwd:             s.Cwd,
			OwnerUsername:   s.OwnerUsername,
			Participants:    names,
			Model:           s.Model,
			CostUSD:         s.CostUSD,
			ClaudeSessionID: s.ClaudeSessionID,
			InputTokens:     s.InputTokens,
			OutputTokens:    s.OutputTokens,
			Error:           s.Error,
		},
	}
}

// Service manages sessions.
type Service struct {
	kv       kvstore.Store
	api      mmapi.API
	clock    clock.Clock
	machines *machines.Service
	inbox    *inbox.Service
	botID    string
	botName  string
	log      mmapi.Logger
}

// Config wires a Service.
type Config struct {
	KV          kvstore.Store
	API         mmapi.API
	Clock       clock.Clock
	Machines    *machines.Service
	Inbox       *inbox.Service
	BotUserID   string
	BotUsername string
}

// New returns the session service.
func New(c Config) *Service {
	return &Service{
		kv: c.KV, api: c.API, clock: c.Clock, machines: c.Machines, inbox: c.Inbox,
		botID: c.BotUserID, botName: c.BotUsername, log: mmapi.NewLogger(c.API).With("component", "sessions"),
	}
}

func sessionKey(id string) string    { return "session/" + id }
func threadKey(rootID string) string { return "session_thread/" + rootID }

// Get loads a session.
func (s *Service) Get(id string) (*Session, error) {
	var sess Session
	found, err := kvstore.GetJSON(s.kv, sessionKey(id), &sess)
	if err != nil {
		return nil, fmt.Errorf("load session %s: %w", id, err)
	}
	if !found {
		return nil, ErrNotFound
	}
	return &sess, nil
}

// ByThread finds the session whose thread root is rootID.
func (s *Service) ByThread(rootID string) (*Session, error) {
	id, err := s.kv.Get(threadKey(rootID))
	if err != nil {
		return nil, fmt.Errorf("load session of thread %s: %w", rootID, err)
	}
	if id == nil {
		return nil, ErrNotFound
	}
	return s.Get(string(id))
}

// StatusUpdate is what the agent reports; nil fields are left unchanged.
type StatusUpdate struct {
	Status          string
	ClaudeSessionID *string
	Cwd             *string
	Model           *string
	Error           *string
	CostUSD         *float64
	InputTokens     *int64
	OutputTokens    *int64
}

// ApplyStatus records a status report and refreshes the header card (a
// card that cannot be updated, e.g. deleted by a user, is only logged).
func (s *Service) ApplyStatus(id string, u StatusUpdate) (*Session, error) {
	now := s.clock.Now().UnixMilli()
	sess, err := kvstore.Update(s.kv, sessionKey(id), 0, func(cur *Session) (*Session, error) {
		if cur == nil {
			return nil, ErrNotFound
		}
		cur.Status = u.Status
		set(&cur.ClaudeSessionID, u.ClaudeSessionID)
		set(&cur.Cwd, u.Cwd)
		set(&cur.Model, u.Model)
		set(&cur.Error, u.Error)
		set(&cur.CostUSD, u.CostUSD)
		set(&cur.InputTokens, u.InputTokens)
		set(&cur.OutputTokens, u.OutputTokens)
		if u.Status != StatusError && u.Error == nil {
			cur.Error = ""
		}
		cur.UpdatedAt = now
		return cur, nil
	})
	if err != nil {
		return nil, fmt.Errorf("update session %s: %w", id, err)
	}
	if err := s.refreshHeader(sess); err != nil {
		s.log.Warn("Session updated but not its header card", "session_id", id, "err", err)
	}
	return sess, nil
}

func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

func (s *Service) refreshHeader(sess *Session) error {
	post, appErr := s.api.GetPost(sess.RootID)
	if appErr != nil {
		return fmt.Errorf("load header card %s: %w", sess.RootID, appErr)
	}
	cards.ApplySession(post, sess.Card())
	if _, appErr := s.api.UpdatePost(post); appErr != nil {
		return fmt.Errorf("update header card %s: %w", sess.RootID, appErr)
	}
	return nil
}

// Start creates a session for user on machine: the header card as a new
// root post in channelID, the record, and the start event for the agent.
func (s *Service) Start(user *model.User, m *machines.Machine, channelID, prompt, cwd string) (*Session, error) {
	now := s.clock.Now().UnixMilli()
	sess := &Session{
		ID:            model.NewId(),
		OwnerID:       user.Id,
		OwnerUsername: user.Username,
		Participants:  []Participant{{ID: user.Id, Username: user.Username}},
		MachineID:     m.ID,
		MachineName:   m.Name,
		ChannelID:     channelID,
		Prompt:        prompt,
		Cwd:           cwd,
		Status:        StatusStarting,
		CreatedAt:     now,
		UpdatedAt:     now,
	}
	post, appErr := s.api.CreatePost(cards.NewSessionPost(s.botID, channelID, sess.Card()))
	if appErr != nil {
		return nil, fmt.Errorf("create header card: %w", appErr)
	}
	sess.RootID = post.Id
	if err := kvstore.SetJSON(s.kv, sessionKey(sess.ID), sess, 0); err != nil {
		return nil, fmt.Errorf("store session: %w", err)
	}
	if err := s.kv.Set(threadKey(sess.RootID), []byte(sess.ID), 0); err != nil {
		return nil, fmt.Errorf("index session thread: %w", err)
	}
	_, err := s.inbox.Enqueue(m.ID, inbox.TypeStart, sess.ID, inbox.StartPayload{
		Prompt:    prompt,
		Cwd:       cwd,
		User:      inbox.UserRef{ID: user.Id, Username: user.Username},
		ChannelID: channelID,
		RootID:    sess.RootID,
	})
	if err != nil {
		return nil, fmt.Errorf("queue start of session %s: %w", sess.ID, err)
	}
	return sess, nil
}
