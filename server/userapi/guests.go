package userapi

import (
	"errors"
	"net/http"

	"github.com/gorilla/mux"
	"github.com/mattermost/mattermost/server/public/model"

	"github.com/claude-mattermost/claude-mattermost/server/cards"
	"github.com/claude-mattermost/claude-mattermost/server/guests"
	"github.com/claude-mattermost/claude-mattermost/server/httpx"
	"github.com/claude-mattermost/claude-mattermost/server/sessions"
)

// guestAction is the guest card buttons' integration route (Allow once,
// Invite, Deny). Like the approval buttons it answers 200, refusals as
// ephemeral_text, and the card is updated by the plugin for everyone.
func (h *handler) guestAction(w http.ResponseWriter, r *http.Request) {
	refuse := refuser(w, r, "Guest click refused")
	req, ok := decodeClick(w, r)
	if !ok {
		return
	}
	action := ctxString(req.Context, cards.ContextAction)
	sessionID := ctxString(req.Context, cards.ContextSessionID)
	requestID := ctxString(req.Context, cards.ContextRequestID)
	if !guests.ValidDecision(action) || !validID(sessionID) || !validID(requestID) || !validID(req.PostID) {
		httpx.Fail(w, r, httpx.Invalid("post_id and context.action (allow, invite or deny), context.session_id and context.request_id are required"))
		return
	}
	r = httpx.AddLogFields(r, "session_id", sessionID, "request_id", requestID, "post_id", req.PostID)
	post, appErr := h.API.GetPost(req.PostID)
	if appErr != nil || !h.Guests.CardMatches(post, sessionID, requestID) {
		refuse("This button does not belong to a Claude guest card.", appErr)
		return
	}
	if _, err := awaitCard(post.Id, func() (*guests.Request, string, error) {
		g, err := h.Guests.Get(sessionID, requestID)
		if err != nil {
			return nil, "", err
		}
		return g, g.PostID, nil
	}); err != nil {
		refuse("This message request no longer exists.", err)
		return
	}
	g, err := h.guestDecideAs(userID(r.Context()), sessionID, requestID, action)
	switch {
	case err == nil:
		httpx.Logger(r.Context()).Info("Guest message decided", "decision", action)
		httpx.WriteJSON(w, http.StatusOK, map[string]any{})
	case errors.Is(err, guests.ErrAlreadyDecided):
		refuse(guestAlreadyDecided(g), err)
	case errors.Is(err, guests.ErrNotParticipant):
		refuse("Only the people in this Claude session can let messages through.", err)
	case errors.Is(err, sessions.ErrNotFound), errors.Is(err, guests.ErrNotFound):
		refuse("This message request no longer exists.", err)
	default:
		httpx.Logger(r.Context()).Error("Guest click failed", "err", err)
		httpx.WriteJSON(w, http.StatusOK, model.PostActionIntegrationResponse{EphemeralText: "Something went wrong recording your decision. Please try again."})
	}
}

func guestAlreadyDecided(g *guests.Request) string {
	if g == nil {
		return "This message has already been decided."
	}
	verb := map[string]string{cards.GuestAllowed: "allowed", cards.GuestInvited: "answered with an invite", cards.GuestDenied: "denied"}[g.Status]
	return "This message was already " + verb + " by @" + g.DecidedBy + "."
}

func (h *handler) guestDecideAs(uid, sessionID, requestID, decision string) (*guests.Request, error) {
	sess, err := h.Sessions.Get(sessionID)
	if err != nil {
		return nil, err
	}
	user, appErr := h.API.GetUser(uid)
	if appErr != nil {
		return nil, appErr
	}
	return h.Guests.Decide(sess, requestID, decision, user)
}

// guestDecide is the webapp's route: {"decision": "allow"|"invite"|"deny"}.
func (h *handler) guestDecide(w http.ResponseWriter, r *http.Request) {
	vars := mux.Vars(r)
	sessionID, requestID := vars["session_id"], vars["request_id"]
	r = httpx.AddLogFields(r, "session_id", sessionID, "request_id", requestID)
	if !validID(sessionID) || !validID(requestID) {
		httpx.Fail(w, r, httpx.Invalid("session and request ids must be 1 to %d characters", maxIDLen))
		return
	}
	var req struct {
		Decision string `json:"decision"`
	}
	if err := httpx.DecodeJSON(w, r, &req); err != nil {
		httpx.Fail(w, r, err)
		return
	}
	if !guests.ValidDecision(req.Decision) {
		httpx.Fail(w, r, httpx.Invalid(`field "decision" must be "allow", "invite" or "deny"`))
		return
	}
	g, err := h.guestDecideAs(userID(r.Context()), sessionID, requestID, req.Decision)
	switch {
	case err == nil:
		httpx.WriteJSON(w, http.StatusOK, map[string]any{"guest": g})
	case errors.Is(err, guests.ErrAlreadyDecided):
		httpx.ErrorWith(w, r, http.StatusConflict, "this message has already been decided", err, map[string]any{"guest": g})
	case errors.Is(err, guests.ErrNotParticipant):
		httpx.Error(w, r, http.StatusForbidden, "only the session's participants can decide", err)
	case errors.Is(err, sessions.ErrNotFound):
		httpx.Error(w, r, http.StatusNotFound, "unknown session", err)
	case errors.Is(err, guests.ErrNotFound):
		httpx.Error(w, r, http.StatusNotFound, "unknown guest message", err)
	default:
		httpx.Fail(w, r, err)
	}
}
