package cards

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mattermost/mattermost/server/public/model"
)

// DiffProps is props.claude_diff on an applied-edit post.
type DiffProps struct {
	SessionID string `json:"session_id"`
	ToolUseID string `json:"tool_use_id"`
	FilePath  string `json:"file_path"`
	Diff      string `json:"diff"`
	Language  string `json:"language"`
	Added     int    `json:"added"`
	Removed   int    `json:"removed"`
	Truncated bool   `json:"truncated,omitempty"`
}

// NewDiffPost builds the post for an edit Claude made without asking.
func NewDiffPost(botID, channelID, rootID string, d DiffProps) *model.Post {
	post := &model.Post{UserId: botID, ChannelId: channelID, RootId: rootID, Type: string(PostTypeDiff)}
	head := "**Edited** " + Code(Truncate(d.FilePath, maxHeadRunes)) + " " + counts(d.Added, d.Removed)
	post.Message = composeCard(head, nil, &blockSpec{lang: "diff", content: d.Diff, truncated: d.Truncated}, "")
	post.AddProp(string(PropDiff), propValue(d))
	return post
}

// Todo is one item of Claude's task list (TodoWrite).
type Todo struct {
	Content    string `json:"content"`
	Status     string `json:"status"` // TodoPending, TodoInProgress, TodoCompleted
	ActiveForm string `json:"activeForm"`
}

// TodoProps is props.claude_todo on the session's todo panel.
type TodoProps struct {
	SessionID string `json:"session_id"`
	Todos     []Todo `json:"todos"`
	Done      int    `json:"done"`
	Total     int    `json:"total"`
	UpdatedAt int64  `json:"updated_at"` // unix ms
}

// NewTodoProps counts the finished items.
func NewTodoProps(sessionID string, todos []Todo, now int64) TodoProps {
	p := TodoProps{SessionID: sessionID, Todos: todos, Total: len(todos), UpdatedAt: now}
	if p.Todos == nil {
		p.Todos = []Todo{}
	}
	for _, t := range todos {
		if t.Status == TodoCompleted {
			p.Done++
		}
	}
	return p
}

// NewTodoPost builds the todo panel as a reply in the session thread.
func NewTodoPost(botID, channelID, rootID string, p TodoProps) *model.Post {
	post := &model.Post{UserId: botID, ChannelId: channelID, RootId: rootID}
	ApplyTodo(post, p)
	return post
}

// ApplyTodo writes the todo panel into post (new or existing).
func ApplyTodo(post *model.Post, p TodoProps) {
	post.Type = string(PostTypeTodo)
	post.Message = TodoMessage(p)
	post.AddProp(string(PropTodo), propValue(p))
}

// TodoMessage is the todo panel's markdown: a task list, the item in
// progress in bold with its activeForm.
func TodoMessage(p TodoProps) string {
	var b strings.Builder
	b.WriteString("**Tasks** " + strconv.Itoa(p.Done) + "/" + strconv.Itoa(p.Total))
	for i, t := range p.Todos {
		var line string
		switch t.Status {
		case TodoCompleted:
			line = "- [x] ~~" + Truncate(oneLine(t.Content), 500) + "~~"
		case TodoInProgress:
			text := t.ActiveForm
			if text == "" {
				text = t.Content
			}
			line = "- [ ] **" + Truncate(oneLine(text), 500) + "**"
		default:
			line = "- [ ] " + Truncate(oneLine(t.Content), 500)
		}
		if b.Len()+len(line) > MaxMessageRunes-100 {
			b.WriteString("\n_… " + plural(len(p.Todos)-i, "more item") + "_")
			break
		}
		b.WriteString("\n" + line)
	}
	return b.String()
}

// ToolOutputProps is props.claude_tool_output on a tool output post.
type ToolOutputProps struct {
	SessionID string `json:"session_id"`
	ToolUseID string `json:"tool_use_id"`
	ToolName  string `json:"tool_name"`
	Summary   string `json:"summary"`
	IsError   bool   `json:"is_error"`
	Lines     int    `json:"lines"`
	Truncated bool   `json:"truncated"`
	Preview   string `json:"preview"`
}

// The preview of a tool's output: its first lines.
const (
	PreviewLines = 30
	PreviewRunes = 4000
)

// NewToolOutputProps cuts the preview from the whole output.
func NewToolOutputProps(sessionID, toolUseID, toolName, summary, output string, isError bool) ToolOutputProps {
	output = strings.TrimRight(output, "\n")
	lines := 0
	if output != "" {
		lines = strings.Count(output, "\n") + 1
	}
	preview := output
	if i := nthIndex(preview, '\n', PreviewLines); i >= 0 {
		preview = preview[:i]
	}
	if utf8.RuneCountInString(preview) > PreviewRunes {
		preview, _ = splitRunes(preview, PreviewRunes)
	}
	return ToolOutputProps{
		SessionID: sessionID, ToolUseID: toolUseID, ToolName: toolName, Summary: oneLine(summary),
		IsError: isError, Lines: lines, Truncated: len(preview) < len(output), Preview: preview,
	}
}

func nthIndex(s string, c byte, n int) int {
	at := -1
	for range n {
		i := strings.IndexByte(s[at+1:], c)
		if i < 0 {
			return -1
		}
		at += i + 1
	}
	return at
}

// NewToolOutputPost builds the post for a tool's output: the summary, and
// the preview in a code block.
func NewToolOutputPost(botID, channelID, rootID string, p ToolOutputProps) *model.Post {
	post := &model.Post{UserId: botID, ChannelId: channelID, RootId: rootID, Type: string(PostTypeToolOutput)}
	head := "**" + Truncate(oneLine(p.ToolName), 200) + "**"
	if p.Summary != "" {
		head += " · " + Code(Truncate(p.Summary, maxHeadRunes))
	}
	head += " (" + plural(p.Lines, "line") + ")"
	if p.IsError {
		head += " ❌ failed"
	}
	if p.Preview == "" {
		post.Message = head + "\n_No output._"
	} else {
		shown := strings.Count(p.Preview, "\n") + 1
		compose := func(body string) string { return head + "\n" + body }
		note := ""
		if more := p.Lines - shown; p.Truncated && more > 0 {
			note = "_… " + plural(more, "more line") + " (open this post in the web or desktop app to see all)_"
		} else if p.Truncated {
			note = "_… the rest of the line is cut (open this post in the web or desktop app to see all)_"
		}
		post.Message = FitBlock(compose, "", p.Preview, note)
	}
	post.AddProp(string(PropToolOutput), propValue(p))
	return post
}
