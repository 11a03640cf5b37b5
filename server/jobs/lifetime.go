// Package jobs runs the plugin's background work: the lifetime job that
// warns about and ends idle sessions and denies approvals nobody answered.
// It runs on one node of a cluster at a time (pluginapi cluster.Schedule,
// a cluster mutex) and reads the live-session and pending-approval indexes
// instead of scanning the KV store.
package jobs

import (
	"errors"
	"time"

	"github.com/claude-mattermost/claude-mattermost/server/approvals"
	"github.com/claude-mattermost/claude-mattermost/server/cards"
	"github.com/claude-mattermost/claude-mattermost/server/clock"
	"github.com/claude-mattermost/claude-mattermost/server/config"
	"github.com/claude-mattermost/claude-mattermost/server/mmapi"
	"github.com/claude-mattermost/claude-mattermost/server/sessions"
)

// IdleWarnAt is the part of the idle timeout after which participants are warned.
const IdleWarnAt = 0.8

// Period bounds: a run every tenth of the shortest deadline gap, so
// second-level testing timeouts fire within a second, and production
// timeouts (minutes) cost a run every 30 s.
const (
	MinPeriod = 500 * time.Millisecond
	MaxPeriod = 30 * time.Second
)

// Period is how often the lifetime job should run under cfg.
func Period(cfg config.Config) time.Duration {
	shortest := time.Duration(0)
	consider := func(d time.Duration) {
		if d > 0 && (shortest == 0 || d < shortest) {
			shortest = d
		}
	}
	if idle := cfg.IdleTimeout(); idle > 0 {
		consider(time.Duration(float64(idle) * (1 - IdleWarnAt))) // warning → end
	}
	consider(cfg.ApprovalTimeout())
	if shortest == 0 {
		return MaxPeriod
	}
	return min(max(shortest/10, MinPeriod), MaxPeriod)
}

// Lifetime is the job's work.
type Lifetime struct {
	sessions  *sessions.Service
	approvals *approvals.Service
	settings  *config.Store
	clock     clock.Clock
	log       mmapi.Logger
}

// NewLifetime returns the lifetime job.
func NewLifetime(s *sessions.Service, a *approvals.Service, settings *config.Store, c clock.Clock, log mmapi.Logger) *Lifetime {
	return &Lifetime{sessions: s, approvals: a, settings: settings, clock: c, log: log.With("component", "jobs")}
}

// Run is one pass: idle warnings and ends, then approval timeouts.
func (l *Lifetime) Run() {
	cfg := l.settings.Get()
	if idle := cfg.IdleTimeout(); idle > 0 {
		l.idle(idle)
	}
	if timeout := cfg.ApprovalTimeout(); timeout > 0 {
		l.expire(timeout)
	}
	// Requests of sessions that ended while they were being made.
	if n := l.approvals.CloseEnded(); n > 0 {
		l.log.Info("Closed the requests of ended sessions", "sessions", n)
	}
}

func (l *Lifetime) idle(idle time.Duration) {
	ids, err := l.sessions.LiveIDs()
	if err != nil {
		l.log.Error("Cannot list live sessions", "err", err)
		return
	}
	for _, id := range ids {
		sess, err := l.sessions.Get(id)
		if errors.Is(err, sessions.ErrNotFound) {
			l.sessions.DropLive(id)
			continue
		}
		if err != nil {
			l.log.Error("Cannot load a live session", "session_id", id, "err", err)
			continue
		}
		if sess.Ended() {
			l.sessions.DropLive(id)
			continue
		}
		since := l.clock.Now().Sub(time.UnixMilli(sess.LastActivity))
		switch {
		case since >= idle:
			ended, ok, err := l.sessions.EndIdle(id, sess.LastActivity)
			if err != nil {
				l.log.Error("Cannot end an idle session", "session_id", id, "err", err)
			}
			if ok {
				l.log.Info("Idle session ended", "session_id", id, "idle", since.String())
				l.reply(ended, "Ended after "+cards.Duration(idle)+" idle; reply to resume.")
			}
		case since >= time.Duration(float64(idle)*IdleWarnAt) && sess.IdleWarnedAt == 0:
			warned, ok, err := l.sessions.WarnIdle(id, sess.LastActivity)
			if err != nil {
				l.log.Error("Cannot record an idle warning", "session_id", id, "err", err)
			}
			if ok {
				l.reply(warned, "This session has been idle for "+cards.Duration(since.Round(time.Second))+
					"; it ends in "+cards.Duration((idle-since).Round(time.Second))+" unless someone writes here. Replying later resumes it.")
			}
		}
	}
}

func (l *Lifetime) reply(sess *sessions.Session, text string) {
	if _, err := l.sessions.Reply(sess, text); err != nil {
		l.log.Warn("Cannot post a lifetime reply", "session_id", sess.ID, "err", err)
	}
}

func (l *Lifetime) expire(timeout time.Duration) {
	refs, err := l.approvals.Pending()
	if err != nil {
		l.log.Error("Cannot list pending approvals", "err", err)
		return
	}
	now := l.clock.Now()
	for _, ref := range refs {
		if now.Sub(time.UnixMilli(ref.CreatedAt)) < timeout {
			continue
		}
		expired, err := l.approvals.Expire(ref, timeout)
		if err != nil {
			l.log.Error("Cannot expire an approval", "session_id", ref.SessionID, "request_id", ref.RequestID, "err", err)
		}
		if expired {
			l.log.Info("Approval expired and denied", "session_id", ref.SessionID, "request_id", ref.RequestID)
		}
	}
}
