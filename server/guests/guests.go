// Package guests handles messages from people who are not participants of
// a session: instead of reaching Claude, each becomes a guest card in the
// thread that a participant answers with Allow once, Invite or Deny (the
// first decision wins, on any node).
package guests

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/claude-mattermost/claude-mattermost/server/cards"
	"github.com/claude-mattermost/claude-mattermost/server/clock"
	"github.com/claude-mattermost/claude-mattermost/server/kvstore"
	"github.com/claude-mattermost/claude-mattermost/server/mmapi"
	"github.com/claude-mattermost/claude-mattermost/server/sessions"
)

// Decisions.
const (
	Allow  = cards.ActionAllow
	Invite = cards.ActionInvite
	Deny   = cards.ActionDeny
)

// ValidDecision tells whether d is allow, invite or deny.
func ValidDecision(d string) bool { return d == Allow || d == Invite || d == Deny }

// Errors callers turn into responses.
var (
	ErrNotFound       = errors.New("no such guest message")
	ErrNotParticipant = errors.New("only the session's participants can decide")
	ErrAlreadyDecided = errors.New("this message has already been decided")
)

// Request is a stored guest message: the card's props and bookkeeping.
type Request struct {
	cards.GuestProps
	// Message is the guest's text as written (the card shows it redacted).
	Message      string `json:"message"`
	SourcePostID string `json:"source_post_id"`
	PostID       string `json:"post_id"`
	DecidedByID  string `json:"decided_by_id,omitempty"`
	CreatedAt    int64  `json:"created_at"`
}

// Service manages guest messages.
type Service struct {
	kv       kvstore.Store
	api      mmapi.API
	clock    clock.Clock
	sessions *sessions.Service
	botID    string
	log      mmapi.Logger
}

// New returns the guest service.
func New(kv kvstore.Store, api mmapi.API, c clock.Clock, s *sessions.Service, botID string) *Service {
	return &Service{kv: kv, api: api, clock: c, sessions: s, botID: botID, log: mmapi.NewLogger(api).With("component", "guests")}
}

func requestKey(sessionID, requestID string) string { return "guest/" + sessionID + "/" + requestID }

// pendingKey lists a session's guest requests still pending, so their cards
// can say who may decide when the participants change.
func pendingKey(sessionID string) string { return "guests_pending/" + sessionID }

func (s *Service) setPending(sessionID, requestID string, pending bool) error {
	if err := kvstore.SetListMember(s.kv, pendingKey(sessionID), requestID, pending, 0); err != nil {
		return fmt.Errorf("index pending guest request %s/%s: %w", sessionID, requestID, err)
	}
	return nil
}

// RefreshWaiting rewrites the pending guest cards of sess with who may
// decide now (the participants changed).
func (s *Service) RefreshWaiting(sess *sessions.Session) {
	var ids []string
	if _, err := kvstore.GetJSON(s.kv, pendingKey(sess.ID), &ids); err != nil {
		s.log.Warn("Cannot list the pending guest requests of a session", "session_id", sess.ID, "err", err)
		return
	}
	names := sess.ParticipantNames()
	for _, id := range ids {
		changed := false
		r, err := kvstore.Update(s.kv, requestKey(sess.ID, id), 0, func(cur *Request) (*Request, error) {
			if cur == nil || cur.Status != cards.GuestPending || slices.Equal(cur.WaitingFor, names) {
				return nil, nil
			}
			cur.WaitingFor, changed = names, true
			return cur, nil
		})
		if err != nil {
			s.log.Warn("Cannot update who a guest card waits for", "session_id", sess.ID, "request_id", id, "err", err)
			continue
		}
		if changed {
			if err := s.updateCard(r); err != nil && !errors.Is(err, errNoCard) {
				s.log.Warn("Cannot update a guest card", "session_id", sess.ID, "request_id", id, "err", err)
			}
		}
	}
}

// Get loads a guest request.
func (s *Service) Get(sessionID, requestID string) (*Request, error) {
	var r Request
	found, err := kvstore.GetJSON(s.kv, requestKey(sessionID, requestID), &r)
	if err != nil {
		return nil, fmt.Errorf("load guest request %s/%s: %w", sessionID, requestID, err)
	}
	if !found {
		return nil, ErrNotFound
	}
	return &r, nil
}

// maxGuestRunes bounds a guest message (a Mattermost post is shorter anyway).
const maxGuestRunes = cards.MaxMessageRunes

// Create records a non-participant's reply and posts its card.
func (s *Service) Create(sess *sessions.Session, guest *model.User, post *model.Post, text string) (*Request, error) {
	r := &Request{
		GuestProps: cards.GuestProps{
			SessionID:  sess.ID,
			RequestID:  model.NewId(),
			User:       cards.GuestUser{ID: guest.Id, Username: guest.Username},
			Text:       s.sessions.Redact(cards.Truncate(text, maxGuestRunes)),
			Status:     cards.GuestPending,
			WaitingFor: sess.ParticipantNames(),
		},
		Message:      cards.Truncate(text, maxGuestRunes),
		SourcePostID: post.Id,
		CreatedAt:    s.clock.Now().UnixMilli(),
	}
	key := requestKey(sess.ID, r.RequestID)
	if err := kvstore.SetJSON(s.kv, key, r, 0); err != nil {
		return nil, fmt.Errorf("store guest request: %w", err)
	}
	if err := s.setPending(sess.ID, r.RequestID, true); err != nil {
		return nil, err
	}
	created, appErr := s.api.CreatePost(cards.NewGuestPost(s.botID, sess.ChannelID, sess.RootID, r.GuestProps))
	if appErr != nil {
		return nil, fmt.Errorf("create guest card: %w", appErr)
	}
	r, err := kvstore.Update(s.kv, key, 0, func(cur *Request) (*Request, error) {
		if cur == nil {
			return nil, ErrNotFound
		}
		cur.PostID = created.Id
		return cur, nil
	})
	if err != nil {
		return nil, fmt.Errorf("link guest card %s: %w", created.Id, err)
	}
	if r.Status != cards.GuestPending {
		// Decided between the post and its link.
		if err := s.updateCard(r); err != nil {
			s.log.Warn("Guest decision recorded but the new card was not updated", "session_id", sess.ID, "request_id", r.RequestID, "err", err)
		}
	}
	return r, nil
}

// Decide records a participant's decision if the request is pending (first
// decision wins), then lets the message through (allow), makes the guest a
// participant and lets it through (invite), or drops it (deny), and
// updates the card. With ErrAlreadyDecided it also returns the request.
func (s *Service) Decide(sess *sessions.Session, requestID, decision string, by *model.User) (*Request, error) {
	if !ValidDecision(decision) {
		return nil, fmt.Errorf("unknown decision %q", decision)
	}
	if !sess.IsParticipant(by.Id) {
		return nil, ErrNotParticipant
	}
	key := requestKey(sess.ID, requestID)
	var decided *Request
	for attempt := 0; decided == nil; attempt++ {
		if attempt == 20 {
			return nil, fmt.Errorf("decide %s: %w", key, kvstore.ErrConflict)
		}
		raw, err := s.kv.Get(key)
		if err != nil {
			return nil, fmt.Errorf("load guest request: %w", err)
		}
		if raw == nil {
			return nil, ErrNotFound
		}
		var r Request
		if err := json.Unmarshal(raw, &r); err != nil {
			return nil, fmt.Errorf("decode guest request %s: %w", key, err)
		}
		if r.Status != cards.GuestPending {
			return &r, ErrAlreadyDecided
		}
		r.Status = map[string]string{Allow: cards.GuestAllowed, Invite: cards.GuestInvited, Deny: cards.GuestDenied}[decision]
		r.DecidedBy = by.Username
		r.DecidedByID = by.Id
		r.DecidedAt = s.clock.Now().UnixMilli()
		next, err := json.Marshal(&r)
		if err != nil {
			return nil, fmt.Errorf("encode guest request: %w", err)
		}
		ok, err := s.kv.CompareAndSet(key, raw, next, 0)
		if err != nil {
			return nil, fmt.Errorf("record guest decision: %w", err)
		}
		if ok {
			decided = &r
		} else if attempt > 1 {
			time.Sleep(time.Duration(attempt) * time.Millisecond)
		}
	}

	if err := s.setPending(sess.ID, requestID, false); err != nil {
		s.log.Warn("Guest request decided but still indexed as pending", "session_id", sess.ID, "request_id", requestID, "err", err)
	}
	var effect error
	guest := &model.User{Id: decided.User.ID, Username: decided.User.Username}
	switch decision {
	case Invite:
		updated, _, err := s.sessions.AddParticipants(sess.ID, []*model.User{guest})
		if err != nil {
			effect = fmt.Errorf("invite guest: %w", err)
			break
		}
		sess = updated
		fallthrough
	case Allow:
		if _, err := s.sessions.SendMessage(sess, guest, decided.Message, decided.SourcePostID); err != nil {
			effect = fmt.Errorf("pass guest message on: %w", err)
		}
	}
	if err := s.updateCard(decided); err != nil && !errors.Is(err, errNoCard) {
		s.log.Warn("Guest decision recorded but the card was not updated", "session_id", sess.ID, "request_id", requestID, "err", err)
	}
	return decided, effect
}

// errNoCard: the request's card is not linked to its record yet (the
// request that links it updates it).
var errNoCard = errors.New("guest request has no card yet")

func (s *Service) updateCard(r *Request) error {
	if r.PostID == "" {
		return errNoCard
	}
	post, appErr := s.api.GetPost(r.PostID)
	if appErr != nil {
		return fmt.Errorf("load guest card %s: %w", r.PostID, appErr)
	}
	cards.ApplyGuest(post, r.GuestProps)
	if _, appErr := s.api.UpdatePost(post); appErr != nil {
		return fmt.Errorf("update guest card %s: %w", r.PostID, appErr)
	}
	return nil
}

// CardMatches tells whether post is the bot's guest card for
// sessionID/requestID: what a button click must point at.
func (s *Service) CardMatches(post *model.Post, sessionID, requestID string) bool {
	if post == nil || post.UserId != s.botID || post.Type != string(cards.PostTypeGuest) {
		return false
	}
	var p cards.GuestProps
	if !cards.ReadProp(post.GetProps(), cards.PropGuest, &p) {
		return false
	}
	return p.SessionID == sessionID && p.RequestID == requestID
}
