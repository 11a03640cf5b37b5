// Package mmapitest is an in-memory stand-in for the Mattermost plugin API,
// close enough to the real server for the plugin's tests: posts round-trip
// through JSON (as they do through the RPC and the database), oversized
// messages are rejected, updates replace message and props.
package mmapitest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/claude-mattermost/claude-mattermost/server/safetext"
)

// WebSocketEvent is one PublishWebSocketEvent call.
type WebSocketEvent struct {
	Event     string
	Payload   map[string]any
	Broadcast model.WebsocketBroadcast
}

// LogLine is one log call.
type LogLine struct {
	Level string
	Msg   string
	KV    []any
}

// API is the fake. Zero value is not usable; use New.
type API struct {
	mu            sync.Mutex
	SiteURL       string
	posts         map[string]*model.Post
	order         []string
	users         map[string]*model.User
	channels      map[string]*model.Channel
	teams         map[string]*model.Team
	members       map[string]bool // channelID/userID
	teamMembers   map[string]bool // teamID/userID
	ephemeral     []*model.Post
	wsEvents      []WebSocketEvent
	clusterEvents []model.PluginClusterEvent
	logs          []LogLine
	updates       map[string]int
	lastCreate    int64
	dialogs       []model.OpenDialogRequest
	files         map[string]*model.FileInfo
	fileData      map[string][]byte
	written       []string // every message, props and file name stored, edits included
	reactions     []*model.Reaction
	// FailCreatePost makes CreatePost fail when set.
	FailCreatePost bool
	createDelay    time.Duration
	afterCreate    func(p *model.Post)
}

// New returns an empty fake with site URL http://mm.example.com.
func New() *API {
	return &API{
		SiteURL:     "http://mm.example.com",
		posts:       map[string]*model.Post{},
		users:       map[string]*model.User{},
		channels:    map[string]*model.Channel{},
		teams:       map[string]*model.Team{},
		members:     map[string]bool{},
		teamMembers: map[string]bool{},
		updates:     map[string]int{},
		files:       map[string]*model.FileInfo{},
		fileData:    map[string][]byte{},
	}
}

func clonePost(p *model.Post) *model.Post {
	b, err := json.Marshal(p)
	if err != nil {
		panic(err)
	}
	var out model.Post
	if err := json.Unmarshal(b, &out); err != nil {
		panic(err)
	}
	return &out
}

// AddUser registers a user and returns it.
func (a *API) AddUser(id, username string, isBot bool) *model.User {
	a.mu.Lock()
	defer a.mu.Unlock()
	u := &model.User{Id: id, Username: username, IsBot: isBot}
	a.users[id] = u
	return u
}

// DeactivateUser marks a user deactivated (DeleteAt set), as the System
// Console does; GetUser still returns the user.
func (a *API) DeactivateUser(id string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if u, ok := a.users[id]; ok {
		u.DeleteAt = model.GetMillis()
	}
}

// AddTeam registers a team.
func (a *API) AddTeam(id, name string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.teams[id] = &model.Team{Id: id, Name: name, DisplayName: name}
}

// AddChannel registers a channel (type model.ChannelTypeOpen, …) with
// members, who join its team too.
func (a *API) AddChannel(id, teamID, name string, typ model.ChannelType, members ...string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.channels[id] = &model.Channel{Id: id, TeamId: teamID, Name: name, DisplayName: name, Type: typ}
	for _, uid := range members {
		a.members[id+"/"+uid] = true
		if teamID != "" {
			a.teamMembers[teamID+"/"+uid] = true // a channel's members are in its team
		}
	}
}

// AddMember adds a user to a channel.
func (a *API) AddMember(channelID, userID string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.members[channelID+"/"+userID] = true
}

// RemoveMember takes a user out of a channel.
func (a *API) RemoveMember(channelID, userID string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.members, channelID+"/"+userID)
}

// SetSystemAdmin gives or takes the system admin role.
func (a *API) SetSystemAdmin(userID string, admin bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if u, ok := a.users[userID]; ok {
		u.Roles = model.SystemUserRoleId
		if admin {
			u.Roles += " " + model.SystemAdminRoleId
		}
	}
}

// GetUserByUsername implements mmapi.API.
func (a *API) GetUserByUsername(name string) (*model.User, *model.AppError) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, u := range a.users {
		if u.Username == name {
			c := *u
			return &c, nil
		}
	}
	return nil, model.NewAppError("GetUserByUsername", "app.user.get_by_username.app_error", nil, "", http.StatusNotFound)
}

// GetChannel implements mmapi.API.
func (a *API) GetChannel(channelID string) (*model.Channel, *model.AppError) {
	a.mu.Lock()
	defer a.mu.Unlock()
	c, ok := a.channels[channelID]
	if !ok {
		return nil, model.NewAppError("GetChannel", "app.channel.get.existing.app_error", nil, "", http.StatusNotFound)
	}
	cc := *c
	return &cc, nil
}

// GetChannelMember implements mmapi.API.
func (a *API) GetChannelMember(channelID, userID string) (*model.ChannelMember, *model.AppError) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.members[channelID+"/"+userID] {
		return nil, model.NewAppError("GetChannelMember", "app.channel.get_member.missing.app_error", nil, "", http.StatusNotFound)
	}
	return &model.ChannelMember{ChannelId: channelID, UserId: userID}, nil
}

// GetTeam implements mmapi.API.
func (a *API) GetTeam(teamID string) (*model.Team, *model.AppError) {
	a.mu.Lock()
	defer a.mu.Unlock()
	t, ok := a.teams[teamID]
	if !ok {
		return nil, model.NewAppError("GetTeam", "app.team.get.find.app_error", nil, "", http.StatusNotFound)
	}
	tt := *t
	return &tt, nil
}

// GetPostThread implements mmapi.API: the root of postID's thread and its replies.
func (a *API) GetPostThread(postID string) (*model.PostList, *model.AppError) {
	a.mu.Lock()
	defer a.mu.Unlock()
	p, ok := a.posts[postID]
	if !ok {
		return nil, model.NewAppError("GetPostThread", "app.post.get.app_error", nil, "", http.StatusNotFound)
	}
	root := p.Id
	if p.RootId != "" {
		root = p.RootId
	}
	list := model.NewPostList()
	for _, id := range a.order {
		q := a.posts[id]
		if q.Id == root || q.RootId == root {
			list.AddPost(clonePost(q))
			list.AddOrder(q.Id)
		}
	}
	return list, nil
}

// validate refuses what the real server refuses: Post.IsValid's limits,
// and what PostgreSQL cannot store (a NUL or invalid UTF-8 in the message
// column, a \u0000 in the props' jsonb), which reaches the plugin as a
// database error (500).
func validate(p *model.Post) *model.AppError {
	if !safetext.Safe(p.Message) {
		return model.NewAppError("CreatePost", "app.post.save.app_error", nil, "pq: invalid byte sequence for encoding \"UTF8\"", http.StatusInternalServerError)
	}
	if !safeProps(p.GetProps()) {
		return model.NewAppError("CreatePost", "app.post.save.app_error", nil, "pq: unsupported Unicode escape sequence", http.StatusInternalServerError)
	}
	if n := utf8.RuneCountInString(p.Message); n > model.PostMessageMaxRunesV2 {
		return model.NewAppError("CreatePost", "model.post.is_valid.message_length.app_error", nil, fmt.Sprintf("%d runes", n), http.StatusBadRequest)
	}
	if n := utf8.RuneCountInString(model.StringInterfaceToJSON(p.GetProps())); n > model.PostPropsMaxRunes {
		return model.NewAppError("CreatePost", "model.post.is_valid.props.app_error", nil, fmt.Sprintf("%d runes", n), http.StatusBadRequest)
	}
	return nil
}

// safeProps tells whether props hold no NUL in any string or key, as the
// database gets them: JSON-encoded, which turns invalid UTF-8 into U+FFFD
// but keeps a NUL as \u0000 (refused by jsonb).
func safeProps(props map[string]any) bool {
	b, err := json.Marshal(props)
	if err != nil {
		return false
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return false
	}
	return noNUL(v)
}

func noNUL(v any) bool {
	switch x := v.(type) {
	case string:
		return strings.IndexByte(x, 0) < 0
	case map[string]any:
		for k, e := range x {
			if strings.IndexByte(k, 0) >= 0 || !noNUL(e) {
				return false
			}
		}
	case []any:
		for _, e := range x {
			if !noNUL(e) {
				return false
			}
		}
	}
	return true
}

// SetCreateDelay makes every CreatePost take d (a database write's time),
// so requests racing on two nodes overlap.
func (a *API) SetCreateDelay(d time.Duration) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.createDelay = d
}

// AfterCreatePost runs fn (when not nil) after each post is stored and
// before CreatePost returns it: what another request can do in between
// (a click on a card whose poster has not linked it yet).
func (a *API) AfterCreatePost(fn func(p *model.Post)) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.afterCreate = fn
}

// CreatePost implements mmapi.API.
func (a *API) CreatePost(post *model.Post) (*model.Post, *model.AppError) {
	a.mu.Lock()
	delay := a.createDelay
	a.mu.Unlock()
	time.Sleep(delay)
	p, appErr := a.createPost(post)
	a.mu.Lock()
	after := a.afterCreate
	a.mu.Unlock()
	if appErr == nil && after != nil {
		after(clonePost(p))
	}
	return p, appErr
}

func (a *API) createPost(post *model.Post) (*model.Post, *model.AppError) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.FailCreatePost {
		return nil, model.NewAppError("CreatePost", "fake.fail", nil, "", http.StatusInternalServerError)
	}
	if err := validate(post); err != nil {
		return nil, err
	}
	p := clonePost(post)
	a.record(p)
	p.Id = model.NewId()
	for _, fid := range p.FileIds {
		f, ok := a.files[fid]
		if !ok || f.PostId != "" || f.ChannelId != p.ChannelId {
			return nil, model.NewAppError("CreatePost", "app.file_info.attach.app_error", nil, fid, http.StatusBadRequest)
		}
		f.PostId = p.Id
	}
	p.CreateAt = max(model.GetMillis(), a.lastCreate+1) // strictly increasing, like a thread's order
	a.lastCreate = p.CreateAt
	p.UpdateAt = p.CreateAt
	a.posts[p.Id] = p
	a.order = append(a.order, p.Id)
	return clonePost(p), nil
}

// UpdatePost implements mmapi.API.
func (a *API) UpdatePost(post *model.Post) (*model.Post, *model.AppError) {
	a.mu.Lock()
	defer a.mu.Unlock()
	old, ok := a.posts[post.Id]
	if !ok {
		return nil, model.NewAppError("UpdatePost", "app.post.get.app_error", nil, "", http.StatusNotFound)
	}
	if err := validate(post); err != nil {
		return nil, err
	}
	p := clonePost(old)
	in := clonePost(post)
	a.record(in)
	p.Message = in.Message
	p.SetProps(in.GetProps())
	p.EditAt = model.GetMillis()
	a.posts[p.Id] = p
	a.updates[p.Id]++
	return clonePost(p), nil
}

// record keeps what a post write stores (Mattermost keeps every version
// of an edited post in its edit history). Caller holds a.mu.
func (a *API) record(p *model.Post) {
	props, _ := json.Marshal(p.GetProps())
	a.written = append(a.written, p.Message, string(props))
}

// Written returns every message, props (as JSON) and file name stored so
// far, each version of an edited post included.
func (a *API) Written() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.written...)
}

// DeletePost removes a post, as a user deleting it does (tests call the
// MessageHasBeenDeleted hook themselves).
func (a *API) DeletePost(postID string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.posts, postID)
	for i, id := range a.order {
		if id == postID {
			a.order = append(a.order[:i:i], a.order[i+1:]...)
			break
		}
	}
}

// AddReaction implements mmapi.API.
func (a *API) AddReaction(r *model.Reaction) (*model.Reaction, *model.AppError) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, ok := a.posts[r.PostId]; !ok {
		return nil, model.NewAppError("AddReaction", "app.post.get.app_error", nil, "", http.StatusNotFound)
	}
	c := *r
	c.CreateAt = model.GetMillis()
	a.reactions = append(a.reactions, &c)
	cc := c
	return &cc, nil
}

// Reactions returns the reactions added so far.
func (a *API) Reactions() []model.Reaction {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]model.Reaction, 0, len(a.reactions))
	for _, r := range a.reactions {
		out = append(out, *r)
	}
	return out
}

// GetPost implements mmapi.API.
func (a *API) GetPost(postID string) (*model.Post, *model.AppError) {
	a.mu.Lock()
	defer a.mu.Unlock()
	p, ok := a.posts[postID]
	if !ok {
		return nil, model.NewAppError("GetPost", "app.post.get.app_error", nil, "", http.StatusNotFound)
	}
	return clonePost(p), nil
}

// SendEphemeralPost implements mmapi.API.
func (a *API) SendEphemeralPost(userID string, post *model.Post) *model.Post {
	a.mu.Lock()
	defer a.mu.Unlock()
	p := clonePost(post)
	p.Id = model.NewId()
	p.AddProp("fake_ephemeral_for", userID)
	a.ephemeral = append(a.ephemeral, p)
	return p
}

// GetUser implements mmapi.API.
func (a *API) GetUser(userID string) (*model.User, *model.AppError) {
	a.mu.Lock()
	defer a.mu.Unlock()
	u, ok := a.users[userID]
	if !ok {
		return nil, model.NewAppError("GetUser", "app.user.missing_account.const", nil, "", http.StatusNotFound)
	}
	c := *u
	return &c, nil
}

// GetConfig implements mmapi.API.
func (a *API) GetConfig() *model.Config {
	a.mu.Lock()
	defer a.mu.Unlock()
	cfg := &model.Config{}
	cfg.SetDefaults()
	site := a.SiteURL
	cfg.ServiceSettings.SiteURL = &site
	return cfg
}

// PublishWebSocketEvent implements mmapi.API.
func (a *API) PublishWebSocketEvent(event string, payload map[string]any, broadcast *model.WebsocketBroadcast) {
	a.mu.Lock()
	defer a.mu.Unlock()
	e := WebSocketEvent{Event: event, Payload: payload}
	if broadcast != nil {
		e.Broadcast = *broadcast
	}
	a.wsEvents = append(a.wsEvents, e)
}

// PublishPluginClusterEvent implements mmapi.API.
func (a *API) PublishPluginClusterEvent(ev model.PluginClusterEvent, _ model.PluginClusterEventSendOptions) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.clusterEvents = append(a.clusterEvents, ev)
	return nil
}

func (a *API) log(level, msg string, kv []any) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.logs = append(a.logs, LogLine{Level: level, Msg: msg, KV: kv})
}

// LogDebug implements mmapi.API.
func (a *API) LogDebug(msg string, kv ...any) { a.log("debug", msg, kv) }

// LogInfo implements mmapi.API.
func (a *API) LogInfo(msg string, kv ...any) { a.log("info", msg, kv) }

// LogWarn implements mmapi.API.
func (a *API) LogWarn(msg string, kv ...any) { a.log("warn", msg, kv) }

// LogError implements mmapi.API.
func (a *API) LogError(msg string, kv ...any) { a.log("error", msg, kv) }

// Posts returns copies of all posts in creation order.
func (a *API) Posts() []*model.Post {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]*model.Post, 0, len(a.order))
	for _, id := range a.order {
		out = append(out, clonePost(a.posts[id]))
	}
	return out
}

// PostsOfType returns the posts with the given type, in creation order.
func (a *API) PostsOfType(typ string) []*model.Post {
	var out []*model.Post
	for _, p := range a.Posts() {
		if p.Type == typ {
			out = append(out, p)
		}
	}
	return out
}

// UpdateCount tells how many times a post was updated.
func (a *API) UpdateCount(postID string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.updates[postID]
}

// Ephemeral returns the ephemeral posts sent so far.
func (a *API) Ephemeral() []*model.Post {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]*model.Post(nil), a.ephemeral...)
}

// WebSocketEvents returns the websocket events published so far.
func (a *API) WebSocketEvents() []WebSocketEvent {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]WebSocketEvent(nil), a.wsEvents...)
}

// ClusterEvents returns the plugin cluster events published so far.
func (a *API) ClusterEvents() []model.PluginClusterEvent {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]model.PluginClusterEvent(nil), a.clusterEvents...)
}

// Logs returns the log lines so far.
func (a *API) Logs() []LogLine {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]LogLine(nil), a.logs...)
}

// OpenInteractiveDialog implements mmapi.API: it checks the request as the
// server does (trigger id, URL, a valid dialog) and records it.
func (a *API) OpenInteractiveDialog(req model.OpenDialogRequest) *model.AppError {
	a.mu.Lock()
	defer a.mu.Unlock()
	if err := req.IsValid(); err != nil {
		return model.NewAppError("OpenInteractiveDialog", "app.interactive_dialog.invalid", nil, err.Error(), http.StatusBadRequest)
	}
	a.dialogs = append(a.dialogs, req)
	return nil
}

// Dialogs returns the dialogs opened so far.
func (a *API) Dialogs() []model.OpenDialogRequest {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]model.OpenDialogRequest(nil), a.dialogs...)
}

// UploadFile implements mmapi.API: the file belongs to the channel and to
// no post until a post names it in FileIds.
func (a *API) UploadFile(data []byte, channelID, filename string) (*model.FileInfo, *model.AppError) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if !safetext.Safe(filename) {
		return nil, model.NewAppError("UploadFile", "app.file_info.save.app_error", nil, "pq: invalid byte sequence for encoding \"UTF8\"", http.StatusInternalServerError)
	}
	if _, ok := a.channels[channelID]; !ok {
		return nil, model.NewAppError("UploadFile", "app.channel.get.existing.app_error", nil, "", http.StatusNotFound)
	}
	a.written = append(a.written, filename)
	f := &model.FileInfo{Id: model.NewId(), ChannelId: channelID, Name: filename, Size: int64(len(data)),
		MimeType: mimeFor(filename), CreateAt: model.GetMillis()}
	a.files[f.Id] = f
	a.fileData[f.Id] = append([]byte(nil), data...)
	c := *f
	return &c, nil
}

// AddFile stores a file a user uploaded (not attached to a post yet).
func (a *API) AddFile(channelID, userID, name, mimeType string, data []byte) *model.FileInfo {
	a.mu.Lock()
	defer a.mu.Unlock()
	f := &model.FileInfo{Id: model.NewId(), ChannelId: channelID, CreatorId: userID, Name: name, Size: int64(len(data)),
		MimeType: mimeType, CreateAt: model.GetMillis()}
	a.files[f.Id] = f
	a.fileData[f.Id] = append([]byte(nil), data...)
	c := *f
	return &c
}

func mimeFor(name string) string {
	switch {
	case len(name) > 4 && name[len(name)-4:] == ".png":
		return "image/png"
	case len(name) > 4 && name[len(name)-4:] == ".txt":
		return "text/plain"
	}
	return "application/octet-stream"
}

// GetFileInfo implements mmapi.API.
func (a *API) GetFileInfo(fileID string) (*model.FileInfo, *model.AppError) {
	a.mu.Lock()
	defer a.mu.Unlock()
	f, ok := a.files[fileID]
	if !ok {
		return nil, model.NewAppError("GetFileInfo", "app.file_info.get.app_error", nil, "", http.StatusNotFound)
	}
	c := *f
	return &c, nil
}

// GetFile implements mmapi.API.
func (a *API) GetFile(fileID string) ([]byte, *model.AppError) {
	a.mu.Lock()
	defer a.mu.Unlock()
	b, ok := a.fileData[fileID]
	if !ok {
		return nil, model.NewAppError("GetFile", "app.file.get.app_error", nil, "", http.StatusNotFound)
	}
	return append([]byte(nil), b...), nil
}

// AddTeamMember makes a user a member of a team.
func (a *API) AddTeamMember(teamID, userID string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.teamMembers[teamID+"/"+userID] = true
}

// ArchiveChannel marks a channel deleted.
func (a *API) ArchiveChannel(channelID string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if c, ok := a.channels[channelID]; ok {
		c.DeleteAt = model.GetMillis()
	}
}

// IsMember tells whether a user is a member of a channel.
func (a *API) IsMember(channelID, userID string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.members[channelID+"/"+userID]
}

// GetDirectChannel implements mmapi.API: the direct message channel of two
// users, made when there is none yet.
func (a *API) GetDirectChannel(userID1, userID2 string) (*model.Channel, *model.AppError) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, id := range []string{userID1, userID2} {
		if _, ok := a.users[id]; !ok {
			return nil, model.NewAppError("GetDirectChannel", "app.user.missing_account.const", nil, "", http.StatusNotFound)
		}
	}
	name := model.GetDMNameFromIds(userID1, userID2)
	for _, c := range a.channels {
		if c.Type == model.ChannelTypeDirect && c.Name == name {
			cc := *c
			return &cc, nil
		}
	}
	c := &model.Channel{Id: model.NewId(), Name: name, Type: model.ChannelTypeDirect}
	a.channels[c.Id] = c
	a.members[c.Id+"/"+userID1] = true
	a.members[c.Id+"/"+userID2] = true
	cc := *c
	return &cc, nil
}

func (a *API) channelByName(teamID, name string, includeDeleted bool) (*model.Channel, *model.AppError) {
	for _, c := range a.channels {
		if c.TeamId == teamID && c.Name == name && (includeDeleted || c.DeleteAt == 0) {
			cc := *c
			return &cc, nil
		}
	}
	return nil, model.NewAppError("GetChannelByName", "app.channel.get_by_name.missing.app_error", nil, "", http.StatusNotFound)
}

// GetChannelByName implements mmapi.API.
func (a *API) GetChannelByName(teamID, name string, includeDeleted bool) (*model.Channel, *model.AppError) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.channelByName(teamID, name, includeDeleted)
}

// GetChannelByNameForTeamName implements mmapi.API.
func (a *API) GetChannelByNameForTeamName(teamName, channelName string, includeDeleted bool) (*model.Channel, *model.AppError) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, t := range a.teams {
		if t.Name == teamName {
			return a.channelByName(t.Id, channelName, includeDeleted)
		}
	}
	return nil, model.NewAppError("GetChannelByNameForTeamName", "app.team.get_by_name.missing.app_error", nil, "", http.StatusNotFound)
}

// GetTeamsForUser implements mmapi.API.
func (a *API) GetTeamsForUser(userID string) ([]*model.Team, *model.AppError) {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []*model.Team
	for _, t := range a.teams {
		if a.teamMembers[t.Id+"/"+userID] {
			tt := *t
			out = append(out, &tt)
		}
	}
	return out, nil
}

// GetTeamMember implements mmapi.API.
func (a *API) GetTeamMember(teamID, userID string) (*model.TeamMember, *model.AppError) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.teamMembers[teamID+"/"+userID] {
		return nil, model.NewAppError("GetTeamMember", "app.team.get_member.missing.app_error", nil, "", http.StatusNotFound)
	}
	return &model.TeamMember{TeamId: teamID, UserId: userID}, nil
}

// CreateTeamMember implements mmapi.API.
func (a *API) CreateTeamMember(teamID, userID string) (*model.TeamMember, *model.AppError) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, ok := a.teams[teamID]; !ok {
		return nil, model.NewAppError("CreateTeamMember", "app.team.get.find.app_error", nil, "", http.StatusNotFound)
	}
	a.teamMembers[teamID+"/"+userID] = true
	return &model.TeamMember{TeamId: teamID, UserId: userID}, nil
}

// AddChannelMember implements mmapi.API as the server does: only open and
// private channels, and only for a member of the channel's team.
func (a *API) AddChannelMember(channelID, userID string) (*model.ChannelMember, *model.AppError) {
	a.mu.Lock()
	defer a.mu.Unlock()
	c, ok := a.channels[channelID]
	if !ok {
		return nil, model.NewAppError("AddChannelMember", "app.channel.get.existing.app_error", nil, "", http.StatusNotFound)
	}
	if c.Type != model.ChannelTypeOpen && c.Type != model.ChannelTypePrivate {
		return nil, model.NewAppError("AddChannelMember", "api.channel.add_user_to_channel.type.app_error", nil, "", http.StatusBadRequest)
	}
	if !a.teamMembers[c.TeamId+"/"+userID] {
		return nil, model.NewAppError("AddChannelMember", "app.team.get_member.missing.app_error", nil, "", http.StatusNotFound)
	}
	a.members[channelID+"/"+userID] = true
	return &model.ChannelMember{ChannelId: channelID, UserId: userID}, nil
}
