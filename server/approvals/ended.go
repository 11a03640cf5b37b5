package approvals

import (
	"errors"
	"fmt"
	"slices"

	"github.com/claude-mattermost/claude-mattermost/server/cards"
	"github.com/claude-mattermost/claude-mattermost/server/kvstore"
	"github.com/claude-mattermost/claude-mattermost/server/sessions"
)

// ErrSessionEnded: the request's session has ended, so nothing can answer
// the request any more (the card is closed).
var ErrSessionEnded = errors.New("the session has ended; this request can no longer be answered")

// CloseSession closes every approval, plan and question card of sess still
// waiting for an answer, saying why (sessions.EndNote), drops them from the
// pending index and refreshes the participants' lists. Nothing is queued
// for the agent: its Claude Code has stopped (or failed), and it denies
// what was waiting itself. A card answered meanwhile stays as answered.
func (s *Service) CloseSession(sess *sessions.Session) {
	refs, err := s.Pending()
	if err != nil {
		s.log.Warn("Cannot list the pending requests of an ended session", "session_id", sess.ID, "err", err)
		return
	}
	closed := 0
	for _, ref := range refs {
		if ref.SessionID != sess.ID {
			continue
		}
		ok, err := s.closeOne(sess, ref)
		if err != nil {
			s.log.Warn("Cannot close a request of an ended session", "session_id", sess.ID, "request_id", ref.RequestID, "err", err)
			continue
		}
		if ok {
			closed++
		}
	}
	if closed > 0 {
		s.sessions.RefreshParticipants(sess, cards.RefreshApprovals)
	}
}

// closeOne closes one pending request of an ended session. It reports
// whether it closed it (false: answered meanwhile, or gone).
func (s *Service) closeOne(sess *sessions.Session, ref PendingRef) (bool, error) {
	note := sessions.EndNote(sess)
	now := s.clock.Now().UnixMilli()
	closed := false
	if ref.IsQuestion() {
		q, err := kvstore.Update(s.kv, questionKey(ref.SessionID, ref.RequestID), 0, func(cur *Question) (*Question, error) {
			closed = false
			if cur == nil || cur.Status != cards.QuestionPending {
				return nil, nil
			}
			cur.Status, cur.AnsweredAt, cur.SessionEnded, cur.Reason = cards.QuestionExpired, now, true, note
			closed = true
			return cur, nil
		})
		if err != nil {
			return false, fmt.Errorf("close question: %w", err)
		}
		if err := s.setPending(ref, false); err != nil {
			return closed, err
		}
		if closed {
			if err := s.updateQuestionCard(q); err != nil && !errors.Is(err, errNoCard) {
				s.log.Warn("Question closed but its card was not updated", "session_id", sess.ID, "request_id", ref.RequestID, "err", err)
			}
		}
		return closed, nil
	}
	a, err := kvstore.Update(s.kv, approvalKey(ref.SessionID, ref.RequestID), 0, func(cur *Approval) (*Approval, error) {
		closed = false
		if cur == nil || cur.Status != cards.ApprovalPending {
			return nil, nil
		}
		cur.Status, cur.DecidedBy, cur.DecidedByID, cur.DecidedAt = cards.ApprovalDenied, "", "", now
		cur.Reason, cur.SessionEnded = note, true
		closed = true
		return cur, nil
	})
	if err != nil {
		return false, fmt.Errorf("close approval: %w", err)
	}
	if err := s.setPending(ref, false); err != nil {
		return closed, err
	}
	if closed {
		if err := s.updateCard(a); err != nil && !errors.Is(err, errNoCard) {
			s.log.Warn("Approval closed but its card was not updated", "session_id", sess.ID, "request_id", ref.RequestID, "err", err)
		}
	}
	return closed, nil
}

// CloseEnded closes the pending requests of sessions that have ended (a
// request made while the session was ending, or a close that failed):
// the lifetime job's backstop. It returns how many sessions it closed.
func (s *Service) CloseEnded() int {
	refs, err := s.Pending()
	if err != nil {
		s.log.Warn("Cannot list pending requests", "err", err)
		return 0
	}
	seen := map[string]bool{}
	n := 0
	for _, ref := range refs {
		if seen[ref.SessionID] {
			continue
		}
		seen[ref.SessionID] = true
		sess, err := s.sessions.Get(ref.SessionID)
		if err != nil || !sess.Ended() {
			continue
		}
		s.CloseSession(sess)
		n++
	}
	return n
}

// RefreshWaiting rewrites the pending approval, plan and question cards of
// sess with who may answer now (the participants changed).
func (s *Service) RefreshWaiting(sess *sessions.Session) {
	refs, err := s.Pending()
	if err != nil {
		s.log.Warn("Cannot list the pending requests of a session", "session_id", sess.ID, "err", err)
		return
	}
	names := sess.ParticipantNames()
	for _, ref := range refs {
		if ref.SessionID != sess.ID {
			continue
		}
		changed := false
		if ref.IsQuestion() {
			q, err := kvstore.Update(s.kv, questionKey(ref.SessionID, ref.RequestID), 0, func(cur *Question) (*Question, error) {
				if cur == nil || cur.Status != cards.QuestionPending || slices.Equal(cur.WaitingFor, names) {
					changed = false
					return nil, nil
				}
				cur.WaitingFor, changed = names, true
				return cur, nil
			})
			if err == nil && changed {
				err = s.updateQuestionCard(q)
			}
			if err != nil && !errors.Is(err, errNoCard) {
				s.log.Warn("Cannot update who a question waits for", "session_id", sess.ID, "request_id", ref.RequestID, "err", err)
			}
			continue
		}
		a, err := kvstore.Update(s.kv, approvalKey(ref.SessionID, ref.RequestID), 0, func(cur *Approval) (*Approval, error) {
			if cur == nil || cur.Status != cards.ApprovalPending || slices.Equal(cur.WaitingFor, names) {
				return nil, nil
			}
			cur.WaitingFor, changed = names, true
			return cur, nil
		})
		if err == nil && changed {
			err = s.updateCard(a)
		}
		if err != nil && !errors.Is(err, errNoCard) {
			s.log.Warn("Cannot update who an approval waits for", "session_id", sess.ID, "request_id", ref.RequestID, "err", err)
		}
	}
}
