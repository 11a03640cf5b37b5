package userapi

import (
	"net/http"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/claude-mattermost/claude-mattermost/server/cards"
	"github.com/claude-mattermost/claude-mattermost/server/sessions"
)

// The header's Away / Back / Continue here, for a session that runs in a
// terminal: buttons (POST /actions/session) and webapp routes
// (POST /sessions/{id}/away|back|continue), answered like Interrupt and Stop.

// sessionActions are the header buttons' context.action values.
var sessionActions = map[string]bool{
	cards.ActionInterrupt: true, cards.ActionStop: true,
	cards.ActionAway: true, cards.ActionBack: true, cards.ActionContinue: true,
}

// terminalActions are the ones for a session that runs in a terminal.
var terminalActions = map[string]bool{cards.ActionAway: true, cards.ActionBack: true, cards.ActionContinue: true}

func (h *handler) away(w http.ResponseWriter, r *http.Request) {
	h.controlRoute(w, r, cards.ActionAway)
}
func (h *handler) back(w http.ResponseWriter, r *http.Request) {
	h.controlRoute(w, r, cards.ActionBack)
}
func (h *handler) continueHere(w http.ResponseWriter, r *http.Request) {
	h.controlRoute(w, r, cards.ActionContinue)
}

// terminalControl runs Away, Back or Continue here for user (a
// participant); it returns a note for the clicker, if any.
func (h *handler) terminalControl(user *model.User, sess *sessions.Session, action string) (string, error) {
	if action == cards.ActionContinue {
		return "", h.Sessions.Handover(sess, user)
	}
	away := action == cards.ActionAway
	changed, err := h.Sessions.SetAway(sess, user, away)
	switch {
	case err != nil || changed:
		return "", err
	case away:
		return "This session is already marked away.", nil
	}
	return "This session is not marked away.", nil
}
