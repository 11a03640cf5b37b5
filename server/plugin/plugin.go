// Package plugin is the Mattermost plugin: the hooks Mattermost calls,
// each handing its work to the App built at activation.
package plugin

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sync"

	"github.com/mattermost/mattermost/server/public/model"
	mmplugin "github.com/mattermost/mattermost/server/public/plugin"
	"github.com/mattermost/mattermost/server/public/pluginapi"

	"github.com/claude-mattermost/claude-mattermost/server/clock"
	"github.com/claude-mattermost/claude-mattermost/server/command"
	"github.com/claude-mattermost/claude-mattermost/server/config"
	"github.com/claude-mattermost/claude-mattermost/server/jobs"
	"github.com/claude-mattermost/claude-mattermost/server/kvstore"
	"github.com/claude-mattermost/claude-mattermost/server/mmapi"
)

// Bot identity.
const (
	BotUsername    = "claude"
	BotDisplayName = "Claude"
	botDescription = "Claude Code, running on your team's machines."
	botAvatarPath  = "assets/bot-avatar.png"
)

// Plugin implements the Mattermost hooks.
type Plugin struct {
	mmplugin.MattermostPlugin

	manifest *model.Manifest
	settings *config.Store

	mu   sync.RWMutex
	app  *App
	jobs *jobs.Scheduler
}

// New returns the plugin for the given manifest.
func New(manifest *model.Manifest) *Plugin {
	return &Plugin{manifest: manifest, settings: config.NewStore(config.Default())}
}

// OnConfigurationChange reads the plugin settings (Mattermost calls it
// before OnActivate and after every change). Invalid settings fall back to
// their defaults with an error in the log saying which and why; the hook
// itself never fails, so a typo cannot keep the plugin from starting.
func (p *Plugin) OnConfigurationChange() error {
	raw := map[string]any{}
	if err := p.API.LoadPluginConfiguration(&raw); err != nil {
		p.API.LogError("Cannot load the plugin configuration; keeping the previous one", "err", err.Error())
		return nil
	}
	cfg, problems := config.Parse(raw)
	for _, pr := range problems {
		p.API.LogError("Invalid plugin setting", "setting", pr.Key, "value", fmt.Sprint(pr.Value), "problem", pr.Msg)
	}
	p.settings.Set(cfg)
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.jobs != nil {
		p.jobs.Reconfigure()
	}
	return nil
}

func (p *Plugin) current() *App {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.app
}

// OnActivate ensures the bot, registers /claude and builds the app.
func (p *Plugin) OnActivate() error {
	client := pluginapi.NewClient(p.API, p.Driver)
	var opts []pluginapi.EnsureBotOption
	if bundle, err := p.API.GetBundlePath(); err == nil {
		if _, err := os.Stat(filepath.Join(bundle, botAvatarPath)); err == nil {
			opts = append(opts, pluginapi.ProfileImagePath(botAvatarPath))
		}
	}
	botID, err := client.Bot.EnsureBot(&model.Bot{
		Username:    BotUsername,
		DisplayName: BotDisplayName,
		Description: botDescription,
	}, opts...)
	if err != nil {
		return fmt.Errorf("ensure bot @%s: %w", BotUsername, err)
	}
	app := NewApp(Deps{
		API:           p.API,
		KV:            kvstore.NewPluginStore(&client.KV),
		Clock:         clock.Real{},
		BotUserID:     botID,
		BotUsername:   BotUsername,
		PluginVersion: p.manifest.Version,
		Settings:      p.settings,
	})
	if err := p.API.RegisterCommand(command.Definition()); err != nil {
		return fmt.Errorf("register /%s: %w", command.Trigger, err)
	}
	scheduler, err := jobs.NewScheduler(p.API, app.Lifetime, p.settings, mmapi.NewLogger(p.API))
	if err != nil {
		return fmt.Errorf("schedule the lifetime job: %w", err)
	}
	p.mu.Lock()
	p.app = app
	p.jobs = scheduler
	p.mu.Unlock()
	return nil
}

// OnDeactivate stops the background job and writes buffered streamed
// text to the database.
func (p *Plugin) OnDeactivate() error {
	p.mu.Lock()
	scheduler := p.jobs
	p.jobs = nil
	p.mu.Unlock()
	if scheduler != nil {
		scheduler.Close()
	}
	if app := p.current(); app != nil {
		app.Close()
	}
	return nil
}

// ServeHTTP serves /plugins/claude-mattermost/*.
func (p *Plugin) ServeHTTP(_ *mmplugin.Context, w http.ResponseWriter, r *http.Request) {
	app := p.current()
	if app == nil {
		http.Error(w, `{"error": "plugin is starting"}`, http.StatusServiceUnavailable)
		return
	}
	app.Router.ServeHTTP(w, r)
}

// ExecuteCommand runs /claude.
func (p *Plugin) ExecuteCommand(_ *mmplugin.Context, args *model.CommandArgs) (*model.CommandResponse, *model.AppError) {
	app := p.current()
	if app == nil {
		return &model.CommandResponse{ResponseType: model.CommandResponseTypeEphemeral, Text: "Claude is starting, try again in a moment."}, nil
	}
	return app.Execute(args), nil
}

// MessageHasBeenPosted starts sessions and forwards thread replies.
func (p *Plugin) MessageHasBeenPosted(_ *mmplugin.Context, post *model.Post) {
	if app := p.current(); app != nil {
		app.HandlePost(post)
	}
}

// MessageHasBeenUpdated tells the author of an edited reply that Claude
// already has it as first sent.
func (p *Plugin) MessageHasBeenUpdated(_ *mmplugin.Context, newPost, oldPost *model.Post) {
	if app := p.current(); app != nil {
		app.HandleEdited(newPost, oldPost)
	}
}

// MessageHasBeenDeleted tells the author of a deleted reply that Claude
// already read it.
func (p *Plugin) MessageHasBeenDeleted(_ *mmplugin.Context, post *model.Post) {
	if app := p.current(); app != nil {
		app.HandleDeleted(post)
	}
}

// OnPluginClusterEvent wakes long polls held on this node.
func (p *Plugin) OnPluginClusterEvent(_ *mmplugin.Context, ev model.PluginClusterEvent) {
	if app := p.current(); app != nil {
		app.HandleClusterEvent(ev)
	}
}
