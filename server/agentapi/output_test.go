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
		`{"kind":"approval","request_id":"r","tool_name":"Edit","input":{},"preview":{"kind":"diff","file_path":"/a","diff":"+x","language":"ts","added":1,"removed":0}}`,
		`{"kind":"approval","request_id":"r","tool_name":"Write","input":{},"preview":{"kind":"new_file","file_path":"/a","content":"x","lines":1,"truncated":true}}`,
		`{"kind":"approval","request_id":"r","tool_name":"mcp__a__b","input":{},"preview":{"kind":"mcp","server":"a","tool":"b"}}`,
		`{"kind":"approval","request_id":"r","tool_name":"Edit","input":{},"preview":"diff"}`,
		`{"kind":"diff","tool_use_id":"t","file_path":"/a","diff":"+x","language":"go","added":-1}`,
		`{"kind":"todo","todos":[{"content":"a","status":"in_progress","activeForm":"A"}]}`,
		`{"kind":"todo","todos":null}`,
		`{"kind":"question","request_id":"q","questions":[{"question":"Q?","header":"H","multiSelect":true,"options":[{"label":"a","description":""}]}]}`,
		`{"kind":"question","request_id":"q","questions":[{"question":"Q?"},{"question":"Q?"}]}`,
		`{"kind":"tool_output","tool_use_id":"t","tool_name":"Bash","summary":"ls","output":"a\nb","is_error":true}`,
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
		case KindStatus, KindNotice:
		case KindText:
			if o.MessageID == "" || len(o.MessageID) > maxIDLen || utf8.RuneCountInString(o.Text) > maxTextRunes {
				t.Fatalf("accepted bad text output %+v", o)
			}
		case KindApproval:
			if o.RequestID == "" || len(o.RequestID) > maxIDLen || !isJSONObject(o.Input) || o.ToolName == "" {
				t.Fatalf("accepted bad approval output %+v", o)
			}
			if p := o.Preview; p != nil && (!languageRe.MatchString(p.Language) || p.Added < 0 || p.Removed < 0 ||
				utf8.RuneCountInString(p.Diff) > MaxPreviewRunes || utf8.RuneCountInString(p.Content) > MaxPreviewRunes) {
				t.Fatalf("accepted a bad preview %+v", p)
			}
		case KindDiff, KindToolOutput:
			if o.ToolUseID == "" || len(o.ToolUseID) > maxIDLen || utf8.RuneCountInString(o.Output) > MaxToolOutputRunes || o.Added < 0 {
				t.Fatalf("accepted bad %s output %+v", o.Kind, o)
			}
		case KindTodo:
			if o.Todos == nil || len(o.Todos) > maxTodos {
				t.Fatalf("accepted bad todos %+v", o.Todos)
			}
		case KindQuestion:
			seen := map[string]bool{}
			for _, q := range o.Questions {
				if q.Question == "" || seen[q.Question] {
					t.Fatalf("accepted bad questions %+v", o.Questions)
				}
				seen[q.Question] = true
			}
			if len(o.Questions) == 0 {
				t.Fatal("accepted no questions")
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
