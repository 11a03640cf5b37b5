package plugin

import (
	"strings"
	"testing"
	"time"

	"github.com/claude-mattermost/claude-mattermost/server/cards"
	"github.com/claude-mattermost/claude-mattermost/server/config"
)

func TestOutputAdditions(t *testing.T) {
	t.Run("a notice is a plain bot reply in the thread, once per key", func(t *testing.T) {
		h := newHarness(t)
		tok, _ := h.pair(aliceID, "laptop")
		sess := h.startSession(aliceID, "@claude start")
		body := map[string]any{"kind": "notice", "text": "Agent restarted — session resumed."}
		r1 := h.do(req{method: "POST", path: "/api/v1/agent/sessions/" + sess.ID + "/output", token: tok, body: body, idemKey: "notice-1"})
		r2 := h.do(req{method: "POST", path: "/api/v1/agent/sessions/" + sess.ID + "/output", token: tok, body: body, idemKey: "notice-1"})
		if r1.Code != 200 || r2.Code != 200 || r1.JSON(t)["post_id"] == "" || r1.JSON(t)["post_id"] != r2.JSON(t)["post_id"] {
			t.Fatalf("%s / %s", r1.Body, r2.Body)
		}
		if replies := h.botReplies(sess.RootID); len(replies) != 1 || replies[0] != "Agent restarted — session resumed." {
			t.Fatalf("replies %q", replies)
		}
	})
	t.Run("status carries branch, permission mode and context to the header", func(t *testing.T) {
		h := newHarness(t)
		tok, _ := h.pair(aliceID, "laptop")
		sess := h.startSession(aliceID, "@claude start")
		res := h.output(tok, sess.ID, map[string]any{"kind": "status", "status": "working", "branch": "dev", "permission_mode": "plan", "context_tokens": 1000, "context_window": 200000})
		if res.Code != 200 {
			t.Fatalf("%d %s", res.Code, res.Body)
		}
		p := h.sessionProps(sess)
		if p.Branch != "dev" || p.PermissionMode != "plan" || p.ContextTokens != 1000 || p.ContextWindow != 200000 || p.Status != "working" {
			t.Fatalf("props %+v", p)
		}
	})
	bad := []struct {
		name string
		body map[string]any
		want string
	}{
		{"an unknown permission mode is 400", map[string]any{"kind": "status", "status": "idle", "permission_mode": "yolo"}, "permission_mode"},
		{"negative context tokens are 400", map[string]any{"kind": "status", "status": "idle", "context_tokens": -1}, "non-negative"},
		{"an empty notice is 400", map[string]any{"kind": "notice", "text": " "}, `"text" is required`},
		{"an oversized notice is 400", map[string]any{"kind": "notice", "text": strings.Repeat("x", 16001)}, "longer than 16000"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			tok, _ := h.pair(aliceID, "laptop")
			sess := h.startSession(aliceID, "@claude start")
			if res := h.output(tok, sess.ID, tc.body); res.Code != 400 || !strings.Contains(res.Error(t), tc.want) {
				t.Fatalf("%d %s", res.Code, res.Body)
			}
		})
	}
	t.Run("an agent-reported end removes the buttons and says why", func(t *testing.T) {
		h := newHarness(t)
		tok, _ := h.pair(aliceID, "laptop")
		sess := h.startSession(aliceID, "@claude start")
		h.output(tok, sess.ID, map[string]any{"kind": "status", "status": "ended"})
		header, _ := h.api.GetPost(sess.RootID)
		if p := h.sessionProps(sess); p.EndedReason != "exited" || len(header.Attachments()) != 0 || !strings.Contains(header.Message, "Reply in this thread to resume") {
			t.Fatalf("props %+v message %q", p, header.Message)
		}
	})
}

func TestHeaderWritesAreThrottled(t *testing.T) {
	h := newHarness(t)
	h.deps.HeaderEvery = time.Hour // only status changes write at once
	h.restart()
	tok, _ := h.pair(aliceID, "laptop")
	sess := h.startSession(aliceID, "@claude start")
	h.output(tok, sess.ID, map[string]any{"kind": "status", "status": "working"})
	n := h.api.UpdateCount(sess.RootID)
	for i := range 5 {
		h.output(tok, sess.ID, map[string]any{"kind": "status", "status": "working", "cost_usd": float64(i)})
	}
	if got := h.api.UpdateCount(sess.RootID); got != n {
		t.Fatalf("%d header writes for cost-only reports", got-n)
	}
	h.output(tok, sess.ID, map[string]any{"kind": "status", "status": "idle"})
	if got := h.api.UpdateCount(sess.RootID); got != n+1 {
		t.Fatalf("a status change wrote %d times", got-n)
	}
	if p := h.sessionProps(sess); p.CostUSD != 4 || p.Status != "idle" {
		t.Fatalf("props %+v", p)
	}
}

func TestRedaction(t *testing.T) {
	const secret = "sk-ant-api03-abcDEF_ghi-JKLmnoPQRstuVWX"
	tests := []struct {
		name  string
		redac bool
		run   func(h *harness, tok string) string // returns the posted text to check
	}{
		{"streamed text", true, func(h *harness, tok string) string {
			sess := h.startSession(aliceID, "@claude start")
			res := h.output(tok, sess.ID, map[string]any{"kind": "text", "message_id": "m1", "text": "your key is " + secret, "done": true})
			p, _ := h.api.GetPost(res.JSON(h.t)["post_id"].(string))
			ws := h.api.WebSocketEvents()
			return p.Message + "|" + ws[len(ws)-1].Payload["text"].(string)
		}},
		{"notices", true, func(h *harness, tok string) string {
			sess := h.startSession(aliceID, "@claude start")
			h.output(tok, sess.ID, map[string]any{"kind": "notice", "text": "found " + secret})
			return strings.Join(h.botReplies(sess.RootID), "|")
		}},
		{"approval cards, message and props", true, func(h *harness, tok string) string {
			sess := h.startSession(aliceID, "@claude start")
			res := h.output(tok, sess.ID, map[string]any{"kind": "approval", "request_id": "r1", "tool_name": "Bash",
				"input": map[string]any{"command": "curl -H 'x-api-key: " + secret + "' https://api"}})
			p, _ := h.api.GetPost(res.JSON(h.t)["post_id"].(string))
			var a cards.ApprovalProps
			cards.ReadProp(p.GetProps(), cards.PropApproval, &a)
			return p.Message + "|" + string(a.Input)
		}},
		{"the header's prompt", true, func(h *harness, _ string) string {
			sess := h.startSession(aliceID, "@claude use "+secret+" to call the API")
			header, _ := h.api.GetPost(sess.RootID)
			return header.Message
		}},
		{"guest cards", true, func(h *harness, _ string) string {
			sess := h.startSession(aliceID, "@claude start")
			h.post(carolID, sess.RootID, "try "+secret)
			card := h.api.PostsOfType(string(cards.PostTypeGuest))[0]
			var g cards.GuestProps
			cards.ReadProp(card.GetProps(), cards.PropGuest, &g)
			return card.Message + "|" + g.Text
		}},
		{"nothing when RedactSecrets is off", false, func(h *harness, tok string) string {
			sess := h.startSession(aliceID, "@claude start")
			h.output(tok, sess.ID, map[string]any{"kind": "notice", "text": "found " + secret})
			return strings.Join(h.botReplies(sess.RootID), "|")
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			tok, _ := h.pair(aliceID, "laptop")
			h.configure(func(c *config.Config) { c.RedactSecrets = tc.redac })
			got := tc.run(h, tok)
			if tc.redac && (strings.Contains(got, secret) || !strings.Contains(got, "[redacted]")) {
				t.Fatalf("not redacted: %q", got)
			}
			if !tc.redac && !strings.Contains(got, secret) {
				t.Fatalf("redacted although off: %q", got)
			}
		})
	}
	t.Run("the agent still gets the guest's words as written", func(t *testing.T) {
		h := newHarness(t)
		tok, _ := h.pair(aliceID, "laptop")
		sess := h.startSession(aliceID, "@claude start")
		_, cursor := h.events(tok, 0)
		h.post(carolID, sess.RootID, "try "+secret)
		guestClick(h, aliceID, h.api.PostsOfType(string(cards.PostTypeGuest))[0], "allow")
		if evs := h.newEvents(tok, &cursor); len(evs) != 1 || evs[0].Payload["text"] != "try "+secret {
			t.Fatalf("events %+v", evs)
		}
	})
}

func TestMachineSharing(t *testing.T) {
	tests := []struct {
		name    string
		user    string
		command string
		want    string
	}{
		{"the owner shares a machine", aliceID, "/claude share laptop @bob", "Shared `laptop` with @bob"},
		{"only the owner can share", bobID, "/claude share laptop @carol", "You have no machine called `laptop`"},
		{"sharing needs a user", aliceID, "/claude share laptop", "Usage: `/claude share <machine> @user`"},
		{"an unknown user", aliceID, "/claude share laptop @nobody", "There is no user @nobody"},
		{"not with bots", aliceID, "/claude share laptop @otherbot", "is a bot"},
		{"not with oneself", aliceID, "/claude share laptop @alice", "already yours"},
		{"unshare what was not shared", aliceID, "/claude unshare laptop @carol", "was not shared with @carol"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			h.pair(aliceID, "laptop")
			if got := h.command(tc.user, "", tc.command); !strings.Contains(got, tc.want) {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
	t.Run("a shared machine shows in /claude machines and can be used, until unshared", func(t *testing.T) {
		h := newHarness(t)
		tok, machineID := h.pair(aliceID, "laptop")
		h.command(aliceID, "", "/claude share laptop @bob")
		if got := h.command(bobID, "", "/claude machines"); !strings.Contains(got, "Shared with you") || !strings.Contains(got, "| laptop | @alice |") {
			t.Fatalf("bob's machines: %q", got)
		}
		if got := h.command(aliceID, "", "/claude machines"); !strings.Contains(got, "`laptop` is shared with @bob") {
			t.Fatalf("alice's machines: %q", got)
		}
		sess := h.startSession(bobID, "@claude on laptop fix it")
		if sess.MachineID != machineID || sess.OwnerID != bobID {
			t.Fatalf("session %+v", sess)
		}
		if evs, _ := h.events(tok, 0); len(evs) != 1 {
			t.Fatalf("events %+v", evs)
		}
		if got := h.command(aliceID, "", "/claude unshare laptop @bob"); !strings.Contains(got, "@bob can no longer start sessions") {
			t.Fatalf("unshare: %q", got)
		}
		h.post(bobID, "", "@claude on laptop again")
		if got := h.lastEphemeral(bobID); !strings.Contains(got, "no machine called `laptop`") {
			t.Fatalf("after unshare: %q", got)
		}
		// bob's ended session on it cannot resume either.
		h.post(bobID, sess.RootID, "!stop")
		h.post(bobID, sess.RootID, "more")
		if !contains(h.botReplies(sess.RootID), "cannot be resumed") {
			t.Fatalf("replies %q", h.botReplies(sess.RootID))
		}
	})
	t.Run("without on <machine> a shared machine is never the default", func(t *testing.T) {
		h := newHarness(t)
		h.pair(aliceID, "laptop")
		h.command(aliceID, "", "/claude share laptop @bob")
		h.post(bobID, "", "@claude fix it")
		if got := h.lastEphemeral(bobID); !strings.Contains(got, "no paired machine") {
			t.Fatalf("got %q", got)
		}
	})
}

func TestOverviewCommands(t *testing.T) {
	t.Run("/claude sessions lists active and recently ended sessions with links", func(t *testing.T) {
		h := newHarness(t)
		h.pair(aliceID, "laptop")
		live := h.startSession(aliceID, "@claude in /src fix the build")
		ended := h.startSession(aliceID, "@claude write docs")
		h.post(aliceID, ended.RootID, "!stop")
		got := h.command(aliceID, "", "/claude sessions")
		for _, want := range []string{"**Active (1)**", "[fix the build](http://mm.example.com/_redirect/pl/" + live.RootID + ")",
			"| starting | laptop | /src |", "**Recently ended**", "ended (stopped)"} {
			if !strings.Contains(got, want) {
				t.Errorf("%q does not contain %q", got, want)
			}
		}
	})
	t.Run("/claude sessions without any", func(t *testing.T) {
		h := newHarness(t)
		if got := h.command(aliceID, "", "/claude sessions"); !strings.Contains(got, "no Claude sessions yet") {
			t.Fatalf("got %q", got)
		}
	})
	t.Run("/claude status shows machines, sessions and the version", func(t *testing.T) {
		h := newHarness(t)
		tok, _ := h.pair(aliceID, "laptop")
		h.do(req{method: "GET", path: "/api/v1/agent/hello?api_version=1&agent_version=0.2.0", token: tok})
		h.pair(bobID, "bobs-box")
		h.command(bobID, "", "/claude share bobs-box @alice")
		h.startSession(aliceID, "@claude go")
		got := h.command(aliceID, "", "/claude status")
		for _, want := range []string{"Claude Code for Mattermost 0.1.0", "| laptop | you | 🟢 online | 0.2.0 |", "| bobs-box | @bob |", "Active sessions: 1 of 5 allowed"} {
			if !strings.Contains(got, want) {
				t.Errorf("%q does not contain %q", got, want)
			}
		}
	})
}

func TestPairingPolicy(t *testing.T) {
	tests := []struct {
		name    string
		policy  string
		users   []string
		admin   bool
		wantGet bool
	}{
		{"everyone may pair", config.PairingEveryone, nil, false, true},
		{"admins only refuses a user", config.PairingAdmins, nil, false, false},
		{"admins only allows an admin", config.PairingAdmins, nil, true, true},
		{"listed allows a listed user", config.PairingListed, []string{"alice"}, false, true},
		{"listed refuses others, even admins", config.PairingListed, []string{"bob"}, true, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			h.configure(func(c *config.Config) { c.PairingPolicy, c.PairingUsers = tc.policy, tc.users })
			h.api.SetSystemAdmin(aliceID, tc.admin)
			got := h.command(aliceID, "", "/claude connect")
			if has := strings.Contains(got, "Your pairing code is"); has != tc.wantGet {
				t.Fatalf("got %q", got)
			}
			if !tc.wantGet && !strings.Contains(got, "not allowed you to pair") {
				t.Fatalf("refusal %q", got)
			}
		})
	}
}
