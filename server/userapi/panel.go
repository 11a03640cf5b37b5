package userapi

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gorilla/mux"

	"github.com/claude-mattermost/claude-mattermost/server/cards"
	"github.com/claude-mattermost/claude-mattermost/server/httpx"
	"github.com/claude-mattermost/claude-mattermost/server/sessions"
	"github.com/claude-mattermost/claude-mattermost/server/toolposts"
)

// toolOutput serves a tool's whole output as text to members of the
// session's channel (GET /sessions/{id}/outputs/{tool_use_id}).
func (h *handler) toolOutput(w http.ResponseWriter, r *http.Request) {
	vars := mux.Vars(r)
	sessionID, toolUseID := vars["session_id"], vars["tool_use_id"]
	r = httpx.AddLogFields(r, "session_id", sessionID, "tool_use_id", toolUseID)
	if !validID(sessionID) || !validID(toolUseID) {
		httpx.Fail(w, r, httpx.Invalid("session and tool use ids must be 1 to %d characters", maxIDLen))
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
	if _, appErr := h.API.GetChannelMember(sess.ChannelID, userID(r.Context())); appErr != nil {
		httpx.Error(w, r, http.StatusForbidden, "only members of the session's channel can read its output", appErr)
		return
	}
	out, err := h.ToolPosts.GetOutput(sessionID, toolUseID)
	if errors.Is(err, toolposts.ErrNotFound) {
		httpx.Error(w, r, http.StatusNotFound, "unknown tool output", err)
		return
	}
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(out.Bytes))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	if err := h.ToolPosts.WriteOutput(w, out); err != nil {
		httpx.Logger(r.Context()).Error("Tool output cut short", "err", err)
	}
}

type myMachine struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Online   bool   `json:"online"`
	LastSeen int64  `json:"last_seen"`
	SharedBy string `json:"shared_by,omitempty"` // the owner's username, for a machine shared with me
}

// myMachines is GET /me/machines: my machines, then those shared with me.
func (h *handler) myMachines(w http.ResponseWriter, r *http.Request) {
	uid := userID(r.Context())
	own, err := h.Machines.ListForUser(uid)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	shared, err := h.Machines.SharedWith(uid)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	now := h.Clock.Now()
	out := []myMachine{}
	for _, m := range own {
		out = append(out, myMachine{ID: m.ID, Name: m.Name, Online: m.Online(now), LastSeen: m.LastSeen})
	}
	for _, m := range shared {
		owner := m.UserID
		if u, appErr := h.API.GetUser(m.UserID); appErr == nil {
			owner = u.Username
		}
		out = append(out, myMachine{ID: m.ID, Name: m.Name, Online: m.Online(now), LastSeen: m.LastSeen, SharedBy: owner})
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

type mySession struct {
	ID           string `json:"id"`
	Status       string `json:"status"`
	MachineName  string `json:"machine_name"`
	Cwd          string `json:"cwd"`
	ChannelID    string `json:"channel_id"`
	RootID       string `json:"root_id"`
	Prompt       string `json:"prompt"`
	LastActivity int64  `json:"last_activity"`
	// Invited: someone else's session I was invited to (OwnerUsername
	// started it); false for my own.
	Invited       bool   `json:"invited"`
	OwnerUsername string `json:"owner_username"`
}

// mySessions is GET /me/sessions: the sessions I started, then those I was
// invited to (marked), each newest first.
func (h *handler) mySessions(w http.ResponseWriter, r *http.Request) {
	uid := userID(r.Context())
	own, err := h.Sessions.ListForUser(uid)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	invited, err := h.Sessions.ListInvited(uid)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	out := []mySession{}
	for _, s := range append(own, invited...) {
		out = append(out, mySession{
			ID: s.ID, Status: s.Status, MachineName: s.MachineName, Cwd: s.Cwd, ChannelID: s.ChannelID,
			RootID: s.RootID, Prompt: h.Sessions.Redact(cards.Truncate(s.Prompt, cards.MaxPromptRunes)), LastActivity: s.LastActivity,
			Invited: s.OwnerID != uid, OwnerUsername: s.OwnerUsername,
		})
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

// myApprovals is GET /me/approvals: approvals, plans and questions still
// waiting in sessions where I am a participant.
func (h *handler) myApprovals(w http.ResponseWriter, r *http.Request) {
	items, err := h.Approvals.PendingFor(userID(r.Context()))
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, items)
}
