package kvstore

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/claude-mattermost/claude-mattermost/server/safetext"
)

// Memory is an in-memory Store with the same semantics as the plugin KV
// store, including expiry. Tests use it; it is also what a test "restart"
// keeps while everything else is rebuilt.
type Memory struct {
	mu   sync.Mutex
	now  func() time.Time
	data map[string]memEntry
}

type memEntry struct {
	value    []byte
	expireAt time.Time
}

// NewMemory returns an empty store whose expiry uses now (time.Now when nil).
func NewMemory(now func() time.Time) *Memory {
	if now == nil {
		now = time.Now
	}
	return &Memory{now: now, data: map[string]memEntry{}}
}

func (m *Memory) live(key string) ([]byte, bool) {
	e, ok := m.data[key]
	if !ok {
		return nil, false
	}
	if !e.expireAt.IsZero() && !m.now().Before(e.expireAt) {
		delete(m.data, key)
		return nil, false
	}
	return e.value, true
}

func (m *Memory) put(key string, value []byte, ttl time.Duration) {
	e := memEntry{value: bytes.Clone(value)}
	if ttl > 0 {
		e.expireAt = m.now().Add(ttl)
	}
	m.data[key] = e
}

// MaxKeyRunes is the longest key the plugin KV store takes
// (model.KeyValueKeyMaxRunes).
const MaxKeyRunes = model.KeyValueKeyMaxRunes

// checkKey refuses what the real store refuses: a key PostgreSQL cannot
// hold in its varchar column (NUL, invalid UTF-8), and, for a write, an
// empty or too long key (PluginKeyValue.IsValid).
func checkKey(key string, write bool) error {
	if !safetext.Safe(key) {
		return fmt.Errorf("kv key %q: invalid byte sequence for encoding UTF8", key)
	}
	if write && (key == "" || utf8.RuneCountInString(key) > MaxKeyRunes) {
		return fmt.Errorf("kv key %q: must be 1 to %d characters", key, MaxKeyRunes)
	}
	return nil
}

// Get implements Store.
func (m *Memory) Get(key string) ([]byte, error) {
	if err := checkKey(key, false); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	v, _ := m.live(key)
	return bytes.Clone(v), nil
}

// Set implements Store.
func (m *Memory) Set(key string, value []byte, ttl time.Duration) error {
	if err := checkKey(key, true); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.put(key, value, ttl)
	return nil
}

// CompareAndSet implements Store.
func (m *Memory) CompareAndSet(key string, oldValue, newValue []byte, ttl time.Duration) (bool, error) {
	if err := checkKey(key, true); err != nil {
		return false, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	cur, ok := m.live(key)
	if oldValue == nil && ok || oldValue != nil && (!ok || !bytes.Equal(cur, oldValue)) {
		return false, nil
	}
	m.put(key, newValue, ttl)
	return true, nil
}

// CompareAndDelete implements Store.
func (m *Memory) CompareAndDelete(key string, oldValue []byte) (bool, error) {
	if err := checkKey(key, false); err != nil {
		return false, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	cur, ok := m.live(key)
	if !ok || !bytes.Equal(cur, oldValue) {
		return false, nil
	}
	delete(m.data, key)
	return true, nil
}

// Delete implements Store.
func (m *Memory) Delete(key string) error {
	if err := checkKey(key, false); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.data, key)
	return nil
}

// Keys lists the live keys with the given prefix, sorted (for tests).
func (m *Memory) Keys(prefix string) []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var keys []string
	for k := range m.data {
		if _, ok := m.live(k); ok && strings.HasPrefix(k, prefix) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}
