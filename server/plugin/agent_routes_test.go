package plugin

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/claude-mattermost/claude-mattermost/server/agentapi"
	"github.com/claude-mattermost/claude-mattermost/server/cards"
	"github.com/claude-mattermost/claude-mattermost/server/sessions"
)

func TestPairing(t *testing.T) {
	tests := []struct {
		name string
		run  func(t *testing.T, h *harness)
	}{
		{"pairing returns a token, the machine and the user", func(t *testing.T, h *harness) {
			code := h.connectCode(aliceID)
			res := h.do(req{method: "POST", path: "/api/v1/pair", body: map[string]any{"code": code, "name": "laptop", "hostname": "l.local", "agent_version": "0.1.0"}})
			if res.Code != 200 {
				t.Fatalf("got %d %s", res.Code, res.Body)
			}
			body := res.JSON(t)
			token, _ := body["token"].(string)
			if !strings.HasPrefix(token, "cmt_") || len(token) != 4+43 {
				t.Errorf("token %q is not cmt_ + 43 base64url chars", token)
			}
			if u := body["user"].(map[string]any); u["id"] != aliceID || u["username"] != "alice" {
				t.Errorf("user = %v", u)
			}
			if m := body["machine"].(map[string]any); m["name"] != "laptop" || m["id"] == "" {
				t.Errorf("machine = %v", m)
			}
			if body["api_version"] != float64(1) || body["plugin_version"] != "0.1.0" {
				t.Errorf("versions = %v %v", body["api_version"], body["plugin_version"])
			}
			for _, k := range h.kv.Keys("") {
				v, _ := h.kv.Get(k)
				if strings.Contains(string(v), token) || strings.Contains(k, token) {
					t.Errorf("the token itself is stored under %s", k)
				}
			}
		}},
		{"pairing code single use", func(t *testing.T, h *harness) {
			code := h.connectCode(aliceID)
			first := h.do(req{method: "POST", path: "/api/v1/pair", body: map[string]any{"code": code, "name": "a"}})
			second := h.do(req{method: "POST", path: "/api/v1/pair", body: map[string]any{"code": code, "name": "b"}})
			if first.Code != 200 || second.Code != 401 {
				t.Fatalf("got %d then %d, want 200 then 401", first.Code, second.Code)
			}
			if got := second.Error(t); got != "pairing code is invalid or expired" {
				t.Errorf("error = %q", got)
			}
		}},
		{"expired code", func(t *testing.T, h *harness) {
			code := h.connectCode(aliceID)
			h.clock.Advance(10*time.Minute + time.Second)
			res := h.do(req{method: "POST", path: "/api/v1/pair", body: map[string]any{"code": code, "name": "a"}})
			if res.Code != 401 {
				t.Fatalf("got %d, want 401", res.Code)
			}
		}},
		{"code is case-insensitive and the dash optional", func(t *testing.T, h *harness) {
			code := strings.ToLower(strings.ReplaceAll(h.connectCode(aliceID), "-", ""))
			res := h.do(req{method: "POST", path: "/api/v1/pair", body: map[string]any{"code": code, "name": "a"}})
			if res.Code != 200 {
				t.Fatalf("got %d %s", res.Code, res.Body)
			}
		}},
		{"wrong code is 401", func(t *testing.T, h *harness) {
			res := h.do(req{method: "POST", path: "/api/v1/pair", body: map[string]any{"code": "AAAA-BBBB", "name": "a"}})
			if res.Code != 401 {
				t.Fatalf("got %d, want 401", res.Code)
			}
		}},
		{"missing code is 400", func(t *testing.T, h *harness) {
			res := h.do(req{method: "POST", path: "/api/v1/pair", body: map[string]any{"name": "a"}})
			if res.Code != 400 || !strings.Contains(res.Error(t), "code") {
				t.Fatalf("got %d %s", res.Code, res.Body)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, newHarness(t)) })
	}
}

func TestPairingIsRateLimited(t *testing.T) {
	wrong := func(h *harness, remote string) response {
		return h.do(req{method: "POST", path: "/api/v1/pair", remote: remote, body: map[string]any{"code": "AAAA-BBBB", "name": "x"}})
	}
	t.Run("after 10 wrong codes from one address the rest of the minute is 429, even for a right code", func(t *testing.T) {
		h := newHarness(t)
		for i := range agentapi.PairFailuresPerSource {
			if res := wrong(h, "203.0.113.7:4000"); res.Code != 401 {
				t.Fatalf("attempt %d: %d %s", i, res.Code, res.Body)
			}
		}
		res := wrong(h, "203.0.113.7:4001")
		if res.Code != 429 || !strings.Contains(res.Error(t), "too many failed pairing attempts from this address") {
			t.Fatalf("got %d %s", res.Code, res.Body)
		}
		retry, err := strconv.Atoi(res.Header.Get("Retry-After"))
		if err != nil || retry < 1 || retry > 60 {
			t.Fatalf("Retry-After = %q", res.Header.Get("Retry-After"))
		}
		code := h.connectCode(aliceID)
		if res := h.do(req{method: "POST", path: "/api/v1/pair", remote: "203.0.113.7:4002", body: map[string]any{"code": code, "name": "x"}}); res.Code != 429 {
			t.Fatalf("a right code from the limited address: %d %s", res.Code, res.Body)
		}
		if res := h.do(req{method: "POST", path: "/api/v1/pair", remote: "198.51.100.1:4000", body: map[string]any{"code": code, "name": "x"}}); res.Code != 200 {
			t.Fatalf("another address: %d %s", res.Code, res.Body)
		}
		h.clock.Advance(time.Duration(retry) * time.Second)
		if res := wrong(h, "203.0.113.7:4003"); res.Code != 401 {
			t.Fatalf("after Retry-After: %d %s", res.Code, res.Body)
		}
	})
	t.Run("the count is shared by every node", func(t *testing.T) {
		a := newHarness(t)
		b := a.node()
		for i := range agentapi.PairFailuresPerSource {
			n := a
			if i%2 == 1 {
				n = b
			}
			if res := wrong(n, "203.0.113.7:4000"); res.Code != 401 {
				t.Fatalf("attempt %d: %d", i, res.Code)
			}
		}
		if res := wrong(b, "203.0.113.7:4000"); res.Code != 429 {
			t.Fatalf("got %d", res.Code)
		}
	})
	t.Run("successful pairings do not count", func(t *testing.T) {
		h := newHarness(t)
		for i := range agentapi.PairFailuresPerSource + 2 {
			h.pair(aliceID, "m"+strconv.Itoa(i))
		}
	})
	t.Run("wrong codes from many addresses are limited on the whole server", func(t *testing.T) {
		h := newHarness(t)
		for i := range agentapi.PairFailuresOverall {
			if res := wrong(h, "[2001:db8::"+strconv.FormatInt(int64(i+1), 16)+"]:1"); res.Code != 401 {
				t.Fatalf("attempt %d: %d", i, res.Code)
			}
		}
		if res := wrong(h, "192.0.2.99:1"); res.Code != 429 || !strings.Contains(res.Error(t), "on this server") || res.Header.Get("Retry-After") == "" {
			t.Fatalf("got %d %s", res.Code, res.Body)
		}
	})
}

func TestAgentAuth(t *testing.T) {
	tests := []struct {
		name     string
		token    func(h *harness) string
		wantCode int
	}{
		{"valid token is accepted", func(h *harness) string { tok, _ := h.pair(aliceID, "laptop"); return tok }, 200},
		{"missing token gets 401", func(h *harness) string { return "" }, 401},
		{"unknown token gets 401", func(h *harness) string { return "cmt_" + strings.Repeat("A", 43) }, 401},
		{"revoked token gets 401", func(h *harness) string {
			tok, _ := h.pair(aliceID, "laptop")
			if res := h.do(req{method: "GET", path: "/api/v1/agent/hello?api_version=1", token: tok}); res.Code != 200 {
				h.t.Fatalf("before revoke: %d", res.Code)
			}
			out := h.app.Command.Execute(&model.CommandArgs{UserId: aliceID, Command: "/claude disconnect laptop"})
			if !strings.Contains(out.Text, "Disconnected") {
				h.t.Fatalf("disconnect said %q", out.Text)
			}
			return tok
		}, 401},
		{"another user cannot revoke my machine", func(h *harness) string {
			tok, _ := h.pair(aliceID, "laptop")
			h.app.Command.Execute(&model.CommandArgs{UserId: bobID, Command: "/claude disconnect laptop"})
			return tok
		}, 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			res := h.do(req{method: "GET", path: "/api/v1/agent/hello?api_version=1&agent_version=0.1.0", token: tc.token(h)})
			if res.Code != tc.wantCode {
				t.Fatalf("got %d %s, want %d", res.Code, res.Body, tc.wantCode)
			}
		})
	}
	t.Run("a deactivated user's token is 401 on every agent route, with no error logged", func(t *testing.T) {
		h := newHarness(t)
		tok, _ := h.pair(aliceID, "laptop")
		sess := h.startSession(aliceID, "@claude hi")
		h.api.DeactivateUser(aliceID)
		for _, r := range []req{
			{method: "GET", path: "/api/v1/agent/hello?api_version=1"},
			{method: "GET", path: "/api/v1/agent/events?after=0&wait=0"},
			{method: "POST", path: "/api/v1/agent/events/ack", body: map[string]any{"seq": 1}},
			{method: "POST", path: "/api/v1/agent/sessions/" + sess.ID + "/output", body: map[string]any{"kind": "notice", "text": "hi"}, idemKey: "k1"},
			{method: "POST", path: "/api/v1/agent/sessions/" + sess.ID + "/files?name=a.txt", body: "data", idemKey: "k2"},
			{method: "GET", path: "/api/v1/agent/files/" + strings.Repeat("a", 26)},
		} {
			r.token = tok
			res := h.do(r)
			if res.Code != 401 || res.Error(t) != "the Mattermost account of this machine is deactivated" {
				t.Errorf("%s %s: got %d %s", r.method, r.path, res.Code, res.Body)
			}
		}
		if lines := h.errorLogs(); len(lines) > 0 {
			t.Fatalf("error-level log lines: %+v", lines)
		}
	})
	t.Run("a token sent as Authorization: Bearer is accepted too", func(t *testing.T) {
		h := newHarness(t)
		tok, _ := h.pair(aliceID, "laptop")
		if res := h.do(req{method: "GET", path: "/api/v1/agent/hello?api_version=1", bearer: tok}); res.Code != 200 {
			t.Fatalf("got %d %s, want 200", res.Code, res.Body)
		}
	})
}

func TestHello(t *testing.T) {
	h := newHarness(t)
	tok, machineID := h.pair(aliceID, "laptop")
	t.Run("hello names the machine and user and marks it online", func(t *testing.T) {
		h.clock.Advance(time.Hour)
		res := h.do(req{method: "GET", path: "/api/v1/agent/hello?api_version=1&agent_version=0.2.0", token: tok})
		if res.Code != 200 {
			t.Fatalf("got %d %s", res.Code, res.Body)
		}
		body := res.JSON(t)
		if body["machine"].(map[string]any)["id"] != machineID || body["user"].(map[string]any)["username"] != "alice" {
			t.Errorf("body = %v", body)
		}
		m, _ := h.app.Machines.Get(machineID)
		if !m.Online(h.clock.Now()) || m.AgentVersion != "0.2.0" {
			t.Errorf("machine after hello: %+v", m)
		}
	})
	t.Run("unsupported api version is 426", func(t *testing.T) {
		res := h.do(req{method: "GET", path: "/api/v1/agent/hello?api_version=2", token: tok})
		if res.Code != http.StatusUpgradeRequired || res.JSON(t)["api_version"] != float64(1) {
			t.Fatalf("got %d %s", res.Code, res.Body)
		}
	})
	t.Run("missing api version is 400", func(t *testing.T) {
		if res := h.do(req{method: "GET", path: "/api/v1/agent/hello", token: tok}); res.Code != 400 {
			t.Fatalf("got %d", res.Code)
		}
	})
}

func TestInbox(t *testing.T) {
	t.Run("mention queues a start event with the prompt and thread", func(t *testing.T) {
		h := newHarness(t)
		tok, _ := h.pair(aliceID, "laptop")
		sess := h.startSession(aliceID, "@claude fix the flaky test in src/auth")
		events, cursor := h.events(tok, 0)
		if len(events) != 1 || cursor != events[0].Seq {
			t.Fatalf("events = %+v cursor %d", events, cursor)
		}
		e := events[0]
		if e.Type != "start" || e.SessionID != sess.ID || e.Payload["prompt"] != "fix the flaky test in src/auth" ||
			e.Payload["root_id"] != sess.RootID || e.Payload["channel_id"] != channelID || e.Payload["cwd"] != "" {
			t.Errorf("start event = %+v", e)
		}
		if u := e.Payload["user"].(map[string]any); u["id"] != aliceID || u["username"] != "alice" {
			t.Errorf("start user = %v", u)
		}
	})
	t.Run("events survive restart / ack deletes", func(t *testing.T) {
		h := newHarness(t)
		tok, _ := h.pair(aliceID, "laptop")
		sess := h.startSession(aliceID, "@claude one")
		h.post(aliceID, sess.RootID, "two")
		h.restart()
		events, cursor := h.events(tok, 0)
		if len(events) != 2 || events[0].Type != "start" || events[1].Type != "message" || cursor != events[1].Seq {
			t.Fatalf("after restart: %+v", events)
		}
		// An agent restarting from an older cursor gets unacked events again.
		if again, _ := h.events(tok, 0); len(again) != 2 {
			t.Fatalf("re-poll from 0 got %d events", len(again))
		}
		res := h.do(req{method: "POST", path: "/api/v1/agent/events/ack", token: tok, body: map[string]any{"seq": events[0].Seq}})
		if res.Code != 200 || res.JSON(t)["acked"] != float64(events[0].Seq) {
			t.Fatalf("ack: %d %s", res.Code, res.Body)
		}
		if left, _ := h.events(tok, 0); len(left) != 1 || left[0].Seq != events[1].Seq {
			t.Fatalf("after ack of first: %+v", left)
		}
		h.do(req{method: "POST", path: "/api/v1/agent/events/ack", token: tok, body: map[string]any{"seq": cursor}})
		if left, _ := h.events(tok, 0); len(left) != 0 {
			t.Fatalf("after ack of all: %+v", left)
		}
		for _, key := range h.kv.Keys("inbox/") {
			if v, _ := h.kv.Get(key); strings.Contains(string(v), "payload") {
				t.Errorf("acked event %s still holds its payload: %s", key, v)
			}
		}
		// New events continue the sequence.
		h.post(aliceID, sess.RootID, "three")
		if next, _ := h.events(tok, cursor); len(next) != 1 || next[0].Seq != cursor+1 {
			t.Fatalf("next: %+v", next)
		}
	})
	t.Run("machines have separate inboxes", func(t *testing.T) {
		h := newHarness(t)
		aliceTok, _ := h.pair(aliceID, "laptop")
		bobTok, _ := h.pair(bobID, "desk")
		h.startSession(aliceID, "@claude hi")
		if ev, _ := h.events(bobTok, 0); len(ev) != 0 {
			t.Fatalf("bob's machine got alice's events: %+v", ev)
		}
		if ev, _ := h.events(aliceTok, 0); len(ev) != 1 {
			t.Fatalf("alice's machine got %d events", len(ev))
		}
	})
	t.Run("bad query parameters are 400", func(t *testing.T) {
		h := newHarness(t)
		tok, _ := h.pair(aliceID, "laptop")
		for _, q := range []string{"after=-1", "after=x", "wait=-3", "wait=1.5"} {
			if res := h.do(req{method: "GET", path: "/api/v1/agent/events?" + q, token: tok}); res.Code != 400 {
				t.Errorf("%s: got %d", q, res.Code)
			}
		}
	})
	t.Run("ack needs a seq", func(t *testing.T) {
		h := newHarness(t)
		tok, _ := h.pair(aliceID, "laptop")
		for _, body := range []string{`{}`, `{"seq": "3"}`, `{"seq": -1}`, `{"seq": 100000}`} {
			if res := h.do(req{method: "POST", path: "/api/v1/agent/events/ack", token: tok, body: body}); res.Code != 400 {
				t.Errorf("%s: got %d", body, res.Code)
			}
		}
	})
}

func TestLongPoll(t *testing.T) {
	type result struct {
		events int
		took   time.Duration
	}
	poll := func(h *harness, tok string) <-chan result {
		done := make(chan result, 1)
		srv := httptest.NewServer(h.app.Router)
		go func() {
			defer srv.Close()
			start := time.Now()
			httpReq, _ := http.NewRequest("GET", srv.URL+"/api/v1/agent/events?after=0&wait=20", nil)
			httpReq.Header.Set(agentapi.TokenHeader, tok)
			resp, err := http.DefaultClient.Do(httpReq)
			if err != nil {
				done <- result{events: -1}
				return
			}
			defer resp.Body.Close()
			var out struct {
				Events []json.RawMessage `json:"events"`
			}
			_ = json.NewDecoder(resp.Body).Decode(&out)
			done <- result{events: len(out.Events), took: time.Since(start)}
		}()
		return done
	}
	wait := func(t *testing.T, c <-chan result) result {
		t.Helper()
		select {
		case r := <-c:
			return r
		case <-time.After(10 * time.Second):
			t.Fatal("long poll did not return")
			return result{}
		}
	}

	t.Run("long poll wakes on enqueue", func(t *testing.T) {
		h := newHarness(t) // re-check every minute: only the wake-up can end the wait early
		tok, _ := h.pair(aliceID, "laptop")
		c := poll(h, tok)
		time.Sleep(200 * time.Millisecond)
		h.startSession(aliceID, "@claude go")
		r := wait(t, c)
		if r.events != 1 || r.took > 5*time.Second {
			t.Fatalf("got %d events after %v", r.events, r.took)
		}
	})
	t.Run("long poll on another node wakes on the cluster event", func(t *testing.T) {
		a := newHarness(t)
		tok, _ := a.pair(aliceID, "laptop")
		b := a.node()
		c := poll(a, tok)
		time.Sleep(200 * time.Millisecond)
		b.startSession(aliceID, "@claude go")
		evs := b.api.ClusterEvents()
		if len(evs) == 0 {
			t.Fatal("enqueue published no cluster event")
		}
		for _, ev := range evs {
			a.app.HandleClusterEvent(ev)
		}
		if r := wait(t, c); r.events != 1 || r.took > 5*time.Second {
			t.Fatalf("got %d events after %v", r.events, r.took)
		}
	})
	t.Run("long poll on another node finds events by re-checking the store", func(t *testing.T) {
		a := newHarness(t)
		a.deps.InboxRecheck = 100 * time.Millisecond
		a.app = NewApp(a.deps)
		tok, _ := a.pair(aliceID, "laptop")
		b := a.node()
		c := poll(a, tok)
		time.Sleep(200 * time.Millisecond)
		b.startSession(aliceID, "@claude go") // cluster event never delivered
		if r := wait(t, c); r.events != 1 || r.took > 5*time.Second {
			t.Fatalf("got %d events after %v", r.events, r.took)
		}
	})
	t.Run("long poll returns empty after wait", func(t *testing.T) {
		h := newHarness(t)
		tok, _ := h.pair(aliceID, "laptop")
		start := time.Now()
		res := h.do(req{method: "GET", path: "/api/v1/agent/events?after=0&wait=1", token: tok})
		if res.Code != 200 || time.Since(start) < 900*time.Millisecond {
			t.Fatalf("got %d after %v", res.Code, time.Since(start))
		}
		body := res.JSON(t)
		if evs, ok := body["events"].([]any); !ok || len(evs) != 0 || body["cursor"] != float64(0) {
			t.Fatalf("body = %s", res.Body)
		}
	})
}

func TestOutputGuards(t *testing.T) {
	h := newHarness(t)
	aliceTok, _ := h.pair(aliceID, "laptop")
	aliceTok2, _ := h.pair(aliceID, "desktop")
	sess := h.startSession(aliceID, "@claude hi")
	statusBody := map[string]any{"kind": "status", "status": "working"}
	path := "/api/v1/agent/sessions/" + sess.ID + "/output"

	tests := []struct {
		name     string
		req      req
		wantCode int
		wantErr  string
	}{
		{"unknown session is 404", req{method: "POST", path: "/api/v1/agent/sessions/nope/output", token: aliceTok, body: statusBody, idemKey: "k1"}, 404, "unknown session"},
		{"another machine's session is 403", req{method: "POST", path: path, token: aliceTok2, body: statusBody, idemKey: "k2"}, 403, "another machine"},
		{"missing idempotency key is 400", req{method: "POST", path: path, token: aliceTok, body: statusBody}, 400, "Idempotency-Key"},
		{"malformed idempotency key is 400", req{method: "POST", path: path, token: aliceTok, body: statusBody, idemKey: "has space"}, 400, "Idempotency-Key"},
		{"oversized body is 400", req{method: "POST", path: path, token: aliceTok, idemKey: "k3",
			body: `{"kind":"text","message_id":"m","text":"` + strings.Repeat("a", 8<<20) + `"}`}, 400, "larger than"},
		{"wrong field type is 400 naming the field", req{method: "POST", path: path, token: aliceTok, idemKey: "k4",
			body: `{"kind":"text","message_id":"m","text":"x","done":"yes"}`}, 400, `"done"`},
		{"malformed JSON is 400", req{method: "POST", path: path, token: aliceTok, idemKey: "k5", body: `{"kind":`}, 400, "JSON"},
		{"unknown kind is 400", req{method: "POST", path: path, token: aliceTok, idemKey: "k6", body: map[string]any{"kind": "shout"}}, 400, "kind"},
		{"unknown status is 400", req{method: "POST", path: path, token: aliceTok, idemKey: "k7", body: map[string]any{"kind": "status", "status": "dancing"}}, 400, "status"},
		{"approval input must be an object", req{method: "POST", path: path, token: aliceTok, idemKey: "k8",
			body: map[string]any{"kind": "approval", "request_id": "r", "tool_name": "Bash", "input": "rm -rf /"}}, 400, "input"},
		{"text needs a message_id", req{method: "POST", path: path, token: aliceTok, idemKey: "k9", body: map[string]any{"kind": "text", "text": "x"}}, 400, "message_id"},
		{"unknown fields are ignored", req{method: "POST", path: path, token: aliceTok, idemKey: "k10", body: map[string]any{"kind": "status", "status": "working", "mood": "great"}}, 200, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			posts := len(h.api.Posts())
			res := h.do(tc.req)
			if res.Code != tc.wantCode {
				t.Fatalf("got %d %s, want %d", res.Code, res.Body, tc.wantCode)
			}
			if tc.wantErr != "" && !strings.Contains(res.Error(t), tc.wantErr) {
				t.Errorf("error %q does not mention %q", res.Error(t), tc.wantErr)
			}
			if tc.wantCode != 200 && len(h.api.Posts()) != posts {
				t.Error("a failed request made a post")
			}
		})
	}
}

func TestOutput(t *testing.T) {
	t.Run("status updates the session and its header card", func(t *testing.T) {
		h := newHarness(t)
		tok, _ := h.pair(aliceID, "laptop")
		sess := h.startSession(aliceID, "@claude hi")
		res := h.output(tok, sess.ID, map[string]any{"kind": "status", "status": "working", "model": "claude-sonnet-4-5", "cwd": "/src/app", "cost_usd": 0.25, "claude_session_id": "cs-1"})
		if res.Code != 200 || res.JSON(t)["ok"] != true {
			t.Fatalf("got %d %s", res.Code, res.Body)
		}
		header, _ := h.api.GetPost(sess.RootID)
		var props cards.SessionProps
		cards.ReadProp(header.GetProps(), cards.PropSession, &props)
		if props.Status != "working" || props.Model != "claude-sonnet-4-5" || props.Cwd != "/src/app" || props.CostUSD != 0.25 || props.ClaudeSessionID != "cs-1" {
			t.Errorf("header props = %+v", props)
		}
		if !strings.Contains(header.Message, "working") || !strings.Contains(header.Message, "`/src/app`") || !strings.Contains(header.Message, "> hi") {
			t.Errorf("header message = %q", header.Message)
		}
	})
	t.Run("idempotent retry makes no second post", func(t *testing.T) {
		h := newHarness(t)
		tok, _ := h.pair(aliceID, "laptop")
		sess := h.startSession(aliceID, "@claude hi")
		r := req{method: "POST", path: "/api/v1/agent/sessions/" + sess.ID + "/output", token: tok, idemKey: "same-key",
			body: map[string]any{"kind": "approval", "request_id": "r1", "tool_name": "Bash", "input": map[string]any{"command": "ls"}}}
		first := h.do(r)
		second := h.do(r)
		if first.Code != 200 || second.Code != 200 || string(first.Body) != string(second.Body) {
			t.Fatalf("first %d %s, second %d %s", first.Code, first.Body, second.Code, second.Body)
		}
		if second.Header.Get("Idempotent-Replayed") != "true" {
			t.Error("second response was not a replay")
		}
		if n := len(h.api.PostsOfType(string(cards.PostTypeApproval))); n != 1 {
			t.Fatalf("%d approval cards", n)
		}
	})
	t.Run("the same key for two sessions is two requests: both outputs land", func(t *testing.T) {
		h := newHarness(t)
		tok, _ := h.pair(aliceID, "laptop")
		one := h.startSession(aliceID, "@claude one")
		two := h.startSession(aliceID, "@claude two")
		for _, sess := range []*sessions.Session{one, two} {
			res := h.do(req{method: "POST", path: "/api/v1/agent/sessions/" + sess.ID + "/output", token: tok, idemKey: "same-key",
				body: map[string]any{"kind": "notice", "text": "note for " + sess.ID}})
			if res.Code != 200 || res.Header.Get("Idempotent-Replayed") != "" {
				t.Fatalf("%d %s replayed=%q", res.Code, res.Body, res.Header.Get("Idempotent-Replayed"))
			}
		}
		for _, sess := range []*sessions.Session{one, two} {
			if !contains(h.botReplies(sess.RootID), "note for "+sess.ID) {
				t.Errorf("the note for %s is missing: %q", sess.ID, h.botReplies(sess.RootID))
			}
		}
	})
	t.Run("the same key for two routes is two requests", func(t *testing.T) {
		h := newHarness(t)
		tok, _ := h.pair(aliceID, "laptop")
		sess := h.startSession(aliceID, "@claude hi")
		note := h.do(req{method: "POST", path: "/api/v1/agent/sessions/" + sess.ID + "/output", token: tok, idemKey: "same-key",
			body: map[string]any{"kind": "notice", "text": "a note"}})
		file := h.do(req{method: "POST", path: "/api/v1/agent/sessions/" + sess.ID + "/files?name=a.txt", token: tok, idemKey: "same-key", body: "data"})
		if note.Code != 200 || file.Code != 200 || file.JSON(t)["file_id"] == nil {
			t.Fatalf("note %d %s, file %d %s", note.Code, note.Body, file.Code, file.Body)
		}
	})
	t.Run("repeating a streaming text report makes no second post", func(t *testing.T) {
		h := newHarness(t)
		tok, _ := h.pair(aliceID, "laptop")
		sess := h.startSession(aliceID, "@claude hi")
		r := req{method: "POST", path: "/api/v1/agent/sessions/" + sess.ID + "/output", token: tok, idemKey: "text-key",
			body: map[string]any{"kind": "text", "message_id": "m1", "text": "Hel", "done": false}}
		first, second := h.do(r), h.do(r)
		if first.Code != 200 || string(first.Body) != string(second.Body) {
			t.Fatalf("first %s, second %s", first.Body, second.Body)
		}
		if n := len(h.api.PostsOfType(string(cards.PostTypeText))); n != 1 {
			t.Fatalf("%d text posts", n)
		}
	})
	t.Run("same request_id with a new key returns the existing card", func(t *testing.T) {
		h := newHarness(t)
		tok, _ := h.pair(aliceID, "laptop")
		sess := h.startSession(aliceID, "@claude hi")
		a := h.requestApproval(tok, sess, "r1")
		b := h.requestApproval(tok, sess, "r1")
		if a.Id != b.Id || len(h.api.PostsOfType(string(cards.PostTypeApproval))) != 1 {
			t.Fatalf("second request made another card")
		}
	})
	t.Run("approval card is the bot's reply in the thread with buttons and a readable fallback", func(t *testing.T) {
		h := newHarness(t)
		tok, _ := h.pair(aliceID, "laptop")
		sess := h.startSession(aliceID, "@claude hi")
		p := h.requestApproval(tok, sess, "r1")
		if p.UserId != botID || p.RootId != sess.RootID || p.ChannelId != channelID || p.Type != "custom_claude_approval" {
			t.Fatalf("card = %+v", p)
		}
		want := "**Claude wants to run a command** in `/src/app`\n_Run the tests_\n```bash\ngo test ./...\n```\n" +
			"⏳ **Waiting for @alice** to approve or deny it — with the buttons below (in the mobile apps too), or in the Claude Code panel of the web and desktop apps (the channel header button)."
		if p.Message != want {
			t.Errorf("message = %q, want %q", p.Message, want)
		}
		atts := p.Attachments()
		if len(atts) != 1 || len(atts[0].Actions) != 4 {
			t.Fatalf("attachments = %+v", atts)
		}
		for i, ids := range [][2]string{{"approve", "approve"}, {"approveall", "approve_all"}, {"deny", "deny"}, {"denyreason", "deny_reason"}} {
			act := atts[0].Actions[i]
			if act.Id != ids[0] || act.Integration.URL != "/plugins/claude-mattermost/api/v1/actions/approval" ||
				act.Integration.Context["action"] != ids[1] || act.Integration.Context["session_id"] != sess.ID || act.Integration.Context["request_id"] != "r1" {
				t.Errorf("action %d = %+v %+v", i, act, act.Integration)
			}
		}
		var props cards.ApprovalProps
		cards.ReadProp(p.GetProps(), cards.PropApproval, &props)
		if props.Status != "pending" || props.ToolName != "Bash" || props.SessionID != sess.ID || props.Cwd != "/src/app" {
			t.Errorf("props = %+v", props)
		}
	})
}

func TestTextStreaming(t *testing.T) {
	setup := func(t *testing.T) (*harness, string, string, string) {
		h := newHarness(t)
		tok, _ := h.pair(aliceID, "laptop")
		sess := h.startSession(aliceID, "@claude hi")
		return h, tok, sess.ID, sess.RootID
	}
	text := func(h *harness, tok, sessID, msg, s string, done bool) string {
		h.t.Helper()
		res := h.output(tok, sessID, map[string]any{"kind": "text", "message_id": msg, "text": s, "done": done})
		if res.Code != 200 {
			h.t.Fatalf("text: %d %s", res.Code, res.Body)
		}
		id, _ := res.JSON(h.t)["post_id"].(string)
		return id
	}

	t.Run("first report makes a bot reply in the thread", func(t *testing.T) {
		h, tok, sessID, rootID := setup(t)
		id := text(h, tok, sessID, "m1", "Hello there", false)
		p, _ := h.api.GetPost(id)
		// The word still being typed waits for the next report (a secret is
		// only recognised once whole).
		if p.UserId != botID || p.RootId != rootID || p.Type != "custom_claude_text" || p.Message != "Hello " {
			t.Fatalf("post = %+v", p)
		}
		var props cards.TextProps
		cards.ReadProp(p.GetProps(), cards.PropText, &props)
		if props.SessionID != sessID || props.MessageID != "m1" || props.Done {
			t.Errorf("props = %+v", props)
		}
	})
	t.Run("later reports reach viewers every time but the database at most every 2 s", func(t *testing.T) {
		h, tok, sessID, _ := setup(t)
		id := text(h, tok, sessID, "m1", "One ", false)
		for i, s := range []string{"One two ", "One two three ", "One two three four "} {
			h.clock.Advance(500 * time.Millisecond)
			if got := text(h, tok, sessID, "m1", s, false); got != id {
				t.Fatalf("report %d went to post %s, not %s", i, got, id)
			}
		}
		if n := h.api.UpdateCount(id); n != 0 {
			t.Fatalf("%d database writes within 2 s", n)
		}
		var texts []string
		for _, e := range h.api.WebSocketEvents() {
			if e.Event == "refresh" {
				continue // the right-hand panel's lists
			}
			if e.Event != "text" || e.Broadcast.ChannelId != channelID || e.Payload["post_id"] != id {
				t.Fatalf("event = %+v", e)
			}
			texts = append(texts, e.Payload["text"].(string))
		}
		if strings.Join(texts, ",") != "One ,One two ,One two three ,One two three four " {
			t.Fatalf("websocket texts = %v", texts)
		}
		h.clock.Advance(600 * time.Millisecond) // 2.1 s after the first write
		text(h, tok, sessID, "m1", "One two three four fi", false)
		if n := h.api.UpdateCount(id); n != 1 {
			t.Fatalf("%d database writes after 2 s, want 1", n)
		}
		text(h, tok, sessID, "m1", "One two three four five", true)
		p, _ := h.api.GetPost(id)
		if n := h.api.UpdateCount(id); n != 2 || p.Message != "One two three four five" {
			t.Fatalf("after done: %d writes, message %q", n, p.Message)
		}
	})
	t.Run("done is always written", func(t *testing.T) {
		h, tok, sessID, _ := setup(t)
		id := text(h, tok, sessID, "m1", "Hi", false)
		text(h, tok, sessID, "m1", "Hi there", true)
		p, _ := h.api.GetPost(id)
		var props cards.TextProps
		cards.ReadProp(p.GetProps(), cards.PropText, &props)
		if p.Message != "Hi there" || !props.Done {
			t.Fatalf("post = %q done=%v", p.Message, props.Done)
		}
	})
	t.Run("messages get their own posts", func(t *testing.T) {
		h, tok, sessID, _ := setup(t)
		a := text(h, tok, sessID, "m1", "one", true)
		b := text(h, tok, sessID, "m2", "two", true)
		if a == b || len(h.api.PostsOfType("custom_claude_text")) != 2 {
			t.Fatal("two messages share a post")
		}
	})
	t.Run("throttled text is flushed after a pause", func(t *testing.T) {
		h := newHarness(t)
		h.deps.FlushAfter = 50 * time.Millisecond
		h.app = NewApp(h.deps)
		tok, _ := h.pair(aliceID, "laptop")
		sess := h.startSession(aliceID, "@claude hi")
		id := text(h, tok, sess.ID, "m1", "a ", false)
		text(h, tok, sess.ID, "m1", "a b ", false)
		deadline := time.Now().Add(5 * time.Second)
		for {
			p, _ := h.api.GetPost(id)
			if p.Message == "a b " {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("post still says %q", p.Message)
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
	t.Run("long final text never fails to post", func(t *testing.T) {
		h, tok, sessID, rootID := setup(t)
		var b strings.Builder
		b.WriteString("Here is the file:\n```go\n")
		for i := 0; b.Len() < 60_000; i++ {
			b.WriteString("fmt.Println(\"line " + itoa(int64(i)) + "\")\n")
		}
		b.WriteString("```\nDone.")
		first := text(h, tok, sessID, "m1", b.String()[:100], false)
		last := text(h, tok, sessID, "m1", b.String(), true)
		if first != last {
			t.Errorf("post_id changed from %s to %s", first, last)
		}
		posts := h.api.PostsOfType("custom_claude_text")
		if len(posts) < 4 {
			t.Fatalf("%d posts for 60k characters", len(posts))
		}
		for i, p := range posts {
			if p.RootId != rootID || strings.Count(p.Message, "```")%2 != 0 {
				t.Errorf("post %d: root %s, unbalanced fences", i, p.RootId)
			}
		}
		if !strings.HasSuffix(posts[len(posts)-1].Message, "Done.") {
			t.Error("last post does not end the text")
		}
	})
}

func TestOutputBodyLimitLeavesNoTrace(t *testing.T) {
	h := newHarness(t)
	tok, _ := h.pair(aliceID, "laptop")
	sess := h.startSession(aliceID, "@claude hi")
	before := len(h.kv.Keys("idem/"))
	body := `{"kind":"status","status":"working","error":"` + strings.Repeat("x", 2<<20) + `"}`
	res := h.do(req{method: "POST", path: "/api/v1/agent/sessions/" + sess.ID + "/output", token: tok, idemKey: "big", body: body})
	if res.Code != 400 || len(h.kv.Keys("idem/")) != before {
		t.Fatalf("got %d; idempotency records %d -> %d", res.Code, before, len(h.kv.Keys("idem/")))
	}
}
