package plugin

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/claude-mattermost/claude-mattermost/server/cards"
	"github.com/claude-mattermost/claude-mattermost/server/config"
	"github.com/claude-mattermost/claude-mattermost/server/sessions"
)

const secret = "sk-ant-api03-abcDEF_ghi-JKLmnoPQRstuVWX"

// richSetup pairs alice's laptop, starts a session and skips its events.
func richSetup(t *testing.T) (h *harness, tok string, sess *sessions.Session, cursor int64) {
	t.Helper()
	h = newHarness(t)
	tok, _ = h.pair(aliceID, "laptop")
	sess = h.startSession(aliceID, "@claude start")
	_, cursor = h.events(tok, 0)
	return h, tok, sess, cursor
}

// card posts an output that makes a card and returns the card.
func (h *harness) card(tok, sessionID string, body map[string]any) *model.Post {
	h.t.Helper()
	res := h.output(tok, sessionID, body)
	if res.Code != 200 {
		h.t.Fatalf("%s output: %d %s", body["kind"], res.Code, res.Body)
	}
	id, _ := res.JSON(h.t)["post_id"].(string)
	p, appErr := h.api.GetPost(id)
	if appErr != nil {
		h.t.Fatal(appErr)
	}
	return p
}

func editApproval(requestID string) map[string]any {
	return map[string]any{
		"kind": "approval", "request_id": requestID, "tool_name": "Edit",
		"input": map[string]any{"file_path": "/src/app/a.ts", "old_string": "x", "new_string": "y"},
		"preview": map[string]any{"kind": "diff", "file_path": "/src/app/a.ts", "diff": "--- a/a.ts\n+++ b/a.ts\n@@ -1 +1 @@\n-x\n+y\n",
			"language": "ts", "added": 1, "removed": 1},
	}
}

func planApproval(requestID string) map[string]any {
	return map[string]any{"kind": "approval", "request_id": requestID, "tool_name": "ExitPlanMode",
		"input": map[string]any{"plan": "## Plan\n1. Read the code\n2. Fix it"}}
}

func questionOutput(requestID string, questions ...map[string]any) map[string]any {
	if len(questions) == 0 {
		questions = []map[string]any{{"question": "Which database?", "header": "DB", "multiSelect": false,
			"options": []map[string]any{{"label": "Postgres", "description": "default"}, {"label": "MySQL", "description": ""}}}}
	}
	return map[string]any{"kind": "question", "request_id": requestID, "questions": questions}
}

func approvalProps(t *testing.T, h *harness, postID string) cards.ApprovalProps {
	t.Helper()
	p, _ := h.api.GetPost(postID)
	var a cards.ApprovalProps
	if !cards.ReadProp(p.GetProps(), cards.PropApproval, &a) {
		t.Fatalf("no approval props on %s", postID)
	}
	return a
}

func TestApprovalPreviews(t *testing.T) {
	t.Run("an edit's preview is kept in props and shown as a diff", func(t *testing.T) {
		h, tok, sess, _ := richSetup(t)
		p := h.card(tok, sess.ID, editApproval("r1"))
		a := approvalProps(t, h, p.Id)
		if a.Preview == nil || a.Preview.Kind != "diff" || a.Preview.Language != "ts" || a.Preview.Added != 1 || !a.AllowApproveAll {
			t.Fatalf("props %+v preview %+v", a, a.Preview)
		}
		if !strings.HasPrefix(p.Message, "**Claude wants to edit** `/src/app/a.ts` (+1 −1)\n```diff\n--- a/a.ts") {
			t.Errorf("message %q", p.Message)
		}
	})
	bad := []struct {
		name    string
		preview any
		wantErr string
	}{
		{"an unknown preview kind is 400", map[string]any{"kind": "image"}, "preview.kind"},
		{"a diff without a path is 400", map[string]any{"kind": "diff", "diff": "+a"}, "file_path"},
		{"a diff over 400 000 characters is 400", map[string]any{"kind": "diff", "file_path": "/a", "diff": strings.Repeat("a", 400_001)}, "400000"},
		{"new file content over 400 000 characters is 400", map[string]any{"kind": "new_file", "file_path": "/a", "content": strings.Repeat("a", 400_001)}, "400000"},
		{"a language that is not a token is 400", map[string]any{"kind": "diff", "file_path": "/a", "diff": "+a", "language": "ts<script>"}, "language"},
		{"negative counts are 400", map[string]any{"kind": "diff", "file_path": "/a", "diff": "+a", "added": -1}, "non-negative"},
		{"an MCP preview needs its server", map[string]any{"kind": "mcp", "tool": "x"}, "server"},
		{"a preview that is not an object is 400", "diff", "preview"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			h, tok, sess, _ := richSetup(t)
			body := editApproval("r1")
			body["preview"] = tc.preview
			posts := len(h.api.Posts())
			res := h.output(tok, sess.ID, body)
			if res.Code != 400 || !strings.Contains(res.Error(t), tc.wantErr) || len(h.api.Posts()) != posts {
				t.Fatalf("%d %s", res.Code, res.Body)
			}
		})
	}
	t.Run("a preview too large to fit beside a large input is cut and the card still posts", func(t *testing.T) {
		h, tok, sess, _ := richSetup(t)
		p := h.card(tok, sess.ID, map[string]any{"kind": "approval", "request_id": "w1", "tool_name": "Write",
			"input":   map[string]any{"file_path": "/big.txt", "content": strings.Repeat("a", cards.MaxApprovalInputRunes-1000)},
			"preview": map[string]any{"kind": "new_file", "file_path": "/big.txt", "content": strings.Repeat("b\n", 199_000), "lines": 199_000}})
		a := approvalProps(t, h, p.Id)
		stored, err := h.app.Approvals.Get(sess.ID, "w1")
		if err != nil || !a.Preview.Truncated || stored.Preview.Content != a.Preview.Content {
			t.Fatalf("card preview truncated=%v, stored preview = card's: %v (%v)", a.Preview.Truncated, stored != nil && stored.Preview.Content == a.Preview.Content, err)
		}
	})
	t.Run("secrets in a preview are redacted on the card", func(t *testing.T) {
		h, tok, sess, _ := richSetup(t)
		body := editApproval("r1")
		body["preview"].(map[string]any)["diff"] = "+const key = \"" + secret + "\"\n"
		p := h.card(tok, sess.ID, body)
		if strings.Contains(p.Message, secret) || strings.Contains(fmt.Sprint(p.GetProps()), secret) {
			t.Fatalf("secret on the card: %q", p.Message)
		}
	})
}

func TestApproveAll(t *testing.T) {
	t.Run("Approve all approves, says approve_all to the agent and switches the session to bypassPermissions", func(t *testing.T) {
		h, tok, sess, cursor := richSetup(t)
		card := h.card(tok, sess.ID, editApproval("r1"))
		res := h.do(req{method: "POST", path: "/api/v1/actions/approval", userID: aliceID, body: clickBody(card, sess.ID, "r1", "approve_all")})
		if res.Code != 200 || string(res.Body) != "{}\n" {
			t.Fatalf("%d %s", res.Code, res.Body)
		}
		evs := h.newEvents(tok, &cursor)
		if len(evs) != 1 || evs[0].Type != "decision" || evs[0].Payload["decision"] != "approve" || evs[0].Payload["approve_all"] != true {
			t.Fatalf("events %+v", evs)
		}
		if p := h.sessionProps(sess); p.PermissionMode != "bypassPermissions" {
			t.Errorf("header mode %q", p.PermissionMode)
		}
		a := approvalProps(t, h, card.Id)
		if a.Status != "approved" || !a.ApproveAll {
			t.Errorf("card %+v", a)
		}
	})
	t.Run("the button's id approveall is accepted as its action too", func(t *testing.T) {
		h, tok, sess, cursor := richSetup(t)
		card := h.card(tok, sess.ID, editApproval("r1"))
		h.do(req{method: "POST", path: "/api/v1/actions/approval", userID: aliceID, body: clickBody(card, sess.ID, "r1", "approveall")})
		if evs := h.newEvents(tok, &cursor); len(evs) != 1 || evs[0].Payload["approve_all"] != true {
			t.Fatalf("events %+v", evs)
		}
	})
	t.Run("the decide route takes approve_all", func(t *testing.T) {
		h, tok, sess, cursor := richSetup(t)
		h.card(tok, sess.ID, editApproval("r1"))
		res := h.do(req{method: "POST", path: "/api/v1/sessions/" + sess.ID + "/approvals/r1/decide", userID: aliceID, body: map[string]any{"decision": "approve_all"}})
		if res.Code != 200 {
			t.Fatalf("%d %s", res.Code, res.Body)
		}
		if evs := h.newEvents(tok, &cursor); len(evs) != 1 || evs[0].Payload["approve_all"] != true {
			t.Fatalf("events %+v", evs)
		}
	})
	t.Run("with approve all turned off there is no button and the route refuses it", func(t *testing.T) {
		h, tok, sess, cursor := richSetup(t)
		h.configure(func(c *config.Config) { c.AllowApproveAll = false })
		card := h.card(tok, sess.ID, editApproval("r1"))
		for _, a := range card.Attachments()[0].Actions {
			if a.Id == "approveall" {
				t.Fatal("Approve all offered although turned off")
			}
		}
		res := h.do(req{method: "POST", path: "/api/v1/actions/approval", userID: aliceID, body: clickBody(card, sess.ID, "r1", "approve_all")})
		if msg, _ := res.JSON(t)["ephemeral_text"].(string); !strings.Contains(msg, "turned off") {
			t.Fatalf("click: %s", res.Body)
		}
		res = h.do(req{method: "POST", path: "/api/v1/sessions/" + sess.ID + "/approvals/r1/decide", userID: aliceID, body: map[string]any{"decision": "approve_all"}})
		if res.Code != 403 {
			t.Fatalf("route: %d %s", res.Code, res.Body)
		}
		if evs := h.newEvents(tok, &cursor); len(evs) != 0 || approvalProps(t, h, card.Id).Status != "pending" {
			t.Fatalf("refused approve all changed something: %+v", evs)
		}
	})
}

func dialogClick(post *model.Post, sessionID, requestID, action, trigger string) map[string]any {
	b := clickBody(post, sessionID, requestID, action)
	b["trigger_id"] = trigger
	return b
}

func submitDialog(state string, cancelled bool, submission map[string]any) map[string]any {
	return map[string]any{"type": "dialog_submission", "callback_id": "x", "state": state, "user_id": "spoofed",
		"channel_id": channelID, "cancelled": cancelled, "submission": submission}
}

func TestDenyWithReason(t *testing.T) {
	t.Run("Deny with reason opens a dialog that posts to /dialogs/deny with the session and request", func(t *testing.T) {
		h, tok, sess, cursor := richSetup(t)
		card := h.card(tok, sess.ID, editApproval("r1"))
		res := h.do(req{method: "POST", path: "/api/v1/actions/approval", userID: aliceID, body: dialogClick(card, sess.ID, "r1", "deny_reason", "trig1")})
		if res.Code != 200 || string(res.Body) != "{}\n" {
			t.Fatalf("%d %s", res.Code, res.Body)
		}
		ds := h.api.Dialogs()
		if len(ds) != 1 || ds[0].TriggerId != "trig1" || ds[0].URL != "/plugins/claude-mattermost/api/v1/dialogs/deny" ||
			ds[0].Dialog.State != sess.ID+":r1" || ds[0].Dialog.Elements[0].Name != "reason" {
			t.Fatalf("dialogs %+v", ds)
		}
		if evs := h.newEvents(tok, &cursor); len(evs) != 0 {
			t.Fatalf("opening the dialog decided: %+v", evs)
		}
	})
	refusals := []struct {
		name    string
		user    string
		trigger string
		want    string
	}{
		{"a non-participant gets no dialog", bobID, "trig", "Only the people"},
		{"a click without a trigger id gets no dialog", aliceID, "", "cannot open a dialog"},
	}
	for _, tc := range refusals {
		t.Run(tc.name, func(t *testing.T) {
			h, tok, sess, _ := richSetup(t)
			card := h.card(tok, sess.ID, editApproval("r1"))
			res := h.do(req{method: "POST", path: "/api/v1/actions/approval", userID: tc.user, body: dialogClick(card, sess.ID, "r1", "denyreason", tc.trigger)})
			if msg, _ := res.JSON(t)["ephemeral_text"].(string); !strings.Contains(msg, tc.want) || len(h.api.Dialogs()) != 0 {
				t.Fatalf("%s dialogs %d", res.Body, len(h.api.Dialogs()))
			}
		})
	}
	submissions := []struct {
		name       string
		user       string
		state      func(sessID string) string
		cancelled  bool
		reason     any
		wantCode   int
		wantBody   string // substring
		wantDenied bool
	}{
		{"a participant's reason denies the request", aliceID, func(s string) string { return s + ":r1" }, false, "use pnpm", 200, "{}", true},
		{"a non-participant's submission is refused", bobID, func(s string) string { return s + ":r1" }, false, "no", 200, "Only the people", false},
		{"an empty reason is asked for again", aliceID, func(s string) string { return s + ":r1" }, false, "  ", 200, `"errors"`, false},
		{"a cancelled dialog does nothing", aliceID, func(s string) string { return s + ":r1" }, true, "x", 200, "{}", false},
		{"a state without a request is 400", aliceID, func(s string) string { return s }, false, "x", 400, "state", false},
		{"an unknown request is refused", aliceID, func(s string) string { return s + ":nope" }, false, "x", 200, "no longer exists", false},
		{"a reason that is not text is asked for again", aliceID, func(s string) string { return s + ":r1" }, false, 42, 200, `"errors"`, false},
	}
	for _, tc := range submissions {
		t.Run(tc.name, func(t *testing.T) {
			h, tok, sess, cursor := richSetup(t)
			card := h.card(tok, sess.ID, editApproval("r1"))
			res := h.do(req{method: "POST", path: "/api/v1/dialogs/deny", userID: tc.user,
				body: submitDialog(tc.state(sess.ID), tc.cancelled, map[string]any{"reason": tc.reason})})
			if res.Code != tc.wantCode || !strings.Contains(string(res.Body), tc.wantBody) {
				t.Fatalf("%d %s", res.Code, res.Body)
			}
			evs := h.newEvents(tok, &cursor)
			a := approvalProps(t, h, card.Id)
			if tc.wantDenied {
				if len(evs) != 1 || evs[0].Payload["decision"] != "deny" || evs[0].Payload["reason"] != tc.reason || a.Status != "denied" || a.Reason != tc.reason {
					t.Fatalf("events %+v card %+v", evs, a)
				}
				return
			}
			if len(evs) != 0 || a.Status != "pending" {
				t.Fatalf("events %+v card %+v", evs, a)
			}
		})
	}
	t.Run("a reason for a request decided meanwhile is refused in the dialog", func(t *testing.T) {
		h, tok, sess, _ := richSetup(t)
		h.card(tok, sess.ID, editApproval("r1"))
		h.do(req{method: "POST", path: "/api/v1/sessions/" + sess.ID + "/approvals/r1/decide", userID: aliceID, body: map[string]any{"decision": "approve"}})
		res := h.do(req{method: "POST", path: "/api/v1/dialogs/deny", userID: aliceID, body: submitDialog(sess.ID+":r1", false, map[string]any{"reason": "late"})})
		if !strings.Contains(res.JSON(t)["error"].(string), "already approved by @alice") {
			t.Fatalf("%s", res.Body)
		}
	})
	t.Run("no user header is 401", func(t *testing.T) {
		h, _, sess, _ := richSetup(t)
		if res := h.do(req{method: "POST", path: "/api/v1/dialogs/deny", body: submitDialog(sess.ID+":r1", false, nil)}); res.Code != 401 {
			t.Fatalf("%d", res.Code)
		}
	})
}

func TestPlanCard(t *testing.T) {
	t.Run("ExitPlanMode is a plan card with Approve plan and Request changes", func(t *testing.T) {
		h, tok, sess, _ := richSetup(t)
		p := h.card(tok, sess.ID, planApproval("p1"))
		if p.Type != "custom_claude_plan" || !strings.Contains(p.Message, "## Plan\n1. Read the code") {
			t.Fatalf("card %s %q", p.Type, p.Message)
		}
		acts := p.Attachments()[0].Actions
		if len(acts) != 2 || acts[0].Name != "Approve plan" || acts[0].Id != "approve" || acts[1].Name != "Request changes…" || acts[1].Id != "denyreason" {
			t.Fatalf("buttons %+v %+v", acts[0], acts[1])
		}
	})
	t.Run("approving the plan queues an approve", func(t *testing.T) {
		h, tok, sess, cursor := richSetup(t)
		p := h.card(tok, sess.ID, planApproval("p1"))
		h.do(req{method: "POST", path: "/api/v1/actions/approval", userID: aliceID, body: clickBody(p, sess.ID, "p1", "approve")})
		if evs := h.newEvents(tok, &cursor); len(evs) != 1 || evs[0].Payload["decision"] != "approve" {
			t.Fatalf("events %+v", evs)
		}
		if got, _ := h.api.GetPost(p.Id); !strings.Contains(got.Message, "Plan approved by @alice") || got.Type != "custom_claude_plan" {
			t.Fatalf("card %s %q", got.Type, got.Message)
		}
	})
	t.Run("Request changes asks what should change and denies with it", func(t *testing.T) {
		h, tok, sess, cursor := richSetup(t)
		p := h.card(tok, sess.ID, planApproval("p1"))
		h.do(req{method: "POST", path: "/api/v1/actions/approval", userID: aliceID, body: dialogClick(p, sess.ID, "p1", "deny_reason", "t")})
		ds := h.api.Dialogs()
		if len(ds) != 1 || ds[0].Dialog.Title != "Request changes" || ds[0].Dialog.Elements[0].DisplayName != "What should change?" {
			t.Fatalf("dialogs %+v", ds)
		}
		h.do(req{method: "POST", path: "/api/v1/dialogs/deny", userID: aliceID, body: submitDialog(sess.ID+":p1", false, map[string]any{"reason": "Add tests first"})})
		if evs := h.newEvents(tok, &cursor); len(evs) != 1 || evs[0].Payload["decision"] != "deny" || evs[0].Payload["reason"] != "Add tests first" {
			t.Fatalf("events %+v", evs)
		}
		if got, _ := h.api.GetPost(p.Id); !strings.Contains(got.Message, "Changes requested by @alice:\n> Add tests first") {
			t.Fatalf("card %q", got.Message)
		}
	})
	t.Run("a plan cannot be approved with approve all", func(t *testing.T) {
		h, tok, sess, cursor := richSetup(t)
		h.card(tok, sess.ID, planApproval("p1"))
		res := h.do(req{method: "POST", path: "/api/v1/sessions/" + sess.ID + "/approvals/p1/decide", userID: aliceID, body: map[string]any{"decision": "approve_all"}})
		if res.Code != 403 || len(h.newEvents(tok, &cursor)) != 0 {
			t.Fatalf("%d %s", res.Code, res.Body)
		}
	})
}

func questionProps(t *testing.T, h *harness, postID string) cards.QuestionProps {
	t.Helper()
	p, _ := h.api.GetPost(postID)
	var q cards.QuestionProps
	if !cards.ReadProp(p.GetProps(), cards.PropQuestion, &q) {
		t.Fatalf("no question props on %s", postID)
	}
	return q
}

func questionClick(post *model.Post, sessionID, requestID, action, trigger string) map[string]any {
	return map[string]any{"post_id": post.Id, "channel_id": post.ChannelId, "trigger_id": trigger,
		"context": map[string]any{"action": action, "session_id": sessionID, "request_id": requestID}}
}

func TestQuestions(t *testing.T) {
	t.Run("a question is a card with a button per option and Other", func(t *testing.T) {
		h, tok, sess, _ := richSetup(t)
		p := h.card(tok, sess.ID, questionOutput("q1"))
		q := questionProps(t, h, p.Id)
		if p.Type != "custom_claude_question" || q.Status != "pending" || len(q.Questions) != 1 || q.Questions[0].Options[1].Label != "MySQL" {
			t.Fatalf("card %s %+v", p.Type, q)
		}
		var ids []string
		for _, a := range p.Attachments()[0].Actions {
			ids = append(ids, a.Id)
		}
		if strings.Join(ids, ",") != "opt0,opt1,other" {
			t.Fatalf("buttons %v", ids)
		}
	})
	t.Run("an option click answers with its label; the first answer wins", func(t *testing.T) {
		h, tok, sess, cursor := richSetup(t)
		h.post(aliceID, sess.RootID, "!invite @bob")
		p := h.card(tok, sess.ID, questionOutput("q1"))
		res := h.do(req{method: "POST", path: "/api/v1/actions/question", userID: bobID, body: questionClick(p, sess.ID, "q1", "opt_1", "")})
		if string(res.Body) != "{}\n" {
			t.Fatalf("%s", res.Body)
		}
		evs := h.newEvents(tok, &cursor)
		if len(evs) != 1 || evs[0].Type != "answer" || evs[0].Payload["request_id"] != "q1" ||
			!equalJSON(evs[0].Payload["answers"], map[string]any{"Which database?": "MySQL"}) ||
			!equalJSON(evs[0].Payload["by"], map[string]any{"id": bobID, "username": "bob"}) {
			t.Fatalf("events %+v", evs)
		}
		res = h.do(req{method: "POST", path: "/api/v1/actions/question", userID: aliceID, body: questionClick(p, sess.ID, "q1", "opt0", "")})
		if msg, _ := res.JSON(t)["ephemeral_text"].(string); !strings.Contains(msg, "already answered by @bob") {
			t.Fatalf("second click: %s", res.Body)
		}
		if evs := h.newEvents(tok, &cursor); len(evs) != 0 {
			t.Fatalf("second answer queued: %+v", evs)
		}
		q := questionProps(t, h, p.Id)
		got, _ := h.api.GetPost(p.Id)
		if q.Status != "answered" || q.AnsweredBy != "bob" || q.Answers["Which database?"] != "MySQL" || len(got.Attachments()) != 0 {
			t.Fatalf("card %+v", q)
		}
	})
	clickRefusals := []struct {
		name   string
		user   string
		action string
		want   string
	}{
		{"a non-participant cannot answer", bobID, "opt_0", "Only the people"},
		{"an option the question does not have is refused", aliceID, "opt_7", "does not belong"},
	}
	for _, tc := range clickRefusals {
		t.Run(tc.name, func(t *testing.T) {
			h, tok, sess, cursor := richSetup(t)
			p := h.card(tok, sess.ID, questionOutput("q1"))
			res := h.do(req{method: "POST", path: "/api/v1/actions/question", userID: tc.user, body: questionClick(p, sess.ID, "q1", tc.action, "")})
			if msg, _ := res.JSON(t)["ephemeral_text"].(string); !strings.Contains(msg, tc.want) || len(h.newEvents(tok, &cursor)) != 0 {
				t.Fatalf("%s", res.Body)
			}
		})
	}
	t.Run("a malformed option action is 400", func(t *testing.T) {
		h, tok, sess, _ := richSetup(t)
		p := h.card(tok, sess.ID, questionOutput("q1"))
		for _, action := range []string{"opt_", "opt_-1", "opt_01", "opt_x", "maybe"} {
			if res := h.do(req{method: "POST", path: "/api/v1/actions/question", userID: aliceID, body: questionClick(p, sess.ID, "q1", action, "")}); res.Code != 400 {
				t.Errorf("%s: %d %s", action, res.Code, res.Body)
			}
		}
	})
	t.Run("Other opens a free-text dialog whose submission answers", func(t *testing.T) {
		h, tok, sess, cursor := richSetup(t)
		p := h.card(tok, sess.ID, questionOutput("q1"))
		h.do(req{method: "POST", path: "/api/v1/actions/question", userID: aliceID, body: questionClick(p, sess.ID, "q1", "other", "trig")})
		ds := h.api.Dialogs()
		if len(ds) != 1 || ds[0].URL != "/plugins/claude-mattermost/api/v1/dialogs/answer" || len(ds[0].Dialog.Elements) != 1 || ds[0].Dialog.Elements[0].Type != "textarea" {
			t.Fatalf("dialogs %+v", ds)
		}
		res := h.do(req{method: "POST", path: "/api/v1/dialogs/answer", userID: aliceID, body: submitDialog(sess.ID+":q1", false, map[string]any{"q0": "SQLite, for now"})})
		if string(res.Body) != "{}\n" {
			t.Fatalf("%s", res.Body)
		}
		if evs := h.newEvents(tok, &cursor); len(evs) != 1 || !equalJSON(evs[0].Payload["answers"], map[string]any{"Which database?": "SQLite, for now"}) {
			t.Fatalf("events %+v", evs)
		}
	})
	t.Run("several questions open one Answer dialog with a field per question", func(t *testing.T) {
		h, tok, sess, cursor := richSetup(t)
		p := h.card(tok, sess.ID, questionOutput("q1",
			map[string]any{"question": "Which database?", "header": "DB", "options": []map[string]any{{"label": "Postgres"}, {"label": "MySQL"}}},
			map[string]any{"question": "Which extras?", "header": "Extras", "multiSelect": true, "options": []map[string]any{{"label": "Cache"}, {"label": "Queue"}}}))
		if acts := p.Attachments()[0].Actions; len(acts) != 1 || acts[0].Id != "answer" {
			t.Fatalf("buttons %+v", acts)
		}
		h.do(req{method: "POST", path: "/api/v1/actions/question", userID: aliceID, body: questionClick(p, sess.ID, "q1", "answer", "trig")})
		ds := h.api.Dialogs()
		if len(ds) != 1 {
			t.Fatal("no dialog")
		}
		var names []string
		for _, e := range ds[0].Dialog.Elements {
			names = append(names, e.Name+":"+e.Type)
		}
		if strings.Join(names, ",") != "q0:radio,q0_other:text,q1:textarea" {
			t.Fatalf("elements %v", names)
		}
		res := h.do(req{method: "POST", path: "/api/v1/dialogs/answer", userID: aliceID, body: submitDialog(sess.ID+":q1", false, map[string]any{"q0": "Postgres"})})
		if !strings.Contains(string(res.Body), `"q1"`) {
			t.Fatalf("a missing answer must be named: %s", res.Body)
		}
		h.do(req{method: "POST", path: "/api/v1/dialogs/answer", userID: aliceID, body: submitDialog(sess.ID+":q1", false, map[string]any{"q0": "Postgres", "q1": "Cache, Queue"})})
		if evs := h.newEvents(tok, &cursor); len(evs) != 1 || !equalJSON(evs[0].Payload["answers"], map[string]any{"Which database?": "Postgres", "Which extras?": "Cache, Queue"}) {
			t.Fatalf("events %+v", evs)
		}
	})
	routes := []struct {
		name     string
		user     string
		request  string
		answers  any
		wantCode int
	}{
		{"a participant answers through the route", aliceID, "q1", map[string]any{"Which database?": "Postgres"}, 200},
		{"a non-participant is 403", bobID, "q1", map[string]any{"Which database?": "Postgres"}, 403},
		{"an unknown question is 404", aliceID, "nope", map[string]any{"Which database?": "Postgres"}, 404},
		{"a missing answer is 400", aliceID, "q1", map[string]any{}, 400},
		{"an answer to a question not asked is 400", aliceID, "q1", map[string]any{"Which database?": "Postgres", "Why?": "x"}, 400},
		{"an empty answer is 400", aliceID, "q1", map[string]any{"Which database?": "  "}, 400},
		{"answers that are not text are 400", aliceID, "q1", map[string]any{"Which database?": 3}, 400},
		{"an overlong answer is 400", aliceID, "q1", map[string]any{"Which database?": strings.Repeat("x", 10_001)}, 400},
	}
	for _, tc := range routes {
		t.Run(tc.name, func(t *testing.T) {
			h, tok, sess, cursor := richSetup(t)
			h.card(tok, sess.ID, questionOutput("q1"))
			res := h.do(req{method: "POST", path: "/api/v1/sessions/" + sess.ID + "/questions/" + tc.request + "/answer", userID: tc.user, body: map[string]any{"answers": tc.answers}})
			if res.Code != tc.wantCode {
				t.Fatalf("%d %s", res.Code, res.Body)
			}
			evs := h.newEvents(tok, &cursor)
			if (tc.wantCode == 200) != (len(evs) == 1) {
				t.Fatalf("events %+v", evs)
			}
		})
	}
	t.Run("the route answers 409 once answered, with the question", func(t *testing.T) {
		h, tok, sess, _ := richSetup(t)
		h.card(tok, sess.ID, questionOutput("q1"))
		path := "/api/v1/sessions/" + sess.ID + "/questions/q1/answer"
		h.do(req{method: "POST", path: path, userID: aliceID, body: map[string]any{"answers": map[string]any{"Which database?": "MySQL"}}})
		res := h.do(req{method: "POST", path: path, userID: aliceID, body: map[string]any{"answers": map[string]any{"Which database?": "Postgres"}}})
		q, _ := res.JSON(t)["question"].(map[string]any)
		if res.Code != 409 || q["status"] != "answered" || q["post_id"] == "" {
			t.Fatalf("%d %s", res.Code, res.Body)
		}
	})
	t.Run("an unanswered question expires with the approval timeout and the agent gets a deny", func(t *testing.T) {
		h, tok, sess, cursor := richSetup(t)
		h.configure(func(c *config.Config) { c.ApprovalTimeoutMinutes = 30 })
		p := h.card(tok, sess.ID, questionOutput("q1"))
		h.clock.Advance(30 * time.Minute)
		h.app.Lifetime.Run()
		evs := h.newEvents(tok, &cursor)
		if len(evs) != 1 || evs[0].Type != "decision" || evs[0].Payload["decision"] != "deny" || evs[0].Payload["reason"] != "timed out" || evs[0].Payload["request_id"] != "q1" {
			t.Fatalf("events %+v", evs)
		}
		got, _ := h.api.GetPost(p.Id)
		if q := questionProps(t, h, p.Id); q.Status != "expired" || !strings.Contains(got.Message, "Expired") || len(got.Attachments()) != 0 {
			t.Fatalf("card %+v", q)
		}
		res := h.do(req{method: "POST", path: "/api/v1/actions/question", userID: aliceID, body: questionClick(p, sess.ID, "q1", "opt_0", "")})
		if msg, _ := res.JSON(t)["ephemeral_text"].(string); !strings.Contains(msg, "expired") {
			t.Fatalf("late click: %s", res.Body)
		}
	})
	bad := []struct {
		name      string
		questions any
		want      string
	}{
		{"no questions is 400", []any{}, "questions"},
		{"a repeated question is 400", []map[string]any{{"question": "A?"}, {"question": "A?"}}, "repeats"},
		{"an option without a label is 400", []map[string]any{{"question": "A?", "options": []map[string]any{{"label": ""}}}}, "label"},
		{"a question that is not text is 400", []map[string]any{{"question": 1}}, "question"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			h, tok, sess, _ := richSetup(t)
			res := h.output(tok, sess.ID, map[string]any{"kind": "question", "request_id": "q1", "questions": tc.questions})
			if res.Code != 400 || !strings.Contains(res.Error(t), tc.want) {
				t.Fatalf("%d %s", res.Code, res.Body)
			}
		})
	}
	t.Run("a repeated question report returns the same card", func(t *testing.T) {
		h, tok, sess, _ := richSetup(t)
		a := h.card(tok, sess.ID, questionOutput("q1"))
		b := h.card(tok, sess.ID, questionOutput("q1"))
		if a.Id != b.Id || len(h.api.PostsOfType("custom_claude_question")) != 1 {
			t.Fatal("a second card")
		}
	})
	t.Run("secrets in a question are redacted on the card but the agent gets the answer as written", func(t *testing.T) {
		h, tok, sess, cursor := richSetup(t)
		p := h.card(tok, sess.ID, questionOutput("q1", map[string]any{"question": "Use the key " + secret + "?", "options": []map[string]any{{"label": "yes"}, {"label": "no"}}}))
		if strings.Contains(p.Message, secret) || strings.Contains(fmt.Sprint(p.GetProps()), secret) {
			t.Fatalf("secret on the card: %q", p.Message)
		}
		h.do(req{method: "POST", path: "/api/v1/actions/question", userID: aliceID, body: questionClick(p, sess.ID, "q1", "opt_0", "")})
		evs := h.newEvents(tok, &cursor)
		if len(evs) != 1 || !equalJSON(evs[0].Payload["answers"], map[string]any{"Use the key " + secret + "?": "yes"}) {
			t.Fatalf("events %+v", evs)
		}
	})
}

func TestAppliedDiffs(t *testing.T) {
	diff := map[string]any{"kind": "diff", "tool_use_id": "tu1", "file_path": "/src/a.go", "diff": "--- a/a.go\n+++ b/a.go\n-x\n+y\n",
		"language": "go", "added": 1, "removed": 1}
	t.Run("a diff is a post with its props and a readable fallback", func(t *testing.T) {
		h, tok, sess, _ := richSetup(t)
		p := h.card(tok, sess.ID, diff)
		var d cards.DiffProps
		cards.ReadProp(p.GetProps(), cards.PropDiff, &d)
		if p.Type != "custom_claude_diff" || p.RootId != sess.RootID || d.SessionID != sess.ID || d.ToolUseID != "tu1" || d.Added != 1 || d.Language != "go" {
			t.Fatalf("post %s %+v", p.Type, d)
		}
		if p.Message != "**Edited** `/src/a.go` (+1 −1)\n```diff\n--- a/a.go\n+++ b/a.go\n-x\n+y\n```" {
			t.Errorf("message %q", p.Message)
		}
	})
	t.Run("a repeated report for the same tool use makes no second post", func(t *testing.T) {
		h, tok, sess, _ := richSetup(t)
		a, b := h.card(tok, sess.ID, diff), h.card(tok, sess.ID, diff)
		if a.Id != b.Id || len(h.api.PostsOfType("custom_claude_diff")) != 1 {
			t.Fatal("second post")
		}
	})
	t.Run("a diff without a tool_use_id is 400", func(t *testing.T) {
		h, tok, sess, _ := richSetup(t)
		if res := h.output(tok, sess.ID, map[string]any{"kind": "diff", "file_path": "/a", "diff": "+a"}); res.Code != 400 {
			t.Fatalf("%d", res.Code)
		}
	})
}

func TestTodoPanel(t *testing.T) {
	todo := func(statuses ...string) map[string]any {
		var items []map[string]any
		for i, s := range statuses {
			items = append(items, map[string]any{"content": fmt.Sprintf("Task %d", i), "status": s, "activeForm": fmt.Sprintf("Doing task %d", i)})
		}
		return map[string]any{"kind": "todo", "todos": items}
	}
	t.Run("the first report makes the panel, later ones update it in place", func(t *testing.T) {
		h, tok, sess, _ := richSetup(t)
		a := h.card(tok, sess.ID, todo("in_progress", "pending"))
		b := h.card(tok, sess.ID, todo("completed", "in_progress"))
		if a.Id != b.Id || len(h.api.PostsOfType("custom_claude_todo")) != 1 || h.session(sess.ID).TodoPostID != a.Id {
			t.Fatalf("panel posts %d", len(h.api.PostsOfType("custom_claude_todo")))
		}
		var p cards.TodoProps
		cards.ReadProp(b.GetProps(), cards.PropTodo, &p)
		if p.Done != 1 || p.Total != 2 || p.SessionID != sess.ID || b.Message != "**Tasks** 1/2\n- [x] ~~Task 0~~\n- [ ] **Doing task 1**" {
			t.Fatalf("props %+v message %q", p, b.Message)
		}
	})
	t.Run("the panel survives a plugin restart", func(t *testing.T) {
		h, tok, sess, _ := richSetup(t)
		a := h.card(tok, sess.ID, todo("pending"))
		h.restart()
		if b := h.card(tok, sess.ID, todo("completed")); a.Id != b.Id {
			t.Fatal("a second panel after a restart")
		}
	})
	bad := []struct {
		name string
		body map[string]any
	}{
		{"an unknown status is 400", todo("doing")},
		{"a missing list is 400", map[string]any{"kind": "todo"}},
		{"an item without content is 400", map[string]any{"kind": "todo", "todos": []map[string]any{{"content": "", "status": "pending"}}}},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			h, tok, sess, _ := richSetup(t)
			if res := h.output(tok, sess.ID, tc.body); res.Code != 400 {
				t.Fatalf("%d %s", res.Code, res.Body)
			}
		})
	}
}

func TestToolOutput(t *testing.T) {
	out := func(id, output string) map[string]any {
		return map[string]any{"kind": "tool_output", "tool_use_id": id, "tool_name": "Bash", "summary": "go test ./...", "output": output, "is_error": false}
	}
	t.Run("a tool output is a post with a preview and the whole output is served to channel members", func(t *testing.T) {
		h, tok, sess, _ := richSetup(t)
		var lines []string
		for i := range 100 {
			lines = append(lines, fmt.Sprintf("line %d ✓ %s", i, strings.Repeat("é", 5000))) // multi-chunk, multi-byte
		}
		full := strings.Join(lines, "\n")
		p := h.card(tok, sess.ID, out("tu1", full))
		var props cards.ToolOutputProps
		cards.ReadProp(p.GetProps(), cards.PropToolOutput, &props)
		if p.Type != "custom_claude_tool_output" || props.Lines != 100 || !props.Truncated || props.ToolName != "Bash" || props.Summary != "go test ./..." ||
			!strings.HasPrefix(full, props.Preview) {
			t.Fatalf("post %s props lines=%d truncated=%v", p.Type, props.Lines, props.Truncated)
		}
		res := h.do(req{method: "GET", path: "/api/v1/sessions/" + sess.ID + "/outputs/tu1", userID: bobID})
		if res.Code != 200 || res.Header.Get("Content-Type") != "text/plain; charset=utf-8" || string(res.Body) != full {
			t.Fatalf("%d %s (%d bytes, want %d)", res.Code, res.Header.Get("Content-Type"), len(res.Body), len(full))
		}
	})
	routes := []struct {
		name     string
		user     string
		path     func(sessID string) string
		wantCode int
	}{
		{"someone outside the channel is 403", otherBot, func(s string) string { return s + "/outputs/tu1" }, 403},
		{"an unknown tool use is 404", aliceID, func(s string) string { return s + "/outputs/nope" }, 404},
		{"an unknown session is 404", aliceID, func(string) string { return model.NewId() + "/outputs/tu1" }, 404},
		{"no user header is 401", "", func(s string) string { return s + "/outputs/tu1" }, 401},
		{"an overlong id is 400", aliceID, func(s string) string { return s + "/outputs/" + strings.Repeat("x", 65) }, 400},
	}
	for _, tc := range routes {
		t.Run(tc.name, func(t *testing.T) {
			h, tok, sess, _ := richSetup(t)
			h.card(tok, sess.ID, out("tu1", "ok"))
			if res := h.do(req{method: "GET", path: "/api/v1/sessions/" + tc.path(sess.ID), userID: tc.user}); res.Code != tc.wantCode {
				t.Fatalf("%d %s", res.Code, res.Body)
			}
		})
	}
	t.Run("a repeated report makes no second post", func(t *testing.T) {
		h, tok, sess, _ := richSetup(t)
		if a, b := h.card(tok, sess.ID, out("tu1", "a")), h.card(tok, sess.ID, out("tu1", "a")); a.Id != b.Id {
			t.Fatal("second post")
		}
	})
	t.Run("an output over a million characters is 400", func(t *testing.T) {
		h, tok, sess, _ := richSetup(t)
		if res := h.output(tok, sess.ID, out("tu1", strings.Repeat("a", 1_000_001))); res.Code != 400 || !strings.Contains(res.Error(t), "output") {
			t.Fatalf("%d %s", res.Code, res.Body)
		}
	})
	t.Run("secrets are redacted in the post and in the stored output", func(t *testing.T) {
		h, tok, sess, _ := richSetup(t)
		p := h.card(tok, sess.ID, out("tu1", "KEY="+secret+"\nok"))
		res := h.do(req{method: "GET", path: "/api/v1/sessions/" + sess.ID + "/outputs/tu1", userID: aliceID})
		if strings.Contains(p.Message, secret) || strings.Contains(fmt.Sprint(p.GetProps()), secret) || strings.Contains(string(res.Body), secret) {
			t.Fatalf("secret shown: %q / %q", p.Message, res.Body)
		}
	})
}

func TestRichCardsAreRedacted(t *testing.T) {
	h, tok, sess, _ := richSetup(t)
	posts := []*model.Post{
		h.card(tok, sess.ID, map[string]any{"kind": "diff", "tool_use_id": "tu1", "file_path": "/a", "diff": "+token = \"" + secret + "\"\n"}),
		h.card(tok, sess.ID, map[string]any{"kind": "todo", "todos": []map[string]any{{"content": "rotate " + secret, "status": "in_progress", "activeForm": "Rotating " + secret}}}),
		h.card(tok, sess.ID, map[string]any{"kind": "approval", "request_id": "p1", "tool_name": "ExitPlanMode", "input": map[string]any{"plan": "use " + secret}}),
	}
	for _, p := range posts {
		if strings.Contains(p.Message, secret) || strings.Contains(fmt.Sprint(p.GetProps()), secret) {
			t.Errorf("%s shows the secret: %q", p.Type, p.Message)
		}
	}
}

func TestRightHandPanel(t *testing.T) {
	t.Run("my approvals lists pending approvals, plans and questions where I am a participant", func(t *testing.T) {
		h, tok, sess, _ := richSetup(t)
		h.card(tok, sess.ID, editApproval("r1"))
		h.card(tok, sess.ID, planApproval("p1"))
		h.card(tok, sess.ID, questionOutput("q1"))
		h.card(tok, sess.ID, editApproval("r2"))
		h.do(req{method: "POST", path: "/api/v1/sessions/" + sess.ID + "/approvals/r2/decide", userID: aliceID, body: map[string]any{"decision": "deny"}})
		res := h.do(req{method: "GET", path: "/api/v1/me/approvals", userID: aliceID})
		var items []map[string]any
		if err := jsonUnmarshal(res.Body, &items); err != nil || res.Code != 200 {
			t.Fatalf("%d %s", res.Code, res.Body)
		}
		var got []string
		for _, it := range items {
			got = append(got, fmt.Sprint(it["kind"], ":", it["request_id"], ":", it["summary"]))
			if it["post_id"] == "" || it["channel_id"] != channelID || it["session_id"] != sess.ID {
				t.Errorf("item %+v", it)
			}
		}
		if strings.Join(got, ",") != "approval:r1:/src/app/a.ts,plan:p1:## Plan,question:q1:Which database?" {
			t.Fatalf("items %v", got)
		}
		res = h.do(req{method: "GET", path: "/api/v1/me/approvals", userID: bobID})
		if strings.TrimSpace(string(res.Body)) != "[]" {
			t.Fatalf("bob sees %s", res.Body)
		}
	})
	t.Run("my sessions and my machines", func(t *testing.T) {
		h, _, sess, _ := richSetup(t)
		res := h.do(req{method: "GET", path: "/api/v1/me/sessions", userID: aliceID})
		var list []map[string]any
		if err := jsonUnmarshal(res.Body, &list); err != nil || len(list) != 1 || list[0]["id"] != sess.ID || list[0]["root_id"] != sess.RootID || list[0]["machine_name"] != "laptop" {
			t.Fatalf("%s", res.Body)
		}
		h.command(aliceID, "", "/claude share laptop @bob")
		res = h.do(req{method: "GET", path: "/api/v1/me/machines", userID: bobID})
		if err := jsonUnmarshal(res.Body, &list); err != nil || len(list) != 1 || list[0]["name"] != "laptop" || list[0]["shared_by"] != "alice" || list[0]["online"] != true {
			t.Fatalf("%s", res.Body)
		}
	})
	t.Run("participants get a refresh when an approval appears or is decided", func(t *testing.T) {
		h, tok, sess, _ := richSetup(t)
		h.post(aliceID, sess.RootID, "!invite @bob")
		countFor := func(uid string) int {
			n := 0
			for _, e := range h.api.WebSocketEvents() {
				if e.Event == "refresh" && e.Payload["what"] == "approvals" && e.Broadcast.UserId == uid {
					n++
				}
			}
			return n
		}
		if countFor(bobID) != 1 {
			t.Fatal("an invited participant must refetch the requests they can now answer")
		}
		h.card(tok, sess.ID, editApproval("r1"))
		if countFor(aliceID) != 1 || countFor(bobID) != 2 || countFor(carolID) != 0 {
			t.Fatalf("after create: alice %d bob %d carol %d", countFor(aliceID), countFor(bobID), countFor(carolID))
		}
		h.do(req{method: "POST", path: "/api/v1/sessions/" + sess.ID + "/approvals/r1/decide", userID: bobID, body: map[string]any{"decision": "approve"}})
		if countFor(aliceID) != 2 || countFor(bobID) != 3 {
			t.Fatal("no refresh after the decision")
		}
	})
	t.Run("the owner gets a sessions refresh when a session starts or changes status", func(t *testing.T) {
		h, tok, sess, _ := richSetup(t)
		before := 0
		count := func() int {
			n := 0
			for _, e := range h.api.WebSocketEvents() {
				if e.Event == "refresh" && e.Payload["what"] == "sessions" && e.Broadcast.UserId == aliceID {
					n++
				}
			}
			return n
		}
		before = count()
		if before != 1 {
			t.Fatalf("%d refreshes after start", before)
		}
		h.output(tok, sess.ID, map[string]any{"kind": "status", "status": "working"})
		h.output(tok, sess.ID, map[string]any{"kind": "status", "status": "working", "cost_usd": 0.1})
		if count() != 2 {
			t.Fatalf("%d refreshes; want one more for the status change only", count())
		}
	})
	t.Run("every panel route needs a user", func(t *testing.T) {
		h := newHarness(t)
		for _, p := range []string{"machines", "sessions", "approvals"} {
			if res := h.do(req{method: "GET", path: "/api/v1/me/" + p}); res.Code != http.StatusUnauthorized {
				t.Errorf("%s: %d", p, res.Code)
			}
		}
	})
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
