package threads

import (
	"errors"
	"slices"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/claude-mattermost/claude-mattermost/server/sessions"
)

// A reply Claude already has cannot be taken back: an edit or a delete of
// it changes nothing Claude read. Its author is told so, privately, in the
// thread (Mattermost itself gives the plugin no way to refuse the change).

// What the author of a handled reply is told.
var (
	editNotices = map[string]string{
		outcomeClaude: "Claude already has this message as you first sent it: the edit does not reach it. " +
			"Reply in the thread with the correction instead (`!escape` stops Claude's current turn first).",
		outcomeCommand: "This command already ran as you first wrote it: the edit does not run it again. Write the command again instead.",
		outcomeGuest:   "The card asking the participants to let your message through shows it as you first wrote it: the edit does not change it. Reply again instead.",
	}
	deleteNotices = map[string]string{
		outcomeClaude: "Claude already read the message you deleted: deleting it here does not take it back. " +
			"Tell Claude in a reply to disregard it (`!escape` stops Claude's current turn first).",
		outcomeCommand: "The command you deleted already ran: deleting it does not undo it.",
		outcomeGuest:   "Your message still waits on its card for a participant to let it through or deny it: deleting it here does not withdraw it.",
	}
)

// HandleEdited looks at an edited post (the MessageHasBeenUpdated hook).
func (s *Service) HandleEdited(newPost, oldPost *model.Post) {
	if newPost == nil || oldPost == nil || newPost.RootId == "" || !isPersonPost(newPost, s.botID) {
		return
	}
	if newPost.Message == oldPost.Message && slices.Equal(newPost.FileIds, oldPost.FileIds) {
		return // a pin, a reaction's touch: not an edit of what it says
	}
	s.tellAuthor(newPost, editNotices)
}

// HandleDeleted looks at a deleted post (the MessageHasBeenDeleted hook).
func (s *Service) HandleDeleted(post *model.Post) {
	if post == nil || post.RootId == "" || !isPersonPost(post, s.botID) {
		return
	}
	s.tellAuthor(post, deleteNotices)
}

func (s *Service) tellAuthor(post *model.Post, notices map[string]string) {
	text, ok := notices[s.handledAs(post.Id)]
	if !ok {
		return // never reached Claude (a side conversation, not a session thread)
	}
	sess, err := s.sessions.ByThread(post.RootId)
	if err != nil {
		if !errors.Is(err, sessions.ErrNotFound) {
			s.log.Warn("Cannot look up the session of an edited reply", "root_id", post.RootId, "err", err)
		}
		return
	}
	s.sessions.Ephemeral(post.UserId, sess, text)
}
