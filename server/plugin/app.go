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
	"github.com/claude-mattermost/claude-mattermost/server/config"
	"github.com/claude-mattermost/claude-mattermost/server/files"
	"github.com/claude-mattermost/claude-mattermost/server/guests"
	"github.com/claude-mattermost/claude-mattermost/server/httpx"
	"github.com/claude-mattermost/claude-mattermost/server/inbox"
	"github.com/claude-mattermost/claude-mattermost/server/jobs"
	"github.com/claude-mattermost/claude-mattermost/server/kvstore"
	"github.com/claude-mattermost/claude-mattermost/server/machines"
	"github.com/claude-mattermost/claude-mattermost/server/mmapi"
	"github.com/claude-mattermost/claude-mattermost/server/sessions"
	"github.com/claude-mattermost/claude-mattermost/server/streaming"
	"github.com/claude-mattermost/claude-mattermost/server/threadcommands"
	"github.com/claude-mattermost/claude-mattermost/server/threads"
	"github.com/claude-mattermost/claude-mattermost/server/toolposts"
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
	// Settings is the plugin configuration (OnConfigurationChange keeps it current).
	Settings *config.Store
	// InboxRecheck, FlushAfter and HeaderEvery override timings (tests); 0 =
	// defaults, a negative HeaderEvery writes every header change at once.
	InboxRecheck time.Duration
	FlushAfter   time.Duration
	HeaderEvery  time.Duration
}

// App is the activated plugin: services and the HTTP router, built once.
type App struct {
	Router    http.Handler
	Machines  *machines.Service
	Inbox     *inbox.Service
	Sessions  *sessions.Service
	Approvals *approvals.Service
	Streaming *streaming.Service
	ToolPosts *toolposts.Service
	Files     *files.Service
	Guests    *guests.Service
	Commands  *threadcommands.Service
	Threads   *threads.Service
	Command   *command.Handler
	Lifetime  *jobs.Lifetime
	Settings  *config.Store
	log       mmapi.Logger
	work      drain
}

// closeWait bounds how long deactivation waits for requests and hooks.
const closeWait = 20 * time.Second

// NewApp wires the services and builds the router.
func NewApp(d Deps) *App {
	if d.BotUsername == "" {
		d.BotUsername = BotUsername
	}
	if d.Settings == nil {
		d.Settings = config.NewStore(config.Default())
	}
	a := &App{log: mmapi.NewLogger(d.API), Settings: d.Settings}
	a.Machines = machines.New(d.KV, d.Clock)
	a.Inbox = inbox.New(d.KV, d.Clock, d.API, d.InboxRecheck)
	a.Sessions = sessions.New(sessions.Config{
		KV: d.KV, API: d.API, Clock: d.Clock, Machines: a.Machines, Inbox: a.Inbox, Settings: d.Settings,
		BotUserID: d.BotUserID, BotUsername: d.BotUsername, HeaderEvery: d.HeaderEvery,
	})
	a.Approvals = approvals.New(approvals.Config{
		KV: d.KV, API: d.API, Clock: d.Clock, Inbox: a.Inbox, Sessions: a.Sessions, Settings: d.Settings, BotUserID: d.BotUserID,
	})
	a.Sessions.OnEnd(a.Approvals.CloseSession)
	a.Streaming = streaming.New(d.KV, d.API, d.Clock, d.BotUserID, d.FlushAfter, func() bool { return d.Settings.Get().RedactSecrets })
	a.ToolPosts = toolposts.New(d.KV, d.API, d.Clock, a.Sessions, d.BotUserID)
	a.Files = files.New(d.API, a.Sessions, d.BotUserID)
	a.Guests = guests.New(d.KV, d.API, d.Clock, a.Sessions, d.BotUserID)
	a.Sessions.OnParticipants(a.Approvals.RefreshWaiting)
	a.Sessions.OnParticipants(a.Guests.RefreshWaiting)
	a.Commands = threadcommands.New(a.Sessions, d.API)
	a.Threads = threads.New(threads.Config{
		KV: d.KV, API: d.API, Clock: d.Clock, Machines: a.Machines, Sessions: a.Sessions, Commands: a.Commands,
		Guests: a.Guests, Files: a.Files, BotUserID: d.BotUserID, BotUsername: d.BotUsername,
	})
	a.Command = command.New(command.Config{
		Machines: a.Machines, Sessions: a.Sessions, Threads: a.Threads, IsThreadCmd: threadcommands.Known,
		Settings: d.Settings, Clock: d.Clock, API: d.API, BotUsername: d.BotUsername, PluginVersion: d.PluginVersion,
	})
	a.Lifetime = jobs.NewLifetime(a.Sessions, a.Approvals, d.Settings, d.Clock, a.log)

	root := mux.NewRouter()
	root.Use(httpx.WithRequestLogger(a.log), httpx.Recover, httpx.SafeQuery)
	v1 := root.PathPrefix("/api/v1").Subrouter()
	agentapi.Register(v1, agentapi.Config{
		API: d.API, KV: d.KV, Clock: d.Clock, Machines: a.Machines, Inbox: a.Inbox,
		Sessions: a.Sessions, Approvals: a.Approvals, Streaming: a.Streaming, ToolPosts: a.ToolPosts, Files: a.Files, PluginVersion: d.PluginVersion,
	})
	userapi.Register(v1, userapi.Config{
		API: d.API, Clock: d.Clock, Machines: a.Machines, Sessions: a.Sessions, Approvals: a.Approvals,
		Guests: a.Guests, ToolPosts: a.ToolPosts, Offers: a.Threads,
	})
	root.NotFoundHandler = httpx.WithRequestLogger(a.log)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		httpx.Error(w, r, http.StatusNotFound, "no such route", nil)
	}))
	root.MethodNotAllowedHandler = httpx.WithRequestLogger(a.log)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		httpx.Error(w, r, http.StatusMethodNotAllowed, "method not allowed", nil)
	}))
	a.Router = a.work.handler(root)
	return a
}

// HandlePost is the MessageHasBeenPosted hook's work.
func (a *App) HandlePost(post *model.Post) { a.work.run(func() { a.Threads.HandlePost(post) }) }

// HandleEdited is the MessageHasBeenUpdated hook's work.
func (a *App) HandleEdited(newPost, oldPost *model.Post) {
	a.work.run(func() { a.Threads.HandleEdited(newPost, oldPost) })
}

// HandleDeleted is the MessageHasBeenDeleted hook's work.
func (a *App) HandleDeleted(post *model.Post) { a.work.run(func() { a.Threads.HandleDeleted(post) }) }

// Execute runs a /claude command (the ExecuteCommand hook's work).
func (a *App) Execute(args *model.CommandArgs) *model.CommandResponse {
	resp := &model.CommandResponse{ResponseType: model.CommandResponseTypeEphemeral, Text: "Claude is restarting, try again in a moment."}
	a.work.run(func() { resp = a.Command.Execute(args) })
	return resp
}

// HandleClusterEvent is the OnPluginClusterEvent hook's work.
func (a *App) HandleClusterEvent(ev model.PluginClusterEvent) {
	if ev.Id == inbox.ClusterEventWake {
		a.Inbox.Wake(string(ev.Data))
	}
}

// Close is deactivation: held long polls answer at once, new requests
// and hooks are refused, the ones at work finish (up to closeWait), then
// what is buffered in memory is written.
func (a *App) Close() {
	a.Inbox.Close()
	if !a.work.close(closeWait) {
		a.log.Warn("Deactivating with requests still at work", "waited", closeWait.String())
	}
	a.Streaming.Close()
	a.Sessions.Close()
}
