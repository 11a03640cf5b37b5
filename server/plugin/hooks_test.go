package plugin

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/plugin/plugintest"
	"github.com/stretchr/testify/mock"
)

func TestHooksBeforeActivation(t *testing.T) {
	p := New(&model.Manifest{Id: "claude-mattermost", Version: "0.1.0"})
	w := httptest.NewRecorder()
	p.ServeHTTP(nil, w, httptest.NewRequest("GET", "/api/v1/agent/hello", nil))
	if w.Code != http.StatusServiceUnavailable {
		t.Fatalf("ServeHTTP before activation: %d", w.Code)
	}
	p.MessageHasBeenPosted(nil, &model.Post{Message: "@claude hi"})
	p.OnPluginClusterEvent(nil, model.PluginClusterEvent{Id: "inbox_wake"})
	if resp, _ := p.ExecuteCommand(nil, &model.CommandArgs{Command: "/claude"}); resp == nil || resp.Text == "" {
		t.Fatal("ExecuteCommand before activation gave no answer")
	}
}

func TestHooksReachTheApp(t *testing.T) {
	h := newHarness(t)
	p := New(&model.Manifest{Id: "claude-mattermost", Version: "0.1.0"})
	p.app = h.app
	h.pair(aliceID, "laptop")
	post, _ := h.api.CreatePost(&model.Post{UserId: aliceID, ChannelId: channelID, Message: "@claude go"})
	p.MessageHasBeenPosted(nil, post)
	if n := len(h.api.PostsOfType("custom_claude_session")); n != 1 {
		t.Fatalf("%d sessions", n)
	}
	w := httptest.NewRecorder()
	p.ServeHTTP(nil, w, httptest.NewRequest("GET", "/api/v1/agent/hello?api_version=1", nil))
	if w.Code != http.StatusUnauthorized {
		t.Fatalf("unauthenticated hello: %d", w.Code)
	}
}

func TestOnConfigurationChangeReadsAndChecksTheSettings(t *testing.T) {
	api := &plugintest.API{}
	api.On("LoadPluginConfiguration", mock.Anything).Run(func(args mock.Arguments) {
		dest := args.Get(0).(*map[string]any)
		*dest = map[string]any{"maxsessionsperuser": "lots", "IdleTimeoutSecondsForTesting": 4.0, "redactsecrets": false}
	}).Return(nil)
	api.On("LogError", "Invalid plugin setting", "setting", "MaxSessionsPerUser", "value", "lots", "problem", mock.Anything).Return().Once()
	p := New(&model.Manifest{Id: "claude-mattermost", Version: "0.1.0"})
	p.SetAPI(api)
	if err := p.OnConfigurationChange(); err != nil {
		t.Fatal(err)
	}
	got := p.settings.Get()
	if got.MaxSessionsPerUser != 5 || got.IdleTimeout() != 4*time.Second || got.RedactSecrets {
		t.Fatalf("settings %+v", got)
	}
	api.AssertExpectations(t)
}
