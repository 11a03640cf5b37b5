// Package inbox is the durable per-machine queue of events from the plugin
// to the agent: numbered events kept in the KV store until acknowledged,
// fetched with a long poll that wakes on enqueue on any cluster node.
package inbox

import "encoding/json"

// EventType names what an event asks the agent to do.
type EventType string

// Event types (docs/protocol.md).
const (
	TypeStart    EventType = "start"
	TypeDecision EventType = "decision"
	TypeMessage  EventType = "message"
	TypeStop     EventType = "stop"
	TypeCommand  EventType = "command"
	TypeAnswer   EventType = "answer"
)

// Event is one queued event as the agent receives it.
type Event struct {
	Seq       int64           `json:"seq"`
	Type      EventType       `json:"type"`
	SessionID string          `json:"session_id"`
	CreatedAt int64           `json:"created_at"` // unix ms
	Payload   json.RawMessage `json:"payload"`
}

// UserRef names a Mattermost user in payloads.
type UserRef struct {
	ID       string `json:"id"`
	Username string `json:"username"`
}

// MachineRef names a machine in payloads.
type MachineRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// StartPayload starts a session, or resumes one (Resume set).
type StartPayload struct {
	Prompt         string     `json:"prompt"`
	Cwd            string     `json:"cwd"`
	User           UserRef    `json:"user"`
	ChannelID      string     `json:"channel_id"`
	RootID         string     `json:"root_id"`
	Branch         string     `json:"branch"`
	Context        string     `json:"context"`
	PermissionMode string     `json:"permission_mode"`
	Model          string     `json:"model"`
	Resume         string     `json:"resume"`
	Participants   []UserRef  `json:"participants"`
	Machine        MachineRef `json:"machine"`
}

// CommandPayload is a thread command for the agent (!escape, !cd, …).
type CommandPayload struct {
	Name string  `json:"name"`
	Args string  `json:"args"`
	By   UserRef `json:"by"`
}

// DecisionPayload answers an approval request.
type DecisionPayload struct {
	RequestID string  `json:"request_id"`
	Decision  string  `json:"decision"` // "approve" | "deny"
	By        UserRef `json:"by"`
	Reason    string  `json:"reason"`
	// ApproveAll: approved with "Approve all"; the agent switches the
	// session to bypassPermissions.
	ApproveAll bool `json:"approve_all,omitempty"`
}

// AnswerPayload answers a question card (AskUserQuestion): the answer per
// question text.
type AnswerPayload struct {
	RequestID string            `json:"request_id"`
	Answers   map[string]string `json:"answers"`
	By        UserRef           `json:"by"`
}

// FileRef is a file attached to a participant's reply.
type FileRef struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	MimeType string `json:"mime_type"`
	Size     int64  `json:"size"`
}

// MessagePayload is a participant's reply in the session thread.
type MessagePayload struct {
	Text   string    `json:"text"`
	User   UserRef   `json:"user"`
	PostID string    `json:"post_id"`
	Files  []FileRef `json:"files,omitempty"`
}

// StopPayload stops a session.
type StopPayload struct {
	By UserRef `json:"by"`
}
