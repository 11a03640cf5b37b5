// Package mmapi is the edge over the Mattermost plugin API: the few calls
// the plugin makes, with the same signatures as plugin.API so the real API
// satisfies the interface and tests use the in-memory fake in mmapitest.
package mmapi

import (
	"strings"

	"github.com/mattermost/mattermost/server/public/model"
)

// API is the part of plugin.API the plugin uses.
type API interface {
	CreatePost(post *model.Post) (*model.Post, *model.AppError)
	UpdatePost(post *model.Post) (*model.Post, *model.AppError)
	GetPost(postID string) (*model.Post, *model.AppError)
	SendEphemeralPost(userID string, post *model.Post) *model.Post
	GetUser(userID string) (*model.User, *model.AppError)
	GetUserByUsername(name string) (*model.User, *model.AppError)
	GetChannel(channelID string) (*model.Channel, *model.AppError)
	GetChannelMember(channelID, userID string) (*model.ChannelMember, *model.AppError)
	GetTeam(teamID string) (*model.Team, *model.AppError)
	GetPostThread(postID string) (*model.PostList, *model.AppError)
	AddReaction(reaction *model.Reaction) (*model.Reaction, *model.AppError)
	GetConfig() *model.Config
	PublishWebSocketEvent(event string, payload map[string]any, broadcast *model.WebsocketBroadcast)
	PublishPluginClusterEvent(ev model.PluginClusterEvent, opts model.PluginClusterEventSendOptions) error
	OpenInteractiveDialog(dialog model.OpenDialogRequest) *model.AppError
	GetFileInfo(fileID string) (*model.FileInfo, *model.AppError)
	GetFile(fileID string) ([]byte, *model.AppError)
	UploadFile(data []byte, channelID string, filename string) (*model.FileInfo, *model.AppError)

	// Channels a session opened from the agent may live in.
	GetDirectChannel(userID1, userID2 string) (*model.Channel, *model.AppError)
	GetChannelByNameForTeamName(teamName, channelName string, includeDeleted bool) (*model.Channel, *model.AppError)
	GetChannelByName(teamID, name string, includeDeleted bool) (*model.Channel, *model.AppError)
	GetTeamsForUser(userID string) ([]*model.Team, *model.AppError)
	GetTeamMember(teamID, userID string) (*model.TeamMember, *model.AppError)
	CreateTeamMember(teamID, userID string) (*model.TeamMember, *model.AppError)
	AddChannelMember(channelID, userID string) (*model.ChannelMember, *model.AppError)

	LogDebug(msg string, keyValuePairs ...any)
	LogInfo(msg string, keyValuePairs ...any)
	LogWarn(msg string, keyValuePairs ...any)
	LogError(msg string, keyValuePairs ...any)
}

// IsDirectWith tells whether channel is a direct message channel between
// botID and someone (the bot's id is part of a DM channel's name).
func IsDirectWith(channel *model.Channel, botID string) bool {
	return channel != nil && channel.Type == model.ChannelTypeDirect && strings.Contains(channel.Name, botID)
}

// Permalink is the link to a post that works from any team.
func Permalink(api API, postID string) string {
	return SiteURL(api) + "/_redirect/pl/" + postID
}

// SiteURL returns the configured site URL without a trailing slash ("" when unset).
func SiteURL(api API) string {
	cfg := api.GetConfig()
	if cfg == nil || cfg.ServiceSettings.SiteURL == nil {
		return ""
	}
	u := *cfg.ServiceSettings.SiteURL
	for len(u) > 0 && u[len(u)-1] == '/' {
		u = u[:len(u)-1]
	}
	return u
}
