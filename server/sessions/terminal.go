package sessions

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/claude-mattermost/claude-mattermost/server/cards"
	"github.com/claude-mattermost/claude-mattermost/server/machines"
)

// Sessions the agent opens (POST /agent/sessions): one mirrored from
// Claude Code running in the owner's terminal, or one started from the
// command line (`claude-mattermost new`), and what people do with a
// terminal session from its thread: away, back, continue here.

// Errors of opening and of the terminal controls.
var (
	ErrOtherMachine  = errors.New("this Claude session is mirrored from another machine")
	ErrOpening       = errors.New("another request is opening this session; try again")
	ErrNotInTerminal = errors.New("the session does not run in a terminal")
	ErrNotOwner      = errors.New("only the session's owner can do that")
)

// LimitError: the owner is at MaxSessionsPerUser; Msg says so.
type LimitError struct{ Msg string }

func (e *LimitError) Error() string { return e.Msg }

// OpenSpec is a session the agent asks for.
type OpenSpec struct {
	User    *model.User
	Machine *machines.Machine
	Origin  string // cards.OriginTerminal or cards.OriginCLI
	// ClaudeSessionID (terminal) names the conversation: opening it again
	// on the same machine gives the same session.
	ClaudeSessionID string
	// IdempotencyKey (cli) makes a retried request give the same session.
	IdempotencyKey string
	// Channel is where a new thread goes (checked by the caller); the bot
	// is made a member of it.
	Channel        *model.Channel
	Cwd            string
	Branch         string
	Model          string
	PermissionMode string
	Prompt         string
	Title          string
}

// openClaim is stored before a session is made, so two requests (on two
// cluster nodes) cannot both make it: the one that creates the claim key
// makes the session, the other waits for it. For a terminal session the
// claim is also the index from Claude session id to session.
type openClaim struct {
	SessionID string `json:"session_id"`
	MachineID string `json:"machine_id"`
	ClaimedAt int64  `json:"claimed_at"` // unix ms
}

func claudeSessionKey(claudeSessionID string) string { return "claude_session/" + claudeSessionID }
func openKey(machineID, key string) string           { return "session_open/" + machineID + "/" + key }

// How long a claim whose session does not exist yet is waited for, and
// after how long (its maker having died) it is taken over.
const (
	openWait     = 20 * time.Second
	openPoll     = 20 * time.Millisecond
	claimStale   = time.Minute
	openClaimTTL = 24 * time.Hour
)

// Open returns the session the agent asks for, making it if needed; it
// reports whether the session existed. A terminal session that exists
// (the same Claude session id on the same machine) continues: it runs in
// the terminal again and, if it had ended, is live again.
func (s *Service) Open(spec OpenSpec) (*Session, bool, error) {
	key, ttl := openKey(spec.Machine.ID, spec.IdempotencyKey), openClaimTTL
	if spec.Origin == cards.OriginTerminal {
		key, ttl = claudeSessionKey(spec.ClaudeSessionID), 0
	}
	deadline := time.Now().Add(openWait)
	for {
		raw, err := s.kv.Get(key)
		if err != nil {
			return nil, false, fmt.Errorf("load %s: %w", key, err)
		}
		if raw != nil {
			var claim openClaim
			if err := json.Unmarshal(raw, &claim); err != nil {
				return nil, false, fmt.Errorf("decode %s: %w", key, err)
			}
			if claim.MachineID != spec.Machine.ID {
				return nil, false, ErrOtherMachine
			}
			sess, err := s.Get(claim.SessionID)
			switch {
			case err == nil && spec.Origin == cards.OriginTerminal:
				sess, err = s.reopenInTerminal(sess.ID, spec)
				return sess, true, err
			case err == nil:
				return sess, true, nil
			case !errors.Is(err, ErrNotFound):
				return nil, false, err
			case s.clock.Now().Sub(time.UnixMilli(claim.ClaimedAt)) < claimStale:
				// Another request is making it now.
				if time.Now().After(deadline) {
					return nil, false, ErrOpening
				}
				time.Sleep(openPoll)
				continue
			}
			// A claim its maker left behind: take it over.
		}
		claim := openClaim{SessionID: model.NewId(), MachineID: spec.Machine.ID, ClaimedAt: s.clock.Now().UnixMilli()}
		mine, err := json.Marshal(claim)
		if err != nil {
			return nil, false, err
		}
		ok, err := s.kv.CompareAndSet(key, raw, mine, ttl)
		if err != nil {
			return nil, false, fmt.Errorf("claim %s: %w", key, err)
		}
		if !ok {
			continue // someone else claimed it first: read their claim
		}
		sess, err := s.create(spec, claim.SessionID)
		if err != nil {
			if _, derr := s.kv.CompareAndDelete(key, mine); derr != nil {
				s.log.Warn("Cannot drop the claim of a session that was not made", "key", key, "err", derr)
			}
			return nil, false, err
		}
		return sess, false, nil
	}
}

func (s *Service) create(spec OpenSpec, id string) (*Session, error) {
	runsIn := ""
	if spec.Origin == cards.OriginTerminal {
		runsIn = cards.RunsInTerminal
	} else {
		refusal, err := s.LimitReached(spec.User.Id)
		if err != nil {
			return nil, err
		}
		if refusal != "" {
			return nil, &LimitError{Msg: refusal}
		}
	}
	s.ensureBotMember(spec.Channel)
	return s.Start(StartSpec{
		ID: id, User: spec.User, Machine: spec.Machine, ChannelID: spec.Channel.Id,
		Prompt: spec.Prompt, Cwd: spec.Cwd, Branch: spec.Branch, Origin: spec.Origin, RunsIn: runsIn,
		Title: spec.Title, Model: spec.Model, PermissionMode: spec.PermissionMode, ClaudeSessionID: spec.ClaudeSessionID,
	})
}

// reopenInTerminal continues a session in the terminal: the conversation
// runs there again (a take-back, or a terminal resume of a mirrored
// conversation), an ended session is live again, and what the terminal
// reports of its directory, branch and model is shown.
func (s *Service) reopenInTerminal(id string, spec OpenSpec) (*Session, error) {
	now := s.clock.Now().UnixMilli()
	wasEnded, changed := false, false
	sess, err := s.update(id, func(cur *Session) error {
		before, _ := json.Marshal(cur)
		wasEnded = cur.Ended()
		if wasEnded {
			cur.Status = StatusIdle
			cur.EndedReason = ""
			cur.Error = ""
			cur.LastActivity = now
			cur.IdleWarnedAt = 0
		}
		cur.RunsIn = cards.RunsInTerminal
		cur.Away = false // the owner is at the terminal
		setNonEmpty(&cur.Cwd, spec.Cwd)
		setNonEmpty(&cur.Branch, spec.Branch)
		setNonEmpty(&cur.Model, spec.Model)
		setNonEmpty(&cur.PermissionMode, spec.PermissionMode)
		after, _ := json.Marshal(cur)
		changed = string(before) != string(after)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if wasEnded {
		if err := s.setLive(id, true); err != nil {
			return nil, err
		}
		s.Refresh(cards.RefreshSessions, sess.OwnerID)
	}
	if changed {
		s.RefreshHeader(sess, true)
	}
	return sess, nil
}

func setNonEmpty(dst *string, v string) {
	if v != "" {
		*dst = v
	}
}

// indexClaudeSession records which session holds a Claude session id, so
// that the conversation opened again in a terminal (`claude --resume`)
// continues the same thread. The first session to hold an id keeps it.
func (s *Service) indexClaudeSession(sess *Session) {
	if sess.ClaudeSessionID == "" {
		return
	}
	claim, err := json.Marshal(openClaim{SessionID: sess.ID, MachineID: sess.MachineID, ClaimedAt: s.clock.Now().UnixMilli()})
	if err != nil {
		return
	}
	if _, err := s.kv.CompareAndSet(claudeSessionKey(sess.ClaudeSessionID), nil, claim, 0); err != nil {
		s.log.Warn("Cannot index a Claude session id", "session_id", sess.ID, "err", err)
	}
}

// leaveTerminal records that the conversation no longer runs in a
// terminal (the agent resumed it, or reported so).
func leaveTerminal(cur *Session) {
	if cur.RunsIn == cards.RunsInTerminal {
		cur.RunsIn = cards.RunsInAgent
	}
	cur.Away = false
}

// countTowardLimit is how many of the user's sessions count against
// MaxSessionsPerUser: those not ended that the agent runs (a conversation
// running in a terminal runs there whatever the plugin says).
func (s *Service) countTowardLimit(userID string) (int, error) {
	list, err := s.ListForUser(userID)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, sess := range list {
		if !sess.Ended() && !sess.InTerminal() {
			n++
		}
	}
	return n, nil
}

// ensureBotMember makes the bot a member of a channel it is about to post
// in (EnsureBotMember). A failure is logged: the bot's posts still go through.
func (s *Service) ensureBotMember(ch *model.Channel) {
	if err := s.EnsureBotMember(ch); err != nil {
		s.log.Warn("Cannot make the bot a member of a channel", "channel_id", ch.Id, "err", err)
	}
}

// EnsureBotMember makes the bot a member of an open or private channel it
// is about to post in (of its team first, as Mattermost requires): the bot
// follows the threads it starts, and Mattermost logs an error ("Missing
// profile") for every reply in a thread followed by someone outside the
// channel. Direct and group messages are left as they are.
func (s *Service) EnsureBotMember(ch *model.Channel) error {
	if ch.Type != model.ChannelTypeOpen && ch.Type != model.ChannelTypePrivate {
		return nil
	}
	if _, appErr := s.api.GetChannelMember(ch.Id, s.botID); appErr == nil {
		return nil
	}
	if _, appErr := s.api.GetTeamMember(ch.TeamId, s.botID); appErr != nil {
		if _, appErr := s.api.CreateTeamMember(ch.TeamId, s.botID); appErr != nil {
			return fmt.Errorf("add the bot to team %s: %w", ch.TeamId, appErr)
		}
	}
	if _, appErr := s.api.AddChannelMember(ch.Id, s.botID); appErr != nil {
		return fmt.Errorf("add the bot to channel %s: %w", ch.Id, appErr)
	}
	return nil
}

// SetAway marks the owner away from the terminal (or back), tells the
// agent with a `command` event "away" / "back" and says so in the thread;
// participants may. It reports false when the session already was so.
func (s *Service) SetAway(sess *Session, by *model.User, away bool) (bool, error) {
	if err := s.checkTerminalControl(sess, by); err != nil {
		return false, err
	}
	changed := false
	updated, err := s.update(sess.ID, func(cur *Session) error {
		changed = cur.Away != away
		cur.Away = away
		return nil
	})
	if err != nil || !changed {
		return false, err
	}
	name := "back"
	if away {
		name = "away"
	}
	if err := s.SendCommand(updated, name, "", by); err != nil {
		return false, err
	}
	s.RefreshHeader(updated, true)
	s.announce(updated, cards.AwayReply(by.Username, away))
	return true, nil
}

// Handover is Continue here: the owner asks the agent to end the
// terminal's hold and resume the conversation itself (a `command` event
// "handover"), and the thread says so. It counts against the owner's
// session limit, as a resume does.
func (s *Service) Handover(sess *Session, by *model.User) error {
	if err := s.checkTerminalControl(sess, by); err != nil {
		return err
	}
	if by.Id != sess.OwnerID {
		return ErrNotOwner
	}
	refusal, err := s.LimitReached(sess.OwnerID)
	if err != nil {
		return err
	}
	if refusal != "" {
		return &LimitError{Msg: refusal}
	}
	if err := s.SendCommand(sess, "handover", "", by); err != nil {
		return err
	}
	s.announce(sess, cards.HandoverReply(by.Username))
	return nil
}

// announce posts what a terminal control did in the thread, for everyone.
func (s *Service) announce(sess *Session, text string) {
	if _, err := s.Reply(sess, text); err != nil {
		s.log.Warn("Cannot announce a terminal control", "session_id", sess.ID, "err", err)
	}
}

func (s *Service) checkTerminalControl(sess *Session, by *model.User) error {
	switch {
	case !sess.IsParticipant(by.Id):
		return ErrNotParticipant
	case sess.Ended():
		return ErrEnded
	case !sess.InTerminal():
		return ErrNotInTerminal
	}
	return nil
}

// ControlRefusal is what someone is told when Away, Back or Continue here
// is refused for a reason of its own ("" for other errors).
func ControlRefusal(err error) string {
	var limit *LimitError
	switch {
	case errors.Is(err, ErrNotInTerminal):
		return "This session does not run in a terminal now: away, back and continue here apply while it does."
	case errors.Is(err, ErrNotOwner):
		return "Only the person who started this session can continue it here."
	case errors.As(err, &limit):
		return limit.Msg
	}
	return ""
}

// BotName is the bot's username.
func (s *Service) BotName() string { return s.botName }

// NotePrompt keeps the first prompt typed in the terminal as the
// session's prompt, which the header quotes.
func (s *Service) NotePrompt(sess *Session, text string) {
	text = cards.Truncate(strings.TrimSpace(text), maxStoredPromptRunes)
	if sess.Prompt != "" || text == "" {
		return
	}
	updated, err := s.update(sess.ID, func(cur *Session) error {
		if cur.Prompt == "" {
			cur.Prompt = text
		}
		return nil
	})
	if err != nil {
		s.log.Warn("Cannot record a session's first prompt", "session_id", sess.ID, "err", err)
		return
	}
	s.RefreshHeader(updated, false)
}

// maxStoredPromptRunes bounds a prompt kept from the terminal (the header
// quotes less).
const maxStoredPromptRunes = 4000

// AttentionEvery is the least time between two mentions of the owner for
// the same reason in one session.
const AttentionEvery = 5 * time.Minute

func attentionKey(sessionID, reason string) string { return "attention/" + sessionID + "/" + reason }

// Attention mentions the owner in the thread, so their phone buzzes, at
// most once per reason per AttentionEvery (on any node). It returns the
// reply's id, or "" when a mention for that reason was made recently.
func (s *Service) Attention(sess *Session, reason, text string) (string, error) {
	key := attentionKey(sess.ID, reason)
	mark := []byte(fmt.Sprint(s.clock.Now().UnixMilli()))
	ok, err := s.kv.CompareAndSet(key, nil, mark, AttentionEvery)
	if err != nil {
		return "", fmt.Errorf("throttle attention %s: %w", key, err)
	}
	if !ok {
		return "", nil
	}
	postID, err := s.Reply(sess, cards.AttentionMessage(sess.OwnerUsername, reason, text))
	if err != nil {
		if _, derr := s.kv.CompareAndDelete(key, mark); derr != nil {
			s.log.Warn("Cannot release an attention mark", "key", key, "err", derr)
		}
		return "", err
	}
	return postID, nil
}
