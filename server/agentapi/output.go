package agentapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gorilla/mux"
	"github.com/mattermost/mattermost/server/public/model"

	"github.com/claude-mattermost/claude-mattermost/server/approvals"
	"github.com/claude-mattermost/claude-mattermost/server/cards"
	"github.com/claude-mattermost/claude-mattermost/server/httpx"
	"github.com/claude-mattermost/claude-mattermost/server/sessions"
)

// Output kinds.
const (
	KindStatus   = "status"
	KindText     = "text"
	KindApproval = "approval"
	KindNotice   = "notice"
	// Rich cards (issue 4).
	KindDiff       = "diff"
	KindTodo       = "todo"
	KindQuestion   = "question"
	KindToolOutput = "tool_output"
	// Sessions that run in a terminal (terminal.go).
	KindPrompt    = "prompt"
	KindResolved  = "resolved"
	KindAttention = "attention"
)

// kindList is the kinds for error messages.
const kindList = "status, text, approval, notice, diff, todo, question, tool_output, prompt, resolved or attention"

// Limits of the rich outputs.
const (
	MaxPreviewRunes    = 400_000   // a diff or a new file's content
	MaxToolOutputRunes = 1_000_000 // a tool's whole output
	maxTodos           = 200
	maxTodoRunes       = 2000
	maxQuestions       = 10
	maxOptions         = 20
	maxQuestionRunes   = 2000
	maxHeaderRunes     = 100
	maxLabelRunes      = 200
	maxOptionDescRunes = 1000
	// MaxOutputBodyBytes bounds an output report's body: a tool output of
	// a million characters, escaped, with room to spare.
	MaxOutputBodyBytes = 8 << 20
)

const (
	maxIDLen        = 64
	maxTextRunes    = 200_000
	maxToolNameLen  = 200
	maxFieldRunes   = 4096
	maxNoticeRunes  = 16_000
	idempotencyTTL  = 24 * time.Hour
	idempotencyHead = "Idempotency-Key"
)

// Output is one session output report, as decoded and checked.
type Output struct {
	Kind string `json:"kind"`

	// status
	Status          string   `json:"status"`
	ClaudeSessionID *string  `json:"claude_session_id"`
	Cwd             *string  `json:"cwd"`
	Model           *string  `json:"model"`
	Error           *string  `json:"error"`
	CostUSD         *float64 `json:"cost_usd"`
	InputTokens     *int64   `json:"input_tokens"`
	OutputTokens    *int64   `json:"output_tokens"`
	Branch          *string  `json:"branch"`
	PermissionMode  *string  `json:"permission_mode"`
	ContextTokens   *int64   `json:"context_tokens"`
	ContextWindow   *int64   `json:"context_window"`

	// text
	MessageID string `json:"message_id"`
	Text      string `json:"text"`
	Done      bool   `json:"done"`

	// approval
	RequestID   string          `json:"request_id"`
	ToolName    string          `json:"tool_name"`
	Input       json.RawMessage `json:"input"`
	Description string          `json:"description"`
	Preview     *cards.Preview  `json:"preview"`

	// diff (FilePath, Diff, Language, Added, Removed, Truncated) and
	// tool_output (ToolUseID, ToolName, Summary, Output, IsError)
	ToolUseID string `json:"tool_use_id"`
	FilePath  string `json:"file_path"`
	Diff      string `json:"diff"`
	Language  string `json:"language"`
	Added     int    `json:"added"`
	Removed   int    `json:"removed"`
	Truncated bool   `json:"truncated"`
	Summary   string `json:"summary"`
	Output    string `json:"output"`
	IsError   bool   `json:"is_error"`

	// todo
	Todos []cards.Todo `json:"todos"`

	// question (and RequestID)
	Questions []cards.Question `json:"questions"`

	// Terminal sessions: status RunsIn and Away (the owner typed in the
	// terminal, so is back); approval and question Terminal
	// (Claude Code asks in the terminal too); prompt Source (and Text);
	// resolved Outcome (and RequestID); attention Reason (and Text).
	RunsIn   *string `json:"runs_in"`
	Away     *bool   `json:"away"`
	Terminal bool    `json:"terminal"`
	Source   *string `json:"source"`
	Outcome  string  `json:"outcome"`
	Reason   string  `json:"reason"`
}

// ParseOutput decodes and checks an output body. Every error is a
// *httpx.BadRequest saying what is wrong.
func ParseOutput(data []byte) (*Output, error) {
	var o Output
	if err := httpx.Unmarshal(data, &o); err != nil {
		return nil, err
	}
	switch o.Kind {
	case KindStatus:
		if !sessions.ValidStatus(o.Status) {
			return nil, httpx.Invalid(`field "status" must be one of starting, working, waiting, idle, ended, error`)
		}
		for name, v := range map[string]*string{"claude_session_id": o.ClaudeSessionID, "cwd": o.Cwd, "model": o.Model, "error": o.Error, "branch": o.Branch} {
			if v != nil && utf8.RuneCountInString(*v) > maxFieldRunes {
				return nil, httpx.Invalid("field %q is longer than %d characters", name, maxFieldRunes)
			}
		}
		if o.CostUSD != nil && (*o.CostUSD < 0 || math.IsNaN(*o.CostUSD) || math.IsInf(*o.CostUSD, 0)) {
			return nil, httpx.Invalid(`field "cost_usd" must be a non-negative number`)
		}
		for _, n := range []*int64{o.InputTokens, o.OutputTokens, o.ContextTokens, o.ContextWindow} {
			if n != nil && *n < 0 {
				return nil, httpx.Invalid(`token counts must be non-negative`)
			}
		}
		if o.PermissionMode != nil && !sessions.ValidPermissionMode(*o.PermissionMode) {
			return nil, httpx.Invalid(`field "permission_mode" must be one of default, acceptEdits, plan, bypassPermissions`)
		}
		if o.RunsIn != nil && *o.RunsIn != cards.RunsInTerminal && *o.RunsIn != cards.RunsInAgent {
			return nil, httpx.Invalid(`field "runs_in" must be "terminal" or "agent"`)
		}
	case KindText:
		if err := checkID("message_id", o.MessageID); err != nil {
			return nil, err
		}
		if utf8.RuneCountInString(o.Text) > maxTextRunes {
			return nil, httpx.Invalid(`field "text" is longer than %d characters`, maxTextRunes)
		}
	case KindApproval:
		if err := checkID("request_id", o.RequestID); err != nil {
			return nil, err
		}
		if strings.TrimSpace(o.ToolName) == "" || len(o.ToolName) > maxToolNameLen {
			return nil, httpx.Invalid(`field "tool_name" is required (at most %d characters)`, maxToolNameLen)
		}
		if !isJSONObject(o.Input) {
			return nil, httpx.Invalid(`field "input" must be an object`)
		}
		if o.Cwd != nil && utf8.RuneCountInString(*o.Cwd) > maxFieldRunes {
			return nil, httpx.Invalid(`field "cwd" is longer than %d characters`, maxFieldRunes)
		}
		if utf8.RuneCountInString(o.Description) > maxFieldRunes {
			return nil, httpx.Invalid(`field "description" is longer than %d characters`, maxFieldRunes)
		}
		if o.Preview != nil {
			if err := checkPreview(o.Preview); err != nil {
				return nil, err
			}
		}
	case KindDiff:
		if err := checkID("tool_use_id", o.ToolUseID); err != nil {
			return nil, err
		}
		p := &cards.Preview{Kind: cards.PreviewDiff, FilePath: o.FilePath, Diff: o.Diff, Language: o.Language, Added: o.Added, Removed: o.Removed}
		if err := checkPreview(p); err != nil {
			return nil, err
		}
	case KindTodo:
		if err := checkTodos(o.Todos); err != nil {
			return nil, err
		}
	case KindQuestion:
		if err := checkID("request_id", o.RequestID); err != nil {
			return nil, err
		}
		if err := checkQuestions(o.Questions); err != nil {
			return nil, err
		}
	case KindToolOutput:
		if err := checkID("tool_use_id", o.ToolUseID); err != nil {
			return nil, err
		}
		if strings.TrimSpace(o.ToolName) == "" || len(o.ToolName) > maxToolNameLen {
			return nil, httpx.Invalid(`field "tool_name" is required (at most %d characters)`, maxToolNameLen)
		}
		if utf8.RuneCountInString(o.Summary) > maxFieldRunes {
			return nil, httpx.Invalid(`field "summary" is longer than %d characters`, maxFieldRunes)
		}
		if !utf8.ValidString(o.Output) || utf8.RuneCountInString(o.Output) > MaxToolOutputRunes {
			return nil, httpx.Invalid(`field "output" must be text of at most %d characters`, MaxToolOutputRunes)
		}
	case KindPrompt, KindResolved, KindAttention:
		if err := checkTerminalOutput(&o); err != nil {
			return nil, err
		}
	case KindNotice:
		if strings.TrimSpace(o.Text) == "" {
			return nil, httpx.Invalid(`field "text" is required`)
		}
		if utf8.RuneCountInString(o.Text) > maxNoticeRunes {
			return nil, httpx.Invalid(`field "text" is longer than %d characters`, maxNoticeRunes)
		}
	case "":
		return nil, httpx.Invalid(`field "kind" is required: %s`, kindList)
	default:
		return nil, httpx.Invalid(`field "kind" must be %s`, kindList)
	}
	return &o, nil
}

// languageRe is a language token from a file extension ("ts", "cpp", "c#").
var languageRe = regexp.MustCompile(`^[A-Za-z0-9_+#.-]{0,32}$`)

// checkPreview checks an approval's preview, or a diff output as one.
func checkPreview(p *cards.Preview) error {
	if !languageRe.MatchString(p.Language) {
		return httpx.Invalid(`field "language" must be a short language name like "ts" (letters, digits, + # . _ -)`)
	}
	if utf8.RuneCountInString(p.FilePath) > maxFieldRunes {
		return httpx.Invalid(`field "file_path" is longer than %d characters`, maxFieldRunes)
	}
	if p.Added < 0 || p.Removed < 0 || p.Lines < 0 {
		return httpx.Invalid(`fields "added", "removed" and "lines" must be non-negative`)
	}
	switch p.Kind {
	case cards.PreviewDiff:
		if strings.TrimSpace(p.FilePath) == "" {
			return httpx.Invalid(`field "file_path" is required for a diff`)
		}
		if utf8.RuneCountInString(p.Diff) > MaxPreviewRunes {
			return httpx.Invalid(`field "diff" is longer than %d characters (truncate it and set "truncated")`, MaxPreviewRunes)
		}
	case cards.PreviewNewFile:
		if strings.TrimSpace(p.FilePath) == "" {
			return httpx.Invalid(`field "file_path" is required for a new file`)
		}
		if utf8.RuneCountInString(p.Content) > MaxPreviewRunes {
			return httpx.Invalid(`field "content" is longer than %d characters (truncate it and set "truncated")`, MaxPreviewRunes)
		}
	case cards.PreviewMCP:
		for name, v := range map[string]string{"server": p.Server, "tool": p.Tool} {
			if strings.TrimSpace(v) == "" || len(v) > maxToolNameLen {
				return httpx.Invalid(`field %q is required for an MCP preview (at most %d characters)`, name, maxToolNameLen)
			}
		}
	default:
		return httpx.Invalid(`field "preview.kind" must be diff, new_file or mcp`)
	}
	return nil
}

func checkTodos(todos []cards.Todo) error {
	if todos == nil {
		return httpx.Invalid(`field "todos" is required (an array, may be empty)`)
	}
	if len(todos) > maxTodos {
		return httpx.Invalid(`field "todos" has more than %d items`, maxTodos)
	}
	for i, t := range todos {
		switch t.Status {
		case cards.TodoPending, cards.TodoInProgress, cards.TodoCompleted:
		default:
			return httpx.Invalid(`todos[%d].status must be pending, in_progress or completed`, i)
		}
		if strings.TrimSpace(t.Content) == "" || utf8.RuneCountInString(t.Content) > maxTodoRunes || utf8.RuneCountInString(t.ActiveForm) > maxTodoRunes {
			return httpx.Invalid(`todos[%d].content is required; content and activeForm are at most %d characters`, i, maxTodoRunes)
		}
	}
	return nil
}

func checkQuestions(qs []cards.Question) error {
	if len(qs) == 0 || len(qs) > maxQuestions {
		return httpx.Invalid(`field "questions" must have 1 to %d questions`, maxQuestions)
	}
	seen := map[string]bool{}
	for i, q := range qs {
		if strings.TrimSpace(q.Question) == "" || utf8.RuneCountInString(q.Question) > maxQuestionRunes {
			return httpx.Invalid(`questions[%d].question is required (at most %d characters)`, i, maxQuestionRunes)
		}
		if seen[q.Question] {
			return httpx.Invalid(`questions[%d].question repeats an earlier question (answers are keyed by the question)`, i)
		}
		seen[q.Question] = true
		if utf8.RuneCountInString(q.Header) > maxHeaderRunes {
			return httpx.Invalid(`questions[%d].header is longer than %d characters`, i, maxHeaderRunes)
		}
		if len(q.Options) > maxOptions {
			return httpx.Invalid(`questions[%d] has more than %d options`, i, maxOptions)
		}
		labels := map[string]bool{}
		for j, o := range q.Options {
			if strings.TrimSpace(o.Label) == "" || utf8.RuneCountInString(o.Label) > maxLabelRunes || labels[o.Label] {
				return httpx.Invalid(`questions[%d].options[%d].label is required, unique, at most %d characters`, i, j, maxLabelRunes)
			}
			labels[o.Label] = true
			if utf8.RuneCountInString(o.Description) > maxOptionDescRunes {
				return httpx.Invalid(`questions[%d].options[%d].description is longer than %d characters`, i, j, maxOptionDescRunes)
			}
		}
	}
	return nil
}

func isJSONObject(raw json.RawMessage) bool {
	s := strings.TrimSpace(string(raw))
	return strings.HasPrefix(s, "{") && json.Valid([]byte(s))
}

// checkID accepts agent-chosen ids: 1..64 bytes, printable, no spaces.
func checkID(field, id string) error {
	if id == "" || len(id) > maxIDLen {
		return httpx.Invalid("field %q is required (at most %d characters)", field, maxIDLen)
	}
	for _, r := range id {
		if r == utf8.RuneError || unicode.IsSpace(r) || !unicode.IsPrint(r) {
			return httpx.Invalid("field %q must not contain spaces or control characters", field)
		}
	}
	return nil
}

func (h *handler) output(w http.ResponseWriter, r *http.Request) {
	a := agentFrom(r.Context())
	sessionID := mux.Vars(r)["session_id"]
	key := r.Header.Get(idempotencyHead)
	if !validIdempotencyKey(key) {
		httpx.Fail(w, r, httpx.Invalid("header Idempotency-Key is required: 1 to %d characters of A-Z a-z 0-9 _ -", maxIDLen))
		return
	}
	r = httpx.AddLogFields(r, "session_id", sessionID)
	if !model.IsValidId(sessionID) { // no session has such an id (nor could a key hold it)
		httpx.Error(w, r, http.StatusNotFound, "unknown session", nil)
		return
	}

	sess, err := h.Sessions.Get(sessionID)
	if errors.Is(err, sessions.ErrNotFound) {
		httpx.Error(w, r, http.StatusNotFound, "unknown session", err)
		return
	}
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	if sess.MachineID != a.machine.ID {
		httpx.Error(w, r, http.StatusForbidden, "this session belongs to another machine", nil)
		return
	}

	data, err := httpx.ReadBodyLimit(w, r, MaxOutputBodyBytes)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	out, err := ParseOutput(data)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	// One report per session at a time on this node, so a retry racing its
	// original finds the stored response instead of doing the work twice
	// (across nodes, the idempotency record itself does that).
	unlock := h.locks.lock(sessionID)
	defer unlock()

	work := func() (any, error) {
		resp, err := h.do(a, sess, out)
		if err != nil {
			return nil, fmt.Errorf("%s output: %w", out.Kind, err)
		}
		if out.Kind != KindStatus { // a status report records the activity itself
			h.Sessions.Touch(sess)
		}
		return resp, nil
	}
	// Text reports carry the whole text so far and map to posts by
	// message_id, so repeating one is harmless; keeping a response for each
	// streamed chunk would cost a database write (and a read) per chunk.
	if out.Kind == KindText && !out.Done {
		resp, err := work()
		if err != nil {
			fail(w, r, err)
			return
		}
		httpx.WriteJSON(w, http.StatusOK, resp)
		return
	}
	h.idempotent(w, r, idempotencyKey(a.machine.ID, sess.ID, routeOutput, key), work)
}

// do carries out one output report and returns the response.
func (h *handler) do(a *agent, sess *sessions.Session, out *Output) (any, error) {
	switch out.Kind {
	case KindStatus:
		_, err := h.Sessions.ApplyStatus(sess.ID, sessions.StatusUpdate{
			Status: out.Status, ClaudeSessionID: out.ClaudeSessionID, Cwd: out.Cwd, Model: out.Model,
			Error: out.Error, CostUSD: out.CostUSD, InputTokens: out.InputTokens, OutputTokens: out.OutputTokens,
			Branch: out.Branch, PermissionMode: out.PermissionMode, ContextTokens: out.ContextTokens, ContextWindow: out.ContextWindow,
			RunsIn: out.RunsIn, Away: out.Away,
		})
		return map[string]any{"ok": true}, err
	case KindNotice:
		postID, err := h.Sessions.Reply(sess, out.Text)
		return map[string]any{"post_id": postID}, err
	case KindText:
		postID, err := h.Streaming.Text(sess, out.MessageID, out.Text, out.Done)
		return map[string]any{"post_id": postID}, err
	case KindApproval:
		cwd := ""
		if out.Cwd != nil {
			cwd = *out.Cwd
		}
		ap, err := h.Approvals.Create(sess, approvals.Request{
			RequestID: out.RequestID, ToolName: out.ToolName, Input: out.Input, Cwd: cwd, Description: out.Description,
			Preview: out.Preview, Terminal: out.Terminal,
		})
		if err != nil {
			return nil, err
		}
		return map[string]any{"post_id": ap.PostID, "request_id": ap.RequestID}, nil
	case KindQuestion:
		q, err := h.Approvals.Ask(sess, out.RequestID, out.Questions, out.Terminal)
		if err != nil {
			return nil, err
		}
		return map[string]any{"post_id": q.PostID, "request_id": q.RequestID}, nil
	case KindDiff:
		postID, err := h.ToolPosts.Diff(sess, cards.DiffProps{
			ToolUseID: out.ToolUseID, FilePath: out.FilePath, Diff: out.Diff, Language: out.Language,
			Added: out.Added, Removed: out.Removed, Truncated: out.Truncated,
		})
		return map[string]any{"post_id": postID}, err
	case KindTodo:
		postID, err := h.ToolPosts.Todo(sess, out.Todos)
		return map[string]any{"post_id": postID}, err
	case KindToolOutput:
		postID, err := h.ToolPosts.ToolOutput(sess, out.ToolUseID, out.ToolName, out.Summary, out.Output, out.IsError)
		return map[string]any{"post_id": postID}, err
	case KindPrompt, KindResolved, KindAttention:
		resp, err := h.terminalOutput(a, sess, out)
		if errors.Is(err, approvals.ErrNotFound) {
			return nil, errUnknownRequest
		}
		return resp, err
	}
	return nil, httpx.Invalid(`field "kind" must be %s`, kindList)
}

// keyedMutex is a mutex per key, dropped when nobody holds or waits for it.
type keyedMutex struct {
	mu sync.Mutex
	m  map[string]*lockEntry
}

type lockEntry struct {
	mu   sync.Mutex
	refs int
}

func (k *keyedMutex) lock(key string) func() {
	k.mu.Lock()
	e, ok := k.m[key]
	if !ok {
		e = &lockEntry{}
		k.m[key] = e
	}
	e.refs++
	k.mu.Unlock()
	e.mu.Lock()
	return func() {
		e.mu.Unlock()
		k.mu.Lock()
		e.refs--
		if e.refs == 0 {
			delete(k.m, key)
		}
		k.mu.Unlock()
	}
}
