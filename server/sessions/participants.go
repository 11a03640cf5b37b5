package sessions

import (
	"errors"
	"slices"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/claude-mattermost/claude-mattermost/server/cards"
)

// ErrOwner: the owner cannot be removed from their session.
var ErrOwner = errors.New("the session's owner cannot be removed")

// maxParticipants bounds a session's participant list.
const maxParticipants = 50

// ErrTooManyParticipants: the session is full.
var ErrTooManyParticipants = errors.New("the session has the most participants it can have")

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
		s.RefreshHeader(sess, true)
		for _, p := range added {
			s.Refresh(cards.RefreshApprovals, p.ID) // they may answer its pending requests now
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
		s.RefreshHeader(sess, true)
		s.Refresh(cards.RefreshApprovals, userID)
	}
	return sess, removed, nil
}
