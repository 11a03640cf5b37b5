package plugin

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/claude-mattermost/claude-mattermost/server/cards"
	"github.com/claude-mattermost/claude-mattermost/server/config"
	"github.com/claude-mattermost/claude-mattermost/server/sessions"
)

// pendingCards are an approval, a plan and a question waiting in sess.
type pendingCards struct{ approval, plan, question *model.Post }

func (h *harness) pendingCards(tok string, sess *sessions.Session) pendingCards {
	h.t.Helper()
	return pendingCards{
		approval: h.card(tok, sess.ID, map[string]any{"kind": "approval", "request_id": "r1", "tool_name": "Bash", "input": map[string]any{"command": "make deploy"}}),
		plan:     h.card(tok, sess.ID, planApproval("r2")),
		question: h.card(tok, sess.ID, questionOutput("q1")),
	}
}

func (h *harness) approvalsRefreshes(userID string) int {
	n := 0
	for _, e := range h.api.WebSocketEvents() {
		if e.Event == string(cards.WebSocketEventRefresh) && e.Payload["what"] == cards.RefreshApprovals && e.Broadcast.UserId == userID {
			n++
		}
	}
	return n
}

// TestSessionEndClosesItsCards: however a session ends, its approval, plan
// and question cards close at once saying why, leave the pending lists
// (participants get a refresh), and nothing is queued for them.
func TestSessionEndClosesItsCards(t *testing.T) {
	ends := []struct {
		name string
		end  func(h *harness, tok string, sess *sessions.Session)
		note string
	}{
		{"stopped with the Stop route", func(h *harness, _ string, sess *sessions.Session) {
			if res := h.do(req{method: "POST", path: "/api/v1/sessions/" + sess.ID + "/stop", userID: aliceID}); res.Code != 200 {
				h.t.Fatalf("stop: %d %s", res.Code, res.Body)
			}
		}, "Session ended (stopped by @alice) before this was answered."},
		{"stopped with !stop", func(h *harness, _ string, sess *sessions.Session) {
			h.post(aliceID, sess.RootID, "!stop")
		}, "Session ended (stopped by @alice) before this was answered."},
		{"ended idle", func(h *harness, _ string, _ *sessions.Session) {
			h.configure(func(c *config.Config) { c.IdleTimeoutMinutes = 10 })
			h.clock.Advance(11 * time.Minute)
			h.app.Lifetime.Run()
		}, "Session ended (idle timeout) before this was answered."},
		{"exited (the agent reported the end)", func(h *harness, tok string, sess *sessions.Session) {
			h.output(tok, sess.ID, map[string]any{"kind": "status", "status": "ended"})
		}, "Session ended (Claude Code exited) before this was answered."},
		{"failed (status error)", func(h *harness, tok string, sess *sessions.Session) {
			h.output(tok, sess.ID, map[string]any{"kind": "status", "status": "error", "error": "Claude Code failed"})
		}, "Session ended (error) before this was answered."},
	}
	for _, end := range ends {
		t.Run(end.name, func(t *testing.T) {
			h, tok, sess, cursor := richSetup(t)
			h.command(aliceID, sess.RootID, "/claude invite @bob")
			c := h.pendingCards(tok, sess)
			if items := h.do(req{method: "GET", path: "/api/v1/me/approvals", userID: bobID}); !strings.Contains(string(items.Body), "r1") {
				t.Fatalf("before the end: %s", items.Body)
			}
			refreshes := h.approvalsRefreshes(bobID)
			end.end(h, tok, sess)

			for _, p := range []*model.Post{c.approval, c.plan} {
				a := approvalProps(t, h, p.Id)
				post, _ := h.api.GetPost(p.Id)
				if a.Status != cards.ApprovalDenied || !a.SessionEnded || a.Reason != end.note || a.DecidedBy != "" ||
					!strings.Contains(post.Message, end.note) || len(post.Attachments()) != 0 {
					t.Errorf("card %s: %+v\n%s\nattachments %d", p.Type, a, post.Message, len(post.Attachments()))
				}
			}
			q := questionProps(t, h, c.question.Id)
			qpost, _ := h.api.GetPost(c.question.Id)
			if q.Status != cards.QuestionExpired || !q.SessionEnded || q.Reason != end.note || !strings.Contains(qpost.Message, end.note) || len(qpost.Attachments()) != 0 {
				t.Errorf("question: %+v\n%s", q, qpost.Message)
			}
			for _, uid := range []string{aliceID, bobID} {
				if items := h.do(req{method: "GET", path: "/api/v1/me/approvals", userID: uid}); strings.TrimSpace(string(items.Body)) != "[]" {
					t.Errorf("%s's pending list: %s", uid, items.Body)
				}
			}
			if h.approvalsRefreshes(bobID) <= refreshes {
				t.Error("no refresh of bob's pending list")
			}
			for _, e := range h.newEvents(tok, &cursor) {
				if e.Type == "decision" || e.Type == "answer" {
					t.Errorf("queued %s %v", e.Type, e.Payload)
				}
			}
			if lines := h.errorLogs(); len(lines) > 0 {
				t.Errorf("error log lines: %+v", lines)
			}
		})
	}
}

// TestLateClicksSayTheSessionEnded: a click on any card of an ended
// session says so to the clicker, never "Approved by", and decides nothing
// — also on a card the end did not close (made while it was ending).
func TestLateClicksSayTheSessionEnded(t *testing.T) {
	type click struct {
		name string
		do   func(h *harness, sess *sessions.Session, c pendingCards) response
	}
	button := func(path string, post func(c pendingCards) *model.Post, requestID, action string) func(h *harness, sess *sessions.Session, c pendingCards) response {
		return func(h *harness, sess *sessions.Session, c pendingCards) response {
			body := clickBody(post(c), sess.ID, requestID, action)
			body["trigger_id"] = "trigger"
			return h.do(req{method: "POST", path: path, userID: aliceID, body: body})
		}
	}
	clicks := []click{
		{"Approve on the approval card", button("/api/v1/actions/approval", func(c pendingCards) *model.Post { return c.approval }, "r1", "approve")},
		{"Approve all on the approval card", button("/api/v1/actions/approval", func(c pendingCards) *model.Post { return c.approval }, "r1", "approve_all")},
		{"Deny with reason on the approval card", button("/api/v1/actions/approval", func(c pendingCards) *model.Post { return c.approval }, "r1", "deny_reason")},
		{"Approve plan", button("/api/v1/actions/approval", func(c pendingCards) *model.Post { return c.plan }, "r2", "approve")},
		{"an option on the question card", button("/api/v1/actions/question", func(c pendingCards) *model.Post { return c.question }, "q1", "opt_0")},
		{"Other… on the question card", button("/api/v1/actions/question", func(c pendingCards) *model.Post { return c.question }, "q1", "other")},
		{"the webapp's decide route", func(h *harness, sess *sessions.Session, _ pendingCards) response {
			return h.do(req{method: "POST", path: "/api/v1/sessions/" + sess.ID + "/approvals/r1/decide", userID: aliceID, body: map[string]any{"decision": "approve"}})
		}},
		{"the webapp's answer route", func(h *harness, sess *sessions.Session, _ pendingCards) response {
			return h.do(req{method: "POST", path: "/api/v1/sessions/" + sess.ID + "/questions/q1/answer", userID: aliceID, body: map[string]any{"answers": map[string]any{"Which database?": "Postgres"}}})
		}},
		{"the deny dialog's submission", func(h *harness, sess *sessions.Session, _ pendingCards) response {
			return h.do(req{method: "POST", path: "/api/v1/dialogs/deny", userID: aliceID, body: submitDialog(sess.ID+":r1", false, map[string]any{"reason": "no"})})
		}},
		{"the answer dialog's submission", func(h *harness, sess *sessions.Session, _ pendingCards) response {
			return h.do(req{method: "POST", path: "/api/v1/dialogs/answer", userID: aliceID, body: submitDialog(sess.ID+":q1", false, map[string]any{"q0": "Postgres"})})
		}},
	}
	for _, closed := range []bool{true, false} {
		for _, c := range clicks {
			name := c.name + " on a closed card"
			if !closed {
				name = c.name + " on a card the end did not close"
			}
			t.Run(name, func(t *testing.T) {
				h, tok, sess, cursor := richSetup(t)
				cardsOf := h.pendingCards(tok, sess)
				if closed {
					h.do(req{method: "POST", path: "/api/v1/sessions/" + sess.ID + "/stop", userID: aliceID})
				} else {
					// The session record ends without the end's own close
					// (a card made while it was ending).
					raw, _ := h.kv.Get("session/" + sess.ID)
					var rec map[string]any
					_ = json.Unmarshal(raw, &rec)
					rec["status"], rec["ended_reason"], rec["ended_by"] = "ended", "stopped", "alice"
					b, _ := json.Marshal(rec)
					_ = h.kv.Set("session/"+sess.ID, b, 0)
				}
				_, cursor = h.events(tok, cursor)
				res := c.do(h, sess, cardsOf)
				said := string(res.Body)
				if res.Code != 200 && res.Code != 409 || !strings.Contains(said, "Session ended (stopped by @alice)") && !strings.Contains(said, "session has ended") ||
					strings.Contains(said, "pproved by") {
					t.Fatalf("got %d %s", res.Code, said)
				}
				if evs := h.newEvents(tok, &cursor); len(evs) != 0 {
					t.Fatalf("queued %+v", evs)
				}
				if len(h.api.Dialogs()) != 0 {
					t.Fatal("a dialog was opened")
				}
				for _, p := range []*model.Post{cardsOf.approval, cardsOf.plan} {
					if a := approvalProps(t, h, p.Id); a.Status == cards.ApprovalApproved {
						t.Fatalf("card %s approved", p.Type)
					}
				}
				if !closed && c.name == "Approve on the approval card" {
					if a := approvalProps(t, h, cardsOf.approval.Id); !a.SessionEnded {
						t.Fatalf("the late click did not close the card: %+v", a)
					}
				}
			})
		}
	}
	t.Run("an approval or question for an ended session is 409 (the agent denies it)", func(t *testing.T) {
		h, tok, sess, _ := richSetup(t)
		h.do(req{method: "POST", path: "/api/v1/sessions/" + sess.ID + "/stop", userID: aliceID})
		for _, body := range []map[string]any{
			{"kind": "approval", "request_id": "late", "tool_name": "Bash", "input": map[string]any{"command": "ls"}},
			questionOutput("late-q"),
		} {
			if res := h.output(tok, sess.ID, body); res.Code != 409 || !strings.Contains(res.Error(t), "ended") {
				t.Fatalf("got %d %s", res.Code, res.Body)
			}
		}
		if n := len(h.api.PostsOfType(string(cards.PostTypeApproval))) + len(h.api.PostsOfType(string(cards.PostTypeQuestion))); n != 0 {
			t.Fatalf("%d cards", n)
		}
	})
	t.Run("the lifetime job closes a card the end did not close", func(t *testing.T) {
		h, tok, sess, _ := richSetup(t)
		c := h.pendingCards(tok, sess)
		raw, _ := h.kv.Get("session/" + sess.ID)
		var rec map[string]any
		_ = json.Unmarshal(raw, &rec)
		rec["status"], rec["ended_reason"] = "ended", "exited"
		b, _ := json.Marshal(rec)
		_ = h.kv.Set("session/"+sess.ID, b, 0)
		h.app.Lifetime.Run()
		if a := approvalProps(t, h, c.approval.Id); !a.SessionEnded || a.Reason != "Session ended (Claude Code exited) before this was answered." {
			t.Fatalf("%+v", a)
		}
	})
}
