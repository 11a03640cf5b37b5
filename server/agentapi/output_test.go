package agentapi

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/claude-mattermost/claude-mattermost/server/httpx"
)

func TestParseOutput(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		wantErr string
	}{
		{"status", `{"kind":"status","status":"idle","cost_usd":1.5,"input_tokens":3}`, ""},
		{"text", `{"kind":"text","message_id":"m-1","text":"hi","done":true}`, ""},
		{"approval", `{"kind":"approval","request_id":"toolu_01","tool_name":"Bash","input":{"command":"ls"}}`, ""},
		{"wrong type names the field", `{"kind":"status","status":"idle","cost_usd":"lots"}`, `"cost_usd"`},
		{"negative cost", `{"kind":"status","status":"idle","cost_usd":-1}`, "cost_usd"},
		{"array body", `[1,2]`, "JSON object"},
		{"trailing data", `{"kind":"status","status":"idle"} {}`, "after the JSON"},
		{"id with spaces", `{"kind":"text","message_id":"a b","text":""}`, "message_id"},
		{"id too long", `{"kind":"text","message_id":"` + strings.Repeat("a", 65) + `","text":""}`, "message_id"},
		{"input array", `{"kind":"approval","request_id":"r","tool_name":"Bash","input":[]}`, "input"},
		{"missing tool name", `{"kind":"approval","request_id":"r","input":{}}`, "tool_name"},
		{"text too long", `{"kind":"text","message_id":"m","text":"` + strings.Repeat("é", 200_001) + `"}`, "text"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseOutput([]byte(tc.body))
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			var bad *httpx.BadRequest
			if !errors.As(err, &bad) || !strings.Contains(bad.Msg, tc.wantErr) {
				t.Fatalf("error %v does not mention %q", err, tc.wantErr)
			}
		})
	}
}

func FuzzParseOutput(f *testing.F) {
	for _, seed := range []string{
		`{"kind":"status","status":"working","model":"m","cost_usd":0.1}`,
		`{"kind":"text","message_id":"m1","text":"hello","done":false}`,
		`{"kind":"approval","request_id":"r1","tool_name":"Bash","input":{"command":"ls"},"cwd":"/"}`,
		`{"kind":"approval","request_id":"r1","tool_name":"Bash","input":{"a":[1,{"b":null}]}}`,
		`{"kind":1}`, `{"kind":"text","done":"x"}`, `{`, `null`, ``, `{"kind":"status","status":"idle","cost_usd":1e400}`,
		`{"kind":"text","message_id":"\u0000","text":"\ud800"}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		o, err := ParseOutput(data)
		if err != nil {
			var bad *httpx.BadRequest
			if !errors.As(err, &bad) || bad.Msg == "" {
				t.Fatalf("error is not a 400 with a message: %v", err)
			}
			return
		}
		switch o.Kind {
		case KindStatus:
		case KindText:
			if o.MessageID == "" || len(o.MessageID) > maxIDLen || utf8.RuneCountInString(o.Text) > maxTextRunes {
				t.Fatalf("accepted bad text output %+v", o)
			}
		case KindApproval:
			if o.RequestID == "" || len(o.RequestID) > maxIDLen || !isJSONObject(o.Input) || o.ToolName == "" {
				t.Fatalf("accepted bad approval output %+v", o)
			}
		default:
			t.Fatalf("accepted kind %q", o.Kind)
		}
	})
}

func TestBearerToken(t *testing.T) {
	tests := []struct{ header, want string }{
		{"Bearer cmt_abc", "cmt_abc"},
		{"bearer  cmt_abc ", "cmt_abc"},
		{"Basic cmt_abc", ""},
		{"cmt_abc", ""},
		{"", ""},
	}
	for _, tc := range tests {
		if got := bearerToken(tc.header); got != tc.want {
			t.Errorf("bearerToken(%q) = %q, want %q", tc.header, got, tc.want)
		}
	}
}
