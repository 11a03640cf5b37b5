package plugin

import (
	"net/http"
	"time"

	"github.com/gorilla/mux"
	"github.com/mattermost/mattermost/server/public/model"

	"github.com/claude-mattermost/claude-mattermost/server/agentapi"
	"github.com/claude-mattermost/claude-mattermost/server/approvals"
	"github.com/claude-mattermost/claude-mattermost/server/clock"
	"github.com/claude-mattermost/claude-mattermost/server/command"
	"github.com/claude-mattermost/claude-mattermost/server/httpx"
	"github.com/claude-mattermost/claude-mattermost/server/inbox"
	"github.com/claude-mattermost/claude-mattermost/server/kvstore"
	"github.com/claude-mattermost/claude-mattermost/server/machines"
	"github.com/claude-mattermost/claude-mattermost/server/mmapi"
	"github.com/claude-mattermost/claude-mattermost/server/sessions"
	"github.com/claude-mattermost/claude-mattermost/server/streaming"
	"github.com/claude-mattermost/claude-mattermost/server/userapi"
)

// Deps are the edges the plugin runs on: the real ones at activation,
// fakes in tests.
type Deps struct {
	API           mmapi.API
	KV            kvstore.Store
	Clock         clock.Clock
	BotUserID     string
	BotUsername   string
	PluginVersion string
	// InboxRecheck and FlushAfter override timings (tests); 0 = defaults.
	InboxRecheck time.Duration
	FlushAfter   time.Duration
}

// App is the activated plugin: services and the HTTP router, built once.
type App struct {
	Router    http.Handler
	Machines  *machines.Service
	Inbox     *inbox.Service
	Sessions  *sessions.Service
	Approvals *approvals.Service
	Streaming *streaming.Service
	Command   *command.Handler
	log       mmapi.Logger
}

// NewApp wires the services and builds the router.
func NewApp(d Deps) *App {
	if d.BotUsername == "" {
		d.BotUsername = BotUsername
	}
	a := &App{log: mmapi.NewLogger(d.API)}
	a.Machines = machines.New(d.KV, d.Clock)
	a.Inbox = inbox.New(d.KV, d.Clock, d.API, d.InboxRecheck)
	a.Sessions = sessions.New(sessions.Config{
		KV: d.KV, API: d.API, Clock: d.Clock, Machines: a.Machines, Inbox: a.Inbox,
		BotUserID: d.BotUserID, BotUsername: d.BotUsername,
	})
	a.Approvals = approvals.New(d.KV, d.API, d.Clock, a.Inbox, d.BotUserID)
	a.Streaming = streaming.New(d.KV, d.API, d.Clock, d.BotUserID, d.FlushAfter)
	a.Command = command.New(a.Machines, a.Sessions, d.Clock, d.API, d.BotUsername)

	root := mux.NewRouter()
	root.Use(httpx.WithRequestLogger(a.log), httpx.Recover)
	v1 := root.PathPrefix("/api/v1").Subrouter()
	agentapi.Register(v1, agentapi.Config{
		API: d.API, KV: d.KV, Clock: d.Clock, Machines: a.Machines, Inbox: a.Inbox,
		Sessions: a.Sessions, Approvals: a.Approvals, Streaming: a.Streaming, PluginVersion: d.PluginVersion,
	})
	userapi.Register(v1, userapi.Config{API: d.API, Sessions: a.Sessions, Approvals: a.Approvals})
	root.NotFoundHandler = httpx.WithRequestLogger(a.log)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		httpx.Error(w, r, http.StatusNotFound, "no such route", nil)
	}))
	root.MethodNotAllowedHandler = httpx.WithRequestLogger(a.log)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		httpx.Error(w, r, http.StatusMethodNotAllowed, "method not allowed", nil)
	}))
	a.Router = root
	return a
}

// HandlePost is the MessageHasBeenPosted hook's work.
func (a *App) HandlePost(post *model.Post) { a.Sessions.HandlePost(post) }

// HandleClusterEvent is the OnPluginClusterEvent hook's work.
func (a *App) HandleClusterEvent(ev model.PluginClusterEvent) {
	if ev.Id == inbox.ClusterEventWake {
		a.Inbox.Wake(string(ev.Data))
	}
}

// Close flushes what is buffered in memory (deactivation).
func (a *App) Close() { a.Streaming.Close() }
