package plugin

import (
	"strings"
	"testing"

	"github.com/claude-mattermost/claude-mattermost/server/config"
	"github.com/claude-mattermost/claude-mattermost/server/sessions"
)

func TestThreadCommands(t *testing.T) {
	type want struct {
		event     string         // event type queued ("" = none)
		payload   map[string]any // subset of its payload
		reply     string         // a bot reply in the thread contains this
		ephemeral string         // an ephemeral to the author contains this
	}
	tests := []struct {
		name   string
		author string
		text   string
		setup  func(h *harness, sess *sessions.Session, tok string)
		want   want
		check  func(t *testing.T, h *harness, sess *sessions.Session)
	}{
		{name: "!help lists the commands", author: aliceID, text: "!help", want: want{reply: "`!permissions <default|accept-edits|plan|approve-all>`"}},
		{name: "anyone may ask for !help", author: carolID, text: "!help", want: want{reply: "Commands in a Claude session thread"}},
		{name: "!stop ends the session", author: aliceID, text: "!stop", want: want{event: "stop", payload: map[string]any{"by": map[string]any{"id": aliceID, "username": "alice"}}, reply: "Session stopped by @alice"},
			check: func(t *testing.T, h *harness, sess *sessions.Session) {
				if s := h.session(sess.ID); s.Status != "ended" || s.EndedReason != "stopped" {
					t.Errorf("status %s (%s)", s.Status, s.EndedReason)
				}
			}},
		{name: "commands are case-insensitive", author: aliceID, text: "!STOP", want: want{event: "stop", reply: "Session stopped"}},
		{name: "!escape interrupts", author: aliceID, text: "!escape", want: want{event: "command", payload: map[string]any{"name": "escape", "args": ""}}},
		{name: "!cd passes the directory", author: aliceID, text: "!cd ~/src/other", want: want{event: "command", payload: map[string]any{"name": "cd", "args": "~/src/other"}}},
		{name: "!cd accepts a quoted directory", author: aliceID, text: `!cd "/src/my app"`, want: want{event: "command", payload: map[string]any{"name": "cd", "args": "/src/my app"}}},
		{name: "!cd without a directory shows usage", author: aliceID, text: "!cd", want: want{reply: "Usage: `!cd <dir>`"}},
		{name: "!permissions normalises to the SDK mode", author: aliceID, text: "!permissions accept-edits", want: want{event: "command", payload: map[string]any{"name": "permissions", "args": "acceptEdits"}},
			check: func(t *testing.T, h *harness, sess *sessions.Session) {
				if p := h.sessionProps(sess); p.PermissionMode != "acceptEdits" {
					t.Errorf("header mode %q", p.PermissionMode)
				}
			}},
		{name: "!permissions approve-all is bypassPermissions", author: aliceID, text: "!permissions approve-all", want: want{event: "command", payload: map[string]any{"args": "bypassPermissions"}}},
		{name: "!permissions with an unknown mode shows usage", author: aliceID, text: "!permissions yolo", want: want{reply: "Usage: `!permissions"}},
		{name: "approve-all is refused when the admin turned it off", author: aliceID, text: "!permissions approve-all",
			setup: func(h *harness, _ *sessions.Session, _ string) {
				h.configure(func(c *config.Config) { c.AllowApproveAll = false })
			}, want: want{reply: "`approve-all` is turned off"}},
		{name: "without approve-all the mode can only be lowered", author: aliceID, text: "!permissions accept-edits",
			setup: func(h *harness, _ *sessions.Session, _ string) {
				h.configure(func(c *config.Config) { c.AllowApproveAll = false })
			}, want: want{reply: "can only be lowered"}},
		{name: "without approve-all lowering is allowed", author: aliceID, text: "!permissions plan",
			setup: func(h *harness, _ *sessions.Session, _ string) {
				h.configure(func(c *config.Config) { c.AllowApproveAll = false })
			}, want: want{event: "command", payload: map[string]any{"args": "plan"}}},
		{name: "!model passes the model", author: aliceID, text: "!model claude-opus-4-1", want: want{event: "command", payload: map[string]any{"name": "model", "args": "claude-opus-4-1"}}},
		{name: "!model with a bad name shows usage", author: aliceID, text: "!model a b", want: want{reply: "Usage: `!model <name>`"}},
		{name: "!compact goes to the agent", author: aliceID, text: "!compact", want: want{event: "command", payload: map[string]any{"name": "compact"}}},
		{name: "!worktree passes the branch", author: aliceID, text: "!worktree feature/x", want: want{event: "command", payload: map[string]any{"name": "worktree", "args": "feature/x"}}},
		{name: "!worktree refuses a bad branch", author: aliceID, text: "!worktree -rf", want: want{reply: "Usage: `!worktree <branch>`"}},
		{name: "!cost answers from the session record", author: carolID, text: "!cost",
			setup: func(h *harness, sess *sessions.Session, tok string) {
				h.output(tok, sess.ID, map[string]any{"kind": "status", "status": "idle", "cost_usd": 0.1234, "input_tokens": 12345, "output_tokens": 678})
			}, want: want{reply: "Cost so far: **$0.1234** · 12,345 tokens in / 678 out."}},
		{name: "!cost before any report says so", author: aliceID, text: "!cost", want: want{reply: "has not reported any cost"}},
		{name: "!context answers from the session record", author: bobID, text: "!context",
			setup: func(h *harness, sess *sessions.Session, tok string) {
				h.output(tok, sess.ID, map[string]any{"kind": "status", "status": "idle", "context_tokens": 50000, "context_window": 200000})
			}, want: want{reply: "Context: 50,000 of 200,000 tokens (25%)."}},
		{name: "!invite adds channel members", author: aliceID, text: "!invite @bob, @carol", want: want{reply: "@alice invited @bob, @carol"},
			check: func(t *testing.T, h *harness, sess *sessions.Session) {
				if p := h.sessionProps(sess); strings.Join(p.Participants, ",") != "alice,bob,carol" {
					t.Errorf("participants %v", p.Participants)
				}
			}},
		{name: "!invite refuses non-members", author: aliceID, text: "!invite @dave",
			setup: func(h *harness, _ *sessions.Session, _ string) {
				h.api.AddUser("daveid000000000000000000000", "dave", false)
			},
			want: want{reply: "@dave is not a member of this channel"}},
		{name: "!invite refuses unknown users", author: aliceID, text: "!invite @nobody", want: want{reply: "there is no user @nobody"}},
		{name: "!invite refuses bots", author: aliceID, text: "!invite @otherbot", want: want{reply: "@otherbot is a bot"}},
		{name: "!invite without users shows usage", author: aliceID, text: "!invite", want: want{reply: "Usage: `!invite @user …`"}},
		{name: "!kick removes a participant", author: aliceID, text: "!kick @bob",
			setup: func(h *harness, sess *sessions.Session, _ string) { h.post(aliceID, sess.RootID, "!invite @bob") },
			want:  want{reply: "@alice removed @bob"},
			check: func(t *testing.T, h *harness, sess *sessions.Session) {
				if p := h.sessionProps(sess); strings.Join(p.Participants, ",") != "alice" {
					t.Errorf("participants %v", p.Participants)
				}
			}},
		{name: "the owner cannot be kicked", author: bobID, text: "!kick @alice",
			setup: func(h *harness, sess *sessions.Session, _ string) { h.post(aliceID, sess.RootID, "!invite @bob") },
			want:  want{reply: "@alice started this session and cannot be removed"}},
		{name: "unknown !word gets a usage reply", author: aliceID, text: "!dance", want: want{reply: "Unknown command `!dance`"}},
		{name: "non-participants cannot run participant commands", author: carolID, text: "!stop", want: want{ephemeral: "Only participants can use `!stop`"}},
		{name: "a !word with punctuation is a message", author: aliceID, text: "!important: fix the tests too", want: want{event: "message", payload: map[string]any{"text": "!important: fix the tests too"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			tok, _ := h.pair(aliceID, "laptop")
			sess := h.startSession(aliceID, "@claude start")
			_, cursor := h.events(tok, 0)
			if tc.setup != nil {
				tc.setup(h, sess, tok)
				_, cursor = h.events(tok, cursor)
			}
			before := len(h.botReplies(sess.RootID))
			h.post(tc.author, sess.RootID, tc.text)
			evs := h.newEvents(tok, &cursor)
			if tc.want.event == "" && len(evs) != 0 {
				t.Fatalf("queued %+v", evs)
			}
			if tc.want.event != "" {
				if len(evs) != 1 || evs[0].Type != tc.want.event {
					t.Fatalf("queued %+v, want one %s", evs, tc.want.event)
				}
				for k, v := range tc.want.payload {
					if got := evs[0].Payload[k]; !equalJSON(got, v) {
						t.Errorf("payload[%s] = %v, want %v", k, got, v)
					}
				}
				if tc.want.event == "command" {
					if by, _ := evs[0].Payload["by"].(map[string]any); by["username"] != "alice" {
						t.Errorf("by = %v", evs[0].Payload["by"])
					}
				}
			}
			replies := h.botReplies(sess.RootID)[before:]
			if tc.want.reply != "" && !contains(replies, tc.want.reply) {
				t.Errorf("replies %q, want %q", replies, tc.want.reply)
			}
			if tc.want.reply == "" && len(replies) != 0 {
				t.Errorf("unexpected replies %q", replies)
			}
			if tc.want.ephemeral != "" && !strings.Contains(h.lastEphemeral(tc.author), tc.want.ephemeral) {
				t.Errorf("ephemeral %q, want %q", h.lastEphemeral(tc.author), tc.want.ephemeral)
			}
			if tc.check != nil {
				tc.check(t, h, sess)
			}
		})
	}
}

func TestThreadCommandsAsSlashCommands(t *testing.T) {
	t.Run("/claude stop in a session thread stops it", func(t *testing.T) {
		h := newHarness(t)
		tok, _ := h.pair(aliceID, "laptop")
		sess := h.startSession(aliceID, "@claude start")
		_, cursor := h.events(tok, 0)
		h.command(aliceID, sess.RootID, "/claude stop")
		if evs := h.newEvents(tok, &cursor); len(evs) != 1 || evs[0].Type != "stop" {
			t.Fatalf("events %+v", evs)
		}
		if !contains(h.botReplies(sess.RootID), "Session stopped by @alice") {
			t.Fatalf("replies %q", h.botReplies(sess.RootID))
		}
	})
	t.Run("/claude cd passes arguments like !cd", func(t *testing.T) {
		h := newHarness(t)
		tok, _ := h.pair(aliceID, "laptop")
		sess := h.startSession(aliceID, "@claude start")
		_, cursor := h.events(tok, 0)
		h.command(aliceID, sess.RootID, "/claude cd /tmp/x")
		if evs := h.newEvents(tok, &cursor); len(evs) != 1 || evs[0].Payload["args"] != "/tmp/x" {
			t.Fatalf("events %+v", evs)
		}
	})
	t.Run("a non-participant's /claude stop is refused in the response", func(t *testing.T) {
		h := newHarness(t)
		h.pair(aliceID, "laptop")
		sess := h.startSession(aliceID, "@claude start")
		if got := h.command(bobID, sess.RootID, "/claude stop"); !strings.Contains(got, "Only participants") {
			t.Fatalf("got %q", got)
		}
	})
	t.Run("outside a session thread it says where to run it", func(t *testing.T) {
		h := newHarness(t)
		if got := h.command(aliceID, "", "/claude stop"); !strings.Contains(got, "inside a Claude session thread") {
			t.Fatalf("got %q", got)
		}
		root := h.post(aliceID, "", "hello")
		if got := h.command(aliceID, root.Id, "/claude cost"); !strings.Contains(got, "not a Claude session") {
			t.Fatalf("got %q", got)
		}
	})
}

// equalJSON compares decoded JSON values (maps compare by their entries).
func equalJSON(a, b any) bool {
	am, aok := a.(map[string]any)
	bm, bok := b.(map[string]any)
	if aok && bok {
		if len(am) != len(bm) {
			return false
		}
		for k, v := range am {
			if !equalJSON(v, bm[k]) {
				return false
			}
		}
		return true
	}
	al, aok := a.([]any)
	bl, bok := b.([]any)
	if aok || bok {
		if !aok || !bok || len(al) != len(bl) {
			return false
		}
		for i := range al {
			if !equalJSON(al[i], bl[i]) {
				return false
			}
		}
		return true
	}
	return a == b
}
