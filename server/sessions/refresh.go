package sessions

import (
	"github.com/mattermost/mattermost/server/public/model"

	"github.com/claude-mattermost/claude-mattermost/server/cards"
)

// Refresh tells each user that a list of the right-hand panel changed
// (what is cards.RefreshSessions, RefreshApprovals or RefreshMachines);
// their webapp refetches it.
func (s *Service) Refresh(what string, userIDs ...string) {
	seen := map[string]bool{}
	for _, id := range userIDs {
		if id == "" || seen[id] {
			continue
		}
		seen[id] = true
		s.api.PublishWebSocketEvent(string(cards.WebSocketEventRefresh), map[string]any{"what": what},
			&model.WebsocketBroadcast{UserId: id})
	}
}

// RefreshParticipants sends Refresh to the session's participants.
func (s *Service) RefreshParticipants(sess *Session, what string) {
	ids := make([]string, 0, len(sess.Participants))
	for _, p := range sess.Participants {
		ids = append(ids, p.ID)
	}
	s.Refresh(what, ids...)
}
