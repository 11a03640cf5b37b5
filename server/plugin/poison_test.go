package plugin

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/claude-mattermost/claude-mattermost/server/safetext"
)

// Bad characters as they come in a JSON body: the \u0000 escape (what
// JSON.stringify makes of a NUL) and raw invalid UTF-8.
var poisons = []struct{ name, inJSON string }{
	{"NUL", `\u0000`},
	{"invalid UTF-8", "\xff\xfe"},
}

// poisonBodies are output reports of every kind with a bad character (%s,
// already JSON-escaped) in each of their strings.
var poisonBodies = []struct{ kind, body string }{
	{"text", `{"kind":"text","message_id":"m1","text":"hello %[1]s world","done":true}`},
	{"streamed text", `{"kind":"text","message_id":"m2","text":"hello %[1]s world","done":false}`},
	{"notice", `{"kind":"notice","text":"note %[1]s here"}`},
	{"status", `{"kind":"status","status":"error","error":"failed %[1]s","cwd":"/src/%[1]s","model":"m%[1]s","branch":"b%[1]s"}`},
	{"approval tool name", `{"kind":"approval","request_id":"r1","tool_name":"Ba%[1]ssh","input":{"command":"ls"}}`},
	{"approval input", `{"kind":"approval","request_id":"r2","tool_name":"Bash","input":{"command":"printf '%[1]s'","k%[1]s":["x%[1]s",{"y%[1]s":"z%[1]s"}]},"description":"d%[1]s","cwd":"/c%[1]s"}`},
	{"approval preview", `{"kind":"approval","request_id":"r3","tool_name":"Edit","input":{"file_path":"/a%[1]s"},"preview":{"kind":"diff","file_path":"/a%[1]s","diff":"+x%[1]s\n","language":"go","added":1,"removed":0}}`},
	{"plan", `{"kind":"approval","request_id":"r4","tool_name":"ExitPlanMode","input":{"plan":"1. do %[1]s"}}`},
	{"question", `{"kind":"question","request_id":"q1","questions":[{"question":"Which %[1]s?","header":"H%[1]s","multiSelect":false,"options":[{"label":"A%[1]s","description":"d%[1]s"},{"label":"B","description":""}]}]}`},
	{"todo", `{"kind":"todo","todos":[{"content":"do %[1]s","status":"in_progress","activeForm":"doing %[1]s"}]}`},
	{"diff", `{"kind":"diff","tool_use_id":"tu1","file_path":"/src/a%[1]s.go","diff":"--- a/a.go\n+++ b/a.go\n-x\n+y%[1]s\n","language":"go","added":1,"removed":1}`},
	{"tool output", `{"kind":"tool_output","tool_use_id":"tu2","tool_name":"Ba%[1]ssh","summary":"cat %[1]s","output":"bin %[1]s ary\nline 2","is_error":false}`},
}

// TestPoisonOutputsAreStoredSafely: PostgreSQL refuses a NUL in text and
// in jsonb, and invalid UTF-8 anywhere (the fake API and KV store refuse
// them as it does); every output kind with one of them is stored and
// posted with U+FFFD in its place, never answered 500.
func TestPoisonOutputsAreStoredSafely(t *testing.T) {
	for _, p := range poisons {
		for _, b := range poisonBodies {
			t.Run(p.name+" in "+b.kind, func(t *testing.T) {
				h := newHarness(t)
				tok, _ := h.pair(aliceID, "laptop")
				sess := h.startSession(aliceID, "@claude hi")
				before := len(h.api.Posts())
				res := h.output(tok, sess.ID, []byte(fmt.Sprintf(b.body, p.inJSON)))
				if res.Code != 200 {
					t.Fatalf("got %d %s", res.Code, res.Body)
				}
				h.app.Close() // writes streamed text still throttled
				replaced := false
				for _, post := range h.api.Posts() {
					props, _ := json.Marshal(post.GetProps())
					if strings.Contains(post.Message, safetext.Replacement) || bytes.Contains(props, []byte(safetext.Replacement)) {
						replaced = true
					}
				}
				if !replaced || len(h.api.Posts()) == before && b.kind != "status" {
					t.Fatalf("no post shows U+FFFD where the bad character was: %d posts", len(h.api.Posts())-before)
				}
				h.checkStoredValuesAreSafe()
				if lines := h.errorLogs(); len(lines) > 0 {
					t.Fatalf("error log lines: %+v", lines)
				}
			})
		}
	}
	for _, p := range []struct{ name, query string }{{"NUL", "a%00b.txt"}, {"invalid UTF-8", "a%FFb.txt"}} {
		t.Run(p.name+" in an upload's name", func(t *testing.T) {
			h := newHarness(t)
			tok, _ := h.pair(aliceID, "laptop")
			sess := h.startSession(aliceID, "@claude hi")
			res := h.do(req{method: "POST", path: "/api/v1/agent/sessions/" + sess.ID + "/files?name=" + p.query, token: tok, body: "data", idemKey: nextKey()})
			if res.Code != 200 {
				t.Fatalf("got %d %s", res.Code, res.Body)
			}
			posts := h.api.Posts()
			if last := posts[len(posts)-1]; !strings.Contains(last.Message, "a"+safetext.Replacement+"b.txt") {
				t.Fatalf("post %q", last.Message)
			}
		})
	}
}

// TestPoisonFromPeopleIsStoredSafely: what people send through the user
// routes (a deny reason, an answer) is made safe the same way.
func TestPoisonFromPeopleIsStoredSafely(t *testing.T) {
	for _, p := range poisons {
		t.Run(p.name, func(t *testing.T) {
			h := newHarness(t)
			tok, _ := h.pair(aliceID, "laptop")
			sess := h.startSession(aliceID, "@claude hi")
			h.requestApproval(tok, sess, "r1")
			h.output(tok, sess.ID, []byte(`{"kind":"question","request_id":"q1","questions":[{"question":"Why?","header":"","multiSelect":false,"options":[]}]}`))
			for _, r := range []req{
				{method: "POST", path: "/api/v1/sessions/" + sess.ID + "/approvals/r1/decide", userID: aliceID, body: []byte(`{"decision":"deny","reason":"no ` + p.inJSON + ` way"}`)},
				{method: "POST", path: "/api/v1/sessions/" + sess.ID + "/questions/q1/answer", userID: aliceID, body: []byte(`{"answers":{"Why?":"because ` + p.inJSON + `"}}`)},
			} {
				if res := h.do(r); res.Code != 200 {
					t.Fatalf("%s: %d %s", r.path, res.Code, res.Body)
				}
			}
			h.checkStoredValuesAreSafe()
			if lines := h.errorLogs(); len(lines) > 0 {
				t.Fatalf("error log lines: %+v", lines)
			}
		})
	}
}

// checkStoredValuesAreSafe fails when a KV value holds a string that is
// not safe (a raw NUL, a \u0000 escape or invalid UTF-8).
func (h *harness) checkStoredValuesAreSafe() {
	h.t.Helper()
	for _, k := range h.kv.Keys("") {
		v, _ := h.kv.Get(k)
		if !utf8.Valid(v) || bytes.IndexByte(v, 0) >= 0 || !bytes.Equal(safetext.JSON(v), v) {
			h.t.Errorf("stored value of %s is not safe: %q", k, v)
		}
	}
}

// TestHugeOutputsAreRefusedOrCut: a 200 000-character line in every text
// field, and a 1 MiB tool input, are answered 200 (cut with a note) or 400
// (the agent drops them), never 5xx.
func TestHugeOutputsAreRefusedOrCut(t *testing.T) {
	line := strings.Repeat("x", 200_000)
	mib := strings.Repeat("y", 1<<20)
	for _, b := range poisonBodies {
		t.Run("a 200 000-character line in "+b.kind, func(t *testing.T) {
			h := newHarness(t)
			tok, _ := h.pair(aliceID, "laptop")
			sess := h.startSession(aliceID, "@claude hi")
			res := h.output(tok, sess.ID, []byte(fmt.Sprintf(b.body, line)))
			if res.Code != 200 && res.Code != 400 {
				t.Fatalf("got %d %s", res.Code, res.Body)
			}
			h.app.Close()
			if lines := h.errorLogs(); len(lines) > 0 {
				t.Fatalf("error log lines: %+v", lines)
			}
		})
	}
	t.Run("a text that is one 200 000-character line is posted in pieces", func(t *testing.T) {
		h := newHarness(t)
		tok, _ := h.pair(aliceID, "laptop")
		sess := h.startSession(aliceID, "@claude hi")
		for _, done := range []bool{false, true} {
			if res := h.output(tok, sess.ID, map[string]any{"kind": "text", "message_id": "m1", "text": line, "done": done}); res.Code != 200 {
				t.Fatalf("done=%v: %d %s", done, res.Code, res.Body)
			}
		}
		var total int
		for _, p := range h.api.PostsOfType("custom_claude_text") {
			total += utf8.RuneCountInString(p.Message)
		}
		if total < 200_000 {
			t.Fatalf("the posts hold %d characters", total)
		}
	})
	t.Run("the largest todo list is posted or refused, never 5xx", func(t *testing.T) {
		h := newHarness(t)
		tok, _ := h.pair(aliceID, "laptop")
		sess := h.startSession(aliceID, "@claude hi")
		todos := make([]map[string]any, 200)
		for i := range todos {
			todos[i] = map[string]any{"content": strings.Repeat("c", 2000), "status": "pending", "activeForm": strings.Repeat("a", 2000)}
		}
		if res := h.output(tok, sess.ID, map[string]any{"kind": "todo", "todos": todos}); res.Code != 200 && res.Code != 400 {
			t.Fatalf("got %d %s", res.Code, res.Body)
		}
		if lines := h.errorLogs(); len(lines) > 0 {
			t.Fatalf("error log lines: %+v", lines)
		}
	})
	t.Run("a 1 MiB tool input is 400", func(t *testing.T) {
		h := newHarness(t)
		tok, _ := h.pair(aliceID, "laptop")
		sess := h.startSession(aliceID, "@claude hi")
		res := h.output(tok, sess.ID, map[string]any{"kind": "approval", "request_id": "r1", "tool_name": "Write",
			"input": map[string]any{"file_path": "/a", "content": mib}})
		if res.Code != 400 || !strings.Contains(res.Error(t), "too large") {
			t.Fatalf("got %d %s", res.Code, res.Body)
		}
	})
	t.Run("a 1 MiB tool output is cut with a note, or 400", func(t *testing.T) {
		h := newHarness(t)
		tok, _ := h.pair(aliceID, "laptop")
		sess := h.startSession(aliceID, "@claude hi")
		res := h.output(tok, sess.ID, map[string]any{"kind": "tool_output", "tool_use_id": "t1", "tool_name": "Bash", "output": mib})
		if res.Code != 400 {
			t.Fatalf("got %d %s", res.Code, res.Body)
		}
	})
}

// TestBadIdsAreRefused: an id with a NUL or invalid UTF-8 (in a path, a
// button's context, a dialog's state or an output) can be no key: every
// route refuses it (4xx, or a button's ephemeral refusal), never 5xx.
func TestBadIdsAreRefused(t *testing.T) {
	for _, bad := range []struct{ name, path, json string }{{"NUL", "a%00b", `a\u0000b`}, {"invalid UTF-8", "a%FFb", "a\xffb"}} {
		t.Run(bad.name, func(t *testing.T) {
			h := newHarness(t)
			tok, _ := h.pair(aliceID, "laptop")
			sess := h.startSession(aliceID, "@claude hi")
			id := bad.path
			ctx := func(kv string) []byte {
				return []byte(fmt.Sprintf(`{"post_id":"%s","trigger_id":"t","context":{%s}}`, bad.json, strings.ReplaceAll(kv, "BAD", bad.json)))
			}
			for _, r := range []req{
				{method: "POST", path: "/api/v1/agent/sessions/" + id + "/output", token: tok, idemKey: "k", body: map[string]any{"kind": "notice", "text": "x"}},
				{method: "POST", path: "/api/v1/agent/sessions/" + id + "/files?name=a", token: tok, idemKey: "k", body: "x"},
				{method: "GET", path: "/api/v1/agent/files/" + id, token: tok},
				{method: "POST", path: "/api/v1/agent/sessions/" + sess.ID + "/output", token: tok, idemKey: "k1", body: []byte(`{"kind":"text","message_id":"` + bad.json + `","text":"x"}`)},
				{method: "POST", path: "/api/v1/agent/sessions/" + sess.ID + "/output", token: tok, idemKey: "k2", body: []byte(`{"kind":"approval","request_id":"` + bad.json + `","tool_name":"Bash","input":{}}`)},
				{method: "POST", path: "/api/v1/agent/sessions/" + sess.ID + "/output", token: tok, idemKey: "k3", body: []byte(`{"kind":"tool_output","tool_use_id":"` + bad.json + `","tool_name":"Bash","output":"x"}`)},
				{method: "POST", path: "/api/v1/sessions/" + id + "/approvals/r/decide", userID: aliceID, body: map[string]any{"decision": "approve"}},
				{method: "POST", path: "/api/v1/sessions/" + sess.ID + "/approvals/" + id + "/decide", userID: aliceID, body: map[string]any{"decision": "approve"}},
				{method: "POST", path: "/api/v1/sessions/" + sess.ID + "/guests/" + id + "/decide", userID: aliceID, body: map[string]any{"decision": "allow"}},
				{method: "POST", path: "/api/v1/sessions/" + sess.ID + "/questions/" + id + "/answer", userID: aliceID, body: map[string]any{"answers": map[string]any{"q": "a"}}},
				{method: "POST", path: "/api/v1/sessions/" + id + "/stop", userID: aliceID},
				{method: "POST", path: "/api/v1/sessions/" + id + "/interrupt", userID: aliceID},
				{method: "GET", path: "/api/v1/sessions/" + sess.ID + "/outputs/" + id, userID: aliceID},
				{method: "POST", path: "/api/v1/actions/approval", userID: aliceID, body: ctx(`"action":"approve","session_id":"BAD","request_id":"BAD"`)},
				{method: "POST", path: "/api/v1/actions/guest", userID: aliceID, body: ctx(`"action":"allow","session_id":"BAD","request_id":"BAD"`)},
				{method: "POST", path: "/api/v1/actions/session", userID: aliceID, body: ctx(`"action":"stop","session_id":"BAD"`)},
				{method: "POST", path: "/api/v1/actions/question", userID: aliceID, body: ctx(`"action":"opt_0","session_id":"BAD","request_id":"BAD"`)},
				{method: "POST", path: "/api/v1/actions/context_offer", userID: aliceID, body: ctx(`"action":"include","offer_id":"BAD"`)},
				{method: "POST", path: "/api/v1/dialogs/deny", userID: aliceID, body: []byte(`{"state":"` + bad.json + `:` + bad.json + `","submission":{"reason":"no"}}`)},
				{method: "POST", path: "/api/v1/dialogs/answer", userID: aliceID, body: []byte(`{"state":"` + sess.ID + `:` + bad.json + `","submission":{"q0":"a"}}`)},
			} {
				res := h.do(r)
				if res.Code >= 500 || res.Code == 200 && !strings.Contains(string(res.Body), "ephemeral_text") && !strings.Contains(string(res.Body), `"error"`) {
					t.Errorf("%s %s: %d %s", r.method, r.path, res.Code, res.Body)
				}
			}
			if lines := h.errorLogs(); len(lines) > 0 {
				t.Fatalf("error log lines: %+v", lines)
			}
		})
	}
}
