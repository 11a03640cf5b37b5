package kvstore

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestOnceRunsOnceAcrossConcurrentCallers(t *testing.T) {
	for i := range 50 {
		s := NewMemory(nil)
		var runs atomic.Int32
		start := make(chan struct{})
		var wg sync.WaitGroup
		results := make([]string, 8)
		for g := range results {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				v, _, err := Once(s, "k", 0, func() ([]byte, error) {
					runs.Add(1)
					time.Sleep(time.Millisecond)
					return []byte("post-" + string(rune('a'+i%26))), nil
				})
				if err != nil {
					t.Error(err)
				}
				results[g] = string(v)
			}()
		}
		close(start)
		wg.Wait()
		if runs.Load() != 1 {
			t.Fatalf("iteration %d: produce ran %d times", i, runs.Load())
		}
		for _, r := range results {
			if r != results[0] || r == "" {
				t.Fatalf("callers got different results: %q", results)
			}
		}
	}
}

func TestOnceFailureLetsTheNextCallTry(t *testing.T) {
	s := NewMemory(nil)
	boom := errors.New("boom")
	if _, _, err := Once(s, "k", 0, func() ([]byte, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	v, made, err := Once(s, "k", 0, func() ([]byte, error) { return []byte("v"), nil })
	if err != nil || !made || string(v) != "v" {
		t.Fatalf("%q %v %v", v, made, err)
	}
	v, made, err = Once(s, "k", 0, func() ([]byte, error) { t.Fatal("ran again"); return nil, nil })
	if err != nil || made || string(v) != "v" {
		t.Fatalf("%q %v %v", v, made, err)
	}
}

func TestOnceWaitsForAClaimThenSaysBusy(t *testing.T) {
	s := NewMemory(nil)
	old := OnceWait
	OnceWait = 50 * time.Millisecond
	t.Cleanup(func() { OnceWait = old })
	if ok, _ := s.CompareAndSet("k", nil, newClaim(), ClaimTTL); !ok {
		t.Fatal("claim")
	}
	if _, _, err := Once(s, "k", 0, func() ([]byte, error) { return []byte("v"), nil }); !errors.Is(err, ErrBusy) {
		t.Fatalf("err = %v", err)
	}
	var v struct{}
	if found, err := GetJSON(s, "k", &v); found || err != nil {
		t.Fatalf("a claim reads as %v %v", found, err)
	}
}

func TestAClaimWhoseHolderDiedExpires(t *testing.T) {
	now := time.Now()
	s := NewMemory(func() time.Time { return now })
	_, _ = s.CompareAndSet("k", nil, newClaim(), ClaimTTL)
	now = now.Add(ClaimTTL)
	v, made, err := Once(s, "k", 0, func() ([]byte, error) { return []byte("v"), nil })
	if err != nil || !made || string(v) != "v" {
		t.Fatalf("%q %v %v", v, made, err)
	}
}

func TestOnceDropsTheClaimWhenProducePanics(t *testing.T) {
	s := NewMemory(nil)
	func() {
		defer func() { _ = recover() }()
		_, _, _ = Once(s, "k", 0, func() ([]byte, error) { panic("boom") })
	}()
	if v, _ := s.Get("k"); v != nil {
		t.Fatalf("claim left behind: %q", v)
	}
}

func TestLockIsHeldByOneCallerAtATime(t *testing.T) {
	s := NewMemory(nil)
	var inside, most atomic.Int32
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				unlock, err := Lock(s, "lock", time.Minute, 10*time.Second)
				if err != nil {
					t.Error(err)
					return
				}
				n := inside.Add(1)
				for {
					m := most.Load()
					if n <= m || most.CompareAndSwap(m, n) {
						break
					}
				}
				inside.Add(-1)
				unlock()
			}
		}()
	}
	wg.Wait()
	if most.Load() != 1 {
		t.Fatalf("%d callers held the lock at once", most.Load())
	}
}

func TestLockOfADeadHolderExpires(t *testing.T) {
	now := time.Unix(1000, 0)
	var mu sync.Mutex
	s := NewMemory(func() time.Time { mu.Lock(); defer mu.Unlock(); return now })
	if _, err := Lock(s, "lock", time.Minute, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := Lock(s, "lock", time.Minute, 0); !errors.Is(err, ErrLockTimeout) {
		t.Fatalf("a held lock was taken again: %v", err)
	}
	mu.Lock()
	now = now.Add(time.Minute)
	mu.Unlock()
	unlock, err := Lock(s, "lock", time.Minute, 0)
	if err != nil {
		t.Fatalf("the lock of a holder gone for its ttl was not freed: %v", err)
	}
	unlock()
	if v, _ := s.Get("lock"); v != nil {
		t.Fatal("unlock left the key")
	}
}
