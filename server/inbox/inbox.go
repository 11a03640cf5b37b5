package inbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/claude-mattermost/claude-mattermost/server/clock"
	"github.com/claude-mattermost/claude-mattermost/server/kvstore"
)

const (
	// MaxWait is the longest a fetch holds the request.
	MaxWait = 30 * time.Second
	// MaxBatch is the most events one fetch returns.
	MaxBatch = 100
	// ClusterEventWake is the plugin cluster event that wakes long polls on
	// the other nodes; its data is the machine id.
	ClusterEventWake = "inbox_wake"
	// DefaultRecheck is how often a waiting fetch re-reads the store anyway,
	// in case a wake-up was lost (another node, a dropped cluster message).
	DefaultRecheck = time.Second
	claimAttempts  = 100
)

// ErrAckAhead is returned for an ack past anything that was ever queued.
var ErrAckAhead = errors.New("seq is ahead of the newest event")

// ClusterPublisher sends plugin cluster events to the other nodes.
type ClusterPublisher interface {
	PublishPluginClusterEvent(ev model.PluginClusterEvent, opts model.PluginClusterEventSendOptions) error
}

// Service is the inbox of every machine.
type Service struct {
	kv      kvstore.Store
	clock   clock.Clock
	cluster ClusterPublisher
	recheck time.Duration
	waiters waiters
	closed  chan struct{}
	close   sync.Once
}

// New returns the inbox service. recheck is the fallback store poll interval
// while waiting (DefaultRecheck when 0).
func New(kv kvstore.Store, c clock.Clock, cluster ClusterPublisher, recheck time.Duration) *Service {
	if recheck <= 0 {
		recheck = DefaultRecheck
	}
	return &Service{kv: kv, clock: c, cluster: cluster, recheck: recheck, waiters: waiters{ch: map[string]chan struct{}{}}, closed: make(chan struct{})}
}

// Close ends every long poll held on this node at once (each answers with
// what it has, maybe nothing) and makes later fetches answer without
// waiting: the plugin is being deactivated, and a poll still held when its
// process stops would fail in Mattermost's log. Agents poll again.
func (s *Service) Close() { s.close.Do(func() { close(s.closed) }) }

// meta is the per-machine queue head: the highest seq handed out (a hint,
// it may briefly lag a claimed slot) and the highest seq acknowledged.
type meta struct {
	Last  int64 `json:"last"`
	Acked int64 `json:"acked"`
}

func metaKey(machineID string) string { return "inbox_meta/" + machineID }
func eventKey(machineID string, seq int64) string {
	return "inbox/" + machineID + "/" + strconv.FormatInt(seq, 10)
}

func (s *Service) meta(machineID string) (meta, error) {
	var m meta
	if _, err := kvstore.GetJSON(s.kv, metaKey(machineID), &m); err != nil {
		return m, fmt.Errorf("load inbox head: %w", err)
	}
	return m, nil
}

// Enqueue stores an event for the machine and wakes its long polls. It
// returns the event's seq.
//
// A seq is taken by creating its event key with compare-and-set ("only if
// absent"), so two writers on any nodes never share one, and the queue
// never has a hole a reader could stall on. The head record is only a hint
// for where to start: an acknowledged slot keeps a tombstone for a while
// (see Ack), so a writer that read a stale head cannot take a slot below the
// acknowledged mark, where no reader would ever see its event. A slot, once
// taken, is never given back: a reader may already have handed it out.
func (s *Service) Enqueue(machineID string, typ EventType, sessionID string, payload any) (int64, error) {
	body, err := json.Marshal(payload)
	if err != nil {
		return 0, fmt.Errorf("encode %s payload: %w", typ, err)
	}
	m, err := s.meta(machineID)
	if err != nil {
		return 0, err
	}
	seq := max(m.Last, m.Acked) + 1
	for attempt := 0; ; attempt++ {
		if attempt == claimAttempts {
			return 0, fmt.Errorf("enqueue for machine %s: %w", machineID, kvstore.ErrConflict)
		}
		ev := Event{Seq: seq, Type: typ, SessionID: sessionID, CreatedAt: s.clock.Now().UnixMilli(), Payload: body}
		raw, err := json.Marshal(ev)
		if err != nil {
			return 0, fmt.Errorf("encode event: %w", err)
		}
		ok, err := s.kv.CompareAndSet(eventKey(machineID, seq), nil, raw, 0)
		if err != nil {
			return 0, fmt.Errorf("store event: %w", err)
		}
		if ok {
			break
		}
		seq++
		// Many writers at once: jump to the head rather than probing
		// every slot they took.
		if attempt%8 == 7 {
			if m, err = s.meta(machineID); err != nil {
				return 0, err
			}
			seq = max(seq, m.Last+1, m.Acked+1)
		}
	}
	if _, err := kvstore.Update(s.kv, metaKey(machineID), 0, func(cur *meta) (*meta, error) {
		if cur == nil {
			cur = &meta{}
		}
		if cur.Last >= seq {
			return nil, nil
		}
		cur.Last = seq
		return cur, nil
	}); err != nil {
		return 0, fmt.Errorf("advance inbox head: %w", err)
	}
	s.wake(machineID)
	return seq, nil
}

func (s *Service) wake(machineID string) {
	s.waiters.notify(machineID)
	if s.cluster != nil {
		// Best effort: the other nodes' waiters re-check the store every
		// recheck interval anyway.
		_ = s.cluster.PublishPluginClusterEvent(
			model.PluginClusterEvent{Id: ClusterEventWake, Data: []byte(machineID)},
			model.PluginClusterEventSendOptions{SendType: model.PluginClusterEventSendTypeBestEffort},
		)
	}
}

// Wake wakes this node's long polls for the machine (cluster event handler).
func (s *Service) Wake(machineID string) { s.waiters.notify(machineID) }

// Fetch returns up to MaxBatch events with seq > after, waiting up to wait
// for the first one. The cursor is the highest seq returned, or after when
// none. A cursor ahead of the queue (an agent carrying one over from an
// earlier pairing) reads from the acknowledged position instead.
func (s *Service) Fetch(ctx context.Context, machineID string, after int64, wait time.Duration) ([]Event, int64, error) {
	wait = min(max(wait, 0), MaxWait)
	deadline := time.Now().Add(wait)
	for {
		ready := s.waiters.channel(machineID) // before reading: no lost wake-ups
		events, err := s.read(machineID, after)
		if err != nil {
			return nil, after, err
		}
		if len(events) > 0 {
			return events, events[len(events)-1].Seq, nil
		}
		left := time.Until(deadline)
		if left <= 0 {
			return []Event{}, after, nil
		}
		timer := time.NewTimer(min(left, s.recheck))
		select {
		case <-ready:
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			return []Event{}, after, nil
		case <-s.closed:
			timer.Stop()
			return []Event{}, after, nil
		}
		timer.Stop()
	}
}

func (s *Service) read(machineID string, after int64) ([]Event, error) {
	m, err := s.meta(machineID)
	if err != nil {
		return nil, err
	}
	if after > max(m.Last, m.Acked) {
		after = m.Acked
	}
	start := max(after, m.Acked) + 1
	var events []Event
	for seq := start; len(events) < MaxBatch; seq++ {
		var ev Event
		found, err := kvstore.GetJSON(s.kv, eventKey(machineID, seq), &ev)
		if err != nil {
			return nil, err
		}
		if !found {
			break
		}
		events = append(events, ev)
	}
	return events, nil
}

// tombstone replaces an acknowledged event until tombstoneTTL passes: long
// enough that no writer's view of the head is that stale, short enough that
// the store does not grow with every event ever sent.
var tombstone = []byte(`{"acked":true}`)

const tombstoneTTL = time.Hour

// Ack retires every event with seq <= upTo (its payload is gone at once).
func (s *Service) Ack(machineID string, upTo int64) error {
	var from int64
	if _, err := kvstore.Update(s.kv, metaKey(machineID), 0, func(cur *meta) (*meta, error) {
		if cur == nil {
			cur = &meta{}
		}
		if upTo > cur.Last+MaxBatch {
			return nil, ErrAckAhead
		}
		from = cur.Acked
		if upTo <= cur.Acked {
			return nil, nil
		}
		cur.Acked = upTo
		cur.Last = max(cur.Last, upTo)
		return cur, nil
	}); err != nil {
		if errors.Is(err, ErrAckAhead) {
			return err
		}
		return fmt.Errorf("ack inbox: %w", err)
	}
	for seq := from + 1; seq <= upTo; seq++ {
		if err := s.kv.Set(eventKey(machineID, seq), tombstone, tombstoneTTL); err != nil {
			return fmt.Errorf("retire acked event: %w", err)
		}
	}
	return nil
}

// waiters lets long polls on this node sleep until an enqueue for their
// machine: each machine has a channel that is closed (and replaced) on notify.
type waiters struct {
	mu sync.Mutex
	ch map[string]chan struct{}
}

func (w *waiters) channel(machineID string) <-chan struct{} {
	w.mu.Lock()
	defer w.mu.Unlock()
	c, ok := w.ch[machineID]
	if !ok {
		c = make(chan struct{})
		w.ch[machineID] = c
	}
	return c
}

func (w *waiters) notify(machineID string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if c, ok := w.ch[machineID]; ok {
		close(c)
		delete(w.ch, machineID)
	}
}
