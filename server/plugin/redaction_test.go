package plugin

import (
	"strings"
	"testing"
	"time"
)

// leaky holds secrets in the formats that leaked before: the AWS
// credentials file (spaces around '='), a Stripe key, a Google API key,
// an X-Api-Key header and a bare npm token.
const leaky = "Here is the file:\n[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n" +
	"aws_secret_access_key = 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\n" +
	"Stripe: sk_live_wR4y9ojfljoQoaF1LlqsajAI and Maps: AIzaWtGSU8po_799NksnRH9ucAUsdMlHUvTCQCy\n" +
	"curl -H \"X-Api-Key: 0123abcd4567efgh\" https://api.example.com\n" +
	"npm publish with npm_Z8UzDzV8fUkkibjL5DZPjN0MEQ7wjJJibaZU done.\n"

// leakProbes are pieces of the secrets in leaky: none may ever be stored.
var leakProbes = []string{"IOSFODNN", "PtYgjmUh", "wR4y9ojf", "WtGSU8po", "0123abcd", "Z8UzDzV8"}

// TestNoSecretIsEverStored: with redaction on, no piece of a secret
// reaches a post (any version of it: Mattermost keeps edit history), a
// file name or the KV store, on any path an agent's output takes —
// streamed text at every checkpoint included.
func TestNoSecretIsEverStored(t *testing.T) {
	h := newHarness(t)
	tok, _ := h.pair(aliceID, "laptop")
	sess := h.startSession(aliceID, "@claude hi")
	ok := func(res response) {
		t.Helper()
		if res.Code != 200 {
			t.Fatalf("%d %s", res.Code, res.Body)
		}
	}
	// Streamed a few characters at a time, every report written.
	for i := 1; i < len(leaky); i += 3 {
		h.clock.Advance(3 * time.Second)
		ok(h.output(tok, sess.ID, map[string]any{"kind": "text", "message_id": "m1", "text": leaky[:i], "done": false}))
	}
	ok(h.output(tok, sess.ID, map[string]any{"kind": "text", "message_id": "m1", "text": leaky, "done": true}))
	ok(h.output(tok, sess.ID, map[string]any{"kind": "notice", "text": leaky}))
	ok(h.output(tok, sess.ID, map[string]any{"kind": "status", "status": "error", "error": leaky}))
	ok(h.output(tok, sess.ID, map[string]any{"kind": "approval", "request_id": "r1", "tool_name": "Bash",
		"input":       map[string]any{"command": "cat ~/.aws/credentials && echo '" + leaky + "'", "env": map[string]any{"STRIPE": "sk_live_wR4y9ojfljoQoaF1LlqsajAI"}},
		"description": leaky, "cwd": "/src"}))
	ok(h.output(tok, sess.ID, map[string]any{"kind": "approval", "request_id": "r2", "tool_name": "Write",
		"input":   map[string]any{"file_path": "/src/.env", "content": leaky},
		"preview": map[string]any{"kind": "new_file", "file_path": "/src/.env", "content": leaky, "language": "", "lines": 6}}))
	ok(h.output(tok, sess.ID, map[string]any{"kind": "approval", "request_id": "r3", "tool_name": "ExitPlanMode",
		"input": map[string]any{"plan": "1. Use the key\n" + leaky}}))
	ok(h.output(tok, sess.ID, map[string]any{"kind": "tool_output", "tool_use_id": "t1", "tool_name": "Bash",
		"summary": "cat ~/.aws/credentials", "output": leaky}))
	ok(h.output(tok, sess.ID, map[string]any{"kind": "diff", "tool_use_id": "t2", "file_path": "/src/.env",
		"diff": "--- a/.env\n+++ b/.env\n@@ -0,0 +1 @@\n+" + strings.ReplaceAll(leaky, "\n", "\n+"), "language": "", "added": 6, "removed": 0}))
	ok(h.output(tok, sess.ID, map[string]any{"kind": "todo", "todos": []map[string]any{
		{"content": "Rotate sk_live_wR4y9ojfljoQoaF1LlqsajAI", "status": "in_progress", "activeForm": "Rotating npm_Z8UzDzV8fUkkibjL5DZPjN0MEQ7wjJJibaZU"}}}))
	ok(h.do(req{method: "POST", path: "/api/v1/agent/sessions/" + sess.ID + "/files?name=npm_Z8UzDzV8fUkkibjL5DZPjN0MEQ7wjJJibaZU.txt", token: tok, body: "x", idemKey: nextKey()}))
	ok(h.output(tok, sess.ID, map[string]any{"kind": "question", "request_id": "q1", "questions": []map[string]any{
		{"question": "Which key, sk_live_wR4y9ojfljoQoaF1LlqsajAI or the test one?", "header": "Key", "multiSelect": false,
			"options": []map[string]any{{"label": "live", "description": "AIzaWtGSU8po_799NksnRH9ucAUsdMlHUvTCQCy"}, {"label": "test", "description": ""}}}}}))

	for _, w := range h.api.Written() {
		for _, p := range leakProbes {
			if strings.Contains(w, p) {
				t.Errorf("a post or file name held %q:\n%s", p, w)
			}
		}
	}
	for _, k := range h.kv.Keys("") {
		if strings.HasPrefix(k, "question/") {
			continue // Claude's own question, kept as written for the answer's keys (README)
		}
		v, _ := h.kv.Get(k)
		for _, p := range leakProbes {
			if strings.Contains(string(v), p) {
				t.Errorf("KV %s holds %q: %s", k, p, v)
			}
		}
	}
	// And the redacted texts did reach the thread.
	var seen bool
	for _, w := range h.api.Written() {
		if strings.Contains(w, "aws_secret_access_key = [redacted]") {
			seen = true
		}
	}
	if !seen {
		t.Fatal("no post shows the redacted credentials")
	}
}
