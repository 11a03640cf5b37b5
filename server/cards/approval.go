package cards

import (
	"encoding/json"
	"fmt"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/mattermost/mattermost/server/public/model"
)

// ApprovalProps is props.claude_approval on an approval card.
type ApprovalProps struct {
	SessionID   string          `json:"session_id"`
	RequestID   string          `json:"request_id"`
	ToolName    string          `json:"tool_name"`
	Input       json.RawMessage `json:"input"`
	Cwd         string          `json:"cwd"`
	Description string          `json:"description"`
	Status      string          `json:"status"`
	DecidedBy   string          `json:"decided_by"` // username
	DecidedAt   int64           `json:"decided_at"` // unix ms, 0 while pending
	Reason      string          `json:"reason"`
	// ExpiredAfter says how long the card waited ("30 minutes") when the
	// plugin denied it for lack of an answer (status expired).
	ExpiredAfter string `json:"expired_after,omitempty"`
}

// NewApprovalPost builds an approval card as a reply in the session thread.
// It fails when the card cannot fit in a post (tool input beyond the props limit).
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

// ApplyApproval writes the card into post: message, props, and the Approve /
// Deny buttons while the approval is pending (removed once decided).
func ApplyApproval(post *model.Post, a ApprovalProps) error {
	if len(a.Input) == 0 {
		a.Input = json.RawMessage("{}")
	}
	if n := utf8.RuneCount(a.Input); n > MaxApprovalInputRunes {
		return fmt.Errorf("tool input has %d characters, more than an approval card holds (%d)", n, MaxApprovalInputRunes)
	}
	post.Type = string(PostTypeApproval)
	post.Message = ApprovalMessage(a)
	post.AddProp(string(PropApproval), propValue(a))
	if a.Status == ApprovalPending {
		post.AddProp(string(PropAttachments), approvalButtons(a))
	} else {
		post.DelProp(string(PropAttachments))
	}
	return nil
}

func approvalButtons(a ApprovalProps) []*model.SlackAttachment {
	button := func(id, name, style string) *model.PostAction {
		return &model.PostAction{
			Id:    id,
			Type:  model.PostActionTypeButton,
			Name:  name,
			Style: style,
			Integration: &model.PostActionIntegration{
				URL: ApprovalActionURL,
				Context: map[string]any{
					ContextAction:    id,
					ContextSessionID: a.SessionID,
					ContextRequestID: a.RequestID,
				},
			},
		}
	}
	return []*model.SlackAttachment{{
		Fallback: "Approve or deny: " + a.ToolName,
		Actions: []*model.PostAction{
			button(ActionApprove, "Approve", "success"),
			button(ActionDeny, "Deny", "danger"),
		},
	}}
}

// ApprovalMessage is the card's markdown fallback: what Claude wants to do,
// the full command or change, and the decision once made.
func ApprovalMessage(a ApprovalProps) string {
	var input map[string]any
	_ = json.Unmarshal(a.Input, &input) // a non-object input shows as raw JSON below
	str := func(k string) string {
		s, _ := input[k].(string)
		return s
	}

	var head string
	var block blockSpec
	switch a.ToolName {
	case "Bash":
		head = "**Claude wants to run a command**"
		if a.Cwd != "" {
			head += " in " + Code(a.Cwd)
		}
		block = blockSpec{lang: "bash", content: str("command")}
	case "Edit":
		head = "**Claude wants to edit** " + Code(str("file_path"))
		block = blockSpec{lang: "diff", content: lineDiff(str("old_string"), str("new_string"))}
	case "MultiEdit":
		head = "**Claude wants to edit** " + Code(str("file_path"))
		var parts []string
		edits, _ := input["edits"].([]any)
		for _, e := range edits {
			m, _ := e.(map[string]any)
			oldS, _ := m["old_string"].(string)
			newS, _ := m["new_string"].(string)
			parts = append(parts, lineDiff(oldS, newS))
		}
		block = blockSpec{lang: "diff", content: strings.Join(parts, "\n@@\n")}
	case "Write":
		head = "**Claude wants to write** " + Code(str("file_path"))
		block = blockSpec{lang: langFor(str("file_path")), content: str("content")}
	case "Read":
		head = "**Claude wants to read** " + Code(str("file_path"))
	case "WebFetch":
		head = "**Claude wants to fetch** " + str("url")
		block = blockSpec{lang: "", content: str("prompt")}
	case "WebSearch":
		head = "**Claude wants to search the web for** " + Code(str("query"))
	default:
		head = "**Claude wants to use** " + Code(a.ToolName)
		block = blockSpec{lang: "json", content: prettyJSON(a.Input)}
	}

	desc := a.Description
	if desc == "" {
		desc = str("description")
	}
	var extra []string
	if desc != "" {
		extra = append(extra, "_"+strings.TrimSpace(strings.ReplaceAll(desc, "\n", " "))+"_")
	}
	footer := ""
	switch a.Status {
	case ApprovalApproved:
		footer = "✅ Approved by @" + a.DecidedBy
	case ApprovalDenied:
		footer = "❌ Denied by @" + a.DecidedBy
		if a.Reason != "" {
			footer += ": " + strings.ReplaceAll(a.Reason, "\n", " ")
		}
	case ApprovalExpired:
		footer = "⏱️ Expired — denied after " + a.ExpiredAfter + " without an answer"
	}

	compose := func(body string) string {
		parts := []string{head}
		parts = append(parts, extra...)
		if body != "" {
			parts = append(parts, body)
		}
		if footer != "" {
			parts = append(parts, footer)
		}
		return strings.Join(parts, "\n")
	}
	if block.content == "" {
		return Truncate(compose(""), MaxMessageRunes)
	}
	msg := compose(CodeBlock(block.lang, block.content))
	if over := utf8.RuneCountInString(msg) - MaxMessageRunes; over > 0 {
		// Only a block longer than a whole post gets here: keep what fits and
		// say where the rest is (the props, which the webapp shows in full).
		note := "\n_… %d more characters: open this card in the web or desktop app to see all of it._"
		keep := utf8.RuneCountInString(block.content) - over - len(note) - 40
		head, rest := splitRunes(block.content, max(0, keep))
		msg = compose(CodeBlock(block.lang, head) + fmt.Sprintf(note, utf8.RuneCountInString(rest)))
		msg = Truncate(msg, MaxMessageRunes)
	}
	return msg
}

type blockSpec struct {
	lang    string
	content string
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
