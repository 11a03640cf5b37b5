// The wire names this webapp shares with the server (server/cards/types.go) and
// docs/protocol.md. Every post type, prop key and websocket event lives here only.
import {pluginId} from './manifest';

/** The bot that authors every post of this plugin. Custom types render only for it. */
export const BOT_USERNAME = 'claude';

export const PostTypes = {
    Session: 'custom_claude_session',
    Approval: 'custom_claude_approval',
    Text: 'custom_claude_text',
    Guest: 'custom_claude_guest',
    ContextOffer: 'custom_claude_offer',
    Diff: 'custom_claude_diff',
    Todo: 'custom_claude_todo',
    Plan: 'custom_claude_plan',
    Question: 'custom_claude_question',
    ToolOutput: 'custom_claude_tool_output',
} as const;
export type PostType = (typeof PostTypes)[keyof typeof PostTypes];

export const PropKeys = {
    Session: 'claude_session',
    Approval: 'claude_approval',
    Text: 'claude_text',
    Guest: 'claude_guest',
    ContextOffer: 'claude_context_offer',
    Diff: 'claude_diff',
    Todo: 'claude_todo',
    Question: 'claude_question',
    ToolOutput: 'claude_tool_output',

    /** Mattermost's interactive message attachments: the buttons the mobile apps show. */
    Attachments: 'attachments',
} as const;

/** Plugin websocket events arrive as `custom_<plugin id>_<name>`. */
export const WebSocketEvents = {
    Text: `custom_${pluginId}_text`,

    /** `{what: sessions|approvals|machines}`: one of the right-hand panel's lists changed. */
    Refresh: `custom_${pluginId}_refresh`,
} as const;

/** What a refresh event names; the panel refetches that list. */
export const RefreshTargets = ['machines', 'sessions', 'approvals'] as const;
export type RefreshTarget = (typeof RefreshTargets)[number];

export const SessionStatuses = ['starting', 'working', 'waiting', 'idle', 'ended', 'error'] as const;
export type SessionStatus = (typeof SessionStatuses)[number];

/** Claude Agent SDK permission modes, as `permission_mode` carries them. */
export const PermissionModes = ['default', 'acceptEdits', 'plan', 'bypassPermissions'] as const;
export type PermissionMode = (typeof PermissionModes)[number];

/**
 * `expired`: nobody answered within the admin's approval timeout, so the plugin denied it.
 * `resolved`: settled in the terminal Claude Code also asked in (`resolution` says how).
 */
export const ApprovalStatuses = ['pending', 'approved', 'denied', 'expired', 'resolved'] as const;
export type ApprovalStatus = (typeof ApprovalStatuses)[number];

/** `approve_all` approves the card and switches the session to `bypassPermissions`. */
export const Decisions = ['approve', 'approve_all', 'deny'] as const;
export type Decision = (typeof Decisions)[number];

/**
 * Ids of the approval card's interactive buttons (for the mobile apps). The webapp
 * draws its own buttons; it offers Approve all only when the server put that button
 * on the post, which is how the server says the admin allows it.
 */
/**
 * Ids of the approval card's attachment actions. Mattermost accepts only
 * letters and digits in an action id, so these differ from the decision
 * values (`approve_all`) the decide route takes.
 */
export const ApprovalActionIds = {
    Approve: 'approve',
    ApproveAll: 'approveall',
    Deny: 'deny',
    DenyReason: 'denyreason',
} as const;

/** The tool whose approval is a plan (`custom_claude_plan`, `input.plan` in markdown). */
export const PLAN_TOOL = 'ExitPlanMode';

export const TodoStatuses = ['pending', 'in_progress', 'completed'] as const;
export type TodoStatus = (typeof TodoStatuses)[number];

export const QuestionStatuses = ['pending', 'answered', 'expired', 'resolved'] as const;
export type QuestionStatus = (typeof QuestionStatuses)[number];

/** Kinds of `GET /me/approvals` items: plain tool approvals get buttons in the panel, the rest a link. */
export const PendingKinds = ['approval', 'plan', 'question'] as const;
export type PendingKind = (typeof PendingKinds)[number];

/** A non-participant's message waiting for a participant to let it through. */
export const GuestStatuses = ['pending', 'allowed', 'invited', 'denied'] as const;
export type GuestStatus = (typeof GuestStatuses)[number];

export const GuestDecisions = ['allow', 'invite', 'deny'] as const;
export type GuestDecision = (typeof GuestDecisions)[number];

/** "Give Claude the N earlier messages of this thread?" before a session starts in a thread. */
export const ContextOfferStatuses = ['pending', 'included', 'skipped'] as const;
export type ContextOfferStatus = (typeof ContextOfferStatuses)[number];

export type ContextOfferChoice = 'include' | 'skip';

/**
 * The context offer's buttons are the post's interactive-message actions, clicked
 * through Mattermost's `POST /api/v4/posts/{post_id}/actions/{action_id}` so the
 * server has one handler for web and mobile. The card finds each action by its id
 * (Mattermost allows only [A-Za-z0-9] there) or, failing that, by its button name.
 */
export const ContextOfferActions: Record<ContextOfferChoice, {ids: readonly string[]; name: string}> = {
    include: {ids: ['include'], name: 'Include thread'},
    skip: {ids: ['without', 'skip'], name: 'Start without'},
};

/** `away`, `back` and `continue` (Continue here) are for a session that runs in a terminal. */
export const SessionActions = ['interrupt', 'stop', 'away', 'back', 'continue'] as const;
export type SessionAction = (typeof SessionActions)[number];

/** Where a session began: in Mattermost, in the owner's terminal, or from `claude-mattermost new`. */
export const SessionOrigins = ['mattermost', 'terminal', 'cli'] as const;
export type SessionOrigin = (typeof SessionOrigins)[number];

/** Where its conversation runs now: the agent (driven from Mattermost) or the owner's terminal. */
export const RunsInPlaces = ['agent', 'terminal'] as const;
export type RunsIn = (typeof RunsInPlaces)[number];

/** Route prefix under the site URL; client.ts is the only user. */
export const API_PATH = `/plugins/${pluginId}/api/v1`;

/** Key of this plugin's slice in the host store (the webapp names it `plugins-<id>`). */
export const STATE_KEY = `plugins-${pluginId}` as const;
