// Command mattermost is the Team Edition Mattermost server, built from the
// server's Go module exactly as upstream's cmd/mattermost, minus the
// enterprise imports (they need private modules and a licence).
package main

import (
	"os"

	"github.com/mattermost/mattermost/server/v8/cmd/mattermost/commands"
	// Registers the built-in slash commands (/join, /me, ...).
	_ "github.com/mattermost/mattermost/server/v8/channels/app/slashcommands"
	// Registers the GitLab OAuth provider, as upstream does.
	_ "github.com/mattermost/mattermost/server/v8/channels/app/oauthproviders/gitlab"
)

func main() {
	if err := commands.Run(os.Args[1:]); err != nil {
		os.Exit(1)
	}
}
