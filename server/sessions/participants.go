package sessions

import (
	"errors"
	"fmt"
	"slices"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/claude-mattermost/claude-mattermost/server/cards"
	"github.com/claude-mattermost/claude-mattermost/server/kvstore"
)

// ErrOwner: the owner cannot be removed from their session.
var ErrOwner = errors.New("the session's owner cannot be removed")

// maxParticipants bounds a session's participant list.
const maxParticipants = 50

// ErrTooManyParticipants: the session is full.
var ErrTooManyParticipants = errors.New("the session has the most participants it can have")

// OnParticipants registers fn to run after a session's participants
// changed: the cards waiting for them say who may answer now. Register
// before serving.
func (s *Service) OnParticipants(fn func(sess *Session)) {
	s.onParticipants = append(s.onParticipants, fn)
}

func (s *Service) participantsChanged(sess *Session) {
	for _, fn := range s.onParticipants {
		fn(sess)
	}
}

// AddParticipants makes users participants; it returns the session and
// the users that were not participants before.
func (s *Service) AddParticipants(id string, users []*model.User) (*Session, []Participant, error) {
	var added []Participant
	sess, err := s.update(id, func(cur *Session) error {
		added = nil
		for _, u := range users {
			if cur.IsParticipant(u.Id) {
				continue
			}
			if len(cur.Participants) >= maxParticipants {
				return ErrTooManyParticipants
			}
			p := Participant{ID: u.Id, Username: u.Username}
			cur.Participants = append(cur.Participants, p)
			added = append(added, p)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	if len(added) > 0 {
		for _, p := range added {
			if err := s.indexInvited(p.ID, sess.ID, true); err != nil {
				s.log.Warn("Participant added but not listed in their sessions", "session_id", sess.ID, "user_id", p.ID, "err", err)
			}
		}
		s.participantsChanged(sess)
		s.RefreshHeader(sess, true)
		for _, p := range added {
			s.Refresh(cards.RefreshApprovals, p.ID) // they may answer its pending requests now
			s.Refresh(cards.RefreshSessions, p.ID)
		}
	}
	return sess, added, nil
}

// RemoveParticipant removes userID (never the owner); it reports whether
// the user was a participant.
func (s *Service) RemoveParticipant(id, userID string) (*Session, bool, error) {
	removed := false
	sess, err := s.update(id, func(cur *Session) error {
		if userID == cur.OwnerID {
			return ErrOwner
		}
		removed = cur.IsParticipant(userID)
		cur.Participants = slices.DeleteFunc(cur.Participants, func(p Participant) bool { return p.ID == userID })
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	if removed {
		if err := s.indexInvited(userID, sess.ID, false); err != nil {
			s.log.Warn("Participant removed but still listed in their sessions", "session_id", sess.ID, "user_id", userID, "err", err)
		}
		s.participantsChanged(sess)
		s.RefreshHeader(sess, true)
		s.Refresh(cards.RefreshApprovals, userID)
		s.Refresh(cards.RefreshSessions, userID)
	}
	return sess, removed, nil
}

func invitedKey(uid string) string { return "user_invited/" + uid }

// indexInvited adds a session to (or drops it from) the sessions a user was
// invited to; past maxUserSessions the oldest are forgotten.
func (s *Service) indexInvited(userID, sessionID string, invited bool) error {
	if err := kvstore.SetListMember(s.kv, invitedKey(userID), sessionID, invited, maxUserSessions); err != nil {
		return fmt.Errorf("index invited session of user %s: %w", userID, err)
	}
	return nil
}

// ListInvited returns the sessions the user was invited to (and is still a
// participant of), newest first.
func (s *Service) ListInvited(userID string) ([]*Session, error) {
	var ids []string
	if _, err := kvstore.GetJSON(s.kv, invitedKey(userID), &ids); err != nil {
		return nil, fmt.Errorf("load invited sessions of user %s: %w", userID, err)
	}
	out := make([]*Session, 0, len(ids))
	for i := len(ids) - 1; i >= 0; i-- {
		sess, err := s.Get(ids[i])
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if sess.OwnerID != userID && sess.IsParticipant(userID) {
			out = append(out, sess)
		}
	}
	return out, nil
}
