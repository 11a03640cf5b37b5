package userapi

import (
	"errors"
	"net/http"

	"github.com/gorilla/mux"
	"github.com/mattermost/mattermost/server/public/model"

	"github.com/claude-mattermost/claude-mattermost/server/cards"
	"github.com/claude-mattermost/claude-mattermost/server/httpx"
	"github.com/claude-mattermost/claude-mattermost/server/sessions"
)

// sessionAction is the header card's Interrupt / Stop buttons.
func (h *handler) sessionAction(w http.ResponseWriter, r *http.Request) {
	refuse := refuser(w, r, "Session click refused")
	req, ok := decodeClick(w, r)
	if !ok {
		return
	}
	action := ctxString(req.Context, cards.ContextAction)
	sessionID := ctxString(req.Context, cards.ContextSessionID)
	if !sessionActions[action] || !validID(sessionID) || !validID(req.PostID) {
		httpx.Fail(w, r, httpx.Invalid("post_id and context.action (interrupt or stop; away, back or continue for a terminal session) and context.session_id are required"))
		return
	}
	r = httpx.AddLogFields(r, "session_id", sessionID, "post_id", req.PostID)
	sess, err := h.Sessions.Get(sessionID)
	if err != nil {
		refuse("This Claude session no longer exists.", err)
		return
	}
	post, appErr := h.API.GetPost(req.PostID)
	if appErr != nil || post.Id != sess.HeaderPostID() || post.UserId != h.Sessions.BotID() || post.Type != string(cards.PostTypeSession) {
		refuse("This button does not belong to a Claude session card.", appErr)
		return
	}
	msg, err := h.control(userID(r.Context()), sess, action)
	switch {
	case err == nil:
		httpx.Logger(r.Context()).Info("Session control", "action", action)
		if msg != "" {
			httpx.WriteJSON(w, http.StatusOK, model.PostActionIntegrationResponse{EphemeralText: msg})
			return
		}
		httpx.WriteJSON(w, http.StatusOK, map[string]any{})
	case errors.Is(err, sessions.ErrNotParticipant):
		refuse("Only the people in this Claude session can use its buttons.", err)
	case errors.Is(err, sessions.ErrEnded):
		refuse("This session has already ended.", err)
	case sessions.ControlRefusal(err) != "":
		refuse(sessions.ControlRefusal(err), err)
	default:
		httpx.Logger(r.Context()).Error("Session click failed", "err", err)
		httpx.WriteJSON(w, http.StatusOK, model.PostActionIntegrationResponse{EphemeralText: "Something went wrong. Please try again."})
	}
}

// control interrupts or stops sess for uid (participants only). It
// returns a note for the clicker, if any.
func (h *handler) control(uid string, sess *sessions.Session, action string) (string, error) {
	if !sess.IsParticipant(uid) {
		return "", sessions.ErrNotParticipant
	}
	user, appErr := h.API.GetUser(uid)
	if appErr != nil {
		return "", appErr
	}
	if terminalActions[action] {
		return h.terminalControl(user, sess, action)
	}
	if action == cards.ActionInterrupt {
		return "Interrupting Claude…", h.Sessions.Interrupt(sess, user)
	}
	stopped, err := h.Sessions.Stop(sess, user, sessions.EndedStopped)
	if stopped != nil {
		if _, rerr := h.Sessions.Reply(stopped, "Session stopped by @"+user.Username+". Reply in this thread to resume it."); rerr != nil {
			h.logger().Warn("Cannot announce a stop", "session_id", sess.ID, "err", rerr)
		}
	}
	return "", err
}

func (h *handler) interrupt(w http.ResponseWriter, r *http.Request) {
	h.controlRoute(w, r, cards.ActionInterrupt)
}
func (h *handler) stop(w http.ResponseWriter, r *http.Request) {
	h.controlRoute(w, r, cards.ActionStop)
}

// controlRoute is POST /sessions/{id}/interrupt|stop for the webapp.
func (h *handler) controlRoute(w http.ResponseWriter, r *http.Request, action string) {
	sessionID := mux.Vars(r)["session_id"]
	r = httpx.AddLogFields(r, "session_id", sessionID)
	if !validID(sessionID) {
		httpx.Fail(w, r, httpx.Invalid("session id must be 1 to %d characters", maxIDLen))
		return
	}
	sess, err := h.Sessions.Get(sessionID)
	if errors.Is(err, sessions.ErrNotFound) {
		httpx.Error(w, r, http.StatusNotFound, "unknown session", err)
		return
	}
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	_, err = h.control(userID(r.Context()), sess, action)
	switch {
	case err == nil:
		httpx.WriteJSON(w, http.StatusOK, map[string]any{"ok": true})
	case errors.Is(err, sessions.ErrNotParticipant):
		httpx.Error(w, r, http.StatusForbidden, "only the session's participants can do that", err)
	case errors.Is(err, sessions.ErrEnded):
		httpx.Error(w, r, http.StatusConflict, "the session has ended", err)
	case errors.Is(err, sessions.ErrNotInTerminal):
		httpx.Error(w, r, http.StatusConflict, "the session does not run in a terminal", err)
	case sessions.ControlRefusal(err) != "":
		httpx.Error(w, r, http.StatusForbidden, sessions.ControlRefusal(err), err)
	default:
		httpx.Fail(w, r, err)
	}
}
