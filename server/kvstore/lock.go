package kvstore

import (
	"errors"
	"fmt"
	"time"
)

// ErrLockTimeout: the lock was held by someone else for longer than the
// caller would wait.
var ErrLockTimeout = errors.New("timed out waiting for a lock")

// Lock takes a lock named key that holds across every node sharing the
// store: the key is created with compare-and-set ("only if absent") and a
// ttl, so a holder that dies frees it after ttl. It waits up to wait
// (polling 2 → 50 ms) and returns the function that releases it (only if
// it is still ours); ErrLockTimeout when it could not take it in time.
func Lock(s Store, key string, ttl, wait time.Duration) (unlock func(), err error) {
	token := newClaim()
	deadline := time.Now().Add(wait)
	pause := 2 * time.Millisecond
	for {
		ok, err := s.CompareAndSet(key, nil, token, ttl)
		if err != nil {
			return nil, fmt.Errorf("take lock %s: %w", key, err)
		}
		if ok {
			return func() { _, _ = s.CompareAndDelete(key, token) }, nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("%s: %w", key, ErrLockTimeout)
		}
		time.Sleep(pause)
		pause = min(2*pause, 50*time.Millisecond)
	}
}
