package cards

import (
	"github.com/mattermost/mattermost/server/public/model"
)

// TextProps is props.claude_text on a streamed text reply.
type TextProps struct {
	SessionID string `json:"session_id"`
	MessageID string `json:"message_id"`
	Done      bool   `json:"done"`
	// Part numbers the posts of a text longer than one post, from 0.
	Part int `json:"part,omitempty"`
}

// NewTextPost builds a text reply in the session thread.
func NewTextPost(botID, channelID, rootID string, p TextProps, text string) *model.Post {
	post := &model.Post{UserId: botID, ChannelId: channelID, RootId: rootID}
	ApplyText(post, p, text)
	return post
}

// ApplyText writes text and props into post (new or existing).
func ApplyText(post *model.Post, p TextProps, text string) {
	post.Type = string(PostTypeText)
	post.Message = text
	post.AddProp(string(PropText), propValue(p))
}

// TextEvent is the payload of the text websocket event.
func TextEvent(postID string, p TextProps, text string) map[string]any {
	return map[string]any{
		"post_id":    postID,
		"session_id": p.SessionID,
		"message_id": p.MessageID,
		"text":       text,
		"done":       p.Done,
	}
}
