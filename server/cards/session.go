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
}

// SessionCard is what the header card shows.
type SessionCard struct {
	Props  SessionProps
	Prompt string
}

// maxPromptRunes bounds the quoted prompt on the header; the full prompt is
// the user's own post right above it.
const maxPromptRunes = 3000

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
	b.WriteString("**Claude Code session** · " + status + " · machine " + Code(p.MachineName))
	if p.Cwd != "" {
		b.WriteString(" · " + Code(p.Cwd))
	}
	var details []string
	if p.Model != "" {
		details = append(details, "model "+Code(p.Model))
	}
	if p.CostUSD > 0 {
		details = append(details, fmt.Sprintf("cost $%.4f", p.CostUSD))
	}
	if p.InputTokens > 0 || p.OutputTokens > 0 {
		details = append(details, fmt.Sprintf("%d in / %d out tokens", p.InputTokens, p.OutputTokens))
	}
	if p.OwnerUsername != "" {
		details = append(details, "started by @"+p.OwnerUsername)
	}
	if len(details) > 0 {
		b.WriteString("\n" + strings.Join(details, " · "))
	}
	if p.Error != "" {
		b.WriteString("\n**Error:** " + Truncate(strings.ReplaceAll(p.Error, "\n", " "), 1000))
	}
	if strings.TrimSpace(c.Prompt) != "" {
		b.WriteString("\n\n" + Quote(Truncate(c.Prompt, maxPromptRunes)))
	}
	b.WriteString("\n\n_Reply in this thread to talk to Claude; `!stop` stops it._")
	return b.String()
}

// NewSessionPost builds the header card: a root post by the bot in channelID.
func NewSessionPost(botID, channelID string, c SessionCard) *model.Post {
	post := &model.Post{UserId: botID, ChannelId: channelID}
	ApplySession(post, c)
	return post
}

// ApplySession writes the card into post (new or existing).
func ApplySession(post *model.Post, c SessionCard) {
	if c.Props.Participants == nil {
		c.Props.Participants = []string{}
	}
	post.Type = string(PostTypeSession)
	post.Message = SessionMessage(c)
	post.AddProp(string(PropSession), propValue(c.Props))
}
