// Package kvstore is the edge over the plugin key-value store (the Mattermost
// database). Everything durable the plugin keeps goes through Store, so tests
// swap in Memory and the production code uses the pluginapi KV service.
package kvstore

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/mattermost/mattermost/server/public/pluginapi"
)

// Store is a key-value store with compare-and-set. Values are opaque bytes;
// a missing key reads as nil. A ttl of 0 means the value never expires.
type Store interface {
	Get(key string) ([]byte, error)
	Set(key string, value []byte, ttl time.Duration) error
	// CompareAndSet writes newValue only if the current value equals
	// oldValue; a nil oldValue means "only if the key does not exist".
	CompareAndSet(key string, oldValue, newValue []byte, ttl time.Duration) (bool, error)
	// CompareAndDelete deletes the key only if its value equals oldValue.
	CompareAndDelete(key string, oldValue []byte) (bool, error)
	Delete(key string) error
}

// PluginStore implements Store over the pluginapi KV service.
type PluginStore struct {
	kv *pluginapi.KVService
}

// NewPluginStore wraps the plugin's KV service.
func NewPluginStore(kv *pluginapi.KVService) *PluginStore { return &PluginStore{kv: kv} }

func expiry(ttl time.Duration) []pluginapi.KVSetOption {
	if ttl <= 0 {
		return nil
	}
	if ttl < time.Second {
		ttl = time.Second
	}
	return []pluginapi.KVSetOption{pluginapi.SetExpiry(ttl)}
}

// Get returns the value at key, or nil when there is none.
func (s *PluginStore) Get(key string) ([]byte, error) {
	var b []byte
	if err := s.kv.Get(key, &b); err != nil {
		return nil, fmt.Errorf("kv get %s: %w", key, err)
	}
	return b, nil
}

// Set writes value at key.
func (s *PluginStore) Set(key string, value []byte, ttl time.Duration) error {
	if value == nil {
		return errors.New("kv set: nil value, use Delete")
	}
	if _, err := s.kv.Set(key, value, expiry(ttl)...); err != nil {
		return fmt.Errorf("kv set %s: %w", key, err)
	}
	return nil
}

// CompareAndSet writes newValue if the current value is oldValue.
func (s *PluginStore) CompareAndSet(key string, oldValue, newValue []byte, ttl time.Duration) (bool, error) {
	if newValue == nil {
		return false, errors.New("kv compare-and-set: nil value, use CompareAndDelete")
	}
	opts := append([]pluginapi.KVSetOption{pluginapi.SetAtomic(oldValue)}, expiry(ttl)...)
	ok, err := s.kv.Set(key, newValue, opts...)
	if err != nil {
		return false, fmt.Errorf("kv compare-and-set %s: %w", key, err)
	}
	return ok, nil
}

// CompareAndDelete deletes key if its value is oldValue.
func (s *PluginStore) CompareAndDelete(key string, oldValue []byte) (bool, error) {
	if oldValue == nil {
		return false, errors.New("kv compare-and-delete: nil old value")
	}
	ok, err := s.kv.Set(key, nil, pluginapi.SetAtomic(oldValue))
	if err != nil {
		return false, fmt.Errorf("kv compare-and-delete %s: %w", key, err)
	}
	return ok, nil
}

// Delete removes key; a missing key is not an error.
func (s *PluginStore) Delete(key string) error {
	if err := s.kv.Delete(key); err != nil {
		return fmt.Errorf("kv delete %s: %w", key, err)
	}
	return nil
}

// GetJSON reads the JSON value at key into v. It reports whether the key
// existed (a key claimed by Once and not made yet does not).
func GetJSON(s Store, key string, v any) (bool, error) {
	b, err := s.Get(key)
	if err != nil || b == nil || isClaim(b) {
		return false, err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return false, fmt.Errorf("decode %s: %w", key, err)
	}
	return true, nil
}

// SetJSON writes v as JSON at key.
func SetJSON(s Store, key string, v any, ttl time.Duration) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", key, err)
	}
	return s.Set(key, b, ttl)
}

// ErrConflict is returned by Update when the value kept changing under it.
var ErrConflict = errors.New("value changed concurrently too many times")

const updateAttempts = 50

// Update atomically replaces the JSON value at key with fn(current): it reads,
// calls fn, and compare-and-sets, retrying when another writer got there
// first. fn gets nil when the key is absent and returns the value to store;
// returning nil (without error) leaves the key as it is. fn may run several
// times, so it must not have side effects. Update returns the value that is
// stored when it finishes (nil when absent).
func Update[T any](s Store, key string, ttl time.Duration, fn func(cur *T) (*T, error)) (*T, error) {
	for attempt := 0; attempt < updateAttempts; attempt++ {
		raw, err := s.Get(key)
		if err != nil {
			return nil, err
		}
		var cur *T
		if raw != nil {
			cur = new(T)
			if err := json.Unmarshal(raw, cur); err != nil {
				return nil, fmt.Errorf("decode %s: %w", key, err)
			}
		}
		next, err := fn(cur)
		if err != nil {
			return cur, err
		}
		if next == nil {
			return cur, nil
		}
		b, err := json.Marshal(next)
		if err != nil {
			return nil, fmt.Errorf("encode %s: %w", key, err)
		}
		ok, err := s.CompareAndSet(key, raw, b, ttl)
		if err != nil {
			return nil, err
		}
		if ok {
			return next, nil
		}
		if attempt > 2 {
			time.Sleep(time.Duration(attempt) * time.Millisecond)
		}
	}
	return nil, fmt.Errorf("update %s: %w", key, ErrConflict)
}

// SetListMember adds member to (present) or removes it from the JSON list
// of strings at key, with compare-and-set; a list longer than max (when
// max > 0) forgets its oldest members. It writes nothing when the list is
// already so.
func SetListMember(s Store, key, member string, present bool, max int) error {
	_, err := Update(s, key, 0, func(cur *[]string) (*[]string, error) {
		var list []string
		if cur != nil {
			list = slices.Clone(*cur)
		}
		has := slices.Contains(list, member)
		switch {
		case present && !has:
			list = append(list, member)
			if max > 0 && len(list) > max {
				list = list[len(list)-max:]
			}
		case !present && has:
			list = slices.DeleteFunc(list, func(x string) bool { return x == member })
		default:
			return nil, nil
		}
		return &list, nil
	})
	return err
}
