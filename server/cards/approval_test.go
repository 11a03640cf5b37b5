package cards

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mattermost/mattermost/server/public/model"
)

func TestApprovalMessage(t *testing.T) {
	tests := []struct {
		name  string
		a     ApprovalProps
		want  string
		check func(t *testing.T, msg string)
	}{
		{name: "bash shows the full command in a bash block",
			a:    ApprovalProps{ToolName: "Bash", Cwd: "/src/app", Input: json.RawMessage(`{"command":"go test ./... && go vet ./..."}`), Status: ApprovalPending},
			want: "**Claude wants to run a command** in `/src/app`\n```bash\ngo test ./... && go vet ./...\n```\n⏳ **Waiting for a participant of this session** to approve or deny it — with the buttons below (in the mobile apps too), or in the Claude Code panel of the web and desktop apps (the channel header button)."},
		{name: "approved shows who approved",
			a:    ApprovalProps{ToolName: "Bash", Input: json.RawMessage(`{"command":"ls"}`), Status: ApprovalApproved, DecidedBy: "alice"},
			want: "**Claude wants to run a command**\n```bash\nls\n```\n✅ Approved by @alice"},
		{name: "denied shows who denied and why",
			a:    ApprovalProps{ToolName: "Bash", Input: json.RawMessage(`{"command":"ls"}`), Status: ApprovalDenied, DecidedBy: "bob", Reason: "wrong dir"},
			want: "**Claude wants to run a command**\n```bash\nls\n```\n❌ Denied by @bob: wrong dir"},
		{name: "pending names who may decide and where",
			a:    ApprovalProps{ToolName: "Bash", Input: json.RawMessage(`{"command":"ls"}`), Status: ApprovalPending, WaitingFor: []string{"alice", "bob", "carol"}},
			want: "**Claude wants to run a command**\n```bash\nls\n```\n⏳ **Waiting for @alice, @bob or @carol** to approve or deny it — with the buttons below (in the mobile apps too), or in the Claude Code panel of the web and desktop apps (the channel header button)."},
		{name: "a command with backticks gets a longer fence",
			a: ApprovalProps{ToolName: "Bash", Input: json.RawMessage("{\"command\":\"echo '```'\"}"), Status: ApprovalPending},
			check: func(t *testing.T, msg string) {
				if !strings.Contains(msg, "````bash\necho '```'\n````") {
					t.Errorf("message = %q", msg)
				}
			}},
		{name: "edit shows a diff",
			a:    ApprovalProps{ToolName: "Edit", Input: json.RawMessage(`{"file_path":"/a.go","old_string":"a\nb\nc","new_string":"a\nB\nc"}`), Status: ApprovalPending},
			want: "**Claude wants to edit** `/a.go` (+1 −1)\n```diff\n a\n-b\n+B\n c\n```\n⏳ **Waiting for a participant of this session** to approve or deny it — with the buttons below (in the mobile apps too), or in the Claude Code panel of the web and desktop apps (the channel header button)."},
		{name: "write shows the content with the file's language",
			a:    ApprovalProps{ToolName: "Write", Input: json.RawMessage(`{"file_path":"/x/main.py","content":"print(1)\n"}`), Status: ApprovalPending},
			want: "**Claude wants to write** `/x/main.py`\n```python\nprint(1)\n```\n⏳ **Waiting for a participant of this session** to approve or deny it — with the buttons below (in the mobile apps too), or in the Claude Code panel of the web and desktop apps (the channel header button)."},
		{name: "an MCP tool names its server and shows its input as JSON",
			a:    ApprovalProps{ToolName: "mcp__db__query", Input: json.RawMessage(`{"sql":"select 1"}`), Status: ApprovalPending, Description: "Query the DB"},
			want: "**Claude wants to use** `query` from the MCP server `db`\n_Query the DB_\n```json\n{\n  \"sql\": \"select 1\"\n}\n```\n⏳ **Waiting for a participant of this session** to approve or deny it — with the buttons below (in the mobile apps too), or in the Claude Code panel of the web and desktop apps (the channel header button)."},
		{name: "a command longer than a post is cut to fit with a note",
			a: ApprovalProps{ToolName: "Bash", Input: mustJSON(map[string]string{"command": strings.Repeat("x", 20000)}), Status: ApprovalPending},
			check: func(t *testing.T, msg string) {
				if n := utf8.RuneCountInString(msg); n > MaxMessageRunes {
					t.Errorf("%d runes", n)
				}
				if !strings.Contains(msg, "more characters") || strings.Count(msg, "```") != 2 {
					t.Errorf("message tail = %q", msg[len(msg)-200:])
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			msg := ApprovalMessage(tc.a)
			if tc.check != nil {
				tc.check(t, msg)
				return
			}
			if msg != tc.want {
				t.Errorf("got\n%s\nwant\n%s", msg, tc.want)
			}
		})
	}
}

func TestApplyApprovalButtons(t *testing.T) {
	a := ApprovalProps{SessionID: "s", RequestID: "r", ToolName: "Bash", Input: json.RawMessage(`{"command":"ls"}`), Status: ApprovalPending}
	post, err := NewApprovalPost("bot", "ch", "root", a)
	if err != nil {
		t.Fatal(err)
	}
	if len(post.Attachments()) != 1 {
		t.Fatal("pending card has no buttons")
	}
	a.Status = ApprovalApproved
	a.DecidedBy = "alice"
	if err := ApplyApproval(post, a); err != nil {
		t.Fatal(err)
	}
	if post.GetProp(string(PropAttachments)) != nil {
		t.Error("decided card still has buttons")
	}
	if post.Type != string(PostTypeApproval) || post.RootId != "root" || post.UserId != "bot" {
		t.Errorf("post = %+v", post)
	}
}

func TestApprovalInputTooLarge(t *testing.T) {
	big := mustJSON(map[string]string{"content": strings.Repeat("x", MaxApprovalInputRunes)})
	if _, err := NewApprovalPost("bot", "ch", "root", ApprovalProps{ToolName: "Write", Input: big, Status: ApprovalPending}); err == nil {
		t.Fatal("no error for an input beyond the props limit")
	}
}

func TestSessionMessage(t *testing.T) {
	msg := SessionMessage(SessionCard{Props: SessionProps{Prompt: "fix it\nplease", Status: "working", MachineName: "laptop", Cwd: "/src", Model: "opus", CostUSD: 0.5, OwnerUsername: "alice"}})
	for _, want := range []string{"**Claude Code session** · ⚙️ working · machine `laptop` · `/src`", "model `opus`", "cost $0.5000", "> fix it\n> please"} {
		if !strings.Contains(msg, want) {
			t.Errorf("%q missing from %q", want, msg)
		}
	}
}

func TestPropsSurviveJSON(t *testing.T) {
	post := NewTextPost("bot", "ch", "root", TextProps{SessionID: "s", MessageID: "m", Done: true}, "hi")
	b, _ := json.Marshal(post)
	var back model.Post
	_ = json.Unmarshal(b, &back)
	var p TextProps
	if !ReadProp(back.GetProps(), PropText, &p) || p.SessionID != "s" || !p.Done {
		t.Fatalf("props after a round trip: %+v", p)
	}
}

func TestClientEventName(t *testing.T) {
	if got := ClientEventName(WebSocketEventText); got != "custom_claude-mattermost_text" {
		t.Fatalf("got %q", got)
	}
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
