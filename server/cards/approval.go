package cards

import (
	"encoding/json"
	"fmt"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mattermost/mattermost/server/public/model"
)

// Preview kinds in props.claude_approval.preview (the agent computes them).
const (
	PreviewDiff    = "diff"
	PreviewNewFile = "new_file"
	PreviewMCP     = "mcp"
)

// PlanTool is the tool whose approval is a plan card.
const PlanTool = "ExitPlanMode"

// Preview is what the agent shows of a tool call beyond its input: the
// diff of an edit, a new file's content, an MCP tool's server and name.
type Preview struct {
	Kind      string `json:"kind"`
	FilePath  string `json:"file_path,omitempty"`
	Diff      string `json:"diff,omitempty"`
	Content   string `json:"content,omitempty"`
	Language  string `json:"language,omitempty"`
	Added     int    `json:"added"`
	Removed   int    `json:"removed"`
	Lines     int    `json:"lines,omitempty"`
	Truncated bool   `json:"truncated,omitempty"`
	Server    string `json:"server,omitempty"`
	Tool      string `json:"tool,omitempty"`
}

// ApprovalProps is props.claude_approval on an approval or plan card.
type ApprovalProps struct {
	SessionID   string          `json:"session_id"`
	RequestID   string          `json:"request_id"`
	ToolName    string          `json:"tool_name"`
	Input       json.RawMessage `json:"input"`
	Cwd         string          `json:"cwd"`
	Description string          `json:"description"`
	Preview     *Preview        `json:"preview,omitempty"`
	Status      string          `json:"status"`
	DecidedBy   string          `json:"decided_by"` // username
	DecidedAt   int64           `json:"decided_at"` // unix ms, 0 while pending
	Reason      string          `json:"reason"`
	// ApproveAll: approved with "Approve all" (the session switched to
	// bypassPermissions).
	ApproveAll bool `json:"approve_all,omitempty"`
	// AllowApproveAll tells the webapp whether to offer "Approve all"
	// (the admin setting when the card was made).
	AllowApproveAll bool `json:"allow_approve_all"`
	// ExpiredAfter says how long the card waited ("30 minutes") when the
	// plugin denied it for lack of an answer (status expired).
	ExpiredAfter string `json:"expired_after,omitempty"`
	// Terminal: Claude Code asks in the owner's terminal too (a session
	// mirrored from there); the first answer, here or there, counts.
	Terminal bool `json:"terminal,omitempty"`
	// Resolution says how a resolved request was settled in the terminal
	// (ResolvedTerminalAllowed, …).
	Resolution string `json:"resolution,omitempty"`
	// SessionEnded: the session ended before anyone answered; the card was
	// closed (status denied, decided_by "", reason says why).
	SessionEnded bool `json:"session_ended,omitempty"`
	// WaitingFor names who may decide while it is pending (the session's
	// participants, usernames), for the card's status line.
	WaitingFor []string `json:"waiting_for,omitempty"`
}

// IsPlan tells whether the approval is a plan approval (ExitPlanMode).
func (a ApprovalProps) IsPlan() bool { return a.ToolName == PlanTool }

// PostType is the card's post type: a plan card or an approval card.
func (a ApprovalProps) PostType() PostType {
	if a.IsPlan() {
		return PostTypePlan
	}
	return PostTypeApproval
}

// NewApprovalPost builds an approval (or plan) card as a reply in the
// session thread. It fails when the card cannot fit in a post.
func NewApprovalPost(botID, channelID, rootID string, a ApprovalProps) (*model.Post, error) {
	post := &model.Post{UserId: botID, ChannelId: channelID, RootId: rootID}
	if err := ApplyApproval(post, a); err != nil {
		return nil, err
	}
	return post, nil
}

// MaxApprovalInputRunes bounds the tool input kept in the card's props
// (Mattermost refuses posts whose props exceed model.PostPropsMaxRunes).
const MaxApprovalInputRunes = model.PostPropsMaxUserRunes - 100_000

// maxPropsRunes is what a card's props may take, with room to spare for
// what Mattermost adds.
const maxPropsRunes = model.PostPropsMaxRunes - 20_000

// ApplyApproval writes the card into post: type, message, props, and the
// buttons while the approval is pending (removed once decided). A preview
// too large to fit beside the input is cut (and marked truncated).
func ApplyApproval(post *model.Post, a ApprovalProps) error {
	if len(a.Input) == 0 {
		a.Input = json.RawMessage("{}")
	}
	if n := utf8.RuneCount(a.Input); n > MaxApprovalInputRunes {
		return fmt.Errorf("tool input has %d characters, more than an approval card holds (%d)", n, MaxApprovalInputRunes)
	}
	a.Preview = fitPreview(a)
	post.Type = string(a.PostType())
	post.Message = ApprovalMessage(a)
	post.AddProp(string(PropApproval), propValue(a))
	if a.Status == ApprovalPending {
		post.AddProp(string(PropAttachments), approvalButtons(a))
	} else {
		post.DelProp(string(PropAttachments))
	}
	return nil
}

// fitPreview cuts the preview's diff or content so the props fit in a post.
func fitPreview(a ApprovalProps) *Preview {
	if a.Preview == nil {
		return nil
	}
	b, _ := json.Marshal(a)
	over := utf8.RuneCount(b) - maxPropsRunes
	if over <= 0 {
		return a.Preview
	}
	p := *a.Preview
	cut := func(s string) string {
		keep := max(0, utf8.RuneCountInString(s)-over-1000)
		head, _ := splitRunes(s, keep)
		if i := strings.LastIndexByte(head, '\n'); i >= 0 {
			head = head[:i+1]
		}
		return head
	}
	p.Diff, p.Content = cut(p.Diff), cut(p.Content)
	p.Truncated = true
	return &p
}

func approvalButtons(a ApprovalProps) []*model.SlackAttachment {
	button := func(id, contextAction, name, style string) *model.PostAction {
		return &model.PostAction{
			Id:    id,
			Type:  model.PostActionTypeButton,
			Name:  name,
			Style: style,
			Integration: &model.PostActionIntegration{
				URL: ApprovalActionURL,
				Context: map[string]any{
					ContextAction:    contextAction,
					ContextSessionID: a.SessionID,
					ContextRequestID: a.RequestID,
				},
			},
		}
	}
	if a.IsPlan() {
		return []*model.SlackAttachment{{
			Fallback: "Approve the plan or request changes",
			Actions: []*model.PostAction{
				button(ActionApprove, ActionApprove, "Approve plan", "success"),
				button(ActionDenyReason, ContextDenyReason, "Request changes…", "default"),
			},
		}}
	}
	actions := []*model.PostAction{button(ActionApprove, ActionApprove, "Approve", "success")}
	if a.AllowApproveAll {
		actions = append(actions, button(ActionApproveAll, ContextApproveAll, "Approve all", "primary"))
	}
	actions = append(actions,
		button(ActionDeny, ActionDeny, "Deny", "danger"),
		button(ActionDenyReason, ContextDenyReason, "Deny with reason…", "default"))
	return []*model.SlackAttachment{{Fallback: "Approve or deny: " + a.ToolName, Actions: actions}}
}

// Bounds for what the fallback repeats of free text.
const (
	maxHeadRunes  = 500  // a path, URL, pattern in the heading
	maxQuoteRunes = 3000 // a subagent prompt, a fetch prompt
)

// ApprovalMessage is the card's markdown fallback (what the mobile apps
// show): what Claude wants to do, per tool, and the decision once made.
func ApprovalMessage(a ApprovalProps) string {
	if a.IsPlan() {
		return planMessage(a)
	}
	var input map[string]any
	_ = json.Unmarshal(a.Input, &input) // a non-object input shows as raw JSON below
	str := func(k string) string {
		s, _ := input[k].(string)
		return s
	}
	short := func(s string) string { return Code(Truncate(s, maxHeadRunes)) }
	p := a.Preview

	var head, quote string
	var block *blockSpec
	tool := a.ToolName
	if strings.HasPrefix(tool, "mcp__") {
		tool = "mcp"
	}
	switch tool {
	case "Bash":
		head = "**Claude wants to run a command**"
		if a.Cwd != "" {
			head += " in " + short(a.Cwd)
		}
		block = &blockSpec{lang: "bash", content: str("command")}
	case "Edit", "MultiEdit", "Write":
		file := str("file_path")
		switch {
		case p != nil && p.Kind == PreviewNewFile:
			if p.FilePath != "" {
				file = p.FilePath
			}
			head = "**Claude wants to create** " + short(file) + " (" + plural(p.Lines, "line") + ")"
			block = &blockSpec{lang: p.Language, content: p.Content, truncated: p.Truncated}
		case p != nil && p.Kind == PreviewDiff:
			if p.FilePath != "" {
				file = p.FilePath
			}
			head = "**Claude wants to edit** " + short(file) + " " + counts(p.Added, p.Removed)
			block = &blockSpec{lang: "diff", content: p.Diff, truncated: p.Truncated}
		case tool == "Write": // an agent without previews
			head = "**Claude wants to write** " + short(file)
			block = &blockSpec{lang: langFor(file), content: str("content")}
		default:
			diff := inputDiff(tool, input)
			added, removed := diffCounts(diff)
			head = "**Claude wants to edit** " + short(file) + " " + counts(added, removed)
			block = &blockSpec{lang: "diff", content: diff}
		}
	case "Read", "NotebookRead":
		file := str("file_path")
		if file == "" {
			file = str("notebook_path")
		}
		head = "**Claude wants to read** " + short(file)
	case "Glob":
		head = "**Claude wants to find files** matching " + short(str("pattern"))
		if dir := str("path"); dir != "" {
			head += " in " + short(dir)
		}
	case "Grep":
		head = "**Claude wants to search** for " + short(str("pattern"))
		if dir := str("path"); dir != "" {
			head += " in " + short(dir)
		}
		if glob := str("glob"); glob != "" {
			head += " (files " + short(glob) + ")"
		}
	case "LS":
		head = "**Claude wants to list** " + short(str("path"))
	case "WebFetch":
		head = "**Claude wants to fetch** " + short(str("url"))
		quote = str("prompt")
	case "WebSearch":
		head = "**Claude wants to search the web for** " + short(str("query"))
	case "mcp":
		server, name := mcpNames(a.ToolName, p)
		head = "**Claude wants to use** " + short(name) + " from the MCP server " + short(server)
		block = &blockSpec{lang: "json", content: prettyJSON(a.Input)}
	case "Task", "Agent":
		head = "**Claude wants to start a subagent**"
		if kind := str("subagent_type"); kind != "" {
			head += " (" + short(kind) + ")"
		}
		if d := str("description"); d != "" {
			head += ": " + Truncate(oneLine(d), maxHeadRunes)
		}
		quote = str("prompt")
	default:
		head = "**Claude wants to use** " + short(a.ToolName)
		block = &blockSpec{lang: "json", content: prettyJSON(a.Input)}
	}

	var extra []string
	desc := a.Description
	if desc == "" && tool != "Task" && tool != "Agent" {
		desc = str("description")
	}
	if desc != "" {
		extra = append(extra, "_"+Truncate(oneLine(desc), maxQuoteRunes)+"_")
	}
	if quote != "" {
		extra = append(extra, Quote(Truncate(quote, maxQuoteRunes)))
	}
	footer := approvalFooter(a)
	return composeCard(head, extra, block, footer)
}

func approvalFooter(a ApprovalProps) string {
	if a.SessionEnded {
		return "⏹️ " + a.Reason
	}
	switch a.Status {
	case ApprovalApproved:
		if a.ApproveAll {
			return "✅ Approved by @" + a.DecidedBy + ", with everything else in this session (approve all)"
		}
		return "✅ Approved by @" + a.DecidedBy
	case ApprovalDenied:
		s := "❌ Denied by @" + a.DecidedBy
		if a.Reason != "" {
			s += ": " + Truncate(oneLine(a.Reason), maxQuoteRunes)
		}
		return s
	case ApprovalExpired:
		return "⏱️ Expired — denied after " + a.ExpiredAfter + " without an answer"
	case ApprovalResolved:
		return resolvedFooter(a.Resolution, a.ExpiredAfter)
	case ApprovalPending:
		line := waitingLine(a.WaitingFor, "approve or deny it", answerInPanel)
		if a.Terminal {
			line += "\n" + terminalPendingNote
		}
		return line
	}
	return ""
}

// composeCard joins a card's parts, the block cut to fit the post.
func composeCard(head string, extra []string, block *blockSpec, footer string) string {
	compose := func(body string) string {
		parts := append([]string{head}, extra...)
		if body != "" {
			parts = append(parts, body)
		}
		if footer != "" {
			parts = append(parts, footer)
		}
		return strings.Join(parts, "\n")
	}
	if block == nil || strings.TrimSpace(block.content) == "" {
		return Truncate(compose(""), MaxMessageRunes)
	}
	note := ""
	if block.truncated {
		note = "_The rest was too long to send; the agent cut it._"
	}
	return FitBlock(compose, block.lang, block.content, note)
}

// planMessage is the plan card's markdown: the plan itself, then the decision.
func planMessage(a ApprovalProps) string {
	var input struct {
		Plan string `json:"plan"`
	}
	_ = json.Unmarshal(a.Input, &input)
	head := "**Claude's plan** — approve it to let Claude start, or ask for changes."
	var footer string
	switch {
	case a.SessionEnded:
		footer = "⏹️ " + a.Reason
	case a.Status == ApprovalApproved:
		footer = "✅ Plan approved by @" + a.DecidedBy
	case a.Status == ApprovalDenied:
		footer = "✏️ Changes requested by @" + a.DecidedBy
		if a.Reason != "" {
			footer += ":\n" + Quote(Truncate(a.Reason, maxQuoteRunes))
		}
	case a.Status == ApprovalExpired:
		footer = "⏱️ Expired — nobody answered within " + a.ExpiredAfter + ", so Claude was told no"
	case a.Status == ApprovalResolved:
		footer = resolvedFooter(a.Resolution, a.ExpiredAfter)
	case a.Status == ApprovalPending:
		footer = waitingLine(a.WaitingFor, "approve the plan or request changes", answerInPanel)
		if a.Terminal {
			footer += "\n" + terminalPendingNote
		}
	}
	plan := strings.TrimSpace(input.Plan)
	room := MaxMessageRunes - utf8.RuneCountInString(head) - utf8.RuneCountInString(footer) - 200
	if utf8.RuneCountInString(plan) > room {
		plan = cutAtLine(plan, room) + "\n\n_… the rest of the plan is on the card in the web and desktop apps._"
	}
	parts := []string{head, "", plan}
	if footer != "" {
		parts = append(parts, "", footer)
	}
	return Truncate(strings.Join(parts, "\n"), MaxMessageRunes)
}

// cutAtLine keeps at most n runes of s, ending at a line end when there is one.
func cutAtLine(s string, n int) string {
	head, _ := splitRunes(s, max(0, n))
	if i := strings.LastIndexByte(head, '\n'); i > 0 {
		head = head[:i]
	}
	// An odd number of fences would leave a code block open.
	if strings.Count(head, "```")%2 == 1 {
		head += "\n```"
	}
	return head
}

type blockSpec struct {
	lang      string
	content   string
	truncated bool
}

func counts(added, removed int) string {
	return "(+" + strconv.Itoa(added) + " −" + strconv.Itoa(removed) + ")"
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// mcpNames splits mcp__<server>__<tool>, preferring the agent's preview.
func mcpNames(toolName string, p *Preview) (server, tool string) {
	if p != nil && p.Kind == PreviewMCP && p.Server != "" && p.Tool != "" {
		return p.Server, p.Tool
	}
	rest := strings.TrimPrefix(toolName, "mcp__")
	if s, t, ok := strings.Cut(rest, "__"); ok {
		return s, t
	}
	return rest, toolName
}

// inputDiff is the diff of an Edit or MultiEdit from its input, for agents
// that send no preview.
func inputDiff(tool string, input map[string]any) string {
	if tool == "Edit" {
		oldS, _ := input["old_string"].(string)
		newS, _ := input["new_string"].(string)
		return lineDiff(oldS, newS)
	}
	var parts []string
	edits, _ := input["edits"].([]any)
	for _, e := range edits {
		m, _ := e.(map[string]any)
		oldS, _ := m["old_string"].(string)
		newS, _ := m["new_string"].(string)
		parts = append(parts, lineDiff(oldS, newS))
	}
	return strings.Join(parts, "\n@@\n")
}

func diffCounts(diff string) (added, removed int) {
	for _, l := range strings.Split(diff, "\n") {
		switch {
		case strings.HasPrefix(l, "+++"), strings.HasPrefix(l, "---"):
		case strings.HasPrefix(l, "+"):
			added++
		case strings.HasPrefix(l, "-"):
			removed++
		}
	}
	return added, removed
}

// lineDiff shows an edit as a unified-style diff: unchanged lines at the
// start and end become up to three lines of context.
func lineDiff(oldS, newS string) string {
	a := strings.Split(oldS, "\n")
	b := strings.Split(newS, "\n")
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	const context = 3
	var out []string
	for _, l := range a[max(0, pre-context):pre] {
		out = append(out, " "+l)
	}
	for _, l := range a[pre : len(a)-suf] {
		out = append(out, "-"+l)
	}
	for _, l := range b[pre : len(b)-suf] {
		out = append(out, "+"+l)
	}
	for _, l := range a[len(a)-suf : min(len(a), len(a)-suf+context)] {
		out = append(out, " "+l)
	}
	return strings.Join(out, "\n")
}

func prettyJSON(raw json.RawMessage) string {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return string(raw)
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return string(raw)
	}
	return string(b)
}

var extLangs = map[string]string{
	".go": "go", ".ts": "typescript", ".tsx": "tsx", ".js": "javascript", ".jsx": "jsx",
	".py": "python", ".rb": "ruby", ".rs": "rust", ".java": "java", ".c": "c", ".h": "c",
	".cc": "cpp", ".cpp": "cpp", ".cs": "csharp", ".sh": "bash", ".json": "json",
	".yaml": "yaml", ".yml": "yaml", ".md": "markdown", ".sql": "sql", ".html": "html",
	".css": "css", ".toml": "toml", ".xml": "xml", ".kt": "kotlin", ".swift": "swift",
}

func langFor(file string) string { return extLangs[strings.ToLower(path.Ext(file))] }

// Summary is one line saying what an approval asks, for lists (the
// right-hand panel).
func Summary(a ApprovalProps) string {
	var input map[string]any
	_ = json.Unmarshal(a.Input, &input)
	str := func(k string) string {
		s, _ := input[k].(string)
		return s
	}
	var s string
	switch {
	case a.IsPlan():
		s = firstLine(str("plan"))
	case a.ToolName == "Bash":
		s = firstLine(str("command"))
	case a.Preview != nil && a.Preview.FilePath != "":
		s = a.Preview.FilePath
	default:
		for _, k := range []string{"file_path", "notebook_path", "pattern", "path", "url", "query", "description"} {
			if s = str(k); s != "" {
				break
			}
		}
	}
	if s == "" {
		s = a.ToolName
	}
	return Truncate(oneLine(s), 200)
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
