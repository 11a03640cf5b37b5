// Package approvals owns tool approval requests: the record (one per
// session and request id), its card, and the decision, recorded with
// compare-and-set so the first decision wins on any node.
package approvals

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/claude-mattermost/claude-mattermost/server/cards"
	"github.com/claude-mattermost/claude-mattermost/server/clock"
	"github.com/claude-mattermost/claude-mattermost/server/config"
	"github.com/claude-mattermost/claude-mattermost/server/inbox"
	"github.com/claude-mattermost/claude-mattermost/server/kvstore"
	"github.com/claude-mattermost/claude-mattermost/server/mmapi"
	"github.com/claude-mattermost/claude-mattermost/server/redact"
	"github.com/claude-mattermost/claude-mattermost/server/sessions"
)

// Errors callers turn into responses.
var (
	ErrNotFound       = errors.New("no such approval request")
	ErrNotParticipant = errors.New("only the session's participants can decide")
	ErrAlreadyDecided = errors.New("this request has already been decided")
	ErrTooLarge       = errors.New("tool input is too large for an approval card")
	ErrApproveAllOff  = errors.New("approve all is turned off on this server")
)

// Decisions. ApproveAll approves the request and switches the session to
// bypassPermissions (when the admin allows it).
const (
	Approve    = "approve"
	ApproveAll = cards.ContextApproveAll
	Deny       = "deny"
)

// ValidDecision tells whether d is approve, approve_all or deny.
func ValidDecision(d string) bool { return d == Approve || d == ApproveAll || d == Deny }

// Kinds of pending requests (the pending index, GET /me/approvals).
const (
	KindApproval = "approval"
	KindPlan     = "plan"
	KindQuestion = "question"
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
	Preview     *cards.Preview
	Terminal    bool // Claude Code asks in the terminal too
}

// Service manages approvals.
type Service struct {
	kv       kvstore.Store
	api      mmapi.API
	clock    clock.Clock
	inbox    *inbox.Service
	sessions *sessions.Service
	settings *config.Store
	botID    string
	log      mmapi.Logger
}

// Config wires the approval service.
type Config struct {
	KV        kvstore.Store
	API       mmapi.API
	Clock     clock.Clock
	Inbox     *inbox.Service
	Sessions  *sessions.Service
	Settings  *config.Store
	BotUserID string
}

// New returns the approval service.
func New(c Config) *Service {
	return &Service{
		kv: c.KV, api: c.API, clock: c.Clock, inbox: c.Inbox, sessions: c.Sessions, settings: c.Settings,
		botID: c.BotUserID, log: mmapi.NewLogger(c.API).With("component", "approvals"),
	}
}

// pendingKey indexes the approvals still pending, so the timeout job
// reads one key instead of scanning the store.
const pendingKey = "index/pending_approvals"

// PendingRef is one entry of the pending index: an approval, a plan
// approval or a question still waiting for an answer.
type PendingRef struct {
	SessionID string `json:"session_id"`
	RequestID string `json:"request_id"`
	CreatedAt int64  `json:"created_at"`     // unix ms
	Kind      string `json:"kind,omitempty"` // "" (before questions existed) = KindApproval
}

// IsQuestion tells whether the entry is a question (else an approval or plan).
func (r PendingRef) IsQuestion() bool { return r.Kind == KindQuestion }

// Pending lists the approvals still pending, oldest first.
func (s *Service) Pending() ([]PendingRef, error) {
	var refs []PendingRef
	if _, err := kvstore.GetJSON(s.kv, pendingKey, &refs); err != nil {
		return nil, fmt.Errorf("load pending approvals: %w", err)
	}
	return refs, nil
}

func (s *Service) setPending(ref PendingRef, pending bool) error {
	same := func(r PendingRef) bool {
		return r.SessionID == ref.SessionID && r.RequestID == ref.RequestID && r.IsQuestion() == ref.IsQuestion()
	}
	_, err := kvstore.Update(s.kv, pendingKey, 0, func(cur *[]PendingRef) (*[]PendingRef, error) {
		var refs []PendingRef
		if cur != nil {
			refs = *cur
		}
		has := slices.ContainsFunc(refs, same)
		switch {
		case pending && !has:
			refs = append(refs, ref)
		case !pending && has:
			refs = slices.DeleteFunc(slices.Clone(refs), same)
		default:
			return nil, nil
		}
		return &refs, nil
	})
	if err != nil {
		return fmt.Errorf("index pending approval %s/%s: %w", ref.SessionID, ref.RequestID, err)
	}
	return nil
}

// redacted cleans what the card shows (per RedactSecrets): the tool input's
// strings, the description and the directory.
func (s *Service) redacted(req Request) Request {
	if !s.settings.Get().RedactSecrets {
		return req
	}
	req.Description = redact.String(req.Description)
	req.Cwd = redact.String(req.Cwd)
	var v any
	if err := json.Unmarshal(req.Input, &v); err == nil {
		if b, err := json.Marshal(redact.Value(v)); err == nil {
			req.Input = b
		}
	}
	if req.Preview != nil {
		p := *req.Preview
		p.Diff, p.Content = redact.String(p.Diff), redact.String(p.Content)
		p.FilePath = redact.String(p.FilePath)
		req.Preview = &p
	}
	return req
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
	if cur, err := s.sessions.Get(sess.ID); err == nil && cur.Ended() {
		// Nobody could answer it: the agent denies the tool on the 409.
		if a, err := s.Get(sess.ID, req.RequestID); err == nil && a.PostID != "" {
			return a, nil // a repeat of a request made before the end
		}
		return nil, sessions.ErrEnded
	}
	req = s.redacted(req)
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
			Preview:     req.Preview,
			Status:      cards.ApprovalPending,
			Terminal:    req.Terminal,
			WaitingFor:  sess.ParticipantNames(),

			AllowApproveAll: s.settings.Get().AllowApproveAll,
		},
		CreatedAt: s.clock.Now().UnixMilli(),
	}
	// Check the card can be built before anything is stored, and keep the
	// preview as the card holds it (cut to fit a post), so the record is
	// never larger than the post.
	card, err := cards.NewApprovalPost(s.botID, sess.ChannelID, sess.RootID, fresh.ApprovalProps)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrTooLarge, err)
	}
	var shown cards.ApprovalProps
	if cards.ReadProp(card.GetProps(), cards.PropApproval, &shown) {
		fresh.Preview = shown.Preview
	}
	key := approvalKey(sess.ID, req.RequestID)
	isNew := false
	a, err := kvstore.Update(s.kv, key, 0, func(cur *Approval) (*Approval, error) {
		if cur != nil {
			isNew = false
			return nil, nil // keep the first request
		}
		isNew = true
		return fresh, nil
	})
	if err != nil {
		return nil, fmt.Errorf("store approval: %w", err)
	}
	if isNew {
		kind := KindApproval
		if fresh.IsPlan() {
			kind = KindPlan
		}
		if err := s.setPending(PendingRef{SessionID: sess.ID, RequestID: req.RequestID, CreatedAt: fresh.CreatedAt, Kind: kind}, true); err != nil {
			return nil, err
		}
	}
	if a.PostID != "" {
		return a, nil
	}
	// One card per request across the cluster: a retry of the same report
	// handled by another node at the same moment waits for this card.
	postID, made, err := kvstore.Once(s.kv, cardKey(KindApproval, sess.ID, req.RequestID), 0, func() ([]byte, error) {
		post, err := cards.NewApprovalPost(s.botID, sess.ChannelID, sess.RootID, a.ApprovalProps)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrTooLarge, err)
		}
		created, appErr := s.api.CreatePost(post)
		if appErr != nil {
			return nil, fmt.Errorf("create approval card: %w", appErr)
		}
		return []byte(created.Id), nil
	})
	if err != nil {
		return nil, err
	}
	a, err = kvstore.Update(s.kv, key, 0, func(cur *Approval) (*Approval, error) {
		if cur == nil {
			return nil, ErrNotFound
		}
		if cur.PostID == string(postID) {
			return nil, nil
		}
		cur.PostID = string(postID)
		return cur, nil
	})
	if err != nil {
		return nil, fmt.Errorf("link approval card %s: %w", postID, err)
	}
	if a.Status != cards.ApprovalPending {
		// Decided (or expired, or closed) between the post and its link:
		// the decision could not update a card it did not know yet.
		if err := s.updateCard(a); err != nil {
			s.log.Warn("Approval decided but its new card was not updated", "session_id", sess.ID, "request_id", req.RequestID, "err", err)
		}
	}
	if made {
		s.sessions.RefreshParticipants(sess, cards.RefreshApprovals)
	}
	return a, nil
}

// cardKey names the post of an approval, plan or question, made once
// across the cluster (kvstore.Once).
func cardKey(kind, sessionID, requestID string) string {
	return "card/" + kind + "/" + sessionID + "/" + requestID
}

// Decision is a participant's answer.
type Decision struct {
	Decision string // Approve, ApproveAll or Deny
	By       *model.User
	Reason   string
}

// Decide records the decision if the request is still pending (first
// decision wins), queues it for the agent, and updates the card for
// everyone. With ErrAlreadyDecided it also returns the approval as decided.
// Approve all also approves every other approval still pending in the
// session, each recorded, delivered and updated once.
func (s *Service) Decide(sess *sessions.Session, requestID string, d Decision) (*Approval, error) {
	if !ValidDecision(d.Decision) {
		return nil, fmt.Errorf("unknown decision %q", d.Decision)
	}
	if !sess.IsParticipant(d.By.Id) {
		return nil, ErrNotParticipant
	}
	if d.Decision == ApproveAll && !s.settings.Get().AllowApproveAll {
		return nil, ErrApproveAllOff
	}
	decided, err := s.record(sess, requestID, d)
	if err != nil {
		return decided, err
	}
	s.sessions.Touch(sess)
	decision := d.Decision
	if decision == ApproveAll {
		decision = Approve
		// The header shows the new mode at once; the agent confirms it
		// with a status report once it has switched.
		if _, err := s.sessions.SetPermissionMode(sess.ID, sessions.ModeBypass); err != nil {
			s.log.Warn("Approve all recorded but not the session's mode", "session_id", sess.ID, "err", err)
		}
	}
	decided, err = s.deliver(sess, decided, inbox.DecisionPayload{
		RequestID:  requestID,
		Decision:   decision,
		By:         inbox.UserRef{ID: d.By.Id, Username: d.By.Username},
		Reason:     d.Reason,
		ApproveAll: d.Decision == ApproveAll,
	})
	if err == nil && d.Decision == ApproveAll {
		s.approveRest(sess, requestID, d.By)
	}
	return decided, err
}

// approveRest approves, after an Approve all, the other approvals (not
// plans, not questions) still pending in the session, as approved by the
// same person "with everything else". Each is a first-decision-wins record
// of its own, so a card decided meanwhile, or by a second Approve all at
// the same moment, is decided and delivered once. The agent gets a plain
// approve for each (it switches its mode once, on the clicked one).
func (s *Service) approveRest(sess *sessions.Session, except string, by *model.User) {
	refs, err := s.Pending()
	if err != nil {
		s.log.Warn("Approve all: cannot list the other pending requests", "session_id", sess.ID, "err", err)
		return
	}
	for _, ref := range refs {
		if ref.SessionID != sess.ID || ref.RequestID == except || ref.IsQuestion() || ref.Kind == KindPlan {
			continue
		}
		a, err := s.record(sess, ref.RequestID, Decision{Decision: ApproveAll, By: by})
		switch {
		case errors.Is(err, ErrAlreadyDecided), errors.Is(err, ErrNotFound), errors.Is(err, ErrApproveAllOff), errors.Is(err, ErrSessionEnded):
			continue // decided meanwhile, gone, a plan, or closed with the session
		case err != nil:
			s.log.Warn("Approve all: cannot approve a pending request", "session_id", sess.ID, "request_id", ref.RequestID, "err", err)
			continue
		}
		if _, err := s.deliver(sess, a, inbox.DecisionPayload{
			RequestID: ref.RequestID, Decision: Approve, By: inbox.UserRef{ID: by.Id, Username: by.Username},
		}); err != nil {
			s.log.Warn("Approve all: approved but not delivered", "session_id", sess.ID, "request_id", ref.RequestID, "err", err)
		}
	}
}

// record writes d on the approval with compare-and-set if it is still
// pending. On an ended session it closes the card instead (ErrSessionEnded).
func (s *Service) record(sess *sessions.Session, requestID string, d Decision) (*Approval, error) {
	key := approvalKey(sess.ID, requestID)
	for attempt := 0; ; attempt++ {
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
		if sess.Ended() {
			// A late click on a card the end did not close (yet): close it.
			if _, err := s.closeOne(sess, PendingRef{SessionID: sess.ID, RequestID: requestID}); err != nil {
				s.log.Warn("Cannot close a request of an ended session", "key", key, "err", err)
			}
			s.sessions.RefreshParticipants(sess, cards.RefreshApprovals)
			closed, _ := s.Get(sess.ID, requestID)
			return closed, ErrSessionEnded
		}
		if d.Decision == ApproveAll && a.IsPlan() {
			return nil, fmt.Errorf("%w: a plan is approved on its own", ErrApproveAllOff)
		}
		a.Status = cards.ApprovalApproved
		a.ApproveAll = d.Decision == ApproveAll
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
			return &a, nil
		}
		if attempt > 1 {
			time.Sleep(time.Duration(attempt) * time.Millisecond)
		}
	}
}

// deliver tells the agent about a recorded decision, drops the approval
// from the pending index and updates its card. A failure to queue is
// logged and returned, and the agent fails closed when it times out.
func (s *Service) deliver(sess *sessions.Session, decided *Approval, payload inbox.DecisionPayload) (*Approval, error) {
	key := approvalKey(sess.ID, payload.RequestID)
	if err := s.setPending(PendingRef{SessionID: sess.ID, RequestID: payload.RequestID}, false); err != nil {
		s.log.Warn("Approval decided but still indexed as pending", "key", key, "err", err)
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
	// A card posted but not linked to its record yet is updated by the
	// request that links it (Create), which finds the decision there.
	if err := s.updateCard(decided); err != nil && !errors.Is(err, errNoCard) {
		s.log.Warn("Decision recorded but the card was not updated", "session_id", sess.ID, "request_id", payload.RequestID, "err", err)
	}
	s.sessions.RefreshParticipants(sess, cards.RefreshApprovals)
	return decided, nil
}

// TimedOutReason is the decision reason the agent gets for an expired approval.
const TimedOutReason = "timed out"

// Expire denies a request still pending after the approval timeout:
// status expired, a deny decision for the agent, the card updated. It
// reports false when the request was answered meanwhile (or is gone).
// Questions expire the same way (expireQuestion).
func (s *Service) Expire(ref PendingRef, after time.Duration) (bool, error) {
	if ref.IsQuestion() {
		return s.expireQuestion(ref, after)
	}
	sess, err := s.sessions.Get(ref.SessionID)
	if errors.Is(err, sessions.ErrNotFound) {
		return false, s.setPending(ref, false)
	}
	if err != nil {
		return false, err
	}
	key := approvalKey(ref.SessionID, ref.RequestID)
	expired := false
	a, err := kvstore.Update(s.kv, key, 0, func(cur *Approval) (*Approval, error) {
		expired = false
		if cur == nil || cur.Status != cards.ApprovalPending {
			return nil, nil
		}
		cur.Status = cards.ApprovalExpired
		cur.DecidedBy = ""
		cur.DecidedByID = ""
		cur.DecidedAt = s.clock.Now().UnixMilli()
		cur.Reason = TimedOutReason
		cur.ExpiredAfter = cards.Duration(after)
		leftToTerminal(cur.Terminal, &cur.Status, &cur.Resolution)
		expired = true
		return cur, nil
	})
	if err != nil {
		return false, fmt.Errorf("expire %s: %w", key, err)
	}
	if !expired {
		return false, s.setPending(ref, false)
	}
	_, err = s.deliver(sess, a, inbox.DecisionPayload{RequestID: ref.RequestID, Decision: Deny, Reason: TimedOutReason})
	return true, err
}

// errNoCard: the request's card is not linked to its record yet.
var errNoCard = errors.New("the request has no card yet")

func (s *Service) updateCard(a *Approval) error {
	if a.PostID == "" {
		return errNoCard
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

// CardMatches tells whether post is the bot's approval (or plan) card
// for sessionID/requestID: what a button click must point at.
func (s *Service) CardMatches(post *model.Post, sessionID, requestID string) bool {
	if post == nil || post.UserId != s.botID ||
		post.Type != string(cards.PostTypeApproval) && post.Type != string(cards.PostTypePlan) {
		return false
	}
	var p cards.ApprovalProps
	if !cards.ReadProp(post.GetProps(), cards.PropApproval, &p) {
		return false
	}
	return p.SessionID == sessionID && p.RequestID == requestID
}
