package plugin

import (
	"strings"
	"testing"
)

// Every new user route refuses what it cannot use, and changes nothing.
func TestTeamRoutesFailClosed(t *testing.T) {
	long := strings.Repeat("x", 65)
	huge := `{"decision": "allow", "pad": "` + strings.Repeat("x", 1<<20) + `"}`
	tests := []struct {
		name     string
		method   string
		path     string
		user     string
		body     any
		wantCode int
		wantText string // in the error or ephemeral_text
	}{
		{"guest button without a user is 401", "POST", "/api/v1/actions/guest", "", map[string]any{}, 401, "not logged in"},
		{"guest button without context is 400", "POST", "/api/v1/actions/guest", aliceID, map[string]any{"post_id": "p"}, 400, "context.action"},
		{"guest button with an unknown action is 400", "POST", "/api/v1/actions/guest", aliceID, map[string]any{"post_id": "p", "context": map[string]any{"action": "approve", "session_id": "s", "request_id": "r"}}, 400, "allow, invite or deny"},
		{"guest button with a too long id is 400", "POST", "/api/v1/actions/guest", aliceID, map[string]any{"post_id": "p", "context": map[string]any{"action": "allow", "session_id": long, "request_id": "r"}}, 400, ""},
		{"guest button on an unknown post is refused", "POST", "/api/v1/actions/guest", aliceID, map[string]any{"post_id": "nope", "context": map[string]any{"action": "allow", "session_id": "s", "request_id": "r"}}, 200, "does not belong"},
		{"session button with an unknown action is 400", "POST", "/api/v1/actions/session", aliceID, map[string]any{"post_id": "p", "context": map[string]any{"action": "explode", "session_id": "s"}}, 400, "interrupt or stop"},
		{"session button for an unknown session is refused", "POST", "/api/v1/actions/session", aliceID, map[string]any{"post_id": "p", "context": map[string]any{"action": "stop", "session_id": "s"}}, 200, "no longer exists"},
		{"offer button without an offer id is 400", "POST", "/api/v1/actions/context_offer", aliceID, map[string]any{"post_id": "p", "context": map[string]any{"action": "include"}}, 400, "offer_id"},
		{"guest decide with an oversized body is 400", "POST", "/api/v1/sessions/s/guests/r/decide", aliceID, huge, 400, "larger than"},
		{"guest decide with a too long id is 400", "POST", "/api/v1/sessions/" + long + "/guests/r/decide", aliceID, map[string]any{"decision": "allow"}, 400, ""},
		{"guest decide for an unknown session is 404", "POST", "/api/v1/sessions/s/guests/r/decide", aliceID, map[string]any{"decision": "allow"}, 404, "unknown session"},
		{"interrupt with GET is not a route", "GET", "/api/v1/sessions/s/interrupt", aliceID, nil, 404, ""},
		{"stop with a too long id is 400", "POST", "/api/v1/sessions/" + long + "/stop", aliceID, nil, 400, ""},
		{"approval decide with a too long id is 400", "POST", "/api/v1/sessions/s/approvals/" + long + "/decide", aliceID, map[string]any{"decision": "approve"}, 400, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			h.pair(aliceID, "laptop")
			before := len(h.api.Posts())
			res := h.do(req{method: tc.method, path: tc.path, userID: tc.user, body: tc.body})
			if res.Code != tc.wantCode {
				t.Fatalf("%d %s", res.Code, res.Body)
			}
			if tc.wantText != "" && !strings.Contains(string(res.Body), tc.wantText) {
				t.Fatalf("body %s does not say %q", res.Body, tc.wantText)
			}
			if n := len(h.api.Posts()); n != before {
				t.Fatalf("%d posts made", n-before)
			}
		})
	}
}
