package cards

import (
	"fmt"

	"github.com/mattermost/mattermost/server/public/model"
)

// OfferProps is props.claude_context_offer on a context offer card: a
// mention inside an existing thread asks whether Claude gets the thread's
// earlier messages.
type OfferProps struct {
	OfferID  string `json:"offer_id"`
	UserID   string `json:"user_id"` // the mentioning user, the only one who may answer
	Username string `json:"username"`
	Count    int    `json:"count"`  // earlier messages in the thread
	Status   string `json:"status"` // OfferPending, OfferIncluded, OfferWithout
}

// OfferMessage is the offer card's markdown.
func OfferMessage(o OfferProps) string {
	messages := "messages"
	if o.Count == 1 {
		messages = "message"
	}
	switch o.Status {
	case OfferIncluded:
		return fmt.Sprintf("Started with the %d earlier %s of this thread: Claude has read them.", o.Count, messages)
	case OfferWithout:
		return "Started without the earlier messages of this thread: Claude has not read them."
	}
	return fmt.Sprintf("@%s, give Claude the %d earlier %s of this thread? **Include thread** starts the session with them, **Start without** starts it without them.\n%s",
		o.Username, o.Count, messages, waitingLine([]string{o.Username}, "choose", answerWithButtons))
}

// NewOfferPost builds the offer card as a reply in the thread rootID.
func NewOfferPost(botID, channelID, rootID string, o OfferProps) *model.Post {
	post := &model.Post{UserId: botID, ChannelId: channelID, RootId: rootID}
	ApplyOffer(post, o)
	return post
}

// ApplyOffer writes the card into post: message, props, and the Include
// thread / Start without buttons while pending.
func ApplyOffer(post *model.Post, o OfferProps) {
	post.Type = string(PostTypeOffer)
	post.Message = OfferMessage(o)
	post.AddProp(string(PropOffer), propValue(o))
	if o.Status != OfferPending {
		post.DelProp(string(PropAttachments))
		return
	}
	button := func(id, name, style string) *model.PostAction {
		return &model.PostAction{
			Id: id, Type: model.PostActionTypeButton, Name: name, Style: style,
			Integration: &model.PostActionIntegration{
				URL:     OfferActionURL,
				Context: map[string]any{ContextAction: id, ContextOfferID: o.OfferID},
			},
		}
	}
	post.AddProp(string(PropAttachments), []*model.SlackAttachment{{
		Fallback: "Include the thread or start without it",
		Actions: []*model.PostAction{
			button(ActionInclude, "Include thread", "primary"),
			button(ActionWithout, "Start without", "default"),
		},
	}})
}
