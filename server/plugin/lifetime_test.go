package plugin

import (
	"strings"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/claude-mattermost/claude-mattermost/server/cards"
	"github.com/claude-mattermost/claude-mattermost/server/config"
)

func TestHeaderButtons(t *testing.T) {
	t.Run("a live session's header has Interrupt and Stop", func(t *testing.T) {
		h := newHarness(t)
		h.pair(aliceID, "laptop")
		sess := h.startSession(aliceID, "@claude start")
		header, _ := h.api.GetPost(sess.RootID)
		atts := header.Attachments()
		if len(atts) != 1 || len(atts[0].Actions) != 2 {
			t.Fatalf("attachments %+v", atts)
		}
		for i, want := range []string{"interrupt:Interrupt", "stop:Stop"} {
			a := atts[0].Actions[i]
			if a.Id+":"+a.Name != want || a.Integration.URL != "/plugins/claude-mattermost/api/v1/actions/session" ||
				a.Integration.Context["session_id"] != sess.ID || a.Integration.Context["action"] != a.Id {
				t.Errorf("button %d = %+v %+v", i, a, a.Integration)
			}
		}
		p := h.sessionProps(sess)
		if p.OwnerID != aliceID || p.PermissionMode != "default" || p.LastActivity == 0 || p.EndedReason != "" {
			t.Errorf("props %+v", p)
		}
	})
	clicks := []struct {
		name      string
		user      string
		action    string
		wantEvent string
		wantText  string
	}{
		{"Interrupt queues an escape command", aliceID, "interrupt", "command", "Interrupting"},
		{"Stop stops the session", aliceID, "stop", "stop", ""},
		{"non-participants cannot interrupt", bobID, "interrupt", "", "Only the people in this Claude session"},
		{"non-participants cannot stop", bobID, "stop", "", "Only the people in this Claude session"},
	}
	for _, tc := range clicks {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			tok, _ := h.pair(aliceID, "laptop")
			sess := h.startSession(aliceID, "@claude start")
			_, cursor := h.events(tok, 0)
			res := h.do(req{method: "POST", path: "/api/v1/actions/session", userID: tc.user, body: map[string]any{
				"post_id": sess.RootID, "context": map[string]any{"action": tc.action, "session_id": sess.ID},
			}})
			if res.Code != 200 {
				t.Fatalf("%d %s", res.Code, res.Body)
			}
			if msg, _ := res.JSON(t)["ephemeral_text"].(string); !strings.Contains(msg, tc.wantText) || tc.wantText == "" && msg != "" {
				t.Fatalf("response %s", res.Body)
			}
			evs := h.newEvents(tok, &cursor)
			if tc.wantEvent == "" {
				if len(evs) != 0 {
					t.Fatalf("events %+v", evs)
				}
				return
			}
			if len(evs) != 1 || evs[0].Type != tc.wantEvent {
				t.Fatalf("events %+v", evs)
			}
			if tc.action == "stop" {
				header, _ := h.api.GetPost(sess.RootID)
				p := h.sessionProps(sess)
				if p.Status != "ended" || p.EndedReason != "stopped" || len(header.Attachments()) != 0 {
					t.Fatalf("header after stop: %+v", p)
				}
			}
		})
	}
	t.Run("a click on another post is refused", func(t *testing.T) {
		h := newHarness(t)
		h.pair(aliceID, "laptop")
		sess := h.startSession(aliceID, "@claude start")
		other := h.post(aliceID, "", "hello")
		res := h.do(req{method: "POST", path: "/api/v1/actions/session", userID: aliceID, body: map[string]any{
			"post_id": other.Id, "context": map[string]any{"action": "stop", "session_id": sess.ID},
		}})
		if msg, _ := res.JSON(t)["ephemeral_text"].(string); !strings.Contains(msg, "does not belong") || h.session(sess.ID).Ended() {
			t.Fatalf("%s", res.Body)
		}
	})
}

func TestSessionControlRoutes(t *testing.T) {
	tests := []struct {
		name     string
		path     string // after /sessions/{id}
		user     string
		unknown  bool
		wantCode int
	}{
		{"a participant interrupts", "/interrupt", aliceID, false, 200},
		{"a participant stops", "/stop", aliceID, false, 200},
		{"a non-participant is 403", "/stop", bobID, false, 403},
		{"an unknown session is 404", "/interrupt", aliceID, true, 404},
		{"no user header is 401", "/stop", "", false, 401},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			h.pair(aliceID, "laptop")
			sess := h.startSession(aliceID, "@claude start")
			id := sess.ID
			if tc.unknown {
				id = model.NewId()
			}
			res := h.do(req{method: "POST", path: "/api/v1/sessions/" + id + tc.path, userID: tc.user})
			if res.Code != tc.wantCode {
				t.Fatalf("%d %s", res.Code, res.Body)
			}
			if tc.wantCode == 200 && res.JSON(t)["ok"] != true {
				t.Fatalf("body %s", res.Body)
			}
		})
	}
	t.Run("stopping an ended session is 409", func(t *testing.T) {
		h := newHarness(t)
		h.pair(aliceID, "laptop")
		sess := h.startSession(aliceID, "@claude start")
		h.do(req{method: "POST", path: "/api/v1/sessions/" + sess.ID + "/stop", userID: aliceID})
		if res := h.do(req{method: "POST", path: "/api/v1/sessions/" + sess.ID + "/stop", userID: aliceID}); res.Code != 409 {
			t.Fatalf("%d %s", res.Code, res.Body)
		}
	})
}

func TestResume(t *testing.T) {
	t.Run("a participant's reply in an ended thread resumes with the Claude session id", func(t *testing.T) {
		h := newHarness(t)
		tok, _ := h.pair(aliceID, "laptop")
		sess := h.startSession(aliceID, "@claude in /src on branch dev start")
		h.post(aliceID, sess.RootID, "!invite @bob")
		h.output(tok, sess.ID, map[string]any{"kind": "status", "status": "idle", "claude_session_id": "claude-123", "model": "opus"})
		h.post(aliceID, sess.RootID, "!stop")
		_, cursor := h.events(tok, 0)
		h.post(bobID, sess.RootID, "one more thing")
		evs := h.newEvents(tok, &cursor)
		if len(evs) != 1 || evs[0].Type != "start" {
			t.Fatalf("events %+v", evs)
		}
		p := evs[0].Payload
		parts, _ := p["participants"].([]any)
		if p["resume"] != "claude-123" || p["prompt"] != "one more thing" || p["cwd"] != "/src" || p["branch"] != "dev" ||
			p["model"] != "opus" || len(parts) != 2 || p["root_id"] != sess.RootID {
			t.Fatalf("payload %v", p)
		}
		if s := h.session(sess.ID); s.Status != "starting" || s.EndedReason != "" {
			t.Fatalf("session %s (%s)", s.Status, s.EndedReason)
		}
		if hp := h.sessionProps(sess); hp.Status != "starting" {
			t.Fatalf("header %+v", hp)
		}
	})
	t.Run("a non-participant's reply in an ended thread is a guest card", func(t *testing.T) {
		h := newHarness(t)
		tok, _ := h.pair(aliceID, "laptop")
		sess := h.startSession(aliceID, "@claude start")
		h.post(aliceID, sess.RootID, "!stop")
		_, cursor := h.events(tok, 0)
		h.post(carolID, sess.RootID, "hi")
		if evs := h.newEvents(tok, &cursor); len(evs) != 0 || len(h.api.PostsOfType(string(cards.PostTypeGuest))) != 1 {
			t.Fatalf("events %+v", evs)
		}
	})
	t.Run("a resume respects the session limit", func(t *testing.T) {
		h := newHarness(t)
		tok, _ := h.pair(aliceID, "laptop")
		h.configure(func(c *config.Config) { c.MaxSessionsPerUser = 1 })
		first := h.startSession(aliceID, "@claude first")
		h.post(aliceID, first.RootID, "!stop")
		h.startSession(aliceID, "@claude second")
		_, cursor := h.events(tok, 0)
		h.post(aliceID, first.RootID, "again")
		if evs := h.newEvents(tok, &cursor); len(evs) != 0 || !contains(h.botReplies(first.RootID), "the limit is 1") {
			t.Fatalf("events %+v replies %q", evs, h.botReplies(first.RootID))
		}
	})
	t.Run("a session whose machine was unpaired cannot resume", func(t *testing.T) {
		h := newHarness(t)
		h.pair(aliceID, "laptop")
		sess := h.startSession(aliceID, "@claude start")
		h.post(aliceID, sess.RootID, "!stop")
		h.command(aliceID, "", "/claude disconnect laptop")
		h.post(aliceID, sess.RootID, "again")
		if !contains(h.botReplies(sess.RootID), "cannot be resumed") {
			t.Fatalf("replies %q", h.botReplies(sess.RootID))
		}
	})
	t.Run("the agent's late answer to a stop does not end the resumed session", func(t *testing.T) {
		h := newHarness(t)
		tok, _ := h.pair(aliceID, "laptop")
		sess := h.startSession(aliceID, "@claude start")
		h.post(aliceID, sess.RootID, "!stop")
		h.post(aliceID, sess.RootID, "go on") // resume before the agent saw the stop
		h.output(tok, sess.ID, map[string]any{"kind": "status", "status": "ended"})
		if s := h.session(sess.ID); s.Status != "starting" {
			t.Fatalf("status %s", s.Status)
		}
		h.output(tok, sess.ID, map[string]any{"kind": "status", "status": "working"})
		if s := h.session(sess.ID); s.Status != "working" {
			t.Fatalf("status %s", s.Status)
		}
		if ids, _ := h.app.Sessions.LiveIDs(); len(ids) != 1 {
			t.Fatalf("live %v", ids)
		}
		// Claude exiting later still ends it.
		h.output(tok, sess.ID, map[string]any{"kind": "status", "status": "ended"})
		if s := h.session(sess.ID); s.Status != "ended" || s.EndedReason != "exited" {
			t.Fatalf("status %s (%s)", s.Status, s.EndedReason)
		}
	})
	t.Run("an ended report from the agent is sticky until a resume", func(t *testing.T) {
		h := newHarness(t)
		tok, _ := h.pair(aliceID, "laptop")
		sess := h.startSession(aliceID, "@claude start")
		h.post(aliceID, sess.RootID, "!stop")
		h.output(tok, sess.ID, map[string]any{"kind": "status", "status": "working", "cost_usd": 0.5})
		if s := h.session(sess.ID); s.Status != "ended" || s.CostUSD != 0.5 {
			t.Fatalf("session %s cost %v", s.Status, s.CostUSD)
		}
	})
}

func TestIdleTimeout(t *testing.T) {
	setup := func(t *testing.T) (*harness, string, int64, string) {
		h := newHarness(t)
		tok, _ := h.pair(aliceID, "laptop")
		h.configure(func(c *config.Config) { c.IdleTimeoutMinutes = 10 })
		sess := h.startSession(aliceID, "@claude start")
		_, cursor := h.events(tok, 0)
		return h, tok, cursor, sess.ID
	}
	t.Run("a warning at 80% of the timeout, once", func(t *testing.T) {
		h, tok, cursor, id := setup(t)
		h.clock.Advance(7 * time.Minute)
		h.app.Lifetime.Run()
		if len(h.botReplies(h.session(id).RootID)) != 0 {
			t.Fatal("warned too early")
		}
		h.clock.Advance(time.Minute + time.Second)
		h.app.Lifetime.Run()
		h.app.Lifetime.Run()
		replies := h.botReplies(h.session(id).RootID)
		if len(replies) != 1 || !strings.Contains(replies[0], "idle for 8 minutes") || !strings.Contains(replies[0], "ends in 2 minutes") {
			t.Fatalf("replies %q", replies)
		}
		if evs := h.newEvents(tok, &cursor); len(evs) != 0 {
			t.Fatalf("events %+v", evs)
		}
	})
	t.Run("the session ends at the timeout", func(t *testing.T) {
		h, tok, cursor, id := setup(t)
		h.clock.Advance(10 * time.Minute)
		h.app.Lifetime.Run()
		s := h.session(id)
		if s.Status != "ended" || s.EndedReason != "idle" {
			t.Fatalf("session %s (%s)", s.Status, s.EndedReason)
		}
		evs := h.newEvents(tok, &cursor)
		if len(evs) != 1 || evs[0].Type != "stop" {
			t.Fatalf("events %+v", evs)
		}
		if !contains(h.botReplies(s.RootID), "Ended after 10 minutes idle; reply to resume") {
			t.Fatalf("replies %q", h.botReplies(s.RootID))
		}
		if p := h.sessionProps(s); p.EndedReason != "idle" || p.Status != "ended" {
			t.Fatalf("header %+v", p)
		}
		if ids, _ := h.app.Sessions.LiveIDs(); len(ids) != 0 {
			t.Fatalf("still live: %v", ids)
		}
	})
	activity := []struct {
		name string
		act  func(h *harness, tok, id string)
	}{
		{"a message resets the idle clock", func(h *harness, _, id string) { h.post(aliceID, h.session(id).RootID, "still here") }},
		{"agent output resets the idle clock", func(h *harness, tok, id string) {
			h.output(tok, id, map[string]any{"kind": "text", "message_id": "m1", "text": "working on it", "done": true})
		}},
		{"a status report resets the idle clock", func(h *harness, tok, id string) {
			h.output(tok, id, map[string]any{"kind": "status", "status": "working"})
		}},
		{"a decision resets the idle clock", func(h *harness, tok, id string) {
			card := h.requestApproval(tok, h.session(id), "r1")
			h.do(req{method: "POST", path: "/api/v1/actions/approval", userID: aliceID, body: clickBody(card, id, "r1", "approve")})
		}},
	}
	for _, tc := range activity {
		t.Run(tc.name, func(t *testing.T) {
			h, tok, _, id := setup(t)
			h.clock.Advance(9 * time.Minute)
			tc.act(h, tok, id)
			h.clock.Advance(5 * time.Minute)
			h.app.Lifetime.Run()
			if h.session(id).Ended() {
				t.Fatal("ended despite activity")
			}
		})
	}
	t.Run("0 never ends a session", func(t *testing.T) {
		h, _, _, id := setup(t)
		h.configure(func(c *config.Config) { c.IdleTimeoutMinutes = 0 })
		h.clock.Advance(1000 * time.Hour)
		h.app.Lifetime.Run()
		if h.session(id).Ended() {
			t.Fatal("ended")
		}
	})
	t.Run("the hidden seconds setting overrides the minutes", func(t *testing.T) {
		h, _, _, id := setup(t)
		h.configure(func(c *config.Config) { c.IdleTimeoutSecondsForTesting = 3 })
		h.clock.Advance(3 * time.Second)
		h.app.Lifetime.Run()
		if s := h.session(id); !s.Ended() || !contains(h.botReplies(s.RootID), "Ended after 3 seconds idle") {
			t.Fatalf("session %s replies %q", s.Status, h.botReplies(s.RootID))
		}
	})
	t.Run("the job runs on one node at a time and ends a session once", func(t *testing.T) {
		h, tok, cursor, id := setup(t)
		other := h.node()
		h.clock.Advance(11 * time.Minute)
		h.app.Lifetime.Run()
		other.app.Lifetime.Run()
		if evs := h.newEvents(tok, &cursor); len(evs) != 1 {
			t.Fatalf("events %+v", evs)
		}
		if n := len(h.botReplies(h.session(id).RootID)); n != 1 {
			t.Fatalf("%d replies", n)
		}
	})
}

func TestApprovalTimeout(t *testing.T) {
	setup := func(t *testing.T) (*harness, string, int64, string, *model.Post) {
		h := newHarness(t)
		tok, _ := h.pair(aliceID, "laptop")
		h.configure(func(c *config.Config) { c.ApprovalTimeoutMinutes = 30 })
		sess := h.startSession(aliceID, "@claude start")
		card := h.requestApproval(tok, sess, "r1")
		_, cursor := h.events(tok, 0)
		return h, tok, cursor, sess.ID, card
	}
	t.Run("a card pending past the timeout expires and a deny is queued", func(t *testing.T) {
		h, tok, cursor, id, card := setup(t)
		h.clock.Advance(29 * time.Minute)
		h.app.Lifetime.Run()
		if evs := h.newEvents(tok, &cursor); len(evs) != 0 {
			t.Fatalf("early: %+v", evs)
		}
		h.clock.Advance(time.Minute)
		h.app.Lifetime.Run()
		evs := h.newEvents(tok, &cursor)
		if len(evs) != 1 || evs[0].Type != "decision" || evs[0].Payload["decision"] != "deny" || evs[0].Payload["reason"] != "timed out" ||
			!equalJSON(evs[0].Payload["by"], map[string]any{"id": "", "username": ""}) || evs[0].Payload["request_id"] != "r1" {
			t.Fatalf("events %+v", evs)
		}
		updated, _ := h.api.GetPost(card.Id)
		var a cards.ApprovalProps
		cards.ReadProp(updated.GetProps(), cards.PropApproval, &a)
		if a.Status != "expired" || !strings.Contains(updated.Message, "Expired — denied after 30 minutes without an answer") || len(updated.Attachments()) != 0 {
			t.Fatalf("card %q %+v", updated.Message, a)
		}
		// A late click is refused.
		res := h.do(req{method: "POST", path: "/api/v1/actions/approval", userID: aliceID, body: clickBody(card, id, "r1", "approve")})
		if msg, _ := res.JSON(t)["ephemeral_text"].(string); !strings.Contains(msg, "expired") {
			t.Fatalf("late click: %s", res.Body)
		}
		h.app.Lifetime.Run()
		if evs := h.newEvents(tok, &cursor); len(evs) != 0 {
			t.Fatalf("expired twice: %+v", evs)
		}
	})
	t.Run("a decided card never expires", func(t *testing.T) {
		h, tok, cursor, id, card := setup(t)
		h.do(req{method: "POST", path: "/api/v1/actions/approval", userID: aliceID, body: clickBody(card, id, "r1", "approve")})
		h.newEvents(tok, &cursor)
		h.clock.Advance(time.Hour)
		h.app.Lifetime.Run()
		if evs := h.newEvents(tok, &cursor); len(evs) != 0 {
			t.Fatalf("events %+v", evs)
		}
		if refs, _ := h.app.Approvals.Pending(); len(refs) != 0 {
			t.Fatalf("still indexed %+v", refs)
		}
	})
	t.Run("the hidden seconds setting overrides the minutes", func(t *testing.T) {
		h, tok, cursor, _, card := setup(t)
		h.configure(func(c *config.Config) { c.ApprovalTimeoutSecondsForTesting = 2 })
		h.clock.Advance(2 * time.Second)
		h.app.Lifetime.Run()
		if evs := h.newEvents(tok, &cursor); len(evs) != 1 {
			t.Fatalf("events %+v", evs)
		}
		updated, _ := h.api.GetPost(card.Id)
		if !strings.Contains(updated.Message, "after 2 seconds") {
			t.Fatalf("card %q", updated.Message)
		}
	})
	t.Run("0 never expires", func(t *testing.T) {
		h, tok, cursor, _, _ := setup(t)
		h.configure(func(c *config.Config) { c.ApprovalTimeoutMinutes, c.IdleTimeoutMinutes = 0, 0 })
		h.clock.Advance(100 * time.Hour)
		h.app.Lifetime.Run()
		if evs := h.newEvents(tok, &cursor); len(evs) != 0 {
			t.Fatalf("events %+v", evs)
		}
	})
}
