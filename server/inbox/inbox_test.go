package inbox

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/claude-mattermost/claude-mattermost/server/clock"
	"github.com/claude-mattermost/claude-mattermost/server/kvstore"
)

func newInbox() (*Service, *kvstore.Memory) {
	kv := kvstore.NewMemory(nil)
	return New(kv, clock.Real{}, nil, time.Minute), kv
}

func TestConcurrentEnqueueGivesEachEventItsOwnSeq(t *testing.T) {
	ib, _ := newInbox()
	const writers, each = 8, 25
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				if _, err := ib.Enqueue("m", TypeMessage, "s", MessagePayload{Text: string(rune('a'+w)) + string(rune('0'+i%10))}); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	var all []Event
	var after int64
	for {
		evs, cursor, err := ib.Fetch(context.Background(), "m", after, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) == 0 {
			break
		}
		if len(evs) > MaxBatch {
			t.Fatalf("batch of %d", len(evs))
		}
		all = append(all, evs...)
		after = cursor
	}
	if len(all) != writers*each {
		t.Fatalf("fetched %d events, want %d", len(all), writers*each)
	}
	for i, e := range all {
		if e.Seq != int64(i+1) {
			t.Fatalf("event %d has seq %d: seqs must be 1..n without gaps", i, e.Seq)
		}
	}
}

func TestEnqueueRacingAckLosesNothing(t *testing.T) {
	ib, _ := newInbox()
	const total = 200
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range total {
			if _, err := ib.Enqueue("m", TypeMessage, "s", MessagePayload{Text: string(rune(i))}); err != nil {
				t.Error(err)
			}
		}
	}()
	seen := map[int64]bool{}
	var cursor int64
	deadline := time.Now().Add(10 * time.Second)
	for len(seen) < total && time.Now().Before(deadline) {
		evs, next, err := ib.Fetch(context.Background(), "m", cursor, 50*time.Millisecond)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			if seen[e.Seq] {
				t.Fatalf("seq %d delivered twice after ack", e.Seq)
			}
			seen[e.Seq] = true
		}
		cursor = next
		if err := ib.Ack("m", cursor); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	if len(seen) != total {
		t.Fatalf("received %d of %d events", len(seen), total)
	}
}

func TestFetch(t *testing.T) {
	tests := []struct {
		name       string
		enqueue    int
		ack        int64
		after      int64
		wantSeqs   []int64
		wantCursor int64
	}{
		{"returns events after the cursor", 3, 0, 1, []int64{2, 3}, 3},
		{"returns nothing at the head, cursor unchanged", 3, 0, 3, nil, 3},
		{"skips acknowledged events for an old cursor", 3, 2, 0, []int64{3}, 3},
		{"a cursor ahead of the queue reads from the ack", 2, 1, 50, []int64{2}, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ib, _ := newInbox()
			for range tc.enqueue {
				if _, err := ib.Enqueue("m", TypeStop, "s", StopPayload{}); err != nil {
					t.Fatal(err)
				}
			}
			if tc.ack > 0 {
				if err := ib.Ack("m", tc.ack); err != nil {
					t.Fatal(err)
				}
			}
			evs, cursor, err := ib.Fetch(context.Background(), "m", tc.after, 0)
			if err != nil {
				t.Fatal(err)
			}
			var seqs []int64
			for _, e := range evs {
				seqs = append(seqs, e.Seq)
			}
			if len(seqs) != len(tc.wantSeqs) || cursor != tc.wantCursor {
				t.Fatalf("got %v cursor %d, want %v cursor %d", seqs, cursor, tc.wantSeqs, tc.wantCursor)
			}
			for i := range seqs {
				if seqs[i] != tc.wantSeqs[i] {
					t.Fatalf("got %v, want %v", seqs, tc.wantSeqs)
				}
			}
		})
	}
}

func TestAck(t *testing.T) {
	ib, kv := newInbox()
	for range 3 {
		if _, err := ib.Enqueue("m", TypeStop, "s", StopPayload{}); err != nil {
			t.Fatal(err)
		}
	}
	if err := ib.Ack("m", 500); err != ErrAckAhead {
		t.Fatalf("ack far ahead: %v", err)
	}
	if err := ib.Ack("m", 2); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"inbox/m/1", "inbox/m/2"} {
		if v, _ := kv.Get(key); string(v) != string(tombstone) {
			t.Fatalf("%s after ack 2 holds %s, want the tombstone", key, v)
		}
	}
	if v, _ := kv.Get("inbox/m/3"); string(v) == string(tombstone) || v == nil {
		t.Fatalf("the unacked event 3 was touched: %s", v)
	}
	if err := ib.Ack("m", 1); err != nil {
		t.Fatalf("an older ack must be harmless: %v", err)
	}
	if seq, _ := ib.Enqueue("m", TypeStop, "s", StopPayload{}); seq != 4 {
		t.Fatalf("next seq %d, want 4", seq)
	}
}

// A writer whose view of the head is stale must not put its event in a slot
// below the acknowledged mark, where no reader would ever look.
func TestStaleHeadCannotTakeAnAcknowledgedSlot(t *testing.T) {
	ib, kv := newInbox()
	for range 3 {
		if _, err := ib.Enqueue("m", TypeStop, "s", StopPayload{}); err != nil {
			t.Fatal(err)
		}
	}
	if err := ib.Ack("m", 3); err != nil {
		t.Fatal(err)
	}
	// The head as a slow writer on another node may still have read it.
	if err := kv.Set(metaKey("m"), []byte(`{"last":0,"acked":0}`), 0); err != nil {
		t.Fatal(err)
	}
	seq, err := ib.Enqueue("m", TypeMessage, "s", MessagePayload{Text: "late"})
	if err != nil {
		t.Fatal(err)
	}
	if seq != 4 {
		t.Fatalf("took seq %d, want 4 (1..3 are acknowledged)", seq)
	}
	evs, _, err := ib.Fetch(context.Background(), "m", 3, 0)
	if err != nil || len(evs) != 1 || evs[0].Seq != 4 {
		t.Fatalf("fetch after 3: %v %v", evs, err)
	}
}

func TestFetchReturnsWhenTheRequestEnds(t *testing.T) {
	ib, _ := newInbox()
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	start := time.Now()
	if _, _, err := ib.Fetch(ctx, "m", 0, MaxWait); err != nil {
		t.Fatal(err)
	}
	if time.Since(start) > 5*time.Second {
		t.Fatal("fetch kept waiting after the client went away")
	}
}
