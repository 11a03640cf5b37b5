// The wire names this webapp shares with the server (server/cards/types.go) and
// docs/protocol.md. Every post type, prop key and websocket event lives here only.
import {pluginId} from './manifest';

/** The bot that authors every post of this plugin. Custom types render only for it. */
export const BOT_USERNAME = 'claude';

export const PostTypes = {
    Session: 'custom_claude_session',
    Approval: 'custom_claude_approval',
    Text: 'custom_claude_text',
} as const;
export type PostType = (typeof PostTypes)[keyof typeof PostTypes];

export const PropKeys = {
    Session: 'claude_session',
    Approval: 'claude_approval',
    Text: 'claude_text',
} as const;

/** Plugin websocket events arrive as `custom_<plugin id>_<name>`. */
export const WebSocketEvents = {
    Text: `custom_${pluginId}_text`,
} as const;

export const SessionStatuses = ['starting', 'working', 'waiting', 'idle', 'ended', 'error'] as const;
export type SessionStatus = (typeof SessionStatuses)[number];

export const ApprovalStatuses = ['pending', 'approved', 'denied'] as const;
export type ApprovalStatus = (typeof ApprovalStatuses)[number];

export const Decisions = ['approve', 'deny'] as const;
export type Decision = (typeof Decisions)[number];

/** Route prefix under the site URL; client.ts is the only user. */
export const API_PATH = `/plugins/${pluginId}/api/v1`;

/** Key of this plugin's slice in the host store (the webapp names it `plugins-<id>`). */
export const STATE_KEY = `plugins-${pluginId}` as const;
