// Package approvals owns tool approval requests: the record (one per
// session and request id), its card, and the decision, recorded with
// compare-and-set so the first decision wins on any node.
package approvals

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/claude-mattermost/claude-mattermost/server/cards"
	"github.com/claude-mattermost/claude-mattermost/server/clock"
	"github.com/claude-mattermost/claude-mattermost/server/inbox"
	"github.com/claude-mattermost/claude-mattermost/server/kvstore"
	"github.com/claude-mattermost/claude-mattermost/server/mmapi"
	"github.com/claude-mattermost/claude-mattermost/server/sessions"
)

// Errors callers turn into responses.
var (
	ErrNotFound       = errors.New("no such approval request")
	ErrNotParticipant = errors.New("only the session's participants can decide")
	ErrAlreadyDecided = errors.New("this request has already been decided")
	ErrTooLarge       = errors.New("tool input is too large for an approval card")
)

// Decisions.
const (
	Approve = "approve"
	Deny    = "deny"
)

// Approval is the stored approval: the card's props plus bookkeeping.
type Approval struct {
	cards.ApprovalProps
	PostID      string `json:"post_id"`
	DecidedByID string `json:"decided_by_id,omitempty"`
	CreatedAt   int64  `json:"created_at"`
}

// Request is what the agent asks for.
type Request struct {
	RequestID   string
	ToolName    string
	Input       json.RawMessage
	Cwd         string
	Description string
}

// Service manages approvals.
type Service struct {
	kv    kvstore.Store
	api   mmapi.API
	clock clock.Clock
	inbox *inbox.Service
	botID string
	log   mmapi.Logger
}

// New returns the approval service.
func New(kv kvstore.Store, api mmapi.API, c clock.Clock, ib *inbox.Service, botID string) *Service {
	return &Service{kv: kv, api: api, clock: c, inbox: ib, botID: botID, log: mmapi.NewLogger(api).With("component", "approvals")}
}

func approvalKey(sessionID, requestID string) string {
	return "approval/" + sessionID + "/" + requestID
}

// Get loads an approval.
func (s *Service) Get(sessionID, requestID string) (*Approval, error) {
	var a Approval
	found, err := kvstore.GetJSON(s.kv, approvalKey(sessionID, requestID), &a)
	if err != nil {
		return nil, fmt.Errorf("load approval %s/%s: %w", sessionID, requestID, err)
	}
	if !found {
		return nil, ErrNotFound
	}
	return &a, nil
}

// Create records the request and posts its card in the session thread. A
// second call with the same request id returns the existing approval and
// posts nothing (it finishes a first call that stopped before posting).
func (s *Service) Create(sess *sessions.Session, req Request) (*Approval, error) {
	cwd := req.Cwd
	if cwd == "" {
		cwd = sess.Cwd
	}
	fresh := &Approval{
		ApprovalProps: cards.ApprovalProps{
			SessionID:   sess.ID,
			RequestID:   req.RequestID,
			ToolName:    req.ToolName,
			Input:       req.Input,
			Cwd:         cwd,
			Description: req.Description,
			Status:      cards.ApprovalPending,
		},
		CreatedAt: s.clock.Now().UnixMilli(),
	}
	// Check the card can be built before anything is stored.
	if _, err := cards.NewApprovalPost(s.botID, sess.ChannelID, sess.RootID, fresh.ApprovalProps); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrTooLarge, err)
	}
	key := approvalKey(sess.ID, req.RequestID)
	a, err := kvstore.Update(s.kv, key, 0, func(cur *Approval) (*Approval, error) {
		if cur != nil {
			return nil, nil // keep the first request
		}
		return fresh, nil
	})
	if err != nil {
		return nil, fmt.Errorf("store approval: %w", err)
	}
	if a.PostID != "" {
		return a, nil
	}
	post, err := cards.NewApprovalPost(s.botID, sess.ChannelID, sess.RootID, a.ApprovalProps)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrTooLarge, err)
	}
	created, appErr := s.api.CreatePost(post)
	if appErr != nil {
		return nil, fmt.Errorf("create approval card: %w", appErr)
	}
	a, err = kvstore.Update(s.kv, key, 0, func(cur *Approval) (*Approval, error) {
		if cur == nil {
			return nil, ErrNotFound
		}
		cur.PostID = created.Id
		return cur, nil
	})
	if err != nil {
		return nil, fmt.Errorf("link approval card %s: %w", created.Id, err)
	}
	return a, nil
}

// Decision is a participant's answer.
type Decision struct {
	Decision string // Approve or Deny
	By       *model.User
	Reason   string
}

// Decide records the decision if the request is still pending (first
// decision wins), queues it for the agent, and updates the card for
// everyone. With ErrAlreadyDecided it also returns the approval as decided.
func (s *Service) Decide(sess *sessions.Session, requestID string, d Decision) (*Approval, error) {
	if d.Decision != Approve && d.Decision != Deny {
		return nil, fmt.Errorf("unknown decision %q", d.Decision)
	}
	if !sess.IsParticipant(d.By.Id) {
		return nil, ErrNotParticipant
	}
	key := approvalKey(sess.ID, requestID)
	var decided *Approval
	for attempt := 0; decided == nil; attempt++ {
		if attempt == 20 {
			return nil, fmt.Errorf("decide %s: %w", key, kvstore.ErrConflict)
		}
		raw, err := s.kv.Get(key)
		if err != nil {
			return nil, fmt.Errorf("load approval: %w", err)
		}
		if raw == nil {
			return nil, ErrNotFound
		}
		var a Approval
		if err := json.Unmarshal(raw, &a); err != nil {
			return nil, fmt.Errorf("decode approval %s: %w", key, err)
		}
		if a.Status != cards.ApprovalPending {
			return &a, ErrAlreadyDecided
		}
		a.Status = cards.ApprovalApproved
		if d.Decision == Deny {
			a.Status = cards.ApprovalDenied
		}
		a.DecidedBy = d.By.Username
		a.DecidedByID = d.By.Id
		a.DecidedAt = s.clock.Now().UnixMilli()
		a.Reason = d.Reason
		next, err := json.Marshal(&a)
		if err != nil {
			return nil, fmt.Errorf("encode approval: %w", err)
		}
		ok, err := s.kv.CompareAndSet(key, raw, next, 0)
		if err != nil {
			return nil, fmt.Errorf("record decision: %w", err)
		}
		if ok {
			decided = &a
		} else if attempt > 1 {
			time.Sleep(time.Duration(attempt) * time.Millisecond)
		}
	}

	// The decision is recorded; now tell the agent. A failure here is
	// logged and returned, and the agent fails closed when it times out.
	payload := inbox.DecisionPayload{
		RequestID: requestID,
		Decision:  d.Decision,
		By:        inbox.UserRef{ID: d.By.Id, Username: d.By.Username},
		Reason:    d.Reason,
	}
	var qerr error
	for range 3 {
		if _, qerr = s.inbox.Enqueue(sess.MachineID, inbox.TypeDecision, sess.ID, payload); qerr == nil {
			break
		}
	}
	if qerr != nil {
		return decided, fmt.Errorf("queue decision %s: %w", key, qerr)
	}
	if err := s.updateCard(decided); err != nil {
		s.log.Warn("Decision recorded but the card was not updated", "session_id", sess.ID, "request_id", requestID, "err", err)
	}
	return decided, nil
}

func (s *Service) updateCard(a *Approval) error {
	if a.PostID == "" {
		return errors.New("approval has no card yet")
	}
	post, appErr := s.api.GetPost(a.PostID)
	if appErr != nil {
		return fmt.Errorf("load approval card %s: %w", a.PostID, appErr)
	}
	if err := cards.ApplyApproval(post, a.ApprovalProps); err != nil {
		return err
	}
	if _, appErr := s.api.UpdatePost(post); appErr != nil {
		return fmt.Errorf("update approval card %s: %w", a.PostID, appErr)
	}
	return nil
}

// CardMatches tells whether post is the bot's approval card for
// sessionID/requestID: what a button click must point at.
func (s *Service) CardMatches(post *model.Post, sessionID, requestID string) bool {
	if post == nil || post.UserId != s.botID || post.Type != string(cards.PostTypeApproval) {
		return false
	}
	var p cards.ApprovalProps
	if !cards.ReadProp(post.GetProps(), cards.PropApproval, &p) {
		return false
	}
	return p.SessionID == sessionID && p.RequestID == requestID
}
