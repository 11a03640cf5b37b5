package approvals

import (
	"errors"
	"fmt"

	"github.com/claude-mattermost/claude-mattermost/server/cards"
	"github.com/claude-mattermost/claude-mattermost/server/kvstore"
	"github.com/claude-mattermost/claude-mattermost/server/sessions"
)

// Requests Claude Code asks in a terminal too: the first answer, in the
// terminal or in Mattermost, counts. The agent reports an answer given in
// the terminal (or the hook stepping aside) with a `resolved` output, which
// closes the card without a decision from Mattermost.

// Resolve closes the pending approval, plan or question requestID as
// settled in the terminal (resolution is cards.ResolvedTerminal…): the card
// says so, it leaves the pending list, and no event is queued (the agent
// knows). It returns the request's status afterwards: "resolved", or what
// it already was when it was no longer pending.
func (s *Service) Resolve(sess *sessions.Session, requestID, resolution string) (string, error) {
	now := s.clock.Now().UnixMilli()
	resolved := false
	a, err := kvstore.Update(s.kv, approvalKey(sess.ID, requestID), 0, func(cur *Approval) (*Approval, error) {
		resolved = false
		if cur == nil || cur.Status != cards.ApprovalPending {
			return nil, nil
		}
		cur.Status, cur.Resolution, cur.DecidedAt = cards.ApprovalResolved, resolution, now
		resolved = true
		return cur, nil
	})
	if err != nil {
		return "", fmt.Errorf("resolve approval %s/%s: %w", sess.ID, requestID, err)
	}
	if a != nil {
		if resolved {
			if err := s.setPending(PendingRef{SessionID: sess.ID, RequestID: requestID}, false); err != nil {
				s.log.Warn("Approval resolved but still indexed as pending", "session_id", sess.ID, "request_id", requestID, "err", err)
			}
			if err := s.updateCard(a); err != nil && !errors.Is(err, errNoCard) {
				s.log.Warn("Approval resolved but the card was not updated", "session_id", sess.ID, "request_id", requestID, "err", err)
			}
			s.sessions.RefreshParticipants(sess, cards.RefreshApprovals)
		}
		return a.Status, nil
	}

	q, err := kvstore.Update(s.kv, questionKey(sess.ID, requestID), 0, func(cur *Question) (*Question, error) {
		resolved = false
		if cur == nil || cur.Status != cards.QuestionPending {
			return nil, nil
		}
		cur.Status, cur.Resolution, cur.AnsweredAt = cards.QuestionResolved, resolution, now
		resolved = true
		return cur, nil
	})
	if err != nil {
		return "", fmt.Errorf("resolve question %s/%s: %w", sess.ID, requestID, err)
	}
	if q == nil {
		return "", ErrNotFound
	}
	if resolved {
		if err := s.setPending(PendingRef{SessionID: sess.ID, RequestID: requestID, Kind: KindQuestion}, false); err != nil {
			s.log.Warn("Question resolved but still indexed as pending", "session_id", sess.ID, "request_id", requestID, "err", err)
		}
		s.finishQuestion(sess, q)
	}
	return q.Status, nil
}

// leftToTerminal marks a terminal request nobody answered in time: the
// terminal asks (the agent gets the usual `decision` deny "timed out" and
// steps aside), so the card says "left to the terminal", not "denied". It
// reports false for a request Mattermost alone asked.
func leftToTerminal(terminal bool, status, resolution *string) bool {
	if !terminal {
		return false
	}
	*status, *resolution = cards.ApprovalResolved, cards.ResolvedTerminalAsks
	return true
}
