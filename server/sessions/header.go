package sessions

import (
	"fmt"
	"sync"
	"time"

	"github.com/claude-mattermost/claude-mattermost/server/cards"
)

// DefaultHeaderEvery is the least time between two writes of a session's
// header card that do not change its status.
const DefaultHeaderEvery = time.Second

// headerThrottle remembers, on this node, when each header was last
// written, and holds at most one delayed write per session.
type headerThrottle struct {
	mu      sync.Mutex
	every   time.Duration
	last    map[string]time.Time
	pending map[string]*time.Timer
	closed  bool
}

func (h *headerThrottle) init(every time.Duration) {
	if every == 0 {
		every = DefaultHeaderEvery
	}
	h.every = every
	h.last = map[string]time.Time{}
	h.pending = map[string]*time.Timer{}
}

func (h *headerThrottle) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for id, t := range h.pending {
		t.Stop()
		delete(h.pending, id)
	}
}

// RefreshHeader rewrites the header card from the stored session. force
// (a status or participant change) writes now; other changes are written
// at most once per HeaderEvery, the last of them after a delay.
func (s *Service) RefreshHeader(sess *Session, force bool) {
	now := s.clock.Now()
	h := &s.headers
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return
	}
	wait := h.every - now.Sub(h.last[sess.ID])
	if !force && wait > 0 {
		if _, ok := h.pending[sess.ID]; !ok {
			id := sess.ID
			h.pending[id] = time.AfterFunc(wait, func() { s.delayedHeader(id) })
		}
		h.mu.Unlock()
		return
	}
	if t, ok := h.pending[sess.ID]; ok {
		t.Stop()
		delete(h.pending, sess.ID)
	}
	if len(h.last) > 10_000 {
		h.last = map[string]time.Time{}
	}
	h.last[sess.ID] = now
	h.mu.Unlock()
	if err := s.writeHeader(sess); err != nil {
		s.log.Warn("Session updated but not its header card", "session_id", sess.ID, "err", err)
	}
}

func (s *Service) delayedHeader(id string) {
	h := &s.headers
	h.mu.Lock()
	delete(h.pending, id)
	closed := h.closed
	h.mu.Unlock()
	if closed {
		return
	}
	sess, err := s.Get(id)
	if err != nil {
		s.log.Warn("Cannot load a session for its delayed header write", "session_id", id, "err", err)
		return
	}
	s.RefreshHeader(sess, true)
}

func (s *Service) writeHeader(sess *Session) error {
	id := sess.HeaderPostID()
	post, appErr := s.api.GetPost(id)
	if appErr != nil {
		return fmt.Errorf("load header card %s: %w", id, appErr)
	}
	cards.ApplySession(post, sess.Card(s.Redact))
	if _, appErr := s.api.UpdatePost(post); appErr != nil {
		return fmt.Errorf("update header card %s: %w", id, appErr)
	}
	return nil
}
