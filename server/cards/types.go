// Package cards builds every post the plugin makes: the session header, the
// approval card and streamed text replies. Post types, prop keys, action ids
// and websocket event names live in this file and nowhere else; the webapp
// mirrors them in webapp/src/constants.ts (see docs/protocol.md).
package cards

// PluginID is the plugin's id; plugin routes are served under /plugins/<id>.
const PluginID = "claude-mattermost"

// PostType is a custom Mattermost post type owned by the plugin.
type PostType string

// Post types. The webapp renders them only when the author is the bot.
const (
	PostTypeSession  PostType = "custom_claude_session"
	PostTypeApproval PostType = "custom_claude_approval"
	PostTypeText     PostType = "custom_claude_text"
	PostTypeGuest    PostType = "custom_claude_guest"
	PostTypeOffer    PostType = "custom_claude_offer"
	// Rich cards (issue 4).
	PostTypePlan       PostType = "custom_claude_plan"
	PostTypeQuestion   PostType = "custom_claude_question"
	PostTypeDiff       PostType = "custom_claude_diff"
	PostTypeTodo       PostType = "custom_claude_todo"
	PostTypeToolOutput PostType = "custom_claude_tool_output"
)

// AllPostTypes lists every custom post type the plugin makes.
var AllPostTypes = []PostType{
	PostTypeSession, PostTypeApproval, PostTypeText, PostTypeGuest, PostTypeOffer,
	PostTypePlan, PostTypeQuestion, PostTypeDiff, PostTypeTodo, PostTypeToolOutput,
}

// PropKey is a key in a post's props.
type PropKey string

// Prop keys.
const (
	PropSession     PropKey = "claude_session"
	PropApproval    PropKey = "claude_approval"
	PropText        PropKey = "claude_text"
	PropGuest       PropKey = "claude_guest"
	PropOffer       PropKey = "claude_context_offer"
	PropQuestion    PropKey = "claude_question"
	PropDiff        PropKey = "claude_diff"
	PropTodo        PropKey = "claude_todo"
	PropToolOutput  PropKey = "claude_tool_output"
	PropAttachments PropKey = "attachments" // Mattermost's interactive message attachments
)

// WebSocketEvent is a plugin websocket event name as the server publishes it;
// clients receive it as "custom_<plugin id>_<name>".
type WebSocketEvent string

// Websocket events.
const (
	// WebSocketEventText carries streamed text to viewers of the channel:
	// {"post_id", "session_id", "message_id", "text", "done"}.
	WebSocketEventText WebSocketEvent = "text"
	// WebSocketEventRefresh tells one user that a list in the right-hand
	// panel changed: {"what": "sessions"|"approvals"|"machines"}.
	WebSocketEventRefresh WebSocketEvent = "refresh"
)

// What a refresh event is about.
const (
	RefreshSessions  = "sessions"
	RefreshApprovals = "approvals"
	RefreshMachines  = "machines"
)

// ClientEventName is the name a client sees for a plugin websocket event.
func ClientEventName(e WebSocketEvent) string { return "custom_" + PluginID + "_" + string(e) }

// Approval and plan card buttons: action ids and the integration route
// they call. Mattermost accepts only letters and digits in an action id, so
// the ids of "approve_all" and "deny_reason" lose their underscore; the
// buttons' context.action carries the protocol's value (ContextApproveAll,
// ContextDenyReason), which is also the decision in routes, props and events.
const (
	ActionApprove    = "approve"
	ActionApproveAll = "approveall"
	ActionDeny       = "deny"
	ActionDenyReason = "denyreason"

	ContextApproveAll = "approve_all"
	ContextDenyReason = "deny_reason"

	// ApprovalActionURL is relative: Mattermost routes /plugins/ URLs to the
	// plugin internally and sets the Mattermost-User-Id header.
	ApprovalActionURL = "/plugins/" + PluginID + "/api/v1/actions/approval"
	// DenyDialogURL receives the "Deny with reason…" / "Request changes…"
	// dialog; its state is "<session_id>:<request_id>".
	DenyDialogURL = "/plugins/" + PluginID + "/api/v1/dialogs/deny"
)

// Question card buttons: one per option (id "opt<i>", context.action
// "opt_<i>") for a single single-choice question, plus Other…; otherwise
// one Answer… button. Other… and Answer… open a dialog that posts to
// AnswerDialogURL with state "<session_id>:<request_id>".
const (
	ActionOptionPrefix  = "opt"
	ContextOptionPrefix = "opt_"
	ActionOther         = "other"
	ActionAnswer        = "answer"

	QuestionActionURL = "/plugins/" + PluginID + "/api/v1/actions/question"
	AnswerDialogURL   = "/plugins/" + PluginID + "/api/v1/dialogs/answer"
)

// Guest card buttons (a non-participant's message waiting for a participant).
const (
	ActionAllow  = "allow"
	ActionInvite = "invite"
	// ActionDeny ("deny") is shared with the approval card.

	GuestActionURL = "/plugins/" + PluginID + "/api/v1/actions/guest"
)

// Session header buttons. Away, Back and Continue here replace Interrupt
// while the session runs in a terminal.
const (
	ActionInterrupt = "interrupt"
	ActionStop      = "stop"
	ActionAway      = "away"
	ActionBack      = "back"
	ActionContinue  = "continue"

	SessionActionURL = "/plugins/" + PluginID + "/api/v1/actions/session"
)

// Context offer buttons (a mention inside an existing thread).
const (
	ActionInclude = "include"
	ActionWithout = "without"

	OfferActionURL = "/plugins/" + PluginID + "/api/v1/actions/context_offer"
)

// Context keys of the buttons' integration context.
const (
	ContextAction    = "action"
	ContextSessionID = "session_id"
	ContextRequestID = "request_id"
	ContextOfferID   = "offer_id"
)

// Approval statuses as shown in props.claude_approval.status.
const (
	ApprovalPending  = "pending"
	ApprovalApproved = "approved"
	ApprovalDenied   = "denied"
	// ApprovalExpired: nobody answered within the approval timeout; the
	// plugin denied it.
	ApprovalExpired = "expired"
	// ApprovalResolved: answered in the terminal, or left to it (props
	// resolution says which); no decision came from Mattermost.
	ApprovalResolved = "resolved"
)

// How a request asked in a terminal was resolved there (the agent's
// `resolved` output; props resolution of a resolved approval or question).
const (
	ResolvedTerminalAllowed = "terminal_allowed"
	ResolvedTerminalDenied  = "terminal_denied"
	// ResolvedTerminalAsks: the hook stepped aside and the terminal asks
	// (also a terminal card nobody answered in time).
	ResolvedTerminalAsks = "terminal_asks"
)

// Question statuses as shown in props.claude_question.status.
const (
	QuestionPending  = "pending"
	QuestionAnswered = "answered"
	QuestionExpired  = "expired"
	QuestionResolved = "resolved" // answered in the terminal, or left to it
)

// Todo statuses as the agent reports them (TodoWrite).
const (
	TodoPending    = "pending"
	TodoInProgress = "in_progress"
	TodoCompleted  = "completed"
)

// Guest request statuses as shown in props.claude_guest.status.
const (
	GuestPending = "pending"
	GuestAllowed = "allowed"
	GuestInvited = "invited"
	GuestDenied  = "denied"
)

// Context offer statuses as shown in props.claude_context_offer.status.
const (
	OfferPending  = "pending"
	OfferIncluded = "included"
	OfferWithout  = "without"
)

// MaxMessageRunes is Mattermost's post message limit (model.PostMessageMaxRunesV2).
const MaxMessageRunes = 16383
