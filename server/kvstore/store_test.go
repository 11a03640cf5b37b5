package kvstore

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/plugin/plugintest"
	"github.com/mattermost/mattermost/server/public/pluginapi"
	"github.com/stretchr/testify/mock"
)

func TestPluginStoreMapsOntoThePluginAPI(t *testing.T) {
	tests := []struct {
		name   string
		expect func(api *plugintest.API)
		run    func(t *testing.T, s *PluginStore)
	}{
		{"get of a missing key is nil", func(api *plugintest.API) {
			api.On("KVGet", "k").Return(nil, nil)
		}, func(t *testing.T, s *PluginStore) {
			if v, err := s.Get("k"); v != nil || err != nil {
				t.Fatalf("got %q, %v", v, err)
			}
		}},
		{"set with ttl sets an expiry", func(api *plugintest.API) {
			api.On("KVSetWithOptions", "k", []byte("v"), model.PluginKVSetOptions{ExpireInSeconds: 60}).Return(true, nil)
		}, func(t *testing.T, s *PluginStore) {
			if err := s.Set("k", []byte("v"), time.Minute); err != nil {
				t.Fatal(err)
			}
		}},
		{"compare-and-set from nothing is an atomic set with no old value", func(api *plugintest.API) {
			api.On("KVSetWithOptions", "k", []byte("new"), model.PluginKVSetOptions{Atomic: true}).Return(false, nil)
		}, func(t *testing.T, s *PluginStore) {
			if ok, err := s.CompareAndSet("k", nil, []byte("new"), 0); ok || err != nil {
				t.Fatalf("got %v, %v", ok, err)
			}
		}},
		{"compare-and-set passes the old value", func(api *plugintest.API) {
			api.On("KVSetWithOptions", "k", []byte("new"), model.PluginKVSetOptions{Atomic: true, OldValue: []byte("old")}).Return(true, nil)
		}, func(t *testing.T, s *PluginStore) {
			if ok, err := s.CompareAndSet("k", []byte("old"), []byte("new"), 0); !ok || err != nil {
				t.Fatalf("got %v, %v", ok, err)
			}
		}},
		{"compare-and-delete is an atomic set to nil", func(api *plugintest.API) {
			api.On("KVSetWithOptions", "k", []byte(nil), model.PluginKVSetOptions{Atomic: true, OldValue: []byte("old")}).Return(true, nil)
		}, func(t *testing.T, s *PluginStore) {
			if ok, err := s.CompareAndDelete("k", []byte("old")); !ok || err != nil {
				t.Fatalf("got %v, %v", ok, err)
			}
		}},
		{"database errors are returned", func(api *plugintest.API) {
			api.On("KVGet", "k").Return(nil, model.NewAppError("KVGet", "boom", nil, "", 500))
		}, func(t *testing.T, s *PluginStore) {
			if _, err := s.Get("k"); err == nil {
				t.Fatal("no error")
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			api := &plugintest.API{}
			tc.expect(api)
			client := pluginapi.NewClient(api, nil)
			tc.run(t, NewPluginStore(&client.KV))
			api.AssertExpectations(t)
		})
	}
}

func TestPluginStoreRefusesNilValues(t *testing.T) {
	api := &plugintest.API{}
	client := pluginapi.NewClient(api, nil)
	s := NewPluginStore(&client.KV)
	if err := s.Set("k", nil, 0); err == nil {
		t.Error("Set(nil) must not silently delete")
	}
	if _, err := s.CompareAndSet("k", []byte("a"), nil, 0); err == nil {
		t.Error("CompareAndSet(nil) must not silently delete")
	}
	api.AssertNotCalled(t, "KVSetWithOptions", mock.Anything, mock.Anything, mock.Anything)
}

func TestMemoryExpiry(t *testing.T) {
	now := time.Unix(0, 0)
	var mu sync.Mutex
	m := NewMemory(func() time.Time { mu.Lock(); defer mu.Unlock(); return now })
	_ = m.Set("k", []byte("v"), time.Minute)
	mu.Lock()
	now = now.Add(time.Minute)
	mu.Unlock()
	if v, _ := m.Get("k"); v != nil {
		t.Fatal("value outlived its ttl")
	}
	if ok, _ := m.CompareAndSet("k", nil, []byte("w"), 0); !ok {
		t.Fatal("an expired key must count as absent")
	}
}

func TestUpdate(t *testing.T) {
	m := NewMemory(nil)
	type counter struct{ N int }
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := Update(m, "c", 0, func(c *counter) (*counter, error) {
				if c == nil {
					c = &counter{}
				}
				c.N++
				return c, nil
			}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	var c counter
	if _, err := GetJSON(m, "c", &c); err != nil || c.N != 20 {
		t.Fatalf("counter = %d, %v: concurrent updates were lost", c.N, err)
	}
	stop := errors.New("stop")
	if _, err := Update(m, "c", 0, func(c *counter) (*counter, error) { return nil, stop }); !errors.Is(err, stop) {
		t.Fatalf("fn error not returned: %v", err)
	}
}
