package jobs

import (
	"sync"
	"time"

	"github.com/mattermost/mattermost/server/public/pluginapi/cluster"

	"github.com/claude-mattermost/claude-mattermost/server/config"
	"github.com/claude-mattermost/claude-mattermost/server/mmapi"
)

// jobKey names the job's cluster mutex and metadata in the KV store.
const jobKey = "lifetime"

// Scheduler runs the lifetime job on one node of the cluster at a time,
// every Period(settings). A new period (configuration change) reschedules
// it, so a job sleeping for the old period does not delay the new one.
type Scheduler struct {
	api      cluster.JobPluginAPI
	job      *Lifetime
	settings *config.Store
	log      mmapi.Logger

	mu     sync.Mutex
	period time.Duration
	cur    *cluster.Job
	closed bool
}

// NewScheduler schedules job; call Close at deactivation.
func NewScheduler(api cluster.JobPluginAPI, job *Lifetime, settings *config.Store, log mmapi.Logger) (*Scheduler, error) {
	s := &Scheduler{api: api, job: job, settings: settings, log: log.With("component", "jobs")}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s, s.scheduleLocked()
}

func (s *Scheduler) scheduleLocked() error {
	period := Period(s.settings.Get())
	wait := func(now time.Time, md cluster.JobMetadata) time.Duration {
		if since := now.Sub(md.LastFinished); since < period {
			return period - since
		}
		return 0
	}
	job, err := cluster.Schedule(s.api, jobKey, wait, s.job.Run)
	if err != nil {
		return err
	}
	s.cur, s.period = job, period
	s.log.Debug("Lifetime job scheduled", "period", period.String())
	return nil
}

// Reconfigure reschedules the job when the configuration changed its period.
func (s *Scheduler) Reconfigure() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || Period(s.settings.Get()) == s.period {
		return
	}
	old := s.cur
	if err := s.scheduleLocked(); err != nil {
		s.log.Error("Cannot reschedule the lifetime job; keeping the old period", "err", err)
		return
	}
	// Closing waits for a run in progress (or a lock wait): not on the hook's goroutine.
	go func() { _ = old.Close() }()
}

// Close stops the job on this node.
func (s *Scheduler) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	s.closed = true
	if s.cur != nil {
		_ = s.cur.Close()
	}
}
