package main

import (
	"fmt"
	"testing"

	"github.com/claude-mattermost/claude-mattermost/server/cards"
	"github.com/claude-mattermost/claude-mattermost/server/config"
)

func TestManifestMatchesTheRoutesAndCards(t *testing.T) {
	if manifest == nil || manifest.Id != cards.PluginID {
		t.Fatalf("manifest id %v, cards use %q (button URLs and websocket events are built from it)", manifest, cards.PluginID)
	}
	if manifest.Version == "" {
		t.Fatal("manifest has no version")
	}
}

func TestSettingsSchemaDefaultsAreTheConfigDefaults(t *testing.T) {
	raw := map[string]any{}
	for _, s := range manifest.SettingsSchema.Settings {
		raw[s.Key] = s.Default
	}
	got, problems := config.Parse(raw)
	if len(problems) > 0 {
		t.Fatalf("plugin.json defaults do not parse: %v", problems)
	}
	if want := config.Default(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("plugin.json defaults give %+v, config.Default is %+v", got, want)
	}
	for _, key := range config.Keys {
		found := false
		for _, s := range manifest.SettingsSchema.Settings {
			found = found || s.Key == key
		}
		if !found {
			t.Errorf("config reads %s, which plugin.json does not define", key)
		}
	}
	if len(config.Keys) != len(manifest.SettingsSchema.Settings) {
		t.Errorf("config reads %d settings, plugin.json has %d", len(config.Keys), len(manifest.SettingsSchema.Settings))
	}
}
