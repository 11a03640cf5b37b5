package plugin

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/claude-mattermost/claude-mattermost/server/agentapi"
	"github.com/claude-mattermost/claude-mattermost/server/cards"
	"github.com/claude-mattermost/claude-mattermost/server/clock"
	"github.com/claude-mattermost/claude-mattermost/server/config"
	"github.com/claude-mattermost/claude-mattermost/server/kvstore"
	"github.com/claude-mattermost/claude-mattermost/server/mmapi/mmapitest"
	"github.com/claude-mattermost/claude-mattermost/server/sessions"
)

const (
	botID     = "botuserid00000000000000000"
	aliceID   = "aliceid0000000000000000000"
	bobID     = "bobid000000000000000000000"
	otherBot  = "otherbot000000000000000000"
	carolID   = "carolid0000000000000000000"
	channelID = "channelid00000000000000000"
	teamID    = "teamid000000000000000000000"
	dmID      = "dmchannel00000000000000000" // alice's direct messages with the bot
)

// harness is one plugin node on fake edges. restart() rebuilds the app on
// the same KV store and server, like a plugin restart.
type harness struct {
	t     *testing.T
	api   *mmapitest.API
	kv    *kvstore.Memory
	clock *clock.Fake
	app   *App
	deps  Deps
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	c := clock.NewFake(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	api := mmapitest.New()
	api.AddUser(botID, "claude", true)
	api.AddUser(aliceID, "alice", false)
	api.AddUser(bobID, "bob", false)
	api.AddUser(otherBot, "otherbot", true)
	api.AddUser(carolID, "carol", false)
	addChannels(api)
	h := &harness{t: t, api: api, kv: kvstore.NewMemory(c.Now), clock: c}
	h.deps = Deps{
		API: api, KV: h.kv, Clock: c, BotUserID: botID, BotUsername: "claude", PluginVersion: "0.1.0",
		InboxRecheck: time.Minute, FlushAfter: time.Hour, HeaderEvery: -1,
		Settings: config.NewStore(config.Default()),
	}
	h.app = NewApp(h.deps)
	t.Cleanup(func() { h.app.Close() })
	return h
}

func addChannels(api *mmapitest.API) {
	api.AddTeam(teamID, "eng")
	api.AddChannel(channelID, teamID, "dev", model.ChannelTypeOpen, aliceID, bobID, carolID)
	api.AddChannel(dmID, "", model.GetDMNameFromIds(aliceID, botID), model.ChannelTypeDirect, aliceID, botID)
}

// node returns a second plugin node of the same cluster: its own app
// (memory, locks, timers) on the same database (KV store and Mattermost
// posts), as two Mattermost servers on one PostgreSQL. Cluster events are
// not delivered between nodes unless a test hands them over.
func (h *harness) node() *harness {
	other := *h
	other.app = NewApp(other.deps)
	h.t.Cleanup(func() { other.app.Close() })
	return &other
}

// configure changes the plugin settings, as OnConfigurationChange does.
func (h *harness) configure(change func(c *config.Config)) {
	c := h.deps.Settings.Get()
	change(&c)
	h.deps.Settings.Set(c)
}

func (h *harness) restart() {
	h.app.Close()
	h.app = NewApp(h.deps)
}

type response struct {
	Code   int
	Header http.Header
	Body   []byte
}

func (r response) JSON(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("response is not JSON (%d): %s", r.Code, r.Body)
	}
	return m
}

func (r response) Error(t *testing.T) string {
	t.Helper()
	s, _ := r.JSON(t)["error"].(string)
	return s
}

type req struct {
	method  string
	path    string
	body    any    // string, []byte or a value to encode
	token   string // sent in agentapi.TokenHeader, as the agent does
	bearer  string // sent as "Authorization: Bearer", the older form
	userID  string
	idemKey string
	remote  string // the client's address (httptest's 192.0.2.1 when "")
}

func (h *harness) do(r req) response {
	h.t.Helper()
	var body io.Reader
	switch b := r.body.(type) {
	case nil:
	case string:
		body = strings.NewReader(b)
	case []byte:
		body = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			h.t.Fatal(err)
		}
		body = bytes.NewReader(data)
	}
	httpReq := httptest.NewRequest(r.method, r.path, body)
	if r.token != "" {
		httpReq.Header.Set(agentapi.TokenHeader, r.token)
	}
	if r.bearer != "" {
		httpReq.Header.Set("Authorization", "Bearer "+r.bearer)
	}
	if r.userID != "" {
		httpReq.Header.Set("Mattermost-User-Id", r.userID)
	}
	if r.idemKey != "" {
		httpReq.Header.Set("Idempotency-Key", r.idemKey)
	}
	if r.remote != "" {
		httpReq.RemoteAddr = r.remote
	}
	rec := httptest.NewRecorder()
	h.app.Router.ServeHTTP(rec, httpReq)
	return response{Code: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
}

// pair pairs a machine for userID through /claude connect and POST /pair.
func (h *harness) pair(userID, name string) (token, machineID string) {
	h.t.Helper()
	code := h.connectCode(userID)
	res := h.do(req{method: "POST", path: "/api/v1/pair", body: map[string]any{"code": code, "name": name, "hostname": name + ".local", "agent_version": "0.1.0"}})
	if res.Code != 200 {
		h.t.Fatalf("pair: %d %s", res.Code, res.Body)
	}
	var out struct {
		Token   string `json:"token"`
		Machine struct {
			ID string `json:"id"`
		} `json:"machine"`
	}
	if err := json.Unmarshal(res.Body, &out); err != nil {
		h.t.Fatal(err)
	}
	return out.Token, out.Machine.ID
}

func (h *harness) connectCode(userID string) string {
	h.t.Helper()
	resp := h.app.Command.Execute(&model.CommandArgs{UserId: userID, ChannelId: channelID, Command: "/claude connect"})
	i := strings.Index(resp.Text, "**")
	if i < 0 {
		h.t.Fatalf("no code in %q", resp.Text)
	}
	return resp.Text[i+2 : i+11]
}

// post simulates a user post reaching MessageHasBeenPosted.
func (h *harness) post(userID, rootID, message string) *model.Post {
	h.t.Helper()
	p, appErr := h.api.CreatePost(&model.Post{UserId: userID, ChannelId: channelID, RootId: rootID, Message: message})
	if appErr != nil {
		h.t.Fatal(appErr)
	}
	h.app.HandlePost(p)
	return p
}

// startSession has userID mention @claude and returns the new session.
func (h *harness) startSession(userID, message string) *sessions.Session {
	h.t.Helper()
	before := len(h.api.PostsOfType(string(cards.PostTypeSession)))
	h.post(userID, "", message)
	headers := h.api.PostsOfType(string(cards.PostTypeSession))
	if len(headers) != before+1 {
		h.t.Fatalf("no session header posted; ephemeral: %v", h.api.Ephemeral())
	}
	sess, err := h.app.Sessions.ByThread(headers[len(headers)-1].Id)
	if err != nil {
		h.t.Fatal(err)
	}
	return sess
}

type event struct {
	Seq       int64          `json:"seq"`
	Type      string         `json:"type"`
	SessionID string         `json:"session_id"`
	CreatedAt int64          `json:"created_at"`
	Payload   map[string]any `json:"payload"`
}

func (h *harness) events(token string, after int64) ([]event, int64) {
	h.t.Helper()
	res := h.do(req{method: "GET", path: "/api/v1/agent/events?after=" + itoa(after) + "&wait=0", token: token})
	if res.Code != 200 {
		h.t.Fatalf("events: %d %s", res.Code, res.Body)
	}
	var out struct {
		Events []event `json:"events"`
		Cursor int64   `json:"cursor"`
	}
	if err := json.Unmarshal(res.Body, &out); err != nil {
		h.t.Fatal(err)
	}
	return out.Events, out.Cursor
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

var idemCounter atomic.Int64

func nextKey() string { return "key-" + itoa(idemCounter.Add(1)) }

// output posts one agent output report with a fresh idempotency key.
func (h *harness) output(token, sessionID string, body any) response {
	h.t.Helper()
	return h.do(req{method: "POST", path: "/api/v1/agent/sessions/" + sessionID + "/output", token: token, body: body, idemKey: nextKey()})
}

func (h *harness) requestApproval(token string, sess *sessions.Session, requestID string) *model.Post {
	h.t.Helper()
	res := h.output(token, sess.ID, map[string]any{
		"kind": "approval", "request_id": requestID, "tool_name": "Bash",
		"input": map[string]any{"command": "go test ./...", "description": "Run the tests"}, "cwd": "/src/app",
	})
	if res.Code != 200 {
		h.t.Fatalf("approval: %d %s", res.Code, res.Body)
	}
	postID, _ := res.JSON(h.t)["post_id"].(string)
	p, appErr := h.api.GetPost(postID)
	if appErr != nil {
		h.t.Fatal(appErr)
	}
	return p
}

func clickBody(post *model.Post, sessionID, requestID, action string) map[string]any {
	return map[string]any{
		"user_id": "spoofed", "post_id": post.Id, "channel_id": post.ChannelId,
		"context": map[string]any{"action": action, "session_id": sessionID, "request_id": requestID},
	}
}

// postIn simulates a user post in any channel reaching MessageHasBeenPosted.
func (h *harness) postIn(userID, channel, rootID, message string) *model.Post {
	h.t.Helper()
	p, appErr := h.api.CreatePost(&model.Post{UserId: userID, ChannelId: channel, RootId: rootID, Message: message})
	if appErr != nil {
		h.t.Fatal(appErr)
	}
	h.app.HandlePost(p)
	return p
}

// botReplies returns the bot's plain posts (no custom type) in the thread rootID.
func (h *harness) botReplies(rootID string) []string {
	var out []string
	for _, p := range h.api.Posts() {
		if p.UserId == botID && p.RootId == rootID && p.Type == "" {
			out = append(out, p.Message)
		}
	}
	return out
}

// lastEphemeral is the newest ephemeral message for userID ("" when none).
func (h *harness) lastEphemeral(userID string) string {
	eph := h.api.Ephemeral()
	for i := len(eph) - 1; i >= 0; i-- {
		if eph[i].GetProp("fake_ephemeral_for") == userID {
			return eph[i].Message
		}
	}
	return ""
}

// command runs a /claude command as userID (rootID "" outside a thread).
func (h *harness) command(userID, rootID, text string) string {
	h.t.Helper()
	return h.app.Command.Execute(&model.CommandArgs{UserId: userID, ChannelId: channelID, RootId: rootID, Command: text}).Text
}

// newEvents returns the events queued for the machine since cursor, and the new cursor.
func (h *harness) newEvents(token string, cursor *int64) []event {
	h.t.Helper()
	evs, next := h.events(token, *cursor)
	*cursor = next
	return evs
}

// sessionProps reads the header card's props.
func (h *harness) sessionProps(sess *sessions.Session) cards.SessionProps {
	h.t.Helper()
	header, appErr := h.api.GetPost(sess.HeaderPostID())
	if appErr != nil {
		h.t.Fatal(appErr)
	}
	var p cards.SessionProps
	if !cards.ReadProp(header.GetProps(), cards.PropSession, &p) {
		h.t.Fatalf("header has no session props: %v", header.GetProps())
	}
	return p
}

func (h *harness) session(id string) *sessions.Session {
	h.t.Helper()
	sess, err := h.app.Sessions.Get(id)
	if err != nil {
		h.t.Fatal(err)
	}
	return sess
}

func contains(list []string, sub string) bool {
	for _, s := range list {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// errorLogs returns the error-level log lines so far.
func (h *harness) errorLogs() []mmapitest.LogLine {
	var out []mmapitest.LogLine
	for _, l := range h.api.Logs() {
		if l.Level == "error" {
			out = append(out, l)
		}
	}
	return out
}
