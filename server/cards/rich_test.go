package cards

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mattermost/mattermost/server/public/model"
)

func bigDiff(lines int) string {
	var b strings.Builder
	b.WriteString("--- a/x.go\n+++ b/x.go\n@@ -1,1 +1,1 @@\n")
	for i := range lines {
		fmt.Fprintf(&b, "+line %d of the new code, long enough to matter in a post\n", i)
	}
	return b.String()
}

// fencesClosed reports whether every code fence in msg is closed.
func fencesClosed(msg string) bool {
	open := ""
	for _, l := range strings.Split(msg, "\n") {
		t := strings.TrimSpace(l)
		if !strings.HasPrefix(t, "```") {
			continue
		}
		fence := t[:len(t)-len(strings.TrimLeft(t, "`"))]
		switch {
		case open == "":
			open = fence
		case fence == open && strings.TrimLeft(t, "`") == "":
			open = ""
		}
	}
	return open == ""
}

func TestApprovalFallbackPerTool(t *testing.T) {
	pending := func(tool, input string, p *Preview) ApprovalProps {
		return ApprovalProps{ToolName: tool, Input: json.RawMessage(input), Preview: p, Status: ApprovalPending, Cwd: "/src"}
	}
	tests := []struct {
		name string
		a    ApprovalProps
		want []string // in this order
	}{
		{"Bash shows the command in a bash block", pending("Bash", `{"command":"make test","description":"Run tests"}`, nil),
			[]string{"**Claude wants to run a command** in `/src`", "_Run tests_", "```bash\nmake test\n```"}},
		{"Edit with a preview shows the path, counts and the agent's diff",
			pending("Edit", `{"file_path":"/src/a.ts"}`, &Preview{Kind: PreviewDiff, FilePath: "/src/a.ts", Diff: "--- a/a.ts\n+++ b/a.ts\n-x\n+y", Added: 1, Removed: 1}),
			[]string{"**Claude wants to edit** `/src/a.ts` (+1 −1)", "```diff\n--- a/a.ts\n+++ b/a.ts\n-x\n+y\n```"}},
		{"MultiEdit with a preview is an edit", pending("MultiEdit", `{"file_path":"/m.go"}`, &Preview{Kind: PreviewDiff, FilePath: "/m.go", Diff: "+a", Added: 3, Removed: 2}),
			[]string{"**Claude wants to edit** `/m.go` (+3 −2)"}},
		{"Write of a new file shows its content in its language", pending("Write", `{"file_path":"/n.py","content":"x"}`, &Preview{Kind: PreviewNewFile, FilePath: "/n.py", Content: "print(1)\nprint(2)", Language: "py", Lines: 2}),
			[]string{"**Claude wants to create** `/n.py` (2 lines)", "```py\nprint(1)\nprint(2)\n```"}},
		{"Write over a file shows a diff", pending("Write", `{"file_path":"/o.go","content":"x"}`, &Preview{Kind: PreviewDiff, FilePath: "/o.go", Diff: "-a\n+x", Added: 1, Removed: 1}),
			[]string{"**Claude wants to edit** `/o.go` (+1 −1)", "```diff"}},
		{"Read names the file", pending("Read", `{"file_path":"/etc/hosts"}`, nil), []string{"**Claude wants to read** `/etc/hosts`"}},
		{"Glob names the pattern and dir", pending("Glob", `{"pattern":"**/*.go","path":"/src"}`, nil), []string{"**Claude wants to find files** matching `**/*.go` in `/src`"}},
		{"Grep names the pattern", pending("Grep", `{"pattern":"TODO","path":"/src","glob":"*.ts"}`, nil), []string{"**Claude wants to search** for `TODO` in `/src` (files `*.ts`)"}},
		{"LS names the dir", pending("LS", `{"path":"/src"}`, nil), []string{"**Claude wants to list** `/src`"}},
		{"WebFetch names the URL and quotes the prompt", pending("WebFetch", `{"url":"https://go.dev","prompt":"find the version"}`, nil),
			[]string{"**Claude wants to fetch** `https://go.dev`", "> find the version"}},
		{"WebSearch names the query", pending("WebSearch", `{"query":"mattermost dialogs"}`, nil), []string{"**Claude wants to search the web for** `mattermost dialogs`"}},
		{"MCP names the server and tool from the preview", pending("mcp__gh__create_issue", `{"title":"x"}`, &Preview{Kind: PreviewMCP, Server: "github", Tool: "create_issue"}),
			[]string{"**Claude wants to use** `create_issue` from the MCP server `github`", "```json\n{\n  \"title\": \"x\"\n}\n```"}},
		{"Task shows the type, description and prompt", pending("Task", `{"description":"Find callers","prompt":"Look for every caller\nof Foo","subagent_type":"general-purpose"}`, nil),
			[]string{"**Claude wants to start a subagent** (`general-purpose`): Find callers", "> Look for every caller\n> of Foo"}},
		{"Approve all says so", ApprovalProps{ToolName: "Bash", Input: json.RawMessage(`{"command":"ls"}`), Status: ApprovalApproved, DecidedBy: "alice", ApproveAll: true},
			[]string{"✅ Approved by @alice, with everything else in this session (approve all)"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			msg := ApprovalMessage(tc.a)
			at := 0
			for _, w := range tc.want {
				i := strings.Index(msg[at:], w)
				if i < 0 {
					t.Fatalf("message lacks %q after byte %d:\n%s", w, at, msg)
				}
				at += i + len(w)
			}
		})
	}
}

func TestLongPreviewsFitAPost(t *testing.T) {
	tests := []struct {
		name     string
		msg      string
		wantNote string
	}{
		{"a diff longer than a post is cut at a line with the count of the rest",
			ApprovalMessage(ApprovalProps{ToolName: "Edit", Input: json.RawMessage(`{}`), Status: ApprovalPending,
				Preview: &Preview{Kind: PreviewDiff, FilePath: "/x.go", Diff: bigDiff(2000), Added: 2000}}), "more lines_"},
		{"a new file longer than a post is cut the same way",
			ApprovalMessage(ApprovalProps{ToolName: "Write", Input: json.RawMessage(`{}`), Status: ApprovalPending,
				Preview: &Preview{Kind: PreviewNewFile, FilePath: "/x.go", Content: bigDiff(2000), Lines: 2003}}), "more lines_"},
		{"a diff the agent cut says so",
			ApprovalMessage(ApprovalProps{ToolName: "Edit", Input: json.RawMessage(`{}`), Status: ApprovalPending,
				Preview: &Preview{Kind: PreviewDiff, FilePath: "/x.go", Diff: "+a", Truncated: true}}), "the agent cut it"},
		{"a backtick-heavy diff keeps its longer fence closed",
			ApprovalMessage(ApprovalProps{ToolName: "Edit", Input: json.RawMessage(`{}`), Status: ApprovalPending,
				Preview: &Preview{Kind: PreviewDiff, FilePath: "/x.md", Diff: strings.Repeat("+```go\n", 5000)}}), "more lines_"},
		{"an applied diff longer than a post is cut",
			NewDiffPost("b", "c", "r", DiffProps{FilePath: "/x.go", Diff: bigDiff(3000), Added: 3000}).Message, "more lines_"},
		{"a plan longer than a post is cut with a pointer to the card",
			ApprovalMessage(ApprovalProps{ToolName: PlanTool, Input: mustJSON(map[string]string{"plan": "```\n" + bigDiff(3000)}), Status: ApprovalPending}), "rest of the plan"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if n := utf8.RuneCountInString(tc.msg); n > MaxMessageRunes {
				t.Fatalf("%d runes", n)
			}
			if !strings.Contains(tc.msg, tc.wantNote) {
				t.Errorf("no %q in the tail %q", tc.wantNote, tc.msg[max(0, len(tc.msg)-300):])
			}
			if !fencesClosed(tc.msg) {
				t.Errorf("a code fence is left open: tail %q", tc.msg[max(0, len(tc.msg)-300):])
			}
		})
	}
}

func TestApprovalButtons(t *testing.T) {
	ids := func(p *model.Post) []string {
		var out []string
		for _, a := range p.Attachments() {
			for _, act := range a.Actions {
				out = append(out, act.Id+"="+fmt.Sprint(act.Integration.Context["action"]))
			}
		}
		return out
	}
	base := ApprovalProps{SessionID: "s", RequestID: "r", ToolName: "Bash", Input: json.RawMessage(`{"command":"ls"}`), Status: ApprovalPending}
	withAll := base
	withAll.AllowApproveAll = true
	plan := base
	plan.ToolName = PlanTool
	plan.Input = json.RawMessage(`{"plan":"1. do it"}`)
	tests := []struct {
		name     string
		a        ApprovalProps
		wantType PostType
		want     string
	}{
		{"approve all is offered only when the admin allows it", base, PostTypeApproval, "approve=approve deny=deny denyreason=deny_reason"},
		{"the four buttons in order", withAll, PostTypeApproval, "approve=approve approveall=approve_all deny=deny denyreason=deny_reason"},
		{"a plan has Approve plan and Request changes", plan, PostTypePlan, "approve=approve denyreason=deny_reason"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := NewApprovalPost("bot", "c", "root", tc.a)
			if err != nil {
				t.Fatal(err)
			}
			if p.Type != string(tc.wantType) || strings.Join(ids(p), " ") != tc.want {
				t.Errorf("type %s buttons %v", p.Type, ids(p))
			}
		})
	}
}

func TestApprovalPropsFitWithAHugePreview(t *testing.T) {
	content := strings.Repeat("x", MaxApprovalInputRunes-1000)
	a := ApprovalProps{ToolName: "Write", Input: mustJSON(map[string]string{"file_path": "/x", "content": content}), Status: ApprovalPending,
		Preview: &Preview{Kind: PreviewNewFile, FilePath: "/x", Content: strings.Repeat("y\n", 199_000)}}
	p, err := NewApprovalPost("bot", "c", "r", a)
	if err != nil {
		t.Fatal(err)
	}
	if n := utf8.RuneCountInString(model.StringInterfaceToJSON(p.GetProps())); n > model.PostPropsMaxRunes {
		t.Fatalf("props are %d runes", n)
	}
	var got ApprovalProps
	ReadProp(p.GetProps(), PropApproval, &got)
	if !got.Preview.Truncated {
		t.Error("a cut preview must say truncated")
	}
}

func TestQuestionCard(t *testing.T) {
	single := QuestionProps{SessionID: "s", RequestID: "r", Status: QuestionPending, Questions: []Question{{
		Question: "Which database?", Header: "DB", Options: []QuestionOption{{Label: "Postgres", Description: "the default"}, {Label: "MySQL"}}}}}
	multi := single
	multi.Questions = []Question{{Question: "Which features?", Header: "Features", MultiSelect: true, Options: []QuestionOption{{Label: "A"}, {Label: "B"}}}}
	two := single
	two.Questions = append(append([]Question{}, single.Questions...), Question{Question: "Port?", Header: "Port"})
	answered := single
	answered.Status, answered.AnsweredBy, answered.Answers = QuestionAnswered, "bob", map[string]string{"Which database?": "MySQL"}
	tests := []struct {
		name        string
		q           QuestionProps
		wantButtons string
		wantMsg     []string
	}{
		{"one single-choice question has a button per option and Other", single, "opt0=opt_0 opt1=opt_1 other=other",
			[]string{"**Claude has a question**", "**DB** · Which database?", "1. **Postgres** — the default", "2. **MySQL**"}},
		{"a multi-select question has Answer", multi, "answer=answer", []string{"Which features? _(choose any)_"}},
		{"two questions have Answer", two, "answer=answer", []string{"**Claude has 2 questions**", "**Port** · Port?"}},
		{"an answered question has no buttons and says the answer", answered, "", []string{"✅ Answered by @bob", "- DB: **MySQL**"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := NewQuestionPost("bot", "c", "r", tc.q)
			var got []string
			for _, a := range p.Attachments() {
				for _, act := range a.Actions {
					got = append(got, act.Id+"="+fmt.Sprint(act.Integration.Context["action"]))
					if act.Integration.URL != QuestionActionURL {
						t.Errorf("url %s", act.Integration.URL)
					}
				}
			}
			if strings.Join(got, " ") != tc.wantButtons || p.Type != string(PostTypeQuestion) {
				t.Errorf("type %s buttons %v", p.Type, got)
			}
			for _, w := range tc.wantMsg {
				if !strings.Contains(p.Message, w) {
					t.Errorf("message lacks %q:\n%s", w, p.Message)
				}
			}
		})
	}
}

func TestDialogsAreValidForMattermost(t *testing.T) {
	long := strings.Repeat("very long header ", 10)
	q := QuestionProps{SessionID: "s", RequestID: "r:1", Questions: []Question{
		{Question: strings.Repeat("Which one? ", 50), Header: long, Options: []QuestionOption{{Label: "A", Description: strings.Repeat("d", 500)}, {Label: "B"}}},
		{Question: "Which features?", MultiSelect: true, Options: []QuestionOption{{Label: "X"}, {Label: "Y"}}},
		{Question: "Anything else?"},
	}}
	dialogs := map[string]model.Dialog{
		"deny":     DenyDialog(ApprovalProps{SessionID: "s", RequestID: "r", ToolName: "Bash", Input: json.RawMessage(`{"command":"` + strings.Repeat("x", 500) + `"}`)}),
		"plan":     DenyDialog(ApprovalProps{SessionID: "s", RequestID: "r", ToolName: PlanTool}),
		"answer":   QuestionDialog(q, false),
		"other":    QuestionDialog(q, true),
		"one long": QuestionDialog(QuestionProps{Questions: []Question{{Question: "?", Header: long}}}, false),
	}
	for name, d := range dialogs {
		req := model.OpenDialogRequest{TriggerId: "t", URL: "/plugins/x", Dialog: d}
		if err := req.IsValid(); err != nil {
			t.Errorf("%s dialog: %v", name, err)
		}
	}
	if s, r, ok := ParseDialogState(dialogs["answer"].State); !ok || s != "s" || r != "r:1" {
		t.Errorf("state %q → %q %q", dialogs["answer"].State, s, r)
	}
}

func TestDialogAnswers(t *testing.T) {
	q := QuestionProps{Questions: []Question{
		{Question: "DB?", Options: []QuestionOption{{Label: "Postgres"}, {Label: "MySQL"}}},
		{Question: "Features?", MultiSelect: true},
	}}
	tests := []struct {
		name        string
		submission  map[string]any
		wantAnswers map[int]string
		wantMissing []string
	}{
		{"a picked option and a comma list", map[string]any{"q0": "MySQL", "q1": " a ,b,, c "}, map[int]string{0: "MySQL", 1: "a, b, c"}, nil},
		{"free text wins over the option", map[string]any{"q0": "MySQL", "q0_other": "SQLite", "q1": "a"}, map[int]string{0: "SQLite", 1: "a"}, nil},
		{"an unanswered question is named", map[string]any{"q0": "MySQL"}, map[int]string{0: "MySQL"}, []string{"q1"}},
		{"non-string values count as empty", map[string]any{"q0": true, "q1": 3}, map[int]string{}, []string{"q0", "q1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, missing := DialogAnswers(q, tc.submission)
			if fmt.Sprint(got) != fmt.Sprint(tc.wantAnswers) || len(missing) != len(tc.wantMissing) {
				t.Fatalf("answers %v missing %v", got, missing)
			}
			for _, k := range tc.wantMissing {
				if missing[k] == "" {
					t.Errorf("%s not named", k)
				}
			}
		})
	}
}

func TestTodoPanel(t *testing.T) {
	p := NewTodoProps("s", []Todo{
		{Content: "Write tests", Status: TodoCompleted, ActiveForm: "Writing tests"},
		{Content: "Fix bug", Status: TodoInProgress, ActiveForm: "Fixing the bug"},
		{Content: "Ship", Status: TodoPending},
	}, 1)
	if p.Done != 1 || p.Total != 3 {
		t.Fatalf("done %d total %d", p.Done, p.Total)
	}
	want := "**Tasks** 1/3\n- [x] ~~Write tests~~\n- [ ] **Fixing the bug**\n- [ ] Ship"
	if msg := TodoMessage(p); msg != want {
		t.Errorf("message %q, want %q", msg, want)
	}
	many := make([]Todo, 200)
	for i := range many {
		many[i] = Todo{Content: strings.Repeat("long task ", 190), Status: TodoPending}
	}
	if msg := TodoMessage(NewTodoProps("s", many, 1)); utf8.RuneCountInString(msg) > MaxMessageRunes || !strings.Contains(msg, "more items") {
		t.Errorf("a long list must fit a post and say how many more: %d runes", utf8.RuneCountInString(msg))
	}
}

func TestToolOutputPreview(t *testing.T) {
	var lines []string
	for i := range 120 {
		lines = append(lines, fmt.Sprintf("ok  pkg/%d", i))
	}
	tests := []struct {
		name          string
		output        string
		isError       bool
		wantLines     int
		wantTruncated bool
		wantMsg       []string
	}{
		{"a short output is shown whole", "a\nb\n", false, 2, false, []string{"**Bash** · `go test` (2 lines)", "```\na\nb\n```"}},
		{"a long output shows 30 lines and the count of the rest", strings.Join(lines, "\n"), false, 120, true, []string{"(120 lines)", "ok  pkg/29\n```", "_… 90 more lines"}},
		{"one huge line is cut at 4000 characters", strings.Repeat("z", 10000), false, 1, true, []string{"rest of the line is cut"}},
		{"an error says so", "boom", true, 1, false, []string{"❌ failed"}},
		{"no output says so", "", false, 0, false, []string{"_No output._"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := NewToolOutputProps("s", "tu", "Bash", "go test", tc.output, tc.isError)
			if p.Lines != tc.wantLines || p.Truncated != tc.wantTruncated || utf8.RuneCountInString(p.Preview) > PreviewRunes ||
				strings.Count(p.Preview, "\n") >= PreviewLines {
				t.Fatalf("props %+v", p)
			}
			post := NewToolOutputPost("bot", "c", "r", p)
			for _, w := range tc.wantMsg {
				if !strings.Contains(post.Message, w) {
					t.Errorf("message lacks %q:\n%s", w, post.Message)
				}
			}
		})
	}
}

func FuzzDialogSubmission(f *testing.F) {
	f.Add("s:r", "MySQL", "", "a, b")
	f.Add("s", "", "free", ",,,")
	f.Add(":", "\x00", "\u2028", "é,é")
	q := QuestionProps{Questions: []Question{
		{Question: "DB?", Options: []QuestionOption{{Label: "Postgres"}, {Label: "MySQL"}}},
		{Question: "Features?", MultiSelect: true},
	}}
	f.Fuzz(func(t *testing.T, state, q0, q0other, q1 string) {
		if s, r, ok := ParseDialogState(state); ok && (s == "" || r == "" || strings.Contains(s, ":") || s+":"+r != state) {
			t.Fatalf("state %q → %q %q", state, s, r)
		}
		answers, missing := DialogAnswers(q, map[string]any{"q0": q0, "q0_other": q0other, "q1": q1})
		if len(answers)+len(missing) != len(q.Questions) {
			t.Fatalf("answers %v missing %v", answers, missing)
		}
		for _, a := range answers {
			if a == "" || a != strings.TrimSpace(a) {
				t.Fatalf("answer %q", a)
			}
		}
	})
}
