package userapi

import (
	"errors"
	"net/http"

	"github.com/claude-mattermost/claude-mattermost/server/cards"
	"github.com/claude-mattermost/claude-mattermost/server/httpx"
	"github.com/claude-mattermost/claude-mattermost/server/threads"
)

// offerAction is the context offer card's Include thread / Start without buttons.
func (h *handler) offerAction(w http.ResponseWriter, r *http.Request) {
	say := refuser(w, r, "Context offer click refused")
	req, ok := decodeClick(w, r)
	if !ok {
		return
	}
	action := ctxString(req.Context, cards.ContextAction)
	offerID := ctxString(req.Context, cards.ContextOfferID)
	if action != cards.ActionInclude && action != cards.ActionWithout || !validID(offerID) || !validID(req.PostID) {
		httpx.Fail(w, r, httpx.Invalid("post_id and context.action (include or without) and context.offer_id are required"))
		return
	}
	r = httpx.AddLogFields(r, "offer_id", offerID, "post_id", req.PostID)
	post, appErr := h.API.GetPost(req.PostID)
	if appErr != nil || !h.Offers.OfferCardMatches(post, offerID) {
		say("This button does not belong to a Claude card.", appErr)
		return
	}
	msg, err := h.Offers.DecideOffer(offerID, post.Id, userID(r.Context()), action)
	switch {
	case err == nil && msg == "":
		httpx.Logger(r.Context()).Info("Context offer answered", "action", action)
		httpx.WriteJSON(w, http.StatusOK, map[string]any{})
	case err == nil:
		say(msg, nil)
	case errors.Is(err, threads.ErrNotYourOffer):
		say("Only the person who mentioned Claude here can answer this.", err)
	case errors.Is(err, threads.ErrOfferAnswered):
		say("This has already been answered.", err)
	case errors.Is(err, threads.ErrOfferNotFound):
		say("This offer no longer exists. Mention Claude again.", err)
	default:
		httpx.Logger(r.Context()).Error("Context offer click failed", "err", err)
		say("Something went wrong starting the session. Please try again.", err)
	}
}
