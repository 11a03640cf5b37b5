// Command plugin is the server half of Claude Code for Mattermost; see
// the plugin package for the hooks and docs/protocol.md for the API.
package main

import (
	mmplugin "github.com/mattermost/mattermost/server/public/plugin"

	"github.com/claude-mattermost/claude-mattermost/server/plugin"
)

func main() {
	mmplugin.ClientMain(plugin.New(manifest))
}
