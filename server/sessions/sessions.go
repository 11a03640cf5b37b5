// Package sessions owns Claude Code sessions: the record in the KV store,
// the header card, the session's life (start, resume, stop, interrupt,
// idle), its participants, and the events it queues for the agent. Posts
// reach it through the threads package; thread commands through
// threadcommands.
package sessions

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/claude-mattermost/claude-mattermost/server/cards"
	"github.com/claude-mattermost/claude-mattermost/server/clock"
	"github.com/claude-mattermost/claude-mattermost/server/config"
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

// Why a session ended (props.claude_session.ended_reason).
const (
	EndedStopped = "stopped" // !stop, the Stop button or route
	EndedIdle    = "idle"    // the idle timeout
	EndedError   = "error"
	EndedExited  = "exited" // the agent reported the end on its own
)

// Permission modes as the Claude Agent SDK names them.
const (
	ModeDefault     = "default"
	ModeAcceptEdits = "acceptEdits"
	ModePlan        = "plan"
	ModeBypass      = "bypassPermissions"
)

// ValidStatus tells whether s is a status the agent may report.
func ValidStatus(s string) bool {
	switch s {
	case StatusStarting, StatusWorking, StatusWaiting, StatusIdle, StatusEnded, StatusError:
		return true
	}
	return false
}

// ValidPermissionMode tells whether m is an SDK permission mode.
func ValidPermissionMode(m string) bool {
	switch m {
	case ModeDefault, ModeAcceptEdits, ModePlan, ModeBypass:
		return true
	}
	return false
}

// Errors callers turn into replies.
var (
	ErrNotFound       = errors.New("no such session")
	ErrNotParticipant = errors.New("only the session's participants can do that")
	ErrEnded          = errors.New("the session has ended")
)

// Participant is a user who may talk to and decide for a session.
type Participant struct {
	ID       string `json:"id"`
	Username string `json:"username"`
}

// Session is the stored session record.
type Session struct {
	ID            string        `json:"id"`
	OwnerID       string        `json:"owner_id"`
	OwnerUsername string        `json:"owner_username"`
	Participants  []Participant `json:"participants"` // owner first
	MachineID     string        `json:"machine_id"`
	MachineName   string        `json:"machine_name"`
	ChannelID     string        `json:"channel_id"`
	// RootID is the thread root: the header card, or the user's post when
	// the session lives in an existing thread (then HeaderID is the card).
	RootID          string  `json:"root_id"`
	HeaderID        string  `json:"header_id,omitempty"`
	Prompt          string  `json:"prompt"`
	Cwd             string  `json:"cwd"`
	Branch          string  `json:"branch"`
	Status          string  `json:"status"`
	EndedReason     string  `json:"ended_reason,omitempty"`
	EndedBy         string  `json:"ended_by,omitempty"` // username of who stopped it`
	PermissionMode  string  `json:"permission_mode"`
	Model           string  `json:"model"`
	ClaudeSessionID string  `json:"claude_session_id"`
	CostUSD         float64 `json:"cost_usd"`
	InputTokens     int64   `json:"input_tokens"`
	OutputTokens    int64   `json:"output_tokens"`
	ContextTokens   int64   `json:"context_tokens"`
	ContextWindow   int64   `json:"context_window"`
	Error           string  `json:"error"`
	CreatedAt       int64   `json:"created_at"`
	UpdatedAt       int64   `json:"updated_at"`
	LastActivity    int64   `json:"last_activity"`            // unix ms: message, output, decision
	IdleWarnedAt    int64   `json:"idle_warned_at,omitempty"` // the idle warning was posted (reset by activity)
	// PendingStops counts stop events the agent has not answered with an
	// `ended` report yet: such a report that comes after a resume belongs to
	// the stopped run, not to the resumed one.
	PendingStops int `json:"pending_stops,omitempty"`
	// TodoPostID is the session's todo panel, made on the first todo report.
	TodoPostID string `json:"todo_post_id,omitempty"`
	// Origin is "" for a session started in Mattermost, cards.OriginTerminal
	// or cards.OriginCLI for one the agent opened (terminal.go).
	Origin string `json:"origin,omitempty"`
	// RunsIn is cards.RunsInTerminal while the conversation runs in the
	// owner's terminal, else "" or cards.RunsInAgent.
	RunsIn string `json:"runs_in,omitempty"`
	// Away: the owner is away from the terminal; Claude waits for Mattermost.
	Away  bool   `json:"away,omitempty"`
	Title string `json:"title,omitempty"`
	// WaitingForMachine: started (or resumed) while its machine was
	// offline; the header says so until the agent reports. MachineLastSeen
	// is when the machine was last seen then (unix ms, 0 never).
	WaitingForMachine bool  `json:"waiting_for_machine,omitempty"`
	MachineLastSeen   int64 `json:"machine_last_seen,omitempty"`
}

// InTerminal tells whether the conversation runs in a terminal now.
func (s *Session) InTerminal() bool { return s.RunsIn == cards.RunsInTerminal }

// IsParticipant tells whether userID may talk to and decide for the session.
func (s *Session) IsParticipant(userID string) bool {
	return slices.ContainsFunc(s.Participants, func(p Participant) bool { return p.ID == userID })
}

// Ended tells whether the session has ended.
func (s *Session) Ended() bool { return s.Status == StatusEnded }

// HeaderPostID is the header card's post id.
func (s *Session) HeaderPostID() string {
	if s.HeaderID != "" {
		return s.HeaderID
	}
	return s.RootID
}

// ParticipantRefs lists the participants for event payloads.
func (s *Session) ParticipantRefs() []inbox.UserRef {
	out := make([]inbox.UserRef, 0, len(s.Participants))
	for _, p := range s.Participants {
		out = append(out, inbox.UserRef{ID: p.ID, Username: p.Username})
	}
	return out
}

// ParticipantNames lists the participants' usernames, owner first.
func (s *Session) ParticipantNames() []string {
	names := make([]string, 0, len(s.Participants))
	for _, p := range s.Participants {
		names = append(names, p.Username)
	}
	return names
}

// Card is the header card for the session; redact cleans free text.
func (s *Session) Card(redact func(string) string) cards.SessionCard {
	return cards.SessionCard{
		Props: cards.SessionProps{
			// Cut before redaction (a long prompt is redacted on every header
			// write), with room for a secret that straddles the cut.
			Prompt:            cards.Truncate(redact(cards.Truncate(s.Prompt, cards.MaxPromptRunes+2000)), cards.MaxPromptRunes),
			WaitingForMachine: s.WaitingForMachine,
			MachineLastSeen:   s.MachineLastSeen,
			ID:                s.ID,
			Status:            s.Status,
			MachineName:       s.MachineName,
			Cwd:               s.Cwd,
			OwnerUsername:     s.OwnerUsername,
			Participants:      s.ParticipantNames(),
			Model:             s.Model,
			CostUSD:           s.CostUSD,
			ClaudeSessionID:   s.ClaudeSessionID,
			InputTokens:       s.InputTokens,
			OutputTokens:      s.OutputTokens,
			Error:             redact(s.Error),
			Branch:            s.Branch,
			PermissionMode:    s.PermissionMode,
			OwnerID:           s.OwnerID,
			ContextTokens:     s.ContextTokens,
			ContextWindow:     s.ContextWindow,
			LastActivity:      s.LastActivity,
			EndedReason:       s.EndedReason,
			Origin:            s.Origin,
			RunsIn:            s.RunsIn,
			Away:              s.Away,
			Title:             redact(s.Title),
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
	settings *config.Store
	botID    string
	botName  string
	log      mmapi.Logger
	headers  headerThrottle
	onEnd    []func(sess *Session)

	onParticipants []func(sess *Session)
}

// OnEnd registers fn to run when a session ends (stopped, idle, or the
// agent reported it ended) or fails (status error): the cards still
// waiting for an answer in it close. Register before serving.
func (s *Service) OnEnd(fn func(sess *Session)) { s.onEnd = append(s.onEnd, fn) }

func (s *Service) ended(sess *Session) {
	for _, fn := range s.onEnd {
		fn(sess)
	}
}

// EndNote says why a card of sess closed unanswered: "Session ended
// (stopped by @alice) before this was answered."
func EndNote(sess *Session) string {
	why := sess.EndedReason
	switch {
	case sess.Status == StatusError:
		why = "error"
	case sess.EndedReason == EndedStopped && sess.EndedBy != "":
		why = "stopped by @" + sess.EndedBy
	case sess.EndedReason == EndedIdle:
		why = "idle timeout"
	case sess.EndedReason == EndedExited || why == "":
		why = "Claude Code exited"
	}
	return "Session ended (" + why + ") before this was answered."
}

// Config wires a Service.
type Config struct {
	KV          kvstore.Store
	API         mmapi.API
	Clock       clock.Clock
	Machines    *machines.Service
	Inbox       *inbox.Service
	Settings    *config.Store
	BotUserID   string
	BotUsername string
	// HeaderEvery is the least time between two header writes that do
	// not change the status (DefaultHeaderEvery when 0).
	HeaderEvery time.Duration
}

// New returns the session service.
func New(c Config) *Service {
	s := &Service{
		kv: c.KV, api: c.API, clock: c.Clock, machines: c.Machines, inbox: c.Inbox, settings: c.Settings,
		botID: c.BotUserID, botName: c.BotUsername, log: mmapi.NewLogger(c.API).With("component", "sessions"),
	}
	s.headers.init(c.HeaderEvery)
	return s
}

// Close stops pending header writes (deactivation).
func (s *Service) Close() { s.headers.close() }

// Redact cleans text the plugin is about to post (per RedactSecrets).
func (s *Service) Redact(text string) string { return s.settings.Redact(text) }

// Settings is the current plugin configuration.
func (s *Service) Settings() config.Config { return s.settings.Get() }

// BotID is the bot's user id.
func (s *Service) BotID() string { return s.botID }

func sessionKey(id string) string       { return "session/" + id }
func threadKey(rootID string) string    { return "session_thread/" + rootID }
func userSessionsKey(uid string) string { return "user_sessions/" + uid }

// liveKey indexes the sessions that have not ended, so the lifetime job
// reads one key instead of scanning the store.
const liveKey = "index/live_sessions"

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

// update changes the stored session with fn (which may run more than once).
func (s *Service) update(id string, fn func(cur *Session) error) (*Session, error) {
	return kvstore.Update(s.kv, sessionKey(id), 0, func(cur *Session) (*Session, error) {
		if cur == nil {
			return nil, ErrNotFound
		}
		if err := fn(cur); err != nil {
			return nil, err
		}
		cur.UpdatedAt = s.clock.Now().UnixMilli()
		return cur, nil
	})
}

// LiveIDs lists the sessions that have not ended.
func (s *Service) LiveIDs() ([]string, error) {
	var ids []string
	if _, err := kvstore.GetJSON(s.kv, liveKey, &ids); err != nil {
		return nil, fmt.Errorf("load live sessions: %w", err)
	}
	return ids, nil
}

func (s *Service) setLive(id string, live bool) error {
	if err := kvstore.SetListMember(s.kv, liveKey, id, live, 0); err != nil {
		return fmt.Errorf("index live session %s: %w", id, err)
	}
	return nil
}

// DropLive removes a stale entry (ended or deleted session) from the live index.
func (s *Service) DropLive(id string) {
	if err := s.setLive(id, false); err != nil {
		s.log.Warn("Cannot drop a session from the live index", "session_id", id, "err", err)
	}
}

// maxUserSessions bounds a user's session index: beyond it the oldest
// ended sessions are forgotten (their records stay).
const maxUserSessions = 50

func (s *Service) addUserSession(userID, id string) error {
	ids, err := s.userSessionIDs(userID)
	if err != nil {
		return err
	}
	var drop []string
	if len(ids) >= maxUserSessions {
		for _, old := range ids {
			if len(ids)-len(drop) < maxUserSessions {
				break
			}
			if sess, err := s.Get(old); err != nil || sess.Ended() {
				drop = append(drop, old)
			}
		}
	}
	_, err = kvstore.Update(s.kv, userSessionsKey(userID), 0, func(cur *[]string) (*[]string, error) {
		var list []string
		if cur != nil {
			list = slices.DeleteFunc(slices.Clone(*cur), func(x string) bool { return slices.Contains(drop, x) })
		}
		if slices.Contains(list, id) {
			return nil, nil
		}
		list = append(list, id)
		return &list, nil
	})
	if err != nil {
		return fmt.Errorf("index session of user %s: %w", userID, err)
	}
	return nil
}

func (s *Service) userSessionIDs(userID string) ([]string, error) {
	var ids []string
	if _, err := kvstore.GetJSON(s.kv, userSessionsKey(userID), &ids); err != nil {
		return nil, fmt.Errorf("load sessions of user %s: %w", userID, err)
	}
	return ids, nil
}

// ListForUser returns the sessions the user started, newest first.
func (s *Service) ListForUser(userID string) ([]*Session, error) {
	ids, err := s.userSessionIDs(userID)
	if err != nil {
		return nil, err
	}
	out := make([]*Session, 0, len(ids))
	for i := len(ids) - 1; i >= 0; i-- {
		sess, err := s.Get(ids[i])
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, sess)
	}
	return out, nil
}

// ActiveCount is how many of the user's sessions have not ended.
func (s *Service) ActiveCount(userID string) (int, error) {
	list, err := s.ListForUser(userID)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, sess := range list {
		if !sess.Ended() {
			n++
		}
	}
	return n, nil
}

// LimitReached returns the refusal to show when the user is at the
// MaxSessionsPerUser limit ("" when they may start one more).
func (s *Service) LimitReached(userID string) (string, error) {
	limit := s.Settings().MaxSessionsPerUser
	if limit <= 0 {
		return "", nil
	}
	n, err := s.countTowardLimit(userID)
	if err != nil {
		return "", err
	}
	if n < limit {
		return "", nil
	}
	return fmt.Sprintf("You have %d active Claude sessions (the limit is %d). End one with `!stop` in its thread "+
		"(see `/claude sessions`), then try again.", n, limit), nil
}

// Reply posts a plain bot reply in the session thread (redacted) and
// returns its id.
func (s *Service) Reply(sess *Session, text string) (string, error) {
	post, appErr := s.api.CreatePost(s.replyPost(sess, text))
	if appErr != nil {
		return "", fmt.Errorf("reply in session %s: %w", sess.ID, appErr)
	}
	return post.Id, nil
}

// Ephemeral shows text to one user in the session thread.
func (s *Service) Ephemeral(userID string, sess *Session, text string) {
	s.api.SendEphemeralPost(userID, s.replyPost(sess, text))
}

func (s *Service) replyPost(sess *Session, text string) *model.Post {
	text = strings.TrimSpace(s.Redact(text))
	if text == "" {
		text = "…"
	}
	return &model.Post{UserId: s.botID, ChannelId: sess.ChannelID, RootId: sess.RootID, Message: cards.Truncate(text, cards.MaxMessageRunes)}
}
