package kvstore

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// ErrBusy: another request (on this node or another) is doing the work
// that Once guards and did not finish within OnceWait. Retrying later
// finds its result.
var ErrBusy = errors.New("the same request is being handled elsewhere; retry in a moment")

// claimPrefix starts a claim: the value a key holds while one caller does
// the work whose result will replace it. No result starts so (results are
// post ids and JSON).
const claimPrefix = "~claim:"

// Timings of Once (variables so tests can shorten them).
var (
	// OnceWait is how long a caller waits for another's claimed work.
	OnceWait = 10 * time.Second
	// ClaimTTL is how long a claim lives when its holder dies before
	// finishing (a node crash): then another caller may do the work.
	ClaimTTL = time.Minute
)

// Once returns the value at key, making it with produce when there is
// none, so that across every node sharing the store produce runs once per
// key: the first caller claims the key with a compare-and-set and stores
// produce's result in place of the claim; the others wait for that result
// (at most OnceWait, then ErrBusy) and return it with made false. When
// produce fails the claim is dropped, so a later call tries again. A
// result is kept for ttl (0: for good).
//
// The one case where produce can run twice is a holder that stops for
// longer than ClaimTTL between claiming and storing its result (a crash).
func Once(s Store, key string, ttl time.Duration, produce func() ([]byte, error)) (value []byte, made bool, err error) {
	deadline := time.Now().Add(OnceWait)
	pause := 5 * time.Millisecond
	for {
		cur, err := s.Get(key)
		if err != nil {
			return nil, false, err
		}
		switch {
		case cur != nil && !isClaim(cur):
			return cur, false, nil
		case cur == nil:
			claim := newClaim()
			ok, err := s.CompareAndSet(key, nil, claim, ClaimTTL)
			if err != nil {
				return nil, false, err
			}
			if !ok {
				continue // another caller claimed it first: read again
			}
			v, err := produceOrRelease(s, key, claim, produce)
			if err != nil {
				if _, derr := s.CompareAndDelete(key, claim); derr != nil {
					err = errors.Join(err, fmt.Errorf("drop claim on %s: %w", key, derr))
				}
				return nil, false, err
			}
			if _, err := s.CompareAndSet(key, claim, v, ttl); err != nil {
				return v, true, fmt.Errorf("store the result at %s: %w", key, err)
			}
			return v, true, nil
		}
		if time.Now().After(deadline) {
			return nil, false, fmt.Errorf("%s: %w", key, ErrBusy)
		}
		time.Sleep(pause)
		pause = min(2*pause, 100*time.Millisecond)
	}
}

// produceOrRelease runs produce; if it panics, the claim is dropped first
// (a retry must not wait a whole ClaimTTL for work nobody is doing).
func produceOrRelease(s Store, key string, claim []byte, produce func() ([]byte, error)) ([]byte, error) {
	done := false
	defer func() {
		if !done {
			_, _ = s.CompareAndDelete(key, claim)
		}
	}()
	v, err := produce()
	done = true
	return v, err
}

func isClaim(v []byte) bool { return bytes.HasPrefix(v, []byte(claimPrefix)) }

func newClaim() []byte {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return []byte(claimPrefix + hex.EncodeToString(b))
}

// Release deletes key if it still holds value (a result of Once that is
// no longer good, such as the id of a post someone deleted), so the next
// Once makes it again. It reports whether it deleted it.
func Release(s Store, key string, value []byte) (bool, error) {
	return s.CompareAndDelete(key, value)
}
