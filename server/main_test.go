package main

import (
	"testing"

	"github.com/claude-mattermost/claude-mattermost/server/cards"
)

func TestManifestMatchesTheRoutesAndCards(t *testing.T) {
	if manifest == nil || manifest.Id != cards.PluginID {
		t.Fatalf("manifest id %v, cards use %q (button URLs and websocket events are built from it)", manifest, cards.PluginID)
	}
	if manifest.Version == "" {
		t.Fatal("manifest has no version")
	}
}
