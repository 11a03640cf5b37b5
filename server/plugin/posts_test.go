package plugin

import (
	"strings"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/claude-mattermost/claude-mattermost/server/cards"
)

func TestMentions(t *testing.T) {
	tests := []struct {
		name        string
		paired      bool
		author      string
		message     string
		wantSession bool
		wantHint    string
	}{
		{"mention starts a session", true, aliceID, "@claude fix the build", true, ""},
		{"mention is case-insensitive", true, aliceID, "hey @Claude, fix the build", true, ""},
		{"mention inside a longer name is not a mention", true, aliceID, "@claude-bot fix the build", false, ""},
		{"e-mail address is not a mention", true, aliceID, "mail me@claude.ai", false, ""},
		{"user without a paired machine is told to connect", false, aliceID, "@claude fix the build", false, "/claude connect"},
		{"mention without a task asks for one", true, aliceID, "@claude", false, "Tell me what to do"},
		{"posts from bots are ignored", true, otherBot, "@claude fix the build", false, ""},
		{"our own posts are ignored", true, botID, "@claude fix the build", false, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			if tc.paired {
				h.pair(tc.author, "laptop")
				h.pair(aliceID, "laptop")
			}
			h.post(tc.author, "", tc.message)
			headers := h.api.PostsOfType(string(cards.PostTypeSession))
			if got := len(headers) == 1; got != tc.wantSession {
				t.Fatalf("session started = %v, want %v", got, tc.wantSession)
			}
			eph := h.api.Ephemeral()
			if tc.wantHint == "" {
				for _, e := range eph {
					if !strings.Contains(e.Message, "offline") {
						t.Errorf("unexpected ephemeral %q", e.Message)
					}
				}
			} else if len(eph) != 1 || !strings.Contains(eph[0].Message, tc.wantHint) || eph[0].UserId != botID {
				t.Fatalf("ephemeral = %+v, want one mentioning %q", eph, tc.wantHint)
			}
		})
	}
}

func TestSessionHeader(t *testing.T) {
	h := newHarness(t)
	h.pair(aliceID, "laptop")
	sess := h.startSession(aliceID, "@claude fix the flaky test")
	header, _ := h.api.GetPost(sess.RootID)
	if header.UserId != botID || header.RootId != "" || header.ChannelId != channelID || header.Type != "custom_claude_session" {
		t.Fatalf("header = %+v", header)
	}
	if !strings.HasPrefix(header.Message, "**Claude Code session** · ⏳ starting · machine `laptop`") || !strings.Contains(header.Message, "> fix the flaky test") {
		t.Errorf("message = %q", header.Message)
	}
	var p cards.SessionProps
	cards.ReadProp(header.GetProps(), cards.PropSession, &p)
	if p.ID != sess.ID || p.Status != "starting" || p.MachineName != "laptop" || p.OwnerUsername != "alice" || len(p.Participants) != 1 || p.Participants[0] != "alice" {
		t.Errorf("props = %+v", p)
	}
}

func TestDefaultMachineIsMostRecentlySeen(t *testing.T) {
	h := newHarness(t)
	_, _ = h.pair(aliceID, "old")
	deskTok, deskID := h.pair(aliceID, "desk")
	laptopTok, _ := h.pair(aliceID, "laptop")
	h.do(req{method: "GET", path: "/api/v1/agent/hello?api_version=1", token: laptopTok})
	h.clock.Advance(time.Minute)
	h.do(req{method: "GET", path: "/api/v1/agent/hello?api_version=1", token: deskTok})
	sess := h.startSession(aliceID, "@claude go")
	if sess.MachineID != deskID {
		t.Fatalf("session went to %s (%s), want desk", sess.MachineName, sess.MachineID)
	}
}

func TestThreadReplies(t *testing.T) {
	tests := []struct {
		name     string
		author   string
		message  string
		wantType string // "" = nothing queued
		wantText string
	}{
		{"participant reply becomes a message", aliceID, "also fix the lint", "message", "also fix the lint"},
		{"a leading @claude is dropped", aliceID, "@claude also the docs", "message", "also the docs"},
		{"reply from a non-participant is ignored", bobID, "do something else", "", ""},
		{"reply starting with @someone-else is ignored", aliceID, "@bob can you look at this?", "", ""},
		{"bot replies are ignored", otherBot, "build finished", "", ""},
		{"!stop stops the session", aliceID, "!stop", "stop", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			tok, _ := h.pair(aliceID, "laptop")
			sess := h.startSession(aliceID, "@claude start")
			_, cursor := h.events(tok, 0)
			reply := h.post(tc.author, sess.RootID, tc.message)
			evs, _ := h.events(tok, cursor)
			if tc.wantType == "" {
				if len(evs) != 0 {
					t.Fatalf("queued %+v", evs)
				}
				if n := len(h.api.PostsOfType(string(cards.PostTypeSession))); n != 1 {
					t.Fatalf("%d sessions", n)
				}
				return
			}
			if len(evs) != 1 || evs[0].Type != tc.wantType || evs[0].SessionID != sess.ID {
				t.Fatalf("queued %+v, want one %s", evs, tc.wantType)
			}
			if tc.wantType == "message" {
				if evs[0].Payload["text"] != tc.wantText || evs[0].Payload["post_id"] != reply.Id {
					t.Errorf("payload = %v", evs[0].Payload)
				}
			}
		})
	}
	t.Run("a mention inside a session thread does not start another session", func(t *testing.T) {
		h := newHarness(t)
		h.pair(aliceID, "laptop")
		sess := h.startSession(aliceID, "@claude start")
		h.post(aliceID, sess.RootID, "thanks @claude, now the tests")
		if n := len(h.api.PostsOfType(string(cards.PostTypeSession))); n != 1 {
			t.Fatalf("%d sessions", n)
		}
	})
	t.Run("system and webhook posts are ignored", func(t *testing.T) {
		h := newHarness(t)
		h.pair(aliceID, "laptop")
		for _, p := range []*model.Post{
			{UserId: aliceID, ChannelId: channelID, Type: model.PostTypeJoinChannel, Message: "@claude joined"},
			{UserId: aliceID, ChannelId: channelID, Message: "@claude deploy", Props: model.StringInterface{"from_webhook": "true"}},
		} {
			h.app.HandlePost(p)
		}
		if n := len(h.api.PostsOfType(string(cards.PostTypeSession))); n != 0 {
			t.Fatalf("%d sessions", n)
		}
	})
}

func TestSlashCommand(t *testing.T) {
	tests := []struct {
		name    string
		command string
		setup   func(h *harness)
		want    []string
	}{
		{"connect gives a code, its expiry and the login command", "/claude connect", nil,
			[]string{"expires in 10 minutes", "claude-mattermost login --url http://mm.example.com"}},
		{"machines lists name, id, status and pairing time", "/claude machines", func(h *harness) {
			tok, _ := h.pair(aliceID, "laptop")
			h.do(req{method: "GET", path: "/api/v1/agent/hello?api_version=1", token: tok})
		}, []string{"laptop (default)", "🟢 online", "2026-03-01 12:00 UTC"}},
		{"machines without any says how to pair", "/claude machines", nil, []string{"/claude connect"}},
		{"disconnect an unknown machine", "/claude disconnect nope", nil, []string{"no machine called `nope`"}},
		{"disconnect without a name asks which", "/claude disconnect", nil, []string{"Which machine?"}},
		{"unknown subcommand shows usage", "/claude dance", nil, []string{"Unknown command `dance`", "Usage:"}},
		{"bare command shows help", "/claude", nil, []string{"/claude connect", "@claude"}},
		{"new without a machine says how to pair", "/claude new fix it", nil, []string{"/claude connect"}},
		{"new without a task asks for one", "/claude new", nil, []string{"Tell me what to do"}},
		{"new starts a session in the channel", "/claude new fix the build", func(h *harness) { h.pair(aliceID, "laptop") },
			[]string{"Started a Claude Code session on `laptop`"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			if tc.setup != nil {
				tc.setup(h)
			}
			resp := h.app.Command.Execute(&model.CommandArgs{UserId: aliceID, ChannelId: channelID, Command: tc.command})
			if resp.ResponseType != model.CommandResponseTypeEphemeral {
				t.Errorf("response type %q", resp.ResponseType)
			}
			for _, w := range tc.want {
				if !strings.Contains(resp.Text, w) {
					t.Errorf("reply %q does not contain %q", resp.Text, w)
				}
			}
		})
	}
	t.Run("code looks like XXXX-XXXX from the unambiguous alphabet", func(t *testing.T) {
		h := newHarness(t)
		code := h.connectCode(aliceID)
		if len(code) != 9 || code[4] != '-' || strings.ContainsAny(code, "01IOL") {
			t.Fatalf("code %q", code)
		}
	})
}

func TestSlashNewStartsLikeAMention(t *testing.T) {
	h := newHarness(t)
	tok, _ := h.pair(aliceID, "laptop")
	h.app.Command.Execute(&model.CommandArgs{UserId: aliceID, ChannelId: channelID, Command: "/claude new  fix the build "})
	headers := h.api.PostsOfType(string(cards.PostTypeSession))
	evs, _ := h.events(tok, 0)
	if len(headers) != 1 || headers[0].ChannelId != channelID || len(evs) != 1 || evs[0].Payload["prompt"] != "fix the build" {
		t.Fatalf("headers %d, events %+v", len(headers), evs)
	}
}
