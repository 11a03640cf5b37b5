package userapi

import (
	"errors"
	"net/http"
	"strings"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/claude-mattermost/claude-mattermost/server/approvals"
	"github.com/claude-mattermost/claude-mattermost/server/cards"
	"github.com/claude-mattermost/claude-mattermost/server/httpx"
	"github.com/claude-mattermost/claude-mattermost/server/sessions"
)

// openDenyDialog answers "Deny with reason…" / "Request changes…": it
// opens the reason dialog in the clicker's client, after the same checks a
// decision gets (participant, still pending), so nobody types a reason
// that cannot count.
func (h *handler) openDenyDialog(w http.ResponseWriter, r *http.Request, a *approvals.Approval, triggerID string) {
	refuse := refuser(w, r, "Deny dialog refused")
	sess, err := h.Sessions.Get(a.SessionID)
	switch {
	case err != nil:
		refuse("This approval request no longer exists.", err)
		return
	case !sess.IsParticipant(userID(r.Context())):
		refuse("Only the people in this Claude session can approve or deny its requests.", nil)
		return
	case a.Status != cards.ApprovalPending:
		refuse(alreadyDecided(a), nil)
		return
	case sess.Ended():
		refuse(sessionEnded(sessions.EndNote(sess)), nil)
		return
	case triggerID == "":
		refuse("This app cannot open a dialog here: use Deny, or reply in the thread.", nil)
		return
	}
	if appErr := h.API.OpenInteractiveDialog(model.OpenDialogRequest{
		TriggerId: triggerID, URL: cards.DenyDialogURL, Dialog: cards.DenyDialog(a.ApprovalProps),
	}); appErr != nil {
		refuse("The dialog could not be opened (it may have taken too long). Please click again.", appErr)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{})
}

// dialogSubmission is what Mattermost posts when a dialog is submitted
// (model.SubmitDialogRequest); the user is the Mattermost-User-Id header.
type dialogSubmission struct {
	CallbackID string         `json:"callback_id"`
	State      string         `json:"state"`
	Cancelled  bool           `json:"cancelled"`
	Submission map[string]any `json:"submission"`
}

// readDialog decodes a dialog submission and its state.
func readDialog(w http.ResponseWriter, r *http.Request) (*dialogSubmission, string, string, bool) {
	var d dialogSubmission
	if err := httpx.DecodeJSON(w, r, &d); err != nil {
		httpx.Fail(w, r, err)
		return nil, "", "", false
	}
	sessionID, requestID, ok := cards.ParseDialogState(d.State)
	if !ok || !validID(sessionID) || !validID(requestID) {
		httpx.Fail(w, r, httpx.Invalid(`field "state" must be "<session_id>:<request_id>"`))
		return nil, "", "", false
	}
	return &d, sessionID, requestID, true
}

// dialogError answers a submission with a message in the dialog.
func dialogError(w http.ResponseWriter, r *http.Request, msg string, cause error) {
	httpx.Logger(r.Context()).Warn("Dialog submission refused", "reason", msg, "err", cause)
	httpx.WriteJSON(w, http.StatusOK, model.SubmitDialogResponse{Error: msg})
}

// denyDialog is the submission of the deny (or request-changes) dialog:
// a deny decision with the reason, checked like any decision.
func (h *handler) denyDialog(w http.ResponseWriter, r *http.Request) {
	d, sessionID, requestID, ok := readDialog(w, r)
	if !ok {
		return
	}
	r = httpx.AddLogFields(r, "session_id", sessionID, "request_id", requestID)
	if d.Cancelled {
		httpx.WriteJSON(w, http.StatusOK, map[string]any{})
		return
	}
	reason, _ := d.Submission[cards.DialogReason].(string)
	reason = strings.TrimSpace(reason)
	if reason == "" {
		httpx.WriteJSON(w, http.StatusOK, model.SubmitDialogResponse{Errors: map[string]string{cards.DialogReason: "Please say what Claude should do instead."}})
		return
	}
	if len([]rune(reason)) > maxReasonRunes {
		httpx.WriteJSON(w, http.StatusOK, model.SubmitDialogResponse{Errors: map[string]string{cards.DialogReason: "Please keep it under 2000 characters."}})
		return
	}
	a, err := h.decideAs(userID(r.Context()), sessionID, requestID, approvals.Deny, reason)
	switch {
	case err == nil:
		httpx.Logger(r.Context()).Info("Approval denied with a reason")
		httpx.WriteJSON(w, http.StatusOK, map[string]any{})
	case errors.Is(err, approvals.ErrAlreadyDecided), errors.Is(err, approvals.ErrSessionEnded):
		dialogError(w, r, alreadyDecided(a), err)
	case errors.Is(err, approvals.ErrNotParticipant):
		dialogError(w, r, "Only the people in this Claude session can approve or deny its requests.", err)
	case errors.Is(err, sessions.ErrNotFound), errors.Is(err, approvals.ErrNotFound):
		dialogError(w, r, "This approval request no longer exists.", err)
	default:
		httpx.Logger(r.Context()).Error("Deny dialog failed", "err", err)
		dialogError(w, r, "Something went wrong recording your decision. Please try again.", err)
	}
}
