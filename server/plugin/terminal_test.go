package plugin

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/claude-mattermost/claude-mattermost/server/cards"
	"github.com/claude-mattermost/claude-mattermost/server/config"
	"github.com/claude-mattermost/claude-mattermost/server/kvstore"
	"github.com/claude-mattermost/claude-mattermost/server/sessions"
)

const claudeSessionID = "0b7c3a8e-1f2d-4c5b-9a6e-7d8f9e0a1b2c"

// terminalBody is what the agent sends when a followed terminal session
// starts; extra fields replace or add to it (nil removes one).
func terminalBody(extra map[string]any) map[string]any {
	body := map[string]any{
		"origin": "terminal", "claude_session_id": claudeSessionID, "cwd": "/src/app",
		"branch": "main", "model": "claude-opus-4", "permission_mode": "default",
	}
	for k, v := range extra {
		if v == nil {
			delete(body, k)
		} else {
			body[k] = v
		}
	}
	return body
}

func cliBody(prompt string, extra map[string]any) map[string]any {
	body := map[string]any{"origin": "cli", "cwd": "/src/app", "prompt": prompt}
	for k, v := range extra {
		body[k] = v
	}
	return body
}

// open is POST /agent/sessions with a fresh idempotency key.
func (h *harness) open(token string, body any) response {
	h.t.Helper()
	return h.do(req{method: "POST", path: "/api/v1/agent/sessions", token: token, body: body, idemKey: nextKey()})
}

// opened checks a 200 from POST /agent/sessions and loads the session.
func (h *harness) opened(res response) *sessions.Session {
	h.t.Helper()
	if res.Code != 200 {
		h.t.Fatalf("open: %d %s", res.Code, res.Body)
	}
	id, _ := res.JSON(h.t)["session_id"].(string)
	return h.session(id)
}

// terminalSetup pairs alice's laptop, opens a terminal session in her
// direct messages with the bot, and skips the events so far.
func terminalSetup(t *testing.T) (h *harness, tok string, sess *sessions.Session, cursor int64) {
	t.Helper()
	h = newHarness(t)
	tok, _ = h.pair(aliceID, "laptop")
	sess = h.opened(h.open(tok, terminalBody(nil)))
	_, cursor = h.events(tok, 0)
	return h, tok, sess, cursor
}

// channelTerminal opens alice's terminal session in ~dev, where bob is
// a channel member (and may be invited).
func channelTerminal(t *testing.T) (h *harness, tok string, sess *sessions.Session, cursor int64) {
	t.Helper()
	h = newHarness(t)
	tok, _ = h.pair(aliceID, "laptop")
	sess = h.opened(h.open(tok, terminalBody(map[string]any{"channel": "dev"})))
	_, cursor = h.events(tok, 0)
	return h, tok, sess, cursor
}

func actionIDs(p *model.Post) []string {
	var ids []string
	for _, a := range p.Attachments() {
		for _, act := range a.Actions {
			ids = append(ids, act.Id)
		}
	}
	return ids
}

func (h *harness) header(sess *sessions.Session) *model.Post {
	h.t.Helper()
	p, appErr := h.api.GetPost(sess.HeaderPostID())
	if appErr != nil {
		h.t.Fatal(appErr)
	}
	return p
}

func TestOpenSession(t *testing.T) {
	t.Run("a terminal session opens a thread in the direct messages with the bot and queues no start", func(t *testing.T) {
		h := newHarness(t)
		tok, _ := h.pair(aliceID, "laptop")
		res := h.open(tok, terminalBody(nil))
		sess := h.opened(res)
		body := res.JSON(t)
		if body["channel_id"] != dmID || body["root_id"] != sess.RootID || body["existing"] != false ||
			body["permalink"] != "http://mm.example.com/_redirect/pl/"+sess.RootID {
			t.Fatalf("response %v", body)
		}
		p := h.sessionProps(sess)
		if p.Origin != "terminal" || p.RunsIn != "terminal" || p.Status != "idle" || p.Cwd != "/src/app" || p.Branch != "main" ||
			p.Model != "claude-opus-4" || p.ClaudeSessionID != claudeSessionID || p.OwnerUsername != "alice" {
			t.Fatalf("props %+v", p)
		}
		msg := h.header(sess).Message
		if !strings.Contains(msg, "in a terminal on `laptop`") || !strings.Contains(msg, "`/src/app`") || !strings.Contains(msg, "started by @alice in a terminal") {
			t.Fatalf("header message %q", msg)
		}
		if evs, _ := h.events(tok, 0); len(evs) != 0 {
			t.Fatalf("events %+v", evs)
		}
	})
	t.Run("a cli session queues a start as /claude new does", func(t *testing.T) {
		h := newHarness(t)
		tok, _ := h.pair(aliceID, "laptop")
		sess := h.opened(h.open(tok, cliBody("fix the flaky test", map[string]any{
			"branch": "fix/flaky", "model": "claude-opus-4", "permission_mode": "acceptEdits", "title": "Nightly fix",
		})))
		evs, _ := h.events(tok, 0)
		if len(evs) != 1 || evs[0].Type != "start" || evs[0].SessionID != sess.ID {
			t.Fatalf("events %+v", evs)
		}
		pl := evs[0].Payload
		if pl["prompt"] != "fix the flaky test" || pl["cwd"] != "/src/app" || pl["branch"] != "fix/flaky" || pl["model"] != "claude-opus-4" ||
			pl["permission_mode"] != "acceptEdits" || pl["root_id"] != sess.RootID || pl["channel_id"] != dmID {
			t.Fatalf("start payload %v", pl)
		}
		p := h.sessionProps(sess)
		if p.Origin != "cli" || p.RunsIn != "agent" || p.Status != "starting" || p.Title != "Nightly fix" {
			t.Fatalf("props %+v", p)
		}
		if msg := h.header(sess).Message; !strings.Contains(msg, "> fix the flaky test") || !strings.Contains(msg, "Nightly fix") {
			t.Fatalf("header %q", msg)
		}
	})
	t.Run("a named channel gets the thread and the bot becomes a member", func(t *testing.T) {
		h := newHarness(t)
		tok, _ := h.pair(aliceID, "laptop")
		if h.api.IsMember(channelID, botID) {
			t.Fatal("the bot is a member before")
		}
		sess := h.opened(h.open(tok, terminalBody(map[string]any{"channel": "dev"})))
		if sess.ChannelID != channelID || !h.api.IsMember(channelID, botID) {
			t.Fatalf("channel %s, bot member %v", sess.ChannelID, h.api.IsMember(channelID, botID))
		}
	})
	for _, name := range []string{"eng/dev", "~dev", channelID, "DEV"} {
		t.Run("the channel "+name+" names ~dev", func(t *testing.T) {
			h := newHarness(t)
			tok, _ := h.pair(aliceID, "laptop")
			if sess := h.opened(h.open(tok, cliBody("go", map[string]any{"channel": name}))); sess.ChannelID != channelID {
				t.Fatalf("channel %s", sess.ChannelID)
			}
		})
	}
	refusals := []struct {
		name     string
		setup    func(h *harness)
		channel  string
		wantCode int
		wantMsg  string
	}{
		{"an unknown channel is 400", nil, "nowhere", 400, `no channel "nowhere"`},
		{"an unknown team is 400", nil, "ops/dev", 400, `no channel "ops/dev"`},
		{"a channel name that cannot be one is 400", nil, "dev channel!", 400, "channel name"},
		{"a channel the user is not a member of is 403", func(h *harness) {
			h.api.AddChannel("randomid000000000000000000", teamID, "random", model.ChannelTypeOpen, bobID)
		}, "random", 403, "not a member of ~random"},
		{"a private channel the user is not in is 400, as if unknown", func(h *harness) {
			h.api.AddChannel("secretid000000000000000000", teamID, "secret", model.ChannelTypePrivate, bobID)
		}, "secret", 400, `no channel "secret"`},
		{"a channel the admin does not allow is 403", func(h *harness) {
			h.configure(func(c *config.Config) { c.AllowedChannels = []string{"other"} })
		}, "dev", 403, "not enabled in ~dev"},
		{"a team the admin does not allow is 403", func(h *harness) {
			h.configure(func(c *config.Config) { c.AllowedTeams = []string{"sales"} })
		}, "eng/dev", 403, "not enabled in ~dev"},
		{"a direct message with someone else is 400", func(h *harness) {
			h.api.AddChannel("dmbob000000000000000000000", "", model.GetDMNameFromIds(aliceID, bobID), model.ChannelTypeDirect, aliceID, bobID)
		}, "dmbob000000000000000000000", 400, "not in other direct or group messages"},
		{"an archived channel is 400", func(h *harness) { h.api.ArchiveChannel(channelID) }, channelID, 400, "archived"},
		{"a channel name in two of the user's teams is 400", func(h *harness) {
			h.api.AddTeam("team2id0000000000000000000", "ops")
			h.api.AddChannel("dev2id00000000000000000000", "team2id0000000000000000000", "dev", model.ChannelTypeOpen, aliceID)
		}, "dev", 400, "team/channel"},
	}
	for _, tc := range refusals {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			tok, _ := h.pair(aliceID, "laptop")
			if tc.setup != nil {
				tc.setup(h)
			}
			before := len(h.api.Posts())
			res := h.open(tok, terminalBody(map[string]any{"channel": tc.channel}))
			if res.Code != tc.wantCode || !strings.Contains(res.Error(t), tc.wantMsg) {
				t.Fatalf("got %d %s, want %d saying %q", res.Code, res.Body, tc.wantCode, tc.wantMsg)
			}
			if len(h.api.Posts()) != before || h.api.IsMember(channelID, botID) {
				t.Fatal("a refused open posted something or added the bot")
			}
		})
	}
	t.Run("DMs are allowed whatever the allowed channels", func(t *testing.T) {
		h := newHarness(t)
		tok, _ := h.pair(aliceID, "laptop")
		h.configure(func(c *config.Config) { c.AllowedChannels = []string{"other"} })
		h.opened(h.open(tok, terminalBody(nil)))
	})
	bad := []struct {
		name    string
		body    any
		wantMsg string
	}{
		{"no origin is 400", terminalBody(map[string]any{"origin": nil}), `"origin"`},
		{"an unknown origin is 400", terminalBody(map[string]any{"origin": "ide"}), `"origin"`},
		{"a terminal session needs its claude_session_id", terminalBody(map[string]any{"claude_session_id": nil}), `"claude_session_id"`},
		{"a claude_session_id with spaces is 400", terminalBody(map[string]any{"claude_session_id": "a b"}), `"claude_session_id"`},
		{"an oversized claude_session_id is 400", terminalBody(map[string]any{"claude_session_id": strings.Repeat("a", 65)}), `"claude_session_id"`},
		{"a cli session takes no claude_session_id", cliBody("go", map[string]any{"claude_session_id": claudeSessionID}), `"claude_session_id"`},
		{"a terminal session needs an absolute cwd", terminalBody(map[string]any{"cwd": "src/app"}), `"cwd"`},
		// (A NUL is made U+FFFD at the boundary, before any check: poison_test.go.)
		{"a cwd with a control character is 400", terminalBody(map[string]any{"cwd": "/src/\u0001app"}), `"cwd"`},
		{"an oversized cwd is 400", terminalBody(map[string]any{"cwd": "/" + strings.Repeat("a", 5000)}), `"cwd"`},
		{"a cli session needs a prompt", cliBody(" ", nil), `"prompt"`},
		{"a terminal session takes no prompt", terminalBody(map[string]any{"prompt": "hi"}), `"prompt"`},
		{"an oversized prompt is 400", cliBody(strings.Repeat("a", 200_001), nil), `"prompt"`},
		{"a branch starting with - is 400", cliBody("go", map[string]any{"branch": "-x"}), `"branch"`},
		{"a branch with .. is 400", terminalBody(map[string]any{"branch": "a..b"}), `"branch"`},
		{"a branch with a space is 400", terminalBody(map[string]any{"branch": "a b"}), `"branch"`},
		{"an oversized branch is 400", terminalBody(map[string]any{"branch": strings.Repeat("b", 256)}), `"branch"`},
		{"a model with a space is 400", terminalBody(map[string]any{"model": "opus 4"}), `"model"`},
		{"an unknown permission mode is 400", terminalBody(map[string]any{"permission_mode": "yolo"}), `"permission_mode"`},
		{"an oversized title is 400", terminalBody(map[string]any{"title": strings.Repeat("t", 201)}), `"title"`},
		{"a title of two lines is 400", terminalBody(map[string]any{"title": "a\nb"}), `"title"`},
		{"an oversized channel is 400", terminalBody(map[string]any{"channel": strings.Repeat("c", 201)}), `"channel"`},
		{"a wrong type is 400", terminalBody(map[string]any{"cwd": 7}), `"cwd"`},
		{"a body that is not JSON is 400", "{", "JSON"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			tok, _ := h.pair(aliceID, "laptop")
			res := h.open(tok, tc.body)
			if res.Code != 400 || !strings.Contains(res.Error(t), tc.wantMsg) {
				t.Fatalf("got %d %s, want 400 naming %s", res.Code, res.Body, tc.wantMsg)
			}
			if n := len(h.api.PostsOfType(string(cards.PostTypeSession))); n != 0 {
				t.Fatalf("%d headers posted", n)
			}
		})
	}
	t.Run("the Idempotency-Key is required", func(t *testing.T) {
		h := newHarness(t)
		tok, _ := h.pair(aliceID, "laptop")
		res := h.do(req{method: "POST", path: "/api/v1/agent/sessions", token: tok, body: terminalBody(nil)})
		if res.Code != 400 || !strings.Contains(res.Error(t), "Idempotency-Key") {
			t.Fatalf("%d %s", res.Code, res.Body)
		}
	})
	t.Run("an oversized body is 400", func(t *testing.T) {
		h := newHarness(t)
		tok, _ := h.pair(aliceID, "laptop")
		if res := h.open(tok, cliBody(strings.Repeat("a", 2<<20), nil)); res.Code != 400 {
			t.Fatalf("%d %s", res.Code, res.Body)
		}
	})
	t.Run("without a token it is 401", func(t *testing.T) {
		h := newHarness(t)
		res := h.do(req{method: "POST", path: "/api/v1/agent/sessions", body: terminalBody(nil), idemKey: nextKey()})
		if res.Code != 401 {
			t.Fatalf("%d %s", res.Code, res.Body)
		}
	})
}

func TestOpenSessionIsIdempotent(t *testing.T) {
	t.Run("the same claude_session_id on the same machine returns the same thread", func(t *testing.T) {
		h, tok, sess, _ := terminalSetup(t)
		res := h.open(tok, terminalBody(map[string]any{"channel": "dev"}))
		again := h.opened(res)
		if again.ID != sess.ID || res.JSON(t)["existing"] != true || again.ChannelID != dmID {
			t.Fatalf("got %+v", again)
		}
		if n := len(h.api.PostsOfType(string(cards.PostTypeSession))); n != 1 {
			t.Fatalf("%d headers", n)
		}
	})
	t.Run("a terminal resume of an ended session continues its thread, live again", func(t *testing.T) {
		h, tok, sess, _ := terminalSetup(t)
		h.postIn(aliceID, dmID, sess.RootID, "!stop")
		if !h.session(sess.ID).Ended() {
			t.Fatal("not stopped")
		}
		again := h.opened(h.open(tok, terminalBody(map[string]any{"branch": "fix/it"})))
		if again.ID != sess.ID || again.Ended() || again.Status != "idle" || again.EndedReason != "" || again.Branch != "fix/it" {
			t.Fatalf("session %+v", again)
		}
		live, _ := h.app.Sessions.LiveIDs()
		if len(live) != 1 || live[0] != sess.ID {
			t.Fatalf("live %v", live)
		}
		if ids := actionIDs(h.header(sess)); strings.Join(ids, ",") != "away,continue,stop" {
			t.Fatalf("header buttons %v", ids)
		}
	})
	t.Run("a Mattermost session opened in the terminal continues its thread there", func(t *testing.T) {
		h := newHarness(t)
		tok, _ := h.pair(aliceID, "laptop")
		sess := h.startSession(aliceID, "@claude fix it")
		if res := h.output(tok, sess.ID, map[string]any{"kind": "status", "status": "idle", "claude_session_id": claudeSessionID}); res.Code != 200 {
			t.Fatalf("status: %d %s", res.Code, res.Body)
		}
		again := h.opened(h.open(tok, terminalBody(nil)))
		if again.ID != sess.ID || !again.InTerminal() || again.Origin != "" {
			t.Fatalf("session %+v", again)
		}
		if msg := h.header(sess).Message; !strings.Contains(msg, "in a terminal on `laptop`") {
			t.Fatalf("header %q", msg)
		}
	})
	t.Run("a claude_session_id of another machine is 403", func(t *testing.T) {
		h, _, _, _ := terminalSetup(t)
		bobTok, _ := h.pair(bobID, "desktop")
		before := len(h.api.Posts())
		res := h.open(bobTok, terminalBody(nil))
		if res.Code != 403 || !strings.Contains(res.Error(t), "another machine") || len(h.api.Posts()) != before {
			t.Fatalf("%d %s", res.Code, res.Body)
		}
	})
	t.Run("a repeated Idempotency-Key for a cli session returns the same session and queues one start", func(t *testing.T) {
		h := newHarness(t)
		tok, _ := h.pair(aliceID, "laptop")
		key := nextKey()
		first := h.do(req{method: "POST", path: "/api/v1/agent/sessions", token: tok, body: cliBody("go", nil), idemKey: key})
		second := h.do(req{method: "POST", path: "/api/v1/agent/sessions", token: tok, body: cliBody("go", nil), idemKey: key})
		if h.opened(first).ID != h.opened(second).ID || second.JSON(t)["existing"] != true {
			t.Fatalf("%s / %s", first.Body, second.Body)
		}
		if evs, _ := h.events(tok, 0); len(evs) != 1 {
			t.Fatalf("events %+v", evs)
		}
	})
	t.Run("another Idempotency-Key makes another cli session", func(t *testing.T) {
		h := newHarness(t)
		tok, _ := h.pair(aliceID, "laptop")
		first := h.opened(h.open(tok, cliBody("go", nil)))
		if second := h.opened(h.open(tok, cliBody("go", nil))); first.ID == second.ID {
			t.Fatal("one session for two keys")
		}
	})
	t.Run("two nodes opening the same terminal session at once make one thread", func(t *testing.T) {
		h := newHarness(t)
		tok, machineID := h.pair(aliceID, "laptop")
		meet := h.meetOnReads()
		other := h.node()
		for round := range 5 {
			id := fmt.Sprintf("%s-%d", claudeSessionID[:30], round)
			meet.arm("claude_session/" + id)
			results := bothNodes(h, other, func(n *harness) response {
				return n.do(req{method: "POST", path: "/api/v1/agent/sessions", token: tok, body: terminalBody(map[string]any{"claude_session_id": id}), idemKey: nextKey()})
			})
			if a, b := h.opened(results[0]), h.opened(results[1]); a.ID != b.ID {
				t.Fatalf("round %d: two sessions %s and %s", round, a.ID, b.ID)
			}
			if results[0].JSON(t)["existing"] == results[1].JSON(t)["existing"] {
				t.Fatalf("round %d: both answers say existing=%v", round, results[0].JSON(t)["existing"])
			}
		}
		headers := len(h.api.PostsOfType(string(cards.PostTypeSession))) // the nodes share one database
		if list, _ := h.app.Sessions.ListForUser(aliceID); headers != 5 || len(list) != 5 {
			t.Fatalf("%d headers and %d sessions for 5 (machine %s)", headers, len(list), machineID)
		}
	})
	t.Run("two nodes given the same cli Idempotency-Key at once make one session", func(t *testing.T) {
		h := newHarness(t)
		tok, machineID := h.pair(aliceID, "laptop")
		h.configure(func(c *config.Config) { c.MaxSessionsPerUser = 0 })
		meet := h.meetOnReads()
		other := h.node()
		for round := range 5 {
			key := nextKey()
			meet.arm("session_open/" + machineID + "/" + key)
			results := bothNodes(h, other, func(n *harness) response {
				return n.do(req{method: "POST", path: "/api/v1/agent/sessions", token: tok, body: cliBody("go", nil), idemKey: key})
			})
			if a, b := h.opened(results[0]), h.opened(results[1]); a.ID != b.ID {
				t.Fatalf("round %d: two sessions %s and %s", round, a.ID, b.ID)
			}
		}
		if evs, _ := h.events(tok, 0); len(evs) != 5 {
			t.Fatalf("%d start events for 5 sessions", len(evs))
		}
	})
}

// bothNodes runs do on two nodes at once and returns their answers.
func bothNodes(a, b *harness, do func(n *harness) response) []response {
	var wg sync.WaitGroup
	results := make([]response, 2)
	for i, n := range []*harness{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = do(n)
		}()
	}
	wg.Wait()
	return results
}

// meetOnReads rebuilds the app on a store that holds the first two reads
// of an armed key until both have happened, so two requests decide on the
// same view of the store: the race two cluster nodes can run into.
func (h *harness) meetOnReads() *meetingKV {
	m := &meetingKV{Store: h.kv}
	h.deps.KV = m
	h.restart()
	return m
}

type meetingKV struct {
	kvstore.Store
	mu      sync.Mutex
	key     string
	arrived int
	met     chan struct{}
}

func (m *meetingKV) arm(key string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.key, m.arrived, m.met = key, 0, make(chan struct{})
}

func (m *meetingKV) Get(key string) ([]byte, error) {
	v, err := m.Store.Get(key)
	m.mu.Lock()
	wait := key == m.key && m.arrived < 2
	met := m.met
	if wait {
		m.arrived++
		if m.arrived == 2 {
			close(met)
		}
	}
	m.mu.Unlock()
	if wait {
		select {
		case <-met:
		case <-time.After(10 * time.Second): // only a broken open reads the key once
		}
	}
	return v, err
}

func TestOpenSessionLimit(t *testing.T) {
	t.Run("a cli session at the session limit is 403 and nothing starts", func(t *testing.T) {
		h := newHarness(t)
		tok, _ := h.pair(aliceID, "laptop")
		h.configure(func(c *config.Config) { c.MaxSessionsPerUser = 1 })
		h.startSession(aliceID, "@claude one")
		_, cursor := h.events(tok, 0)
		res := h.open(tok, cliBody("two", nil))
		if res.Code != 403 || !strings.Contains(res.Error(t), "the limit is 1") {
			t.Fatalf("%d %s", res.Code, res.Body)
		}
		if evs := h.newEvents(tok, &cursor); len(evs) != 0 {
			t.Fatalf("events %+v", evs)
		}
	})
	t.Run("a terminal session is not refused by the limit and does not count against it", func(t *testing.T) {
		h := newHarness(t)
		tok, _ := h.pair(aliceID, "laptop")
		h.configure(func(c *config.Config) { c.MaxSessionsPerUser = 1 })
		h.opened(h.open(tok, terminalBody(nil)))
		h.opened(h.open(tok, cliBody("one", nil)))
		h.opened(h.open(tok, terminalBody(map[string]any{"claude_session_id": "another-session"})))
	})
}

func TestTerminalOutputs(t *testing.T) {
	t.Run("prompt shows what the owner typed without mentioning them, and the header quotes the first", func(t *testing.T) {
		h, tok, sess, _ := terminalSetup(t)
		p := h.card(tok, sess.ID, map[string]any{"kind": "prompt", "text": "fix the bug\nin src/auth", "source": "terminal"})
		if p.UserId != botID || p.RootId != sess.RootID || p.Message != "🖥️ **alice** in the terminal:\n> fix the bug\n> in src/auth" {
			t.Fatalf("post %q", p.Message)
		}
		h.card(tok, sess.ID, map[string]any{"kind": "prompt", "text": "now the tests"})
		if msg := h.header(sess).Message; !strings.Contains(msg, "> fix the bug") || strings.Contains(msg, "now the tests") {
			t.Fatalf("header %q", msg)
		}
	})
	t.Run("a prompt is redacted and loses NUL bytes", func(t *testing.T) {
		h, tok, sess, _ := terminalSetup(t)
		p := h.card(tok, sess.ID, map[string]any{"kind": "prompt", "text": "use " + secret + " a\u0000b"})
		if strings.Contains(p.Message, secret) || strings.Contains(p.Message, "\x00") || !strings.Contains(p.Message, "a\uFFFDb") || !strings.Contains(p.Message, "[redacted]") {
			t.Fatalf("post %q", p.Message)
		}
	})
	t.Run("a prompt longer than a post is cut with a note", func(t *testing.T) {
		h, tok, sess, _ := terminalSetup(t)
		p := h.card(tok, sess.ID, map[string]any{"kind": "prompt", "text": strings.Repeat("line of text\n", 3000)})
		if !strings.Contains(p.Message, "more characters_") {
			t.Fatalf("post ends %q", p.Message[len(p.Message)-80:])
		}
	})
	t.Run("a repeated prompt report makes one post", func(t *testing.T) {
		h, tok, sess, _ := terminalSetup(t)
		key := nextKey()
		body := map[string]any{"kind": "prompt", "text": "hello"}
		for range 2 {
			if res := h.do(req{method: "POST", path: "/api/v1/agent/sessions/" + sess.ID + "/output", token: tok, body: body, idemKey: key}); res.Code != 200 {
				t.Fatalf("%d %s", res.Code, res.Body)
			}
		}
		if n := len(h.botReplies(sess.RootID)); n != 1 {
			t.Fatalf("%d replies", n)
		}
	})
	badOutputs := []struct {
		name string
		body map[string]any
		want string
	}{
		{"a prompt needs text", map[string]any{"kind": "prompt", "text": " "}, `"text"`},
		{"a prompt's source must be terminal", map[string]any{"kind": "prompt", "text": "x", "source": "ide"}, `"source"`},
		{"an oversized prompt is 400", map[string]any{"kind": "prompt", "text": strings.Repeat("a", 200_001)}, `"text"`},
		{"resolved needs a request_id", map[string]any{"kind": "resolved", "outcome": "terminal_allowed"}, `"request_id"`},
		{"resolved needs a known outcome", map[string]any{"kind": "resolved", "request_id": "r1", "outcome": "allowed"}, `"outcome"`},
		{"attention needs a known reason", map[string]any{"kind": "attention", "reason": "bored"}, `"reason"`},
		{"an oversized attention text is 400", map[string]any{"kind": "attention", "reason": "waiting", "text": strings.Repeat("a", 2001)}, `"text"`},
		{"status runs_in must be terminal or agent", map[string]any{"kind": "status", "status": "idle", "runs_in": "ide"}, `"runs_in"`},
	}
	for _, tc := range badOutputs {
		t.Run(tc.name, func(t *testing.T) {
			h, tok, sess, _ := terminalSetup(t)
			before := len(h.api.Posts())
			res := h.output(tok, sess.ID, tc.body)
			if res.Code != 400 || !strings.Contains(res.Error(t), tc.want) || len(h.api.Posts()) != before {
				t.Fatalf("%d %s", res.Code, res.Body)
			}
		})
	}
	t.Run("attention mentions the owner", func(t *testing.T) {
		h, tok, sess, _ := terminalSetup(t)
		p := h.card(tok, sess.ID, map[string]any{"kind": "attention", "reason": "approval"})
		if p.Message != "@alice Claude is waiting for your approval." || p.RootId != sess.RootID {
			t.Fatalf("post %q", p.Message)
		}
		p = h.card(tok, sess.ID, map[string]any{"kind": "attention", "reason": "turn_ended", "text": "Done: the tests pass. " + secret})
		if p.Message != "@alice Done: the tests pass. [redacted]" {
			t.Fatalf("post %q", p.Message)
		}
	})
	t.Run("attention is made at most once per reason per session in five minutes", func(t *testing.T) {
		h, tok, sess, _ := terminalSetup(t)
		mention := func(reason string) string {
			res := h.output(tok, sess.ID, map[string]any{"kind": "attention", "reason": reason})
			if res.Code != 200 {
				t.Fatalf("%d %s", res.Code, res.Body)
			}
			id, _ := res.JSON(t)["post_id"].(string)
			return id
		}
		if mention("waiting") == "" {
			t.Fatal("first mention not posted")
		}
		if mention("waiting") != "" {
			t.Fatal("second mention within five minutes posted")
		}
		if mention("question") == "" {
			t.Fatal("another reason was throttled")
		}
		other, _ := terminalSetupOn(h, tok, "second-session")
		if res := h.output(tok, other.ID, map[string]any{"kind": "attention", "reason": "waiting"}); res.JSON(t)["post_id"] == "" {
			t.Fatal("another session was throttled")
		}
		h.clock.Advance(5 * time.Minute)
		if mention("waiting") == "" {
			t.Fatal("no mention after five minutes")
		}
	})
	t.Run("status runs_in agent says the session runs in Mattermost and clears away", func(t *testing.T) {
		h, tok, sess, _ := terminalSetup(t)
		h.postIn(aliceID, dmID, sess.RootID, "!away")
		if res := h.output(tok, sess.ID, map[string]any{"kind": "status", "status": "working", "runs_in": "agent"}); res.Code != 200 {
			t.Fatalf("%d %s", res.Code, res.Body)
		}
		p := h.sessionProps(sess)
		header := h.header(sess)
		if p.RunsIn != "agent" || p.Away || !strings.Contains(header.Message, "in Mattermost on `laptop`") ||
			strings.Join(actionIDs(header), ",") != "interrupt,stop" {
			t.Fatalf("props %+v message %q", p, header.Message)
		}
		if res := h.output(tok, sess.ID, map[string]any{"kind": "status", "status": "idle", "runs_in": "terminal"}); res.Code != 200 {
			t.Fatalf("%d %s", res.Code, res.Body)
		}
		if p := h.sessionProps(sess); p.RunsIn != "terminal" {
			t.Fatalf("props %+v", p)
		}
	})
	t.Run("status away false (the owner typed in the terminal) clears away on the header", func(t *testing.T) {
		h, tok, sess, _ := terminalSetup(t)
		h.postIn(aliceID, dmID, sess.RootID, "!away")
		if !h.sessionProps(sess).Away || !strings.Contains(h.header(sess).Message, "away") {
			t.Fatal("not away after !away")
		}
		if res := h.output(tok, sess.ID, map[string]any{"kind": "status", "status": "working", "away": false}); res.Code != 200 {
			t.Fatalf("%d %s", res.Code, res.Body)
		}
		if p := h.sessionProps(sess); p.Away || p.RunsIn != "terminal" {
			t.Fatalf("props %+v", p)
		}
		if ids := actionIDs(h.header(sess)); strings.Join(ids, ",") != "away,continue,stop" {
			t.Fatalf("buttons %v", ids)
		}
	})
}

// terminalSetupOn opens another terminal session for tok's machine.
func terminalSetupOn(h *harness, tok, claudeID string) (*sessions.Session, response) {
	h.t.Helper()
	res := h.open(tok, terminalBody(map[string]any{"claude_session_id": claudeID}))
	return h.opened(res), res
}

func TestResolvedInTerminal(t *testing.T) {
	terminalApproval := func(requestID string) map[string]any {
		return map[string]any{"kind": "approval", "request_id": requestID, "tool_name": "Bash", "terminal": true,
			"input": map[string]any{"command": "go test ./..."}}
	}
	resolve := func(h *harness, tok string, sess *sessions.Session, requestID, outcome string) response {
		h.t.Helper()
		return h.output(tok, sess.ID, map[string]any{"kind": "resolved", "request_id": requestID, "outcome": outcome})
	}
	t.Run("a terminal approval card says the terminal asks too", func(t *testing.T) {
		h, tok, sess, _ := terminalSetup(t)
		p := h.card(tok, sess.ID, terminalApproval("r1"))
		if a := approvalProps(t, h, p.Id); !a.Terminal || !strings.Contains(p.Message, "also asks in the terminal") || len(p.Attachments()) != 1 {
			t.Fatalf("card %q", p.Message)
		}
	})
	for _, tc := range []struct{ outcome, says string }{
		{"terminal_allowed", "Answered in the terminal: allowed"},
		{"terminal_denied", "Answered in the terminal: denied"},
		{"terminal_asks", "Left to the terminal"},
	} {
		t.Run("resolved "+tc.outcome+" closes the approval card without a decision", func(t *testing.T) {
			h, tok, sess, cursor := terminalSetup(t)
			p := h.card(tok, sess.ID, terminalApproval("r1"))
			res := resolve(h, tok, sess, "r1", tc.outcome)
			if res.Code != 200 || res.JSON(t)["status"] != "resolved" {
				t.Fatalf("%d %s", res.Code, res.Body)
			}
			got, _ := h.api.GetPost(p.Id)
			a := approvalProps(t, h, p.Id)
			if a.Status != "resolved" || a.Resolution != tc.outcome || !strings.Contains(got.Message, tc.says) || len(got.Attachments()) != 0 {
				t.Fatalf("card %+v %q", a, got.Message)
			}
			if evs := h.newEvents(tok, &cursor); len(evs) != 0 {
				t.Fatalf("events %+v", evs)
			}
			pending := h.do(req{method: "GET", path: "/api/v1/me/approvals", userID: aliceID})
			if string(pending.Body) != "[]" && strings.TrimSpace(string(pending.Body)) != "[]" {
				t.Fatalf("still pending: %s", pending.Body)
			}
		})
	}
	t.Run("a late click on a card answered in the terminal says so", func(t *testing.T) {
		h, tok, sess, cursor := terminalSetup(t)
		p := h.card(tok, sess.ID, terminalApproval("r1"))
		resolve(h, tok, sess, "r1", "terminal_allowed")
		res := h.do(req{method: "POST", path: "/api/v1/actions/approval", userID: aliceID, body: clickBody(p, sess.ID, "r1", "approve")})
		if msg, _ := res.JSON(t)["ephemeral_text"].(string); msg != "This request was answered in the terminal." {
			t.Fatalf("click: %s", res.Body)
		}
		decide := h.do(req{method: "POST", path: "/api/v1/sessions/" + sess.ID + "/approvals/r1/decide", userID: aliceID, body: map[string]any{"decision": "deny"}})
		if decide.Code != 409 {
			t.Fatalf("decide: %d %s", decide.Code, decide.Body)
		}
		if evs := h.newEvents(tok, &cursor); len(evs) != 0 {
			t.Fatalf("events %+v", evs)
		}
	})
	t.Run("a late click on a card left to the terminal says to answer there", func(t *testing.T) {
		h, tok, sess, _ := terminalSetup(t)
		p := h.card(tok, sess.ID, terminalApproval("r1"))
		resolve(h, tok, sess, "r1", "terminal_asks")
		res := h.do(req{method: "POST", path: "/api/v1/actions/approval", userID: aliceID, body: clickBody(p, sess.ID, "r1", "deny")})
		if msg, _ := res.JSON(t)["ephemeral_text"].(string); msg != "This request was left to the terminal: answer it there." {
			t.Fatalf("click: %s", res.Body)
		}
	})
	t.Run("resolved closes a plan card", func(t *testing.T) {
		h, tok, sess, _ := terminalSetup(t)
		p := h.card(tok, sess.ID, planApproval("p1"))
		resolve(h, tok, sess, "p1", "terminal_denied")
		got, _ := h.api.GetPost(p.Id)
		if a := approvalProps(t, h, p.Id); a.Status != "resolved" || !strings.Contains(got.Message, "Answered in the terminal: denied") || len(got.Attachments()) != 0 {
			t.Fatalf("card %+v %q", a, got.Message)
		}
	})
	t.Run("resolved closes a question card and a late click says so", func(t *testing.T) {
		h, tok, sess, _ := terminalSetup(t)
		body := questionOutput("q1")
		body["terminal"] = true
		p := h.card(tok, sess.ID, body)
		if q := questionProps(t, h, p.Id); !q.Terminal || !strings.Contains(p.Message, "also asks in the terminal") {
			t.Fatalf("card %+v", q)
		}
		if res := resolve(h, tok, sess, "q1", "terminal_allowed"); res.Code != 200 || res.JSON(t)["status"] != "resolved" {
			t.Fatalf("%d %s", res.Code, res.Body)
		}
		got, _ := h.api.GetPost(p.Id)
		if q := questionProps(t, h, p.Id); q.Status != "resolved" || !strings.Contains(got.Message, "Answered in the terminal") || len(got.Attachments()) != 0 {
			t.Fatalf("card %+v %q", q, got.Message)
		}
		res := h.do(req{method: "POST", path: "/api/v1/actions/question", userID: aliceID, body: questionClick(p, sess.ID, "q1", "opt_0", "")})
		if msg, _ := res.JSON(t)["ephemeral_text"].(string); msg != "This request was answered in the terminal." {
			t.Fatalf("click: %s", res.Body)
		}
		pending := h.do(req{method: "GET", path: "/api/v1/me/approvals", userID: aliceID})
		if strings.TrimSpace(string(pending.Body)) != "[]" {
			t.Fatalf("still pending: %s", pending.Body)
		}
	})
	t.Run("resolved after a decision in Mattermost changes nothing", func(t *testing.T) {
		h, tok, sess, _ := terminalSetup(t)
		p := h.card(tok, sess.ID, terminalApproval("r1"))
		h.do(req{method: "POST", path: "/api/v1/actions/approval", userID: aliceID, body: clickBody(p, sess.ID, "r1", "approve")})
		res := resolve(h, tok, sess, "r1", "terminal_denied")
		if res.Code != 200 || res.JSON(t)["status"] != "approved" {
			t.Fatalf("%d %s", res.Code, res.Body)
		}
		if a := approvalProps(t, h, p.Id); a.Status != "approved" || a.DecidedBy != "alice" {
			t.Fatalf("card %+v", a)
		}
	})
	t.Run("resolved for an unknown request is 404", func(t *testing.T) {
		h, tok, sess, _ := terminalSetup(t)
		if res := resolve(h, tok, sess, "nope", "terminal_allowed"); res.Code != 404 {
			t.Fatalf("%d %s", res.Code, res.Body)
		}
	})
	t.Run("resolved for another machine's session is 403", func(t *testing.T) {
		h, tok, sess, _ := terminalSetup(t)
		h.card(tok, sess.ID, terminalApproval("r1"))
		bobTok, _ := h.pair(bobID, "desktop")
		if res := resolve(h, bobTok, sess, "r1", "terminal_allowed"); res.Code != 403 {
			t.Fatalf("%d %s", res.Code, res.Body)
		}
	})
	t.Run("a terminal approval nobody answers is denied to the agent but left to the terminal on the card", func(t *testing.T) {
		h, tok, sess, cursor := terminalSetup(t)
		h.configure(func(c *config.Config) { c.ApprovalTimeoutMinutes = 30 })
		p := h.card(tok, sess.ID, terminalApproval("r1"))
		h.clock.Advance(30 * time.Minute)
		h.app.Lifetime.Run()
		evs := h.newEvents(tok, &cursor)
		if len(evs) != 1 || evs[0].Type != "decision" || evs[0].Payload["decision"] != "deny" || evs[0].Payload["reason"] != "timed out" {
			t.Fatalf("events %+v", evs)
		}
		got, _ := h.api.GetPost(p.Id)
		a := approvalProps(t, h, p.Id)
		if a.Status != "resolved" || a.Resolution != "terminal_asks" || a.ExpiredAfter != "30 minutes" ||
			!strings.Contains(got.Message, "left to the terminal") || strings.Contains(got.Message, "denied") {
			t.Fatalf("card %+v %q", a, got.Message)
		}
		res := h.do(req{method: "POST", path: "/api/v1/actions/approval", userID: aliceID, body: clickBody(p, sess.ID, "r1", "approve")})
		if msg, _ := res.JSON(t)["ephemeral_text"].(string); msg != "This request was left to the terminal: answer it there." {
			t.Fatalf("click: %s", res.Body)
		}
		// The agent's resolved report that follows changes nothing.
		if res := resolve(h, tok, sess, "r1", "terminal_asks"); res.Code != 200 || res.JSON(t)["status"] != "resolved" {
			t.Fatalf("%d %s", res.Code, res.Body)
		}
	})
	t.Run("a terminal question nobody answers is left to the terminal", func(t *testing.T) {
		h, tok, sess, cursor := terminalSetup(t)
		h.configure(func(c *config.Config) { c.ApprovalTimeoutMinutes = 30 })
		body := questionOutput("q1")
		body["terminal"] = true
		p := h.card(tok, sess.ID, body)
		h.clock.Advance(30 * time.Minute)
		h.app.Lifetime.Run()
		if evs := h.newEvents(tok, &cursor); len(evs) != 1 || evs[0].Payload["reason"] != "timed out" {
			t.Fatalf("events %+v", evs)
		}
		got, _ := h.api.GetPost(p.Id)
		if q := questionProps(t, h, p.Id); q.Status != "resolved" || q.Resolution != "terminal_asks" || !strings.Contains(got.Message, "left to the terminal") {
			t.Fatalf("card %+v %q", q, got.Message)
		}
	})
	t.Run("an approval Mattermost alone asks still expires as denied", func(t *testing.T) {
		h, tok, sess, _ := terminalSetup(t)
		h.configure(func(c *config.Config) { c.ApprovalTimeoutMinutes = 30 })
		p := h.requestApproval(tok, sess, "r1")
		h.clock.Advance(30 * time.Minute)
		h.app.Lifetime.Run()
		if a := approvalProps(t, h, p.Id); a.Status != "expired" {
			t.Fatalf("card %+v", a)
		}
	})
}

func TestTerminalControls(t *testing.T) {
	t.Run("a terminal session's header offers Away, Continue here and Stop", func(t *testing.T) {
		h, _, sess, _ := terminalSetup(t)
		if ids := actionIDs(h.header(sess)); strings.Join(ids, ",") != "away,continue,stop" {
			t.Fatalf("buttons %v", ids)
		}
	})
	t.Run("!away marks the session away and tells the agent", func(t *testing.T) {
		h, tok, sess, cursor := terminalSetup(t)
		h.postIn(aliceID, dmID, sess.RootID, "!away")
		evs := h.newEvents(tok, &cursor)
		if len(evs) != 1 || evs[0].Type != "command" || evs[0].Payload["name"] != "away" || evs[0].Payload["by"].(map[string]any)["username"] != "alice" {
			t.Fatalf("events %+v", evs)
		}
		header := h.header(sess)
		if p := h.sessionProps(sess); !p.Away || !strings.Contains(header.Message, "**Away**") || strings.Join(actionIDs(header), ",") != "back,continue,stop" {
			t.Fatalf("props %+v %q", p, header.Message)
		}
		if !contains(h.botReplies(sess.RootID), "@alice set this session to **away**") {
			t.Fatalf("replies %v", h.botReplies(sess.RootID))
		}
	})
	t.Run("!back marks it back and tells the agent", func(t *testing.T) {
		h, tok, sess, cursor := terminalSetup(t)
		h.postIn(aliceID, dmID, sess.RootID, "!away")
		h.postIn(aliceID, dmID, sess.RootID, "!back")
		evs := h.newEvents(tok, &cursor)
		if len(evs) != 2 || evs[1].Payload["name"] != "back" || h.sessionProps(sess).Away {
			t.Fatalf("events %+v", evs)
		}
	})
	t.Run("!away twice says so once and queues one event", func(t *testing.T) {
		h, tok, sess, cursor := terminalSetup(t)
		h.postIn(aliceID, dmID, sess.RootID, "!away")
		h.postIn(aliceID, dmID, sess.RootID, "!away")
		if evs := h.newEvents(tok, &cursor); len(evs) != 1 || h.lastEphemeral(aliceID) != "This session is already marked away." {
			t.Fatalf("events %+v, ephemeral %q", evs, h.lastEphemeral(aliceID))
		}
	})
	t.Run("a participant may set away; a non-participant may not", func(t *testing.T) {
		h, tok, sess, cursor := channelTerminal(t)
		h.post(bobID, sess.RootID, "!away")
		if evs := h.newEvents(tok, &cursor); len(evs) != 0 || !strings.Contains(h.lastEphemeral(bobID), "Only participants") {
			t.Fatalf("events %+v, ephemeral %q", evs, h.lastEphemeral(bobID))
		}
		h.post(aliceID, sess.RootID, "!invite @bob")
		h.post(bobID, sess.RootID, "!away")
		if evs := h.newEvents(tok, &cursor); len(evs) != 1 || evs[0].Payload["name"] != "away" {
			t.Fatalf("events %+v", evs)
		}
	})
	t.Run("!continue by the owner queues handover", func(t *testing.T) {
		h, tok, sess, cursor := terminalSetup(t)
		h.postIn(aliceID, dmID, sess.RootID, "!continue")
		evs := h.newEvents(tok, &cursor)
		if len(evs) != 1 || evs[0].Type != "command" || evs[0].Payload["name"] != "handover" {
			t.Fatalf("events %+v", evs)
		}
		if !contains(h.botReplies(sess.RootID), "asked to continue here") {
			t.Fatalf("replies %v", h.botReplies(sess.RootID))
		}
	})
	t.Run("!continue by a participant who is not the owner is refused", func(t *testing.T) {
		h, tok, sess, cursor := channelTerminal(t)
		h.post(aliceID, sess.RootID, "!invite @bob")
		h.post(bobID, sess.RootID, "!continue")
		if evs := h.newEvents(tok, &cursor); len(evs) != 0 || h.lastEphemeral(bobID) != "Only the person who started this session can continue it here." {
			t.Fatalf("events %+v, ephemeral %q", evs, h.lastEphemeral(bobID))
		}
	})
	t.Run("!continue at the session limit is refused", func(t *testing.T) {
		h, tok, sess, _ := terminalSetup(t)
		h.configure(func(c *config.Config) { c.MaxSessionsPerUser = 1 })
		h.startSession(aliceID, "@claude other work")
		_, cursor := h.events(tok, 0)
		h.postIn(aliceID, dmID, sess.RootID, "!continue")
		if evs := h.newEvents(tok, &cursor); len(evs) != 0 || !strings.Contains(h.lastEphemeral(aliceID), "the limit is 1") {
			t.Fatalf("events %+v, ephemeral %q", evs, h.lastEphemeral(aliceID))
		}
	})
	t.Run("away, back and continue are refused where the session does not run in a terminal", func(t *testing.T) {
		h, tok, sess, cursor := richSetup(t)
		for _, cmd := range []string{"!away", "!back", "!continue"} {
			h.post(aliceID, sess.RootID, cmd)
			if !strings.Contains(h.lastEphemeral(aliceID), "does not run in a terminal") {
				t.Fatalf("%s: ephemeral %q", cmd, h.lastEphemeral(aliceID))
			}
		}
		if evs := h.newEvents(tok, &cursor); len(evs) != 0 {
			t.Fatalf("events %+v", evs)
		}
	})
	t.Run("away and continue are refused in an ended session", func(t *testing.T) {
		h, tok, sess, _ := terminalSetup(t)
		h.postIn(aliceID, dmID, sess.RootID, "!stop")
		_, cursor := h.events(tok, 0)
		h.postIn(aliceID, dmID, sess.RootID, "!away")
		if evs := h.newEvents(tok, &cursor); len(evs) != 0 || !strings.Contains(h.lastEphemeral(aliceID), "ended") {
			t.Fatalf("events %+v, ephemeral %q", evs, h.lastEphemeral(aliceID))
		}
	})
	t.Run("!help lists away, back and continue for a terminal session only", func(t *testing.T) {
		h, _, sess, _ := terminalSetup(t)
		h.postIn(aliceID, dmID, sess.RootID, "!help")
		replies := h.botReplies(sess.RootID)
		help := replies[len(replies)-1]
		for _, c := range []string{"`!away`", "`!back`", "`!continue`"} {
			if !strings.Contains(help, c) {
				t.Fatalf("help lacks %s: %q", c, help)
			}
		}
		mm := h.startSession(aliceID, "@claude other")
		h.post(aliceID, mm.RootID, "!help")
		replies = h.botReplies(mm.RootID)
		if help := replies[len(replies)-1]; strings.Contains(help, "`!away`") || !strings.Contains(help, "`!stop`") {
			t.Fatalf("help of a Mattermost session %q", help)
		}
	})
	t.Run("a reply in a terminal session thread is a message event", func(t *testing.T) {
		h, tok, sess, cursor := terminalSetup(t)
		post := h.postIn(aliceID, dmID, sess.RootID, "also update the docs")
		evs := h.newEvents(tok, &cursor)
		if len(evs) != 1 || evs[0].Type != "message" || evs[0].Payload["text"] != "also update the docs" || evs[0].Payload["post_id"] != post.Id {
			t.Fatalf("events %+v", evs)
		}
	})
	t.Run("a reply in an ended terminal session resumes it in the agent", func(t *testing.T) {
		h, tok, sess, _ := terminalSetup(t)
		h.postIn(aliceID, dmID, sess.RootID, "!stop")
		_, cursor := h.events(tok, 0)
		h.postIn(aliceID, dmID, sess.RootID, "carry on")
		evs := h.newEvents(tok, &cursor)
		if len(evs) != 1 || evs[0].Type != "start" || evs[0].Payload["resume"] != claudeSessionID || evs[0].Payload["cwd"] != "/src/app" {
			t.Fatalf("events %+v", evs)
		}
		if p := h.sessionProps(sess); p.RunsIn != "agent" || !strings.Contains(h.header(sess).Message, "in Mattermost on `laptop`") {
			t.Fatalf("props %+v", p)
		}
	})
}

func TestTerminalButtons(t *testing.T) {
	click := func(h *harness, user string, sess *sessions.Session, action string) response {
		h.t.Helper()
		return h.do(req{method: "POST", path: "/api/v1/actions/session", userID: user, body: map[string]any{
			"post_id": sess.HeaderPostID(), "context": map[string]any{"action": action, "session_id": sess.ID},
		}})
	}
	t.Run("Away and Back buttons set away and back", func(t *testing.T) {
		h, tok, sess, cursor := terminalSetup(t)
		if res := click(h, aliceID, sess, "away"); res.Code != 200 || string(res.Body) != "{}\n" && string(res.Body) != "{}" {
			t.Fatalf("%d %s", res.Code, res.Body)
		}
		if !h.sessionProps(sess).Away {
			t.Fatal("not away")
		}
		click(h, aliceID, sess, "back")
		evs := h.newEvents(tok, &cursor)
		if len(evs) != 2 || evs[0].Payload["name"] != "away" || evs[1].Payload["name"] != "back" || h.sessionProps(sess).Away {
			t.Fatalf("events %+v", evs)
		}
	})
	t.Run("the Continue here button queues handover", func(t *testing.T) {
		h, tok, sess, cursor := terminalSetup(t)
		click(h, aliceID, sess, "continue")
		if evs := h.newEvents(tok, &cursor); len(evs) != 1 || evs[0].Payload["name"] != "handover" {
			t.Fatalf("events %+v", evs)
		}
	})
	t.Run("Continue here by a participant who is not the owner gets an ephemeral refusal", func(t *testing.T) {
		h, tok, sess, cursor := channelTerminal(t)
		h.post(aliceID, sess.RootID, "!invite @bob")
		res := click(h, bobID, sess, "continue")
		if msg, _ := res.JSON(t)["ephemeral_text"].(string); msg != "Only the person who started this session can continue it here." {
			t.Fatalf("%s", res.Body)
		}
		if evs := h.newEvents(tok, &cursor); len(evs) != 0 {
			t.Fatalf("events %+v", evs)
		}
	})
	t.Run("Away by a non-participant gets an ephemeral refusal", func(t *testing.T) {
		h, tok, sess, cursor := channelTerminal(t)
		res := click(h, carolID, sess, "away")
		if msg, _ := res.JSON(t)["ephemeral_text"].(string); !strings.Contains(msg, "Only the people in this Claude session") {
			t.Fatalf("%s", res.Body)
		}
		if evs := h.newEvents(tok, &cursor); len(evs) != 0 {
			t.Fatalf("events %+v", evs)
		}
	})
	t.Run("Away on a session that runs in Mattermost gets an ephemeral refusal", func(t *testing.T) {
		h, _, sess, _ := richSetup(t)
		res := click(h, aliceID, sess, "away")
		if msg, _ := res.JSON(t)["ephemeral_text"].(string); !strings.Contains(msg, "does not run in a terminal") {
			t.Fatalf("%s", res.Body)
		}
	})
	routes := []struct {
		name     string
		user     string
		action   string
		setup    func(h *harness, sess *sessions.Session)
		wantCode int
	}{
		{"the away route sets away", aliceID, "away", nil, 200},
		{"the back route sets back", aliceID, "back", nil, 200},
		{"the continue route queues handover", aliceID, "continue", nil, 200},
		{"the away route refuses a non-participant", carolID, "away", nil, 403},
		{"the continue route refuses a participant who is not the owner", bobID, "continue", func(h *harness, sess *sessions.Session) {
			h.post(aliceID, sess.RootID, "!invite @bob")
		}, 403},
		{"the away route on an ended session is 409", aliceID, "away", func(h *harness, sess *sessions.Session) {
			h.post(aliceID, sess.RootID, "!stop")
		}, 409},
		{"the away route on a session that runs in Mattermost is 409", aliceID, "away", func(h *harness, sess *sessions.Session) {
			h.app.Sessions.ApplyStatus(sess.ID, sessions.StatusUpdate{Status: "working", RunsIn: ptr("agent")})
		}, 409},
	}
	for _, tc := range routes {
		t.Run(tc.name, func(t *testing.T) {
			h, _, sess, _ := channelTerminal(t)
			if tc.setup != nil {
				tc.setup(h, sess)
			}
			res := h.do(req{method: "POST", path: "/api/v1/sessions/" + sess.ID + "/" + tc.action, userID: tc.user})
			if res.Code != tc.wantCode {
				t.Fatalf("%d %s, want %d", res.Code, res.Body, tc.wantCode)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }
