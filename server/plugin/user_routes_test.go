package plugin

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/claude-mattermost/claude-mattermost/server/cards"
)

func TestApprovalClicks(t *testing.T) {
	type setup struct {
		h       *harness
		tok     string
		sessID  string
		card    *model.Post
		request string
	}
	newSetup := func(t *testing.T) setup {
		h := newHarness(t)
		tok, _ := h.pair(aliceID, "laptop")
		sess := h.startSession(aliceID, "@claude hi")
		card := h.requestApproval(tok, sess, "r1")
		h.events(tok, 0)
		return setup{h: h, tok: tok, sessID: sess.ID, card: card, request: "r1"}
	}
	click := func(s setup, userID, action string) response {
		return s.h.do(req{method: "POST", path: "/api/v1/actions/approval", userID: userID, body: clickBody(s.card, s.sessID, s.request, action)})
	}
	decisions := func(s setup) []event {
		evs, _ := s.h.events(s.tok, 0)
		var out []event
		for _, e := range evs {
			if e.Type == "decision" {
				out = append(out, e)
			}
		}
		return out
	}

	t.Run("participant's click decides, updates the card for everyone and queues the decision", func(t *testing.T) {
		s := newSetup(t)
		res := click(s, aliceID, "approve")
		if res.Code != 200 || res.JSON(t)["ephemeral_text"] != nil {
			t.Fatalf("got %d %s", res.Code, res.Body)
		}
		card, _ := s.h.api.GetPost(s.card.Id)
		if !strings.HasSuffix(card.Message, "✅ Approved by @alice") || len(card.Attachments()) != 0 {
			t.Errorf("card after approve: %q, %d attachments", card.Message, len(card.Attachments()))
		}
		var props cards.ApprovalProps
		cards.ReadProp(card.GetProps(), cards.PropApproval, &props)
		if props.Status != "approved" || props.DecidedBy != "alice" || props.DecidedAt == 0 {
			t.Errorf("props = %+v", props)
		}
		d := decisions(s)
		if len(d) != 1 || d[0].Payload["decision"] != "approve" || d[0].Payload["request_id"] != "r1" || d[0].SessionID != s.sessID {
			t.Fatalf("decision events = %+v", d)
		}
		if by := d[0].Payload["by"].(map[string]any); by["id"] != aliceID || by["username"] != "alice" {
			t.Errorf("by = %v", by)
		}
	})
	t.Run("deny shows who denied", func(t *testing.T) {
		s := newSetup(t)
		click(s, aliceID, "deny")
		card, _ := s.h.api.GetPost(s.card.Id)
		if !strings.HasSuffix(card.Message, "❌ Denied by @alice") {
			t.Errorf("card = %q", card.Message)
		}
		if d := decisions(s); len(d) != 1 || d[0].Payload["decision"] != "deny" {
			t.Fatalf("decision events = %+v", d)
		}
	})
	t.Run("non-participant cannot approve", func(t *testing.T) {
		s := newSetup(t)
		res := click(s, bobID, "approve")
		if res.Code != 200 || !strings.Contains(res.JSON(t)["ephemeral_text"].(string), "Only the people") {
			t.Fatalf("got %d %s", res.Code, res.Body)
		}
		if d := decisions(s); len(d) != 0 {
			t.Fatalf("bob's click queued %+v", d)
		}
		card, _ := s.h.api.GetPost(s.card.Id)
		if len(card.Attachments()) != 1 {
			t.Error("buttons removed after a refused click")
		}
	})
	t.Run("the header decides who clicked, not the body", func(t *testing.T) {
		s := newSetup(t)
		body := clickBody(s.card, s.sessID, s.request, "approve")
		body["user_id"] = aliceID
		res := s.h.do(req{method: "POST", path: "/api/v1/actions/approval", userID: bobID, body: body})
		if res.JSON(t)["ephemeral_text"] == nil || len(decisions(s)) != 0 {
			t.Fatalf("bob decided by claiming to be alice: %s", res.Body)
		}
	})
	t.Run("click without Mattermost-User-Id is 401", func(t *testing.T) {
		s := newSetup(t)
		if res := click(s, "", "approve"); res.Code != http.StatusUnauthorized {
			t.Fatalf("got %d", res.Code)
		}
	})
	t.Run("second decision loses", func(t *testing.T) {
		s := newSetup(t)
		click(s, aliceID, "approve")
		res := click(s, aliceID, "deny")
		if msg, _ := res.JSON(t)["ephemeral_text"].(string); !strings.Contains(msg, "already approved by @alice") {
			t.Fatalf("second click answered %s", res.Body)
		}
		if d := decisions(s); len(d) != 1 || d[0].Payload["decision"] != "approve" {
			t.Fatalf("decisions = %+v", d)
		}
	})
	t.Run("a button on a post that is not our card is refused", func(t *testing.T) {
		s := newSetup(t)
		forged, _ := s.h.api.CreatePost(&model.Post{UserId: aliceID, ChannelId: channelID, Type: string(cards.PostTypeApproval), Message: "x",
			Props: model.StringInterface{"claude_approval": map[string]any{"session_id": s.sessID, "request_id": "r1"}}})
		res := s.h.do(req{method: "POST", path: "/api/v1/actions/approval", userID: aliceID, body: clickBody(forged, s.sessID, "r1", "approve")})
		if res.JSON(t)["ephemeral_text"] == nil || len(decisions(s)) != 0 {
			t.Fatalf("click on a forged card decided: %s", res.Body)
		}
	})
	t.Run("a button whose context names another request is refused", func(t *testing.T) {
		s := newSetup(t)
		res := s.h.do(req{method: "POST", path: "/api/v1/actions/approval", userID: aliceID, body: clickBody(s.card, s.sessID, "other", "approve")})
		if res.JSON(t)["ephemeral_text"] == nil || len(decisions(s)) != 0 {
			t.Fatalf("mismatched context decided: %s", res.Body)
		}
	})
	t.Run("unknown action is 400", func(t *testing.T) {
		s := newSetup(t)
		if res := click(s, aliceID, "maybe"); res.Code != 400 {
			t.Fatalf("got %d", res.Code)
		}
	})
}

func TestDecideRoute(t *testing.T) {
	newSetup := func(t *testing.T) (*harness, string, string) {
		h := newHarness(t)
		tok, _ := h.pair(aliceID, "laptop")
		sess := h.startSession(aliceID, "@claude hi")
		h.requestApproval(tok, sess, "r1")
		return h, tok, "/api/v1/sessions/" + sess.ID + "/approvals/r1/decide"
	}
	tests := []struct {
		name     string
		userID   string
		path     func(p string) string
		body     any
		wantCode int
	}{
		{"participant decides", aliceID, nil, map[string]any{"decision": "deny", "reason": "not now"}, 200},
		{"non-participant cannot approve", bobID, nil, map[string]any{"decision": "approve"}, 403},
		{"missing Mattermost-User-Id is 401", "", nil, map[string]any{"decision": "approve"}, 401},
		{"unknown session is 404", aliceID, func(string) string { return "/api/v1/sessions/nope/approvals/r1/decide" }, map[string]any{"decision": "approve"}, 404},
		{"unknown request is 404", aliceID, func(p string) string { return strings.Replace(p, "/r1/", "/r2/", 1) }, map[string]any{"decision": "approve"}, 404},
		{"bad decision is 400", aliceID, nil, map[string]any{"decision": "yes"}, 400},
		{"wrong type is 400", aliceID, nil, `{"decision": true}`, 400},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, _, path := newSetup(t)
			if tc.path != nil {
				path = tc.path(path)
			}
			res := h.do(req{method: "POST", path: path, userID: tc.userID, body: tc.body})
			if res.Code != tc.wantCode {
				t.Fatalf("got %d %s, want %d", res.Code, res.Body, tc.wantCode)
			}
		})
	}
	t.Run("reason is kept and shown", func(t *testing.T) {
		h, _, path := newSetup(t)
		res := h.do(req{method: "POST", path: path, userID: aliceID, body: map[string]any{"decision": "deny", "reason": "wrong dir"}})
		a := res.JSON(t)["approval"].(map[string]any)
		if a["status"] != "denied" || a["reason"] != "wrong dir" || a["decided_by"] != "alice" {
			t.Fatalf("approval = %v", a)
		}
		card, _ := h.api.GetPost(a["post_id"].(string))
		if !strings.HasSuffix(card.Message, "❌ Denied by @alice: wrong dir") {
			t.Errorf("card = %q", card.Message)
		}
	})
	t.Run("second decision loses with 409 and the approval", func(t *testing.T) {
		h, _, path := newSetup(t)
		h.do(req{method: "POST", path: path, userID: aliceID, body: map[string]any{"decision": "approve"}})
		res := h.do(req{method: "POST", path: path, userID: aliceID, body: map[string]any{"decision": "deny"}})
		if res.Code != http.StatusConflict || res.JSON(t)["approval"].(map[string]any)["status"] != "approved" {
			t.Fatalf("got %d %s", res.Code, res.Body)
		}
	})
	t.Run("concurrent decisions: exactly one wins", func(t *testing.T) {
		h, tok, path := newSetup(t)
		var wg sync.WaitGroup
		codes := make(chan int, 16)
		for i := range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				decision := []string{"approve", "deny"}[i%2]
				codes <- h.do(req{method: "POST", path: path, userID: aliceID, body: map[string]any{"decision": decision}}).Code
			}()
		}
		wg.Wait()
		close(codes)
		won := 0
		for c := range codes {
			if c == 200 {
				won++
			} else if c != 409 {
				t.Errorf("unexpected %d", c)
			}
		}
		evs, _ := h.events(tok, 0)
		queued := 0
		for _, e := range evs {
			if e.Type == "decision" {
				queued++
			}
		}
		if won != 1 || queued != 1 {
			t.Fatalf("%d winners, %d decisions queued", won, queued)
		}
	})
}

func TestNoRoute(t *testing.T) {
	h := newHarness(t)
	res := h.do(req{method: "GET", path: "/api/v1/nothing"})
	if res.Code != 404 || res.Error(t) == "" {
		t.Fatalf("got %d %s", res.Code, res.Body)
	}
}
