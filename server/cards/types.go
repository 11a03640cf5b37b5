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
)

// PropKey is a key in a post's props.
type PropKey string

// Prop keys.
const (
	PropSession     PropKey = "claude_session"
	PropApproval    PropKey = "claude_approval"
	PropText        PropKey = "claude_text"
	PropGuest       PropKey = "claude_guest"
	PropOffer       PropKey = "claude_context_offer"
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
)

// ClientEventName is the name a client sees for a plugin websocket event.
func ClientEventName(e WebSocketEvent) string { return "custom_" + PluginID + "_" + string(e) }

// Approval card buttons: action ids and the integration route they call.
const (
	ActionApprove = "approve"
	ActionDeny    = "deny"

	// ApprovalActionURL is relative: Mattermost routes /plugins/ URLs to the
	// plugin internally and sets the Mattermost-User-Id header.
	ApprovalActionURL = "/plugins/" + PluginID + "/api/v1/actions/approval"
)

// Guest card buttons (a non-participant's message waiting for a participant).
const (
	ActionAllow  = "allow"
	ActionInvite = "invite"
	// ActionDeny ("deny") is shared with the approval card.

	GuestActionURL = "/plugins/" + PluginID + "/api/v1/actions/guest"
)

// Session header buttons.
const (
	ActionInterrupt = "interrupt"
	ActionStop      = "stop"

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
