package kvstore

import (
	"bytes"
	"sort"
	"strings"
	"sync"
	"time"
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

// Get implements Store.
func (m *Memory) Get(key string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, _ := m.live(key)
	return bytes.Clone(v), nil
}

// Set implements Store.
func (m *Memory) Set(key string, value []byte, ttl time.Duration) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.put(key, value, ttl)
	return nil
}

// CompareAndSet implements Store.
func (m *Memory) CompareAndSet(key string, oldValue, newValue []byte, ttl time.Duration) (bool, error) {
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
