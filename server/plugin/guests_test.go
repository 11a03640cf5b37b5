package plugin

import (
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/claude-mattermost/claude-mattermost/server/cards"
	"github.com/claude-mattermost/claude-mattermost/server/sessions"
)

// guestSetup: alice's session, carol (not a participant) replies.
func guestSetup(t *testing.T) (*harness, string, int64, *sessions.Session, *model.Post, *model.Post) {
	h := newHarness(t)
	tok, _ := h.pair(aliceID, "laptop")
	sess := h.startSession(aliceID, "@claude start")
	_, cursor := h.events(tok, 0)
	reply := h.post(carolID, sess.RootID, "please also update the changelog")
	guestCards := h.api.PostsOfType(string(cards.PostTypeGuest))
	if len(guestCards) != 1 {
		t.Fatalf("%d guest cards", len(guestCards))
	}
	return h, tok, cursor, sess, guestCards[0], reply
}

func guestClick(h *harness, user string, card *model.Post, action string) response {
	h.t.Helper()
	var g cards.GuestProps
	cards.ReadProp(card.GetProps(), cards.PropGuest, &g)
	return h.do(req{method: "POST", path: "/api/v1/actions/guest", userID: user, body: map[string]any{
		"post_id": card.Id, "context": map[string]any{"action": action, "session_id": g.SessionID, "request_id": g.RequestID},
	}})
}

func TestGuestCard(t *testing.T) {
	t.Run("a non-participant's reply becomes a guest card, not a message", func(t *testing.T) {
		h, tok, cursor, sess, card, _ := guestSetup(t)
		if evs := h.newEvents(tok, &cursor); len(evs) != 0 {
			t.Fatalf("queued %+v", evs)
		}
		var g cards.GuestProps
		cards.ReadProp(card.GetProps(), cards.PropGuest, &g)
		if card.UserId != botID || card.RootId != sess.RootID || g.Status != "pending" || g.User.Username != "carol" || g.Text != "please also update the changelog" || g.SessionID != sess.ID || g.RequestID == "" {
			t.Fatalf("card %+v props %+v", card, g)
		}
		if !strings.Contains(card.Message, "@carol wants to add a message") || !strings.Contains(card.Message, "> please also update the changelog") {
			t.Errorf("message %q", card.Message)
		}
		var names []string
		for _, a := range card.Attachments()[0].Actions {
			names = append(names, a.Id+":"+a.Name)
		}
		if strings.Join(names, ",") != "allow:Allow once,invite:Invite,deny:Deny" {
			t.Errorf("buttons %v", names)
		}
	})
	decisions := []struct {
		name        string
		action      string
		wantMessage bool
		wantStatus  string
		wantFooter  string
		wantInvited bool
	}{
		{"Allow once sends the message attributed to the guest", "allow", true, "allowed", "Allowed once by @alice", false},
		{"Invite makes the guest a participant and sends the message", "invite", true, "invited", "was invited by @alice", true},
		{"Deny sends nothing", "deny", false, "denied", "Denied by @alice", false},
	}
	for _, tc := range decisions {
		t.Run(tc.name, func(t *testing.T) {
			h, tok, cursor, sess, card, reply := guestSetup(t)
			res := guestClick(h, aliceID, card, tc.action)
			if res.Code != 200 || len(res.JSON(t)) != 0 {
				t.Fatalf("click: %d %s", res.Code, res.Body)
			}
			evs := h.newEvents(tok, &cursor)
			if tc.wantMessage {
				user, _ := evs[0].Payload["user"].(map[string]any)
				if len(evs) != 1 || evs[0].Type != "message" || evs[0].Payload["text"] != "please also update the changelog" ||
					user["username"] != "carol" || evs[0].Payload["post_id"] != reply.Id {
					t.Fatalf("events %+v", evs)
				}
			} else if len(evs) != 0 {
				t.Fatalf("events %+v", evs)
			}
			updated, _ := h.api.GetPost(card.Id)
			var g cards.GuestProps
			cards.ReadProp(updated.GetProps(), cards.PropGuest, &g)
			if g.Status != tc.wantStatus || g.DecidedBy != "alice" || g.DecidedAt == 0 || !strings.Contains(updated.Message, tc.wantFooter) || len(updated.Attachments()) != 0 {
				t.Fatalf("card %q %+v", updated.Message, g)
			}
			if got := h.session(sess.ID).IsParticipant(carolID); got != tc.wantInvited {
				t.Fatalf("carol participant = %v", got)
			}
		})
	}
	t.Run("the first decision wins", func(t *testing.T) {
		h, tok, cursor, _, card, _ := guestSetup(t)
		h.post(aliceID, h.sessionOf(card).RootID, "!invite @bob")
		guestClick(h, bobID, card, "deny")
		res := guestClick(h, aliceID, card, "allow")
		if msg, _ := res.JSON(t)["ephemeral_text"].(string); !strings.Contains(msg, "already denied by @bob") {
			t.Fatalf("second click: %s", res.Body)
		}
		for _, e := range h.newEvents(tok, &cursor) {
			if e.Type == "message" {
				t.Fatalf("a message went through: %+v", e)
			}
		}
	})
	t.Run("non-participants cannot decide", func(t *testing.T) {
		h, tok, cursor, _, card, _ := guestSetup(t)
		res := guestClick(h, carolID, card, "allow")
		if msg, _ := res.JSON(t)["ephemeral_text"].(string); !strings.Contains(msg, "Only the people in this Claude session") {
			t.Fatalf("click: %s", res.Body)
		}
		if evs := h.newEvents(tok, &cursor); len(evs) != 0 {
			t.Fatalf("events %+v", evs)
		}
	})
	t.Run("a click on another card is refused", func(t *testing.T) {
		h, _, _, sess, card, _ := guestSetup(t)
		var g cards.GuestProps
		cards.ReadProp(card.GetProps(), cards.PropGuest, &g)
		res := h.do(req{method: "POST", path: "/api/v1/actions/guest", userID: aliceID, body: map[string]any{
			"post_id": sess.RootID, "context": map[string]any{"action": "allow", "session_id": sess.ID, "request_id": g.RequestID},
		}})
		if msg, _ := res.JSON(t)["ephemeral_text"].(string); !strings.Contains(msg, "does not belong") {
			t.Fatalf("click: %s", res.Body)
		}
	})
	t.Run("a side conversation is not a guest message", func(t *testing.T) {
		h := newHarness(t)
		h.pair(aliceID, "laptop")
		sess := h.startSession(aliceID, "@claude start")
		h.post(carolID, sess.RootID, "@bob did you see this?")
		if n := len(h.api.PostsOfType(string(cards.PostTypeGuest))); n != 0 {
			t.Fatalf("%d guest cards", n)
		}
	})
	t.Run("bots never make guest cards", func(t *testing.T) {
		h := newHarness(t)
		h.pair(aliceID, "laptop")
		sess := h.startSession(aliceID, "@claude start")
		h.post(otherBot, sess.RootID, "deploy done")
		if n := len(h.api.PostsOfType(string(cards.PostTypeGuest))); n != 0 {
			t.Fatalf("%d guest cards", n)
		}
	})
}

func (h *harness) sessionOf(card *model.Post) *sessions.Session {
	var g cards.GuestProps
	cards.ReadProp(card.GetProps(), cards.PropGuest, &g)
	return h.session(g.SessionID)
}

func TestGuestDecideRoute(t *testing.T) {
	tests := []struct {
		name     string
		user     string
		body     any
		wantCode int
		wantErr  string
	}{
		{"a participant decides", aliceID, map[string]any{"decision": "invite"}, 200, ""},
		{"a non-participant is 403", carolID, map[string]any{"decision": "allow"}, 403, "only the session's participants"},
		{"an unknown decision is 400", aliceID, map[string]any{"decision": "maybe"}, 400, `"decision" must be`},
		{"a body that is not JSON is 400", aliceID, "nope", 400, "JSON object"},
		{"no user header is 401", "", map[string]any{"decision": "allow"}, 401, "not logged in"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, _, _, sess, card, _ := guestSetup(t)
			var g cards.GuestProps
			cards.ReadProp(card.GetProps(), cards.PropGuest, &g)
			res := h.do(req{method: "POST", path: "/api/v1/sessions/" + sess.ID + "/guests/" + g.RequestID + "/decide", userID: tc.user, body: tc.body})
			if res.Code != tc.wantCode || tc.wantErr != "" && !strings.Contains(res.Error(t), tc.wantErr) {
				t.Fatalf("%d %s", res.Code, res.Body)
			}
			if tc.wantCode == 200 {
				guest, _ := res.JSON(t)["guest"].(map[string]any)
				if guest["status"] != "invited" || guest["decided_by"] != "alice" {
					t.Fatalf("guest %v", guest)
				}
				again := h.do(req{method: "POST", path: "/api/v1/sessions/" + sess.ID + "/guests/" + g.RequestID + "/decide", userID: aliceID, body: map[string]any{"decision": "deny"}})
				if again.Code != 409 || again.JSON(t)["guest"] == nil {
					t.Fatalf("second decision: %d %s", again.Code, again.Body)
				}
			}
		})
	}
	t.Run("an unknown request is 404", func(t *testing.T) {
		h, _, _, sess, _, _ := guestSetup(t)
		res := h.do(req{method: "POST", path: "/api/v1/sessions/" + sess.ID + "/guests/nope/decide", userID: aliceID, body: map[string]any{"decision": "allow"}})
		if res.Code != 404 {
			t.Fatalf("%d %s", res.Code, res.Body)
		}
	})
}
