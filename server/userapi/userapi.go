// Package userapi serves the routes Mattermost users reach through the
// server (browser, desktop and mobile apps, and interactive buttons). Each
// route trusts only the Mattermost-User-Id header the server sets for a
// logged-in user.
package userapi

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gorilla/mux"
	"github.com/mattermost/mattermost/server/public/model"

	"github.com/claude-mattermost/claude-mattermost/server/approvals"
	"github.com/claude-mattermost/claude-mattermost/server/cards"
	"github.com/claude-mattermost/claude-mattermost/server/clock"
	"github.com/claude-mattermost/claude-mattermost/server/guests"
	"github.com/claude-mattermost/claude-mattermost/server/httpx"
	"github.com/claude-mattermost/claude-mattermost/server/machines"
	"github.com/claude-mattermost/claude-mattermost/server/mmapi"
	"github.com/claude-mattermost/claude-mattermost/server/sessions"
	"github.com/claude-mattermost/claude-mattermost/server/toolposts"
)

// Config wires the user routes.
type Config struct {
	API       mmapi.API
	Clock     clock.Clock
	Machines  *machines.Service
	Sessions  *sessions.Service
	Approvals *approvals.Service
	Guests    *guests.Service
	ToolPosts *toolposts.Service
	Offers    OfferDecider
}

// OfferDecider answers context offers (threads.Service).
type OfferDecider interface {
	DecideOffer(offerID, postID, userID, action string) (string, error)
	OfferCardMatches(post *model.Post, offerID string) bool
}

type handler struct{ Config }

func (h *handler) logger() mmapi.Logger { return mmapi.NewLogger(h.API).With("component", "userapi") }

// Register mounts the user routes on r (the /api/v1 router).
func Register(r *mux.Router, c Config) {
	h := &handler{Config: c}
	user := r.NewRoute().Subrouter()
	user.Use(requireUser)
	user.HandleFunc("/actions/approval", h.approvalAction).Methods(http.MethodPost)
	user.HandleFunc("/sessions/{session_id}/approvals/{request_id}/decide", h.decide).Methods(http.MethodPost)
	user.HandleFunc("/actions/guest", h.guestAction).Methods(http.MethodPost)
	user.HandleFunc("/sessions/{session_id}/guests/{request_id}/decide", h.guestDecide).Methods(http.MethodPost)
	user.HandleFunc("/actions/session", h.sessionAction).Methods(http.MethodPost)
	user.HandleFunc("/sessions/{session_id}/interrupt", h.interrupt).Methods(http.MethodPost)
	user.HandleFunc("/sessions/{session_id}/stop", h.stop).Methods(http.MethodPost)
	user.HandleFunc("/sessions/{session_id}/away", h.away).Methods(http.MethodPost)
	user.HandleFunc("/sessions/{session_id}/back", h.back).Methods(http.MethodPost)
	user.HandleFunc("/sessions/{session_id}/continue", h.continueHere).Methods(http.MethodPost)
	user.HandleFunc("/actions/context_offer", h.offerAction).Methods(http.MethodPost)
	user.HandleFunc("/dialogs/deny", h.denyDialog).Methods(http.MethodPost)
	user.HandleFunc("/actions/question", h.questionAction).Methods(http.MethodPost)
	user.HandleFunc("/dialogs/answer", h.answerDialog).Methods(http.MethodPost)
	user.HandleFunc("/sessions/{session_id}/questions/{request_id}/answer", h.answer).Methods(http.MethodPost)
	user.HandleFunc("/sessions/{session_id}/outputs/{tool_use_id}", h.toolOutput).Methods(http.MethodGet)
	user.HandleFunc("/me/machines", h.myMachines).Methods(http.MethodGet)
	user.HandleFunc("/me/sessions", h.mySessions).Methods(http.MethodGet)
	user.HandleFunc("/me/approvals", h.myApprovals).Methods(http.MethodGet)
}

// maxIDLen bounds ids taken from paths and button contexts.
const maxIDLen = 64

func validID(id string) bool {
	if id == "" || len(id) > maxIDLen {
		return false
	}
	for _, r := range id {
		if r <= ' ' || r == 0x7f || r == '/' || r == utf8.RuneError {
			return false // control characters, or invalid UTF-8 (no key can hold it)
		}
	}
	return true
}

type userKey struct{}

func userID(ctx context.Context) string {
	id, _ := ctx.Value(userKey{}).(string)
	return id
}

func requireUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("Mattermost-User-Id")
		if id == "" {
			httpx.Error(w, r, http.StatusUnauthorized, "not logged in", errors.New("no Mattermost-User-Id header"))
			return
		}
		r = httpx.AddLogFields(r, "user_id", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), userKey{}, id)))
	})
}

// actionRequest is what Mattermost posts when a button is clicked.
type actionRequest struct {
	PostID    string         `json:"post_id"`
	ChannelID string         `json:"channel_id"`
	TriggerID string         `json:"trigger_id"` // opens a dialog in the clicker's client
	Context   map[string]any `json:"context"`
}

// maxTriggerIDLen bounds a trigger id (Mattermost's are about 200 bytes).
const maxTriggerIDLen = 1024

// approvalActions maps a button's context.action to the decision. The
// action ids without '_' are accepted too (Mattermost allows only letters
// and digits in ids, and a client may send the id).
var approvalActions = map[string]string{
	approvals.Approve:       approvals.Approve,
	approvals.ApproveAll:    approvals.ApproveAll,
	cards.ActionApproveAll:  approvals.ApproveAll,
	approvals.Deny:          approvals.Deny,
	cards.ContextDenyReason: cards.ContextDenyReason,
	cards.ActionDenyReason:  cards.ContextDenyReason,
}

func ctxString(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

// approvalAction is the Approve / Deny buttons' integration route. It
// answers 200 even when refusing, with ephemeral_text (Mattermost shows
// nothing to the clicker for other statuses). The card is updated by the
// plugin itself, for everyone, so the response carries no "update".
func (h *handler) approvalAction(w http.ResponseWriter, r *http.Request) {
	refuse := refuser(w, r, "Approval click refused")
	req, ok := decodeClick(w, r)
	if !ok {
		return
	}
	action, known := approvalActions[ctxString(req.Context, "action")]
	sessionID := ctxString(req.Context, "session_id")
	requestID := ctxString(req.Context, "request_id")
	if !known || !validID(sessionID) || !validID(requestID) || !validID(req.PostID) || len(req.TriggerID) > maxTriggerIDLen {
		httpx.Fail(w, r, httpx.Invalid("post_id and context.action (approve, approve_all, deny or deny_reason), context.session_id and context.request_id are required"))
		return
	}
	r = httpx.AddLogFields(r, "session_id", sessionID, "request_id", requestID, "post_id", req.PostID)

	// Re-read the post: the button must be on our card for this request.
	post, appErr := h.API.GetPost(req.PostID)
	if appErr != nil || !h.Approvals.CardMatches(post, sessionID, requestID) {
		refuse("This button does not belong to a Claude approval card.", appErr)
		return
	}
	stored, err := awaitCard(post.Id, func() (*approvals.Approval, string, error) {
		a, err := h.Approvals.Get(sessionID, requestID)
		if err != nil {
			return nil, "", err
		}
		return a, a.PostID, nil
	})
	if err != nil {
		refuse("This approval request no longer exists.", err)
		return
	}
	if action == cards.ContextDenyReason {
		h.openDenyDialog(w, r, stored, req.TriggerID)
		return
	}
	a, err := h.decideAs(userID(r.Context()), sessionID, requestID, action, "")
	switch {
	case err == nil:
		httpx.Logger(r.Context()).Info("Approval decided", "decision", action)
		httpx.WriteJSON(w, http.StatusOK, map[string]any{})
	case errors.Is(err, approvals.ErrAlreadyDecided), errors.Is(err, approvals.ErrSessionEnded):
		refuse(alreadyDecided(a), err)
	case errors.Is(err, approvals.ErrNotParticipant):
		refuse("Only the people in this Claude session can approve or deny its requests.", err)
	case errors.Is(err, approvals.ErrApproveAllOff):
		refuse("Approve all is turned off on this server: approve this request on its own.", err)
	case errors.Is(err, sessions.ErrNotFound), errors.Is(err, approvals.ErrNotFound):
		refuse("This approval request no longer exists.", err)
	default:
		httpx.Logger(r.Context()).Error("Approval click failed", "err", err)
		httpx.WriteJSON(w, http.StatusOK, model.PostActionIntegrationResponse{EphemeralText: "Something went wrong recording your decision. Please try again."})
	}
}

// sessionEnded is the refusal of a click on a card closed because its
// session ended.
func sessionEnded(note string) string {
	if note == "" {
		note = "This session has ended before this was answered."
	}
	return note + " Nothing can answer it now; reply in the thread to resume the session."
}

func alreadyDecided(a *approvals.Approval) string {
	if a == nil {
		return "This request has already been decided."
	}
	if a.SessionEnded {
		return sessionEnded(a.Reason)
	}
	switch a.Status {
	case cards.ApprovalDenied:
		return "This request was already denied by @" + a.DecidedBy + "."
	case cards.ApprovalExpired:
		return "This request expired: nobody answered in time, so it was denied."
	case cards.ApprovalResolved:
		return cards.ResolvedRefusal(a.Resolution)
	}
	return "This request was already approved by @" + a.DecidedBy + "."
}

func (h *handler) decideAs(uid, sessionID, requestID, decision, reason string) (*approvals.Approval, error) {
	sess, err := h.Sessions.Get(sessionID)
	if err != nil {
		return nil, err
	}
	user, appErr := h.API.GetUser(uid)
	if appErr != nil {
		return nil, appErr
	}
	return h.Approvals.Decide(sess, requestID, approvals.Decision{Decision: decision, By: user, Reason: reason})
}

type decideRequest struct {
	Decision string `json:"decision"`
	Reason   string `json:"reason"`
}

const maxReasonRunes = 2000

func (h *handler) decide(w http.ResponseWriter, r *http.Request) {
	vars := mux.Vars(r)
	sessionID, requestID := vars["session_id"], vars["request_id"]
	r = httpx.AddLogFields(r, "session_id", sessionID, "request_id", requestID)
	if !validID(sessionID) || !validID(requestID) {
		httpx.Fail(w, r, httpx.Invalid("session and request ids must be 1 to %d characters", maxIDLen))
		return
	}
	var req decideRequest
	if err := httpx.DecodeJSON(w, r, &req); err != nil {
		httpx.Fail(w, r, err)
		return
	}
	if !approvals.ValidDecision(req.Decision) {
		httpx.Fail(w, r, httpx.Invalid(`field "decision" must be "approve", "approve_all" or "deny"`))
		return
	}
	req.Reason = strings.TrimSpace(req.Reason)
	if len([]rune(req.Reason)) > maxReasonRunes {
		httpx.Fail(w, r, httpx.Invalid(`field "reason" is longer than %d characters`, maxReasonRunes))
		return
	}
	a, err := h.decideAs(userID(r.Context()), sessionID, requestID, req.Decision, req.Reason)
	switch {
	case err == nil:
		httpx.WriteJSON(w, http.StatusOK, map[string]any{"approval": a})
	case errors.Is(err, approvals.ErrSessionEnded):
		httpx.ErrorWith(w, r, http.StatusConflict, "the session has ended; this request can no longer be answered", err, map[string]any{"approval": a})
	case errors.Is(err, approvals.ErrAlreadyDecided) && a != nil && a.SessionEnded:
		httpx.ErrorWith(w, r, http.StatusConflict, "the session has ended; this request can no longer be answered", err, map[string]any{"approval": a})
	case errors.Is(err, approvals.ErrAlreadyDecided):
		httpx.ErrorWith(w, r, http.StatusConflict, "this request has already been decided", err, map[string]any{"approval": a})
	case errors.Is(err, approvals.ErrNotParticipant):
		httpx.Error(w, r, http.StatusForbidden, "only the session's participants can decide", err)
	case errors.Is(err, approvals.ErrApproveAllOff):
		httpx.Error(w, r, http.StatusForbidden, "approve all is turned off on this server (or this is a plan)", err)
	case errors.Is(err, sessions.ErrNotFound):
		httpx.Error(w, r, http.StatusNotFound, "unknown session", err)
	case errors.Is(err, approvals.ErrNotFound):
		httpx.Error(w, r, http.StatusNotFound, "unknown approval request", err)
	default:
		httpx.Fail(w, r, err)
	}
}

// errOtherCard: the record of a request names another post than the one
// clicked.
var errOtherCard = errors.New("the request belongs to another card")

// awaitCard loads the record behind a clicked card. A card is posted before
// its record is linked to the post, so a click can arrive in between (the
// apps show the card at once): an unlinked record is re-read for a moment
// rather than refused.
func awaitCard[T any](postID string, load func() (T, string, error)) (T, error) {
	deadline := time.Now().Add(cardLinkWait)
	for {
		v, linked, err := load()
		switch {
		case err != nil:
			return v, err
		case linked == postID:
			return v, nil
		case linked != "" || time.Now().After(deadline):
			return v, errOtherCard
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// cardLinkWait bounds awaitCard; linking takes one KV write.
var cardLinkWait = 2 * time.Second

// refuser answers a button click or dialog with a message only the clicker
// sees (Mattermost shows nothing for other statuses) and logs why, as
// "<what>" with the reason.
func refuser(w http.ResponseWriter, r *http.Request, what string) func(msg string, cause error) {
	return func(msg string, cause error) {
		if httpx.IsNil(cause) {
			cause = nil
		}
		httpx.Logger(r.Context()).Warn(what, "reason", msg, "err", cause)
		httpx.WriteJSON(w, http.StatusOK, model.PostActionIntegrationResponse{EphemeralText: msg})
	}
}

// decodeClick reads the body Mattermost posts for a button click; on bad
// input it has answered 400 and reports false.
func decodeClick(w http.ResponseWriter, r *http.Request) (*actionRequest, bool) {
	var req actionRequest
	if err := httpx.DecodeJSON(w, r, &req); err != nil {
		httpx.Fail(w, r, err)
		return nil, false
	}
	return &req, true
}
