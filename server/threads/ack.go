package threads

import (
	"fmt"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/claude-mattermost/claude-mattermost/server/cards"
	"github.com/claude-mattermost/claude-mattermost/server/mmapi"
	"github.com/claude-mattermost/claude-mattermost/server/sessions"
)

// What the person who asked sees on their own post, in every app: the
// bot's reaction, and a reply in the post's thread linking to the session
// thread (a busy channel then shows which header answers which request).
// Replies in that thread are not for Claude; their authors are pointed to
// the session thread.

// AckEmoji is the reaction the bot puts on a post that started a session.
const AckEmoji = "eyes"

// ackTTL is how long a request's thread points to its session.
const ackTTL = 90 * 24 * time.Hour

func ackKey(postID string) string { return "ack_thread/" + postID }

// acknowledge reacts to the post that started sess and replies in its
// thread with a link to the session thread.
func (s *Service) acknowledge(post *model.Post, sess *sessions.Session) {
	if _, appErr := s.api.AddReaction(&model.Reaction{UserId: s.botID, PostId: post.Id, EmojiName: AckEmoji, ChannelId: post.ChannelId}); appErr != nil {
		s.log.Warn("Cannot react to the post that started a session", "post_id", post.Id, "err", appErr)
	}
	if err := s.kv.Set(ackKey(post.Id), []byte(sess.ID), ackTTL); err != nil {
		s.log.Warn("Cannot remember the thread of a request", "post_id", post.Id, "err", err)
	}
	text := fmt.Sprintf("Claude Code is on it on %s: follow the session and reply to Claude in [its thread](%s).",
		cards.Code(sess.MachineName), mmapi.Permalink(s.api, sess.RootID))
	if _, appErr := s.api.CreatePost(&model.Post{UserId: s.botID, ChannelId: post.ChannelId, RootId: post.Id, Message: text}); appErr != nil {
		s.log.Warn("Cannot reply to the post that started a session", "post_id", post.Id, "err", appErr)
	}
}

// pointToSession tells a person replying in a request's thread (see
// acknowledge) where the session is. It reports whether post was in such a
// thread.
func (s *Service) pointToSession(post *model.Post) bool {
	v, err := s.kv.Get(ackKey(post.RootId))
	if err != nil || v == nil {
		return false
	}
	if !isPersonPost(post, s.botID) {
		return true
	}
	sess, err := s.sessions.Get(string(v))
	if err != nil {
		return true
	}
	s.api.SendEphemeralPost(post.UserId, &model.Post{
		UserId: s.botID, ChannelId: post.ChannelId, RootId: post.RootId,
		Message: fmt.Sprintf("Claude does not read this thread: reply in [the session's thread](%s) to reach it.", mmapi.Permalink(s.api, sess.RootID)),
	})
	return true
}

// joinOnce makes the bot a member of a session's channel, once per channel
// on this node (sessions started before the bot joined where it posts).
func (s *Service) joinOnce(channelID string) {
	if _, ok := s.joined.Load(channelID); ok {
		return
	}
	ch, appErr := s.api.GetChannel(channelID)
	if appErr != nil {
		s.log.Warn("Cannot load a session's channel", "channel_id", channelID, "err", appErr)
		return
	}
	if err := s.sessions.EnsureBotMember(ch); err != nil {
		s.log.Warn("Cannot make the bot a member of a session's channel", "channel_id", channelID, "err", err)
		return
	}
	s.joined.Store(channelID, true)
}
