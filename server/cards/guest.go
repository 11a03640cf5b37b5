package cards

import (
	"strings"

	"github.com/mattermost/mattermost/server/public/model"
)

// GuestUser names the guest in props.claude_guest.user.
type GuestUser struct {
	ID       string `json:"id"`
	Username string `json:"username"`
}

// GuestProps is props.claude_guest on a guest card: a non-participant's
// message that waits for a participant to let it through.
type GuestProps struct {
	SessionID string    `json:"session_id"`
	RequestID string    `json:"request_id"`
	User      GuestUser `json:"user"`
	Text      string    `json:"text"`
	Status    string    `json:"status"`     // GuestPending, GuestAllowed, GuestInvited, GuestDenied
	DecidedBy string    `json:"decided_by"` // username
	DecidedAt int64     `json:"decided_at"` // unix ms, 0 while pending
	// WaitingFor names who may decide while it is pending (usernames).
	WaitingFor []string `json:"waiting_for,omitempty"`
}

// maxGuestQuoteRunes bounds the quoted message on the card.
const maxGuestQuoteRunes = 4000

// GuestMessage is the guest card's markdown.
func GuestMessage(g GuestProps) string {
	var b strings.Builder
	b.WriteString("**@" + g.User.Username + " wants to add a message for Claude** (not a participant of this session):\n")
	b.WriteString(Quote(Truncate(g.Text, maxGuestQuoteRunes)))
	switch g.Status {
	case GuestAllowed:
		b.WriteString("\n✅ Allowed once by @" + g.DecidedBy + ": Claude got the message.")
	case GuestInvited:
		b.WriteString("\n👋 @" + g.User.Username + " was invited by @" + g.DecidedBy + ": Claude got the message, and @" + g.User.Username + " is a participant now.")
	case GuestDenied:
		b.WriteString("\n❌ Denied by @" + g.DecidedBy + ": Claude did not get the message.")
	default:
		b.WriteString("\n" + waitingLine(g.WaitingFor, "allow it once, invite @"+g.User.Username+" to the session, or deny it", answerWithButtons))
	}
	return b.String()
}

// NewGuestPost builds a guest card as a reply in the session thread.
func NewGuestPost(botID, channelID, rootID string, g GuestProps) *model.Post {
	post := &model.Post{UserId: botID, ChannelId: channelID, RootId: rootID}
	ApplyGuest(post, g)
	return post
}

// ApplyGuest writes the card into post: message, props, and the Allow once /
// Invite / Deny buttons while pending.
func ApplyGuest(post *model.Post, g GuestProps) {
	post.Type = string(PostTypeGuest)
	post.Message = GuestMessage(g)
	post.AddProp(string(PropGuest), propValue(g))
	if g.Status != GuestPending {
		post.DelProp(string(PropAttachments))
		return
	}
	button := func(id, name, style string) *model.PostAction {
		return &model.PostAction{
			Id: id, Type: model.PostActionTypeButton, Name: name, Style: style,
			Integration: &model.PostActionIntegration{
				URL: GuestActionURL,
				Context: map[string]any{
					ContextAction: id, ContextSessionID: g.SessionID, ContextRequestID: g.RequestID,
				},
			},
		}
	}
	post.AddProp(string(PropAttachments), []*model.SlackAttachment{{
		Fallback: "@" + g.User.Username + " wants to add a message",
		Actions: []*model.PostAction{
			button(ActionAllow, "Allow once", "primary"),
			button(ActionInvite, "Invite", "default"),
			button(ActionDeny, "Deny", "danger"),
		},
	}})
}
