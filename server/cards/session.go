package cards

import (
	"fmt"
	"strings"

	"github.com/mattermost/mattermost/server/public/model"
)

// SessionProps is props.claude_session on the session header card.
type SessionProps struct {
	ID              string   `json:"id"`
	Status          string   `json:"status"`
	MachineName     string   `json:"machine_name"`
	Cwd             string   `json:"cwd"`
	OwnerUsername   string   `json:"owner_username"`
	Participants    []string `json:"participants"`
	Model           string   `json:"model"`
	CostUSD         float64  `json:"cost_usd"`
	ClaudeSessionID string   `json:"claude_session_id"`
	InputTokens     int64    `json:"input_tokens,omitempty"`
	OutputTokens    int64    `json:"output_tokens,omitempty"`
	Error           string   `json:"error,omitempty"`
	Branch          string   `json:"branch"`
	PermissionMode  string   `json:"permission_mode"`
	OwnerID         string   `json:"owner_id"`
	ContextTokens   int64    `json:"context_tokens"`
	ContextWindow   int64    `json:"context_window"`
	LastActivity    int64    `json:"last_activity"` // unix ms
	EndedReason     string   `json:"ended_reason"`
	// Origin is where the session began: OriginMattermost, OriginTerminal or
	// OriginCLI. RunsIn is where its conversation runs now: RunsInAgent
	// (the agent's Claude Code, driven from Mattermost) or RunsInTerminal.
	Origin string `json:"origin"`
	RunsIn string `json:"runs_in"`
	// Away: someone marked the owner away from the terminal, so Claude
	// waits for Mattermost (only while it runs in a terminal).
	Away  bool   `json:"away"`
	Title string `json:"title,omitempty"`
	// Prompt is what the session was asked (redacted, cut to
	// MaxPromptRunes); the message quotes it too.
	Prompt string `json:"prompt,omitempty"`
	// WaitingForMachine: the session waits for its machine's agent, which
	// was offline when it was asked; MachineLastSeen says since when
	// (unix ms, 0: never connected). Cleared by the agent's first report.
	WaitingForMachine bool  `json:"waiting_for_machine,omitempty"`
	MachineLastSeen   int64 `json:"machine_last_seen,omitempty"`
}

// Origins and places a session's conversation runs in (props origin, runs_in).
const (
	OriginMattermost = "mattermost"
	OriginTerminal   = "terminal"
	OriginCLI        = "cli"

	RunsInAgent    = "agent"
	RunsInTerminal = "terminal"
)

// InTerminal tells whether the conversation runs in a terminal now.
func (p SessionProps) InTerminal() bool { return p.RunsIn == RunsInTerminal }

// SessionCard is what the header card shows. The prompt is Props.Prompt.
type SessionCard struct {
	Props SessionProps
}

// MaxPromptRunes bounds the prompt on the header (props and message); the
// full prompt is the user's own post.
const MaxPromptRunes = 3000

// maxPromptLines bounds the quoted prompt's lines, so a prompt of many
// short lines still leaves room in the post (each quoted line costs "> ").
const maxPromptLines = 60

// maxTitleRunes bounds a session's title (the agent may name a session it opens).
const maxTitleRunes = 200

var statusIcons = map[string]string{
	"starting": "⏳",
	"working":  "⚙️",
	"waiting":  "✋",
	"idle":     "💤",
	"ended":    "✅",
	"error":    "⚠️",
}

// SessionMessage is the header card's markdown (what the mobile apps show).
func SessionMessage(c SessionCard) string {
	p := c.Props
	status := p.Status
	if icon, ok := statusIcons[status]; ok {
		status = icon + " " + status
	}
	var b strings.Builder
	if p.Status == "ended" && p.EndedReason != "" {
		status += " (" + endedReasons[p.EndedReason] + ")"
		if endedReasons[p.EndedReason] == "" {
			status = statusIcons["ended"] + " ended (" + p.EndedReason + ")"
		}
	}
	b.WriteString("**Claude Code session** · " + status + " · " + where(p))
	if p.Cwd != "" {
		b.WriteString(" · " + Code(p.Cwd))
	}
	if p.Branch != "" {
		b.WriteString(" · branch " + Code(p.Branch))
	}
	if p.Title != "" {
		b.WriteString("\n" + Truncate(oneLine(p.Title), maxTitleRunes))
	}
	var details []string
	if p.PermissionMode != "" && p.PermissionMode != "default" {
		details = append(details, "mode "+Code(p.PermissionMode))
	}
	if p.Model != "" {
		details = append(details, "model "+Code(p.Model))
	}
	if p.CostUSD > 0 {
		details = append(details, fmt.Sprintf("cost $%.4f", p.CostUSD))
	}
	if p.InputTokens > 0 || p.OutputTokens > 0 {
		details = append(details, fmt.Sprintf("%d in / %d out tokens", p.InputTokens, p.OutputTokens))
	}
	if p.ContextWindow > 0 {
		details = append(details, fmt.Sprintf("context %d%%", p.ContextTokens*100/p.ContextWindow))
	}
	if p.OwnerUsername != "" {
		details = append(details, "started by @"+p.OwnerUsername+startedFrom(p))
	}
	if len(p.Participants) > 1 {
		others := make([]string, 0, len(p.Participants)-1)
		for _, u := range p.Participants[1:] {
			others = append(others, "@"+u)
		}
		details = append(details, "with "+strings.Join(others, ", "))
	}
	if len(details) > 0 {
		b.WriteString("\n" + strings.Join(details, " · "))
	}
	if p.WaitingForMachine && (p.Status == "starting") {
		b.WriteString("\n" + machineWaitLine(p.MachineName, p.MachineLastSeen))
	}
	if p.Away && p.InTerminal() {
		b.WriteString("\n🚶 **Away** — Claude waits for replies and approvals here until someone writes `!back`.")
	}
	if p.Error != "" {
		b.WriteString("\n**Error:** " + Truncate(strings.ReplaceAll(p.Error, "\n", " "), 1000))
	}
	if strings.TrimSpace(p.Prompt) != "" {
		b.WriteString("\n\n" + Quote(promptShown(p.Prompt)))
	}
	switch {
	case p.Status == "ended":
		b.WriteString("\n\n_Reply in this thread to resume the session._")
	case p.InTerminal():
		b.WriteString("\n\n_Replies here reach Claude in the terminal when its turn ends; `!away` makes it wait for you here, " +
			"`!continue` (the owner) moves the session here, `!help` lists the commands._")
	default:
		b.WriteString("\n\n_Reply in this thread to talk to Claude; `!stop` stops it, `!help` lists the commands._")
	}
	return b.String()
}

// promptShown is the prompt as the header quotes it: at most MaxPromptRunes
// and maxPromptLines, the cut marked.
func promptShown(prompt string) string {
	prompt = strings.TrimSpace(prompt)
	if lines := strings.Split(prompt, "\n"); len(lines) > maxPromptLines {
		prompt = strings.Join(lines[:maxPromptLines], "\n") + "\n…"
	}
	return Truncate(prompt, MaxPromptRunes)
}

// NewSessionPost builds the header card: a root post by the bot in
// channelID, or a reply in the thread rootID when the session lives in an
// existing thread.
func NewSessionPost(botID, channelID, rootID string, c SessionCard) *model.Post {
	post := &model.Post{UserId: botID, ChannelId: channelID, RootId: rootID}
	ApplySession(post, c)
	return post
}

// ApplySession writes the card into post (new or existing).
func ApplySession(post *model.Post, c SessionCard) {
	if c.Props.Participants == nil {
		c.Props.Participants = []string{}
	}
	if c.Props.Origin == "" {
		c.Props.Origin = OriginMattermost
	}
	if c.Props.RunsIn == "" {
		c.Props.RunsIn = RunsInAgent
	}
	c.Props.Prompt = Truncate(strings.TrimSpace(c.Props.Prompt), MaxPromptRunes)
	post.Type = string(PostTypeSession)
	post.Message = SessionMessage(c)
	post.AddProp(string(PropSession), propValue(c.Props))
	if c.Props.Status == "ended" {
		post.DelProp(string(PropAttachments))
	} else {
		post.AddProp(string(PropAttachments), sessionButtons(c.Props))
	}
}

var endedReasons = map[string]string{
	"stopped": "stopped",
	"idle":    "idle",
	"error":   "error",
	"exited":  "Claude exited",
}

func sessionButtons(p SessionProps) []*model.SlackAttachment {
	button := func(id, name, style string) *model.PostAction {
		return &model.PostAction{
			Id: id, Type: model.PostActionTypeButton, Name: name, Style: style,
			Integration: &model.PostActionIntegration{
				URL:     SessionActionURL,
				Context: map[string]any{ContextAction: id, ContextSessionID: p.ID},
			},
		}
	}
	if p.InTerminal() {
		away := button(ActionAway, "Away", "default")
		if p.Away {
			away = button(ActionBack, "Back", "default")
		}
		return []*model.SlackAttachment{{
			Fallback: "Mark the owner away or back, continue the session here, or stop it",
			Actions:  []*model.PostAction{away, button(ActionContinue, "Continue here", "primary"), button(ActionStop, "Stop", "danger")},
		}}
	}
	return []*model.SlackAttachment{{
		Fallback: "Interrupt or stop the session",
		Actions: []*model.PostAction{
			button(ActionInterrupt, "Interrupt", "default"),
			button(ActionStop, "Stop", "danger"),
		},
	}}
}

// where says where the conversation runs: "in a terminal on `laptop`", "in
// Mattermost on `laptop`" once a terminal session moved here, else the
// machine.
func where(p SessionProps) string {
	switch {
	case p.InTerminal():
		return "in a terminal on " + Code(p.MachineName)
	case p.Origin == OriginTerminal:
		return "in Mattermost on " + Code(p.MachineName)
	}
	return "machine " + Code(p.MachineName)
}

func startedFrom(p SessionProps) string {
	switch p.Origin {
	case OriginTerminal:
		return " in a terminal"
	case OriginCLI:
		return " from the command line"
	}
	return ""
}
