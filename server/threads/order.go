package threads

import (
	"cmp"
	"slices"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/claude-mattermost/claude-mattermost/server/kvstore"
	"github.com/claude-mattermost/claude-mattermost/server/sessions"
)

// Replies reach Claude in the order they were posted. Mattermost calls
// MessageHasBeenPosted on a goroutine of its own for every post, so the
// hooks of three quick replies can run in any order, on any node. Each
// session's replies are therefore handled under a cluster-wide lock, from
// the thread itself: the hook of a reply handles every reply of the thread
// posted before it that nobody handled yet, oldest first, then its own. A
// reply is claimed once (handledKey), so its own hook, coming later, finds
// it done. Only replies created at the same moment by concurrent requests
// (their order is Mattermost's to pick) can still be handled out of order:
// a reply older than the last one handled is handled alone.

// Outcomes of a reply, kept in its claim (what an edit or a delete of it is
// told).
const (
	outcomeClaimed = "claimed" // being handled
	outcomeClaude  = "claude"  // passed on to Claude
	outcomeCommand = "command" // a thread command ran
	outcomeGuest   = "guest"   // a non-participant's message, held on a guest card
	outcomeIgnored = "ignored" // a side conversation, an empty reply, a bot
)

// Timings of the reply order.
const (
	handledTTL = 14 * 24 * time.Hour // how long an edit of a reply is still answered
	orderTTL   = 30 * time.Second    // a lock whose holder died is free after this
	orderWait  = 40 * time.Second    // longer than orderTTL: a dead holder's lock is always outwaited
)

func handledKey(postID string) string     { return "reply/" + postID }
func orderLockKey(sessID string) string   { return "reply_lock/" + sessID }
func orderCursorKey(sessID string) string { return "reply_cursor/" + sessID }

// cursor is the newest reply of a session handled so far.
type cursor struct {
	At int64  `json:"at"` // CreateAt
	ID string `json:"id"`
}

func (c cursor) before(p *model.Post) bool {
	return c.At < p.CreateAt || c.At == p.CreateAt && c.ID < p.Id
}

// inOrder handles a reply in a session thread after the earlier replies
// nobody handled yet.
func (s *Service) inOrder(sess *sessions.Session, post *model.Post) {
	unlock, err := kvstore.Lock(s.kv, orderLockKey(sess.ID), orderTTL, orderWait)
	if err != nil {
		// Cannot happen short of a store outage: handle it at once rather than drop it.
		s.log.Warn("Cannot take the reply lock of a session; handling the reply now", "session_id", sess.ID, "post_id", post.Id, "err", err)
		s.handleOnce(sess.ID, post)
		return
	}
	defer unlock()
	cur := s.cursor(sess)
	due := []*model.Post{post}
	if cur.before(post) {
		due = s.unhandledBefore(sess, post, cur)
		if err := kvstore.SetJSON(s.kv, orderCursorKey(sess.ID), cursor{At: post.CreateAt, ID: post.Id}, 0); err != nil {
			s.log.Warn("Cannot record how far a session's replies went", "session_id", sess.ID, "err", err)
		}
	}
	for _, p := range due {
		s.handleOnce(sess.ID, p)
	}
}

// cursor is the newest reply of sess handled so far; before the first, the
// header card (posts are compared by Mattermost's own CreateAt, never by
// this node's clock).
func (s *Service) cursor(sess *sessions.Session) cursor {
	var cur cursor
	found, err := kvstore.GetJSON(s.kv, orderCursorKey(sess.ID), &cur)
	if err != nil {
		s.log.Warn("Cannot read how far a session's replies went", "session_id", sess.ID, "err", err)
	}
	if found {
		return cur
	}
	header, appErr := s.api.GetPost(sess.HeaderPostID())
	if appErr != nil {
		s.log.Warn("Cannot read a session's header card", "session_id", sess.ID, "err", appErr)
		return cursor{At: sess.CreatedAt}
	}
	return cursor{At: header.CreateAt}
}

// unhandledBefore lists the thread's replies after cur up to post (post
// included), oldest first: the ones this hook may have to handle first.
func (s *Service) unhandledBefore(sess *sessions.Session, post *model.Post, cur cursor) []*model.Post {
	due := []*model.Post{post}
	thread, appErr := s.api.GetPostThread(sess.RootID)
	if appErr != nil {
		s.log.Warn("Cannot read a session thread; handling the reply alone", "session_id", sess.ID, "err", appErr)
		return due
	}
	for _, p := range thread.Posts {
		if p.Id == post.Id || p.Id == sess.RootID || p.RootId != sess.RootID || p.DeleteAt != 0 || !cur.before(p) || !isPersonPost(p, s.botID) {
			continue
		}
		if p.CreateAt < post.CreateAt || p.CreateAt == post.CreateAt && p.Id < post.Id {
			due = append(due, p)
		}
	}
	slices.SortFunc(due, func(a, b *model.Post) int {
		return cmp.Or(cmp.Compare(a.CreateAt, b.CreateAt), cmp.Compare(a.Id, b.Id))
	})
	return due
}

// handleOnce handles a reply unless someone did already, and keeps what it
// became.
func (s *Service) handleOnce(sessionID string, post *model.Post) {
	ok, err := s.kv.CompareAndSet(handledKey(post.Id), nil, []byte(outcomeClaimed), handledTTL)
	if err != nil {
		s.log.Error("Cannot claim a session reply", "post_id", post.Id, "err", err)
		return
	}
	if !ok {
		return // handled by an earlier hook
	}
	// The session as it is now: an earlier reply may have stopped,
	// resumed or changed it.
	sess, err := s.sessions.Get(sessionID)
	if err != nil {
		s.log.Error("Cannot load the session of a reply", "session_id", sessionID, "post_id", post.Id, "err", err)
		_ = s.kv.Delete(handledKey(post.Id))
		return
	}
	outcome := s.handleReply(sess, post)
	if err := s.kv.Set(handledKey(post.Id), []byte(outcome), handledTTL); err != nil {
		s.log.Warn("Cannot record what a reply became", "post_id", post.Id, "err", err)
	}
}

// handledAs is what a reply became ("" when it was never handled, or long ago).
func (s *Service) handledAs(postID string) string {
	v, err := s.kv.Get(handledKey(postID))
	if err != nil {
		s.log.Warn("Cannot read what a reply became", "post_id", postID, "err", err)
		return ""
	}
	return string(v)
}

// isPersonPost tells whether a post is a person's (not the bot's, not a
// system message, not from an integration).
func isPersonPost(p *model.Post, botID string) bool {
	return p.UserId != botID && p.Type == "" && !fromIntegration(p)
}
