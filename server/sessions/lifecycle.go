package sessions

import (
	"errors"
	"fmt"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/claude-mattermost/claude-mattermost/server/cards"
	"github.com/claude-mattermost/claude-mattermost/server/inbox"
	"github.com/claude-mattermost/claude-mattermost/server/kvstore"
	"github.com/claude-mattermost/claude-mattermost/server/machines"
)

// StartSpec is what a new session needs.
type StartSpec struct {
	User    *model.User
	Machine *machines.Machine
	// ChannelID is where the session lives; ThreadRootID is an existing
	// thread to live in ("" = the header card is a new root post).
	ChannelID    string
	ThreadRootID string
	Prompt       string
	Cwd          string
	Branch       string
	Context      string // earlier messages of the thread, for the start event only
	// Set when the agent opens the session (terminal.go): ID is claimed
	// beforehand; a session that runs in a terminal gets no start event.
	ID              string
	Origin          string
	RunsIn          string
	Title           string
	Model           string
	PermissionMode  string
	ClaudeSessionID string
}

// UserRef names u in event payloads.
func UserRef(u *model.User) inbox.UserRef { return inbox.UserRef{ID: u.Id, Username: u.Username} }

// Start creates a session: the header card, the record and its indexes,
// and the start event for the machine's agent.
func (s *Service) Start(spec StartSpec) (*Session, error) {
	now := s.clock.Now().UnixMilli()
	if spec.ID == "" {
		spec.ID = model.NewId()
	}
	if spec.PermissionMode == "" {
		spec.PermissionMode = ModeDefault
	}
	sess := &Session{
		ID:             spec.ID,
		OwnerID:        spec.User.Id,
		OwnerUsername:  spec.User.Username,
		Participants:   []Participant{{ID: spec.User.Id, Username: spec.User.Username}},
		MachineID:      spec.Machine.ID,
		MachineName:    spec.Machine.Name,
		ChannelID:      spec.ChannelID,
		Prompt:         spec.Prompt,
		Cwd:            spec.Cwd,
		Branch:         spec.Branch,
		Status:         StatusStarting,
		PermissionMode: spec.PermissionMode,
		CreatedAt:      now,
		UpdatedAt:      now,
		LastActivity:   now,

		Origin:          spec.Origin,
		RunsIn:          spec.RunsIn,
		Title:           spec.Title,
		Model:           spec.Model,
		ClaudeSessionID: spec.ClaudeSessionID,
	}
	if sess.InTerminal() {
		sess.Status = StatusIdle // Claude Code waits at its prompt until the agent reports more
	} else if !spec.Machine.Online(s.clock.Now()) {
		sess.WaitingForMachine, sess.MachineLastSeen = true, spec.Machine.LastSeen
	}
	post, appErr := s.api.CreatePost(cards.NewSessionPost(s.botID, spec.ChannelID, spec.ThreadRootID, sess.Card(s.Redact)))
	if appErr != nil {
		return nil, fmt.Errorf("create header card: %w", appErr)
	}
	sess.RootID = post.Id
	if spec.ThreadRootID != "" {
		sess.RootID = spec.ThreadRootID
		sess.HeaderID = post.Id
	}
	if err := kvstore.SetJSON(s.kv, sessionKey(sess.ID), sess, 0); err != nil {
		return nil, fmt.Errorf("store session: %w", err)
	}
	if err := s.kv.Set(threadKey(sess.RootID), []byte(sess.ID), 0); err != nil {
		return nil, fmt.Errorf("index session thread: %w", err)
	}
	if err := s.setLive(sess.ID, true); err != nil {
		return nil, err
	}
	if err := s.addUserSession(sess.OwnerID, sess.ID); err != nil {
		return nil, err
	}
	if !sess.InTerminal() {
		if _, err := s.inbox.Enqueue(sess.MachineID, inbox.TypeStart, sess.ID, s.startPayload(sess, spec.Prompt, spec.Context, "", UserRef(spec.User))); err != nil {
			return nil, fmt.Errorf("queue start of session %s: %w", sess.ID, err)
		}
	}
	s.Refresh(cards.RefreshSessions, sess.OwnerID)
	return sess, nil
}

func (s *Service) startPayload(sess *Session, prompt, context, resume string, by inbox.UserRef) inbox.StartPayload {
	mode := sess.PermissionMode
	if mode == ModeBypass && !s.Settings().AllowApproveAll {
		mode = ModeDefault // the admin turned "approve all" off since
	}
	if mode == "" {
		mode = ModeDefault
	}
	return inbox.StartPayload{
		Prompt:         prompt,
		Cwd:            sess.Cwd,
		User:           by,
		ChannelID:      sess.ChannelID,
		RootID:         sess.RootID,
		Branch:         sess.Branch,
		Context:        context,
		PermissionMode: mode,
		Model:          sess.Model,
		Resume:         resume,
		Participants:   sess.ParticipantRefs(),
		Machine:        inbox.MachineRef{ID: sess.MachineID, Name: sess.MachineName},
	}
}

// ErrMachineGone: the session's machine was unpaired, or is no longer
// shared with the session's owner.
var ErrMachineGone = errors.New("the session's machine is no longer available")

// ErrNotEnded: a resume raced with another one.
var errNotEnded = errors.New("session is not ended")

// Resume restarts an ended session with prompt: status starting, and a
// start event with resume = the stored Claude session id, same directory,
// branch and participants.
func (s *Service) Resume(sess *Session, by *model.User, prompt string) (*Session, error) {
	ok, err := s.machines.Accessible(sess.OwnerID, sess.MachineID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, ErrMachineGone
	}
	m, err := s.machines.Get(sess.MachineID)
	if err != nil {
		return nil, err
	}
	now := s.clock.Now().UnixMilli()
	offline := !m.Online(s.clock.Now())
	resumed, err := s.update(sess.ID, func(cur *Session) error {
		if !cur.Ended() {
			return errNotEnded
		}
		cur.WaitingForMachine, cur.MachineLastSeen = offline, 0
		if offline {
			cur.MachineLastSeen = m.LastSeen
		}
		cur.Status = StatusStarting
		cur.EndedReason = ""
		cur.EndedBy = ""
		cur.Error = ""
		cur.LastActivity = now
		cur.IdleWarnedAt = 0
		if cur.PermissionMode == ModeBypass && !s.Settings().AllowApproveAll {
			cur.PermissionMode = ModeDefault
		}
		leaveTerminal(cur) // the agent resumes it
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := s.setLive(sess.ID, true); err != nil {
		return nil, err
	}
	if _, err := s.inbox.Enqueue(resumed.MachineID, inbox.TypeStart, resumed.ID, s.startPayload(resumed, prompt, "", resumed.ClaudeSessionID, UserRef(by))); err != nil {
		return nil, fmt.Errorf("queue resume of session %s: %w", sess.ID, err)
	}
	s.RefreshHeader(resumed, true)
	s.Refresh(cards.RefreshSessions, resumed.OwnerID)
	return resumed, nil
}

// SendMessage passes a participant's (or an allowed guest's) text to
// Claude; in an ended session it resumes the session with it.
func (s *Service) SendMessage(sess *Session, user *model.User, text, postID string) (resumed bool, err error) {
	return s.SendMessageWithFiles(sess, user, text, postID, nil)
}

// SendMessageWithFiles is SendMessage for a reply with attachments: the
// message event lists them (a resume starts with the text alone; the files
// go in the message that follows it).
func (s *Service) SendMessageWithFiles(sess *Session, user *model.User, text, postID string, files []inbox.FileRef) (resumed bool, err error) {
	if sess.Ended() {
		prompt := text
		if prompt == "" {
			prompt = "(files attached; they follow in the next message)"
		}
		_, err := s.Resume(sess, user, prompt)
		if !errors.Is(err, errNotEnded) {
			if err != nil || len(files) == 0 {
				return err == nil, err
			}
			resumed, text = true, ""
		}
		// Else someone else resumed it first: it is live now.
	}
	if _, err := s.inbox.Enqueue(sess.MachineID, inbox.TypeMessage, sess.ID, inbox.MessagePayload{Text: text, User: UserRef(user), PostID: postID, Files: files}); err != nil {
		return false, fmt.Errorf("queue message for session %s: %w", sess.ID, err)
	}
	s.Touch(sess)
	return resumed, nil
}

// SendCommand queues a thread command for the agent.
func (s *Service) SendCommand(sess *Session, name, args string, by *model.User) error {
	if sess.Ended() {
		return ErrEnded
	}
	if _, err := s.inbox.Enqueue(sess.MachineID, inbox.TypeCommand, sess.ID, inbox.CommandPayload{Name: name, Args: args, By: UserRef(by)}); err != nil {
		return fmt.Errorf("queue %s command for session %s: %w", name, sess.ID, err)
	}
	s.Touch(sess)
	return nil
}

// Interrupt stops Claude's current turn; the session stays.
func (s *Service) Interrupt(sess *Session, by *model.User) error {
	return s.SendCommand(sess, "escape", "", by)
}

// Stop ends the session: status ended with reason, and a stop event for
// the agent. by is nil when the plugin itself stops it (idle timeout).
func (s *Service) Stop(sess *Session, by *model.User, reason string) (*Session, error) {
	stopped, err := s.update(sess.ID, func(cur *Session) error {
		if cur.Ended() {
			return ErrEnded
		}
		cur.Status = StatusEnded
		cur.EndedReason = reason
		cur.EndedBy = ""
		if by != nil {
			cur.EndedBy = by.Username
		}
		cur.PendingStops++
		return nil
	})
	if err != nil {
		return nil, err
	}
	ref := inbox.UserRef{}
	if by != nil {
		ref = UserRef(by)
	}
	var qerr error
	for range 3 {
		if _, qerr = s.inbox.Enqueue(stopped.MachineID, inbox.TypeStop, stopped.ID, inbox.StopPayload{By: ref}); qerr == nil {
			break
		}
	}
	if err := s.setLive(stopped.ID, false); err != nil {
		s.log.Warn("Session stopped but still indexed as live", "session_id", stopped.ID, "err", err)
	}
	s.ended(stopped)
	s.RefreshHeader(stopped, true)
	s.Refresh(cards.RefreshSessions, stopped.OwnerID)
	if qerr != nil {
		return stopped, fmt.Errorf("queue stop of session %s: %w", stopped.ID, qerr)
	}
	return stopped, nil
}

// activityEvery is how stale the stored last activity may get before a
// new activity is written: a small part of the idle timeout, so streaming
// output does not write the session record on every report.
func (s *Service) activityEvery() time.Duration {
	idle := s.Settings().IdleTimeout()
	if idle <= 0 {
		return time.Minute
	}
	return min(max(idle/20, 100*time.Millisecond), time.Minute)
}

// Touch records activity (a message, output, a decision) for the idle timeout.
func (s *Service) Touch(sess *Session) {
	now := s.clock.Now()
	if now.Sub(time.UnixMilli(sess.LastActivity)) < s.activityEvery() && sess.IdleWarnedAt == 0 {
		return
	}
	if _, err := s.update(sess.ID, func(cur *Session) error {
		cur.LastActivity = now.UnixMilli()
		cur.IdleWarnedAt = 0
		return nil
	}); err != nil {
		s.log.Warn("Cannot record session activity", "session_id", sess.ID, "err", err)
	}
}

// WarnIdle records that the idle warning is being posted; it reports
// false when the session had activity since lastActivity or was warned.
func (s *Service) WarnIdle(id string, lastActivity int64) (*Session, bool, error) {
	changed := false
	sess, err := s.update(id, func(cur *Session) error {
		changed = false
		if cur.Ended() || cur.LastActivity != lastActivity || cur.IdleWarnedAt != 0 {
			return nil
		}
		cur.IdleWarnedAt = s.clock.Now().UnixMilli()
		changed = true
		return nil
	})
	return sess, changed, err
}

// EndIdle ends a session that has been idle since lastActivity (no-op
// when there was activity since).
func (s *Service) EndIdle(id string, lastActivity int64) (*Session, bool, error) {
	sess, err := s.Get(id)
	if err != nil {
		return nil, false, err
	}
	if sess.Ended() || sess.LastActivity != lastActivity {
		return sess, false, nil
	}
	stopped, err := s.Stop(sess, nil, EndedIdle)
	if errors.Is(err, ErrEnded) {
		return sess, false, nil
	}
	return stopped, stopped != nil, err
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
	Branch          *string
	PermissionMode  *string
	ContextTokens   *int64
	ContextWindow   *int64
	RunsIn          *string
	Away            *bool
}

// ApplyStatus records a status report and refreshes the header card. A
// session the plugin ended stays ended until it is resumed from its
// thread: reports the agent made before it handled the stop only update
// the other fields, and the `ended` that answers a stop does not end the
// session again once it was resumed.
func (s *Service) ApplyStatus(id string, u StatusUpdate) (*Session, error) {
	if u.Error != nil { // the agent's words, kept in the record and shown on the header
		e := s.Redact(*u.Error)
		u.Error = &e
	}
	now := s.clock.Now().UnixMilli()
	var before, beforeIn, beforeClaude string
	var beforeAway, waited bool
	sess, err := s.update(id, func(cur *Session) error {
		before, beforeIn, beforeClaude, beforeAway, waited = cur.Status, cur.RunsIn, cur.ClaudeSessionID, cur.Away, cur.WaitingForMachine
		switch {
		case u.Status == StatusEnded && cur.PendingStops > 0:
			cur.PendingStops-- // the agent handled a stop we queued
		case !cur.Ended():
			cur.Status = u.Status
			if u.Status == StatusEnded && cur.EndedReason == "" {
				cur.EndedReason = EndedExited
			}
		}
		set(&cur.ClaudeSessionID, u.ClaudeSessionID)
		set(&cur.Cwd, u.Cwd)
		set(&cur.Model, u.Model)
		set(&cur.Error, u.Error)
		set(&cur.CostUSD, u.CostUSD)
		set(&cur.InputTokens, u.InputTokens)
		set(&cur.OutputTokens, u.OutputTokens)
		set(&cur.Branch, u.Branch)
		set(&cur.PermissionMode, u.PermissionMode)
		set(&cur.ContextTokens, u.ContextTokens)
		set(&cur.ContextWindow, u.ContextWindow)
		if u.RunsIn != nil && *u.RunsIn != cards.RunsInTerminal {
			leaveTerminal(cur)
		} else {
			set(&cur.RunsIn, u.RunsIn)
		}
		set(&cur.Away, u.Away)
		if u.Status != StatusError && u.Error == nil {
			cur.Error = ""
		}
		// The agent is here: whatever it reports, the session no longer waits for it.
		cur.WaitingForMachine, cur.MachineLastSeen = false, 0
		cur.LastActivity = now
		cur.IdleWarnedAt = 0
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("update session %s: %w", id, err)
	}
	if sess.Ended() && before != StatusEnded {
		if err := s.setLive(sess.ID, false); err != nil {
			s.log.Warn("Session ended but still indexed as live", "session_id", id, "err", err)
		}
	}
	if (sess.Ended() || sess.Status == StatusError) && sess.Status != before {
		s.ended(sess)
	}
	s.RefreshHeader(sess, sess.Status != before || sess.RunsIn != beforeIn || sess.Away != beforeAway || waited)
	if sess.Status != before {
		s.Refresh(cards.RefreshSessions, sess.OwnerID)
	}
	if sess.ClaudeSessionID != beforeClaude {
		s.indexClaudeSession(sess)
	}
	return sess, nil
}

func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// SetPermissionMode records the mode a participant asked for (the agent
// confirms it with a status report).
func (s *Service) SetPermissionMode(id, mode string) (*Session, error) {
	sess, err := s.update(id, func(cur *Session) error {
		cur.PermissionMode = mode
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.RefreshHeader(sess, true)
	return sess, nil
}

// SetTodoPost records the session's todo panel (the first one made wins).
func (s *Service) SetTodoPost(id, postID string) (*Session, error) {
	return s.update(id, func(cur *Session) error {
		if cur.TodoPostID == "" {
			cur.TodoPostID = postID
		}
		return nil
	})
}
