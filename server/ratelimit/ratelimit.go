// Package ratelimit counts attempts in fixed time windows kept in the KV
// store, so every node of a cluster shares one count (a few KV writes per
// counted attempt, none for the attempts it refuses).
package ratelimit

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	"github.com/claude-mattermost/claude-mattermost/server/clock"
	"github.com/claude-mattermost/claude-mattermost/server/kvstore"
)

// Limit allows Max counted attempts per subject in each Window.
type Limit struct {
	KV     kvstore.Store
	Clock  clock.Clock
	Name   string // names the limit in keys
	Max    int
	Window time.Duration
}

// key is the count of subject's attempts in the window that holds now.
// Subjects (addresses) are hashed, so a key is short and holds no address.
func (l Limit) key(subject string, now time.Time) string {
	sum := sha256.Sum256([]byte(subject))
	return "ratelimit/" + l.Name + "/" + hex.EncodeToString(sum[:8]) + "/" + strconv.FormatInt(now.UnixNano()/int64(l.Window), 10)
}

// Check tells whether subject may make another attempt now; when it may
// not, retryAfter says when the window ends.
func (l Limit) Check(subject string) (retryAfter time.Duration, allowed bool, err error) {
	now := l.Clock.Now()
	var n int
	if _, err := kvstore.GetJSON(l.KV, l.key(subject, now), &n); err != nil {
		return 0, false, fmt.Errorf("read the %s count: %w", l.Name, err)
	}
	if n < l.Max {
		return 0, true, nil
	}
	end := time.Unix(0, (now.UnixNano()/int64(l.Window)+1)*int64(l.Window))
	return end.Sub(now), false, nil
}

// Count records one attempt by subject.
func (l Limit) Count(subject string) error {
	_, err := kvstore.Update(l.KV, l.key(subject, l.Clock.Now()), 2*l.Window, func(cur *int) (*int, error) {
		n := 1
		if cur != nil {
			n = *cur + 1
		}
		return &n, nil
	})
	if err != nil {
		return fmt.Errorf("count a %s attempt: %w", l.Name, err)
	}
	return nil
}
