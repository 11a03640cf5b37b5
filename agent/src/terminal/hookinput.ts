/**
 * The JSON Claude Code writes on a hook command's stdin, checked before
 * anything is done with it. Node built-ins only (the hook command uses it).
 */
import path from 'node:path';

/** The events `claude-mattermost hooks install` registers, in the order a turn sees them. */
export const HOOK_EVENTS = ['SessionStart', 'UserPromptSubmit', 'PreToolUse', 'PermissionRequest', 'PostToolUse', 'Notification', 'Stop', 'SessionEnd'] as const;
export type HookEventName = (typeof HOOK_EVENTS)[number];

/** Events whose hook may wait a long time for Mattermost (a card, the next reply). */
export const WAITING_EVENTS: ReadonlySet<string> = new Set(['PermissionRequest', 'Stop']);

/** Tool events carry `tool_name` and `tool_input`. */
const TOOL_EVENTS: ReadonlySet<string> = new Set(['PreToolUse', 'PermissionRequest', 'PostToolUse']);

/** Hook input is at most this large (a Write of a big file is the largest). */
export const MAX_HOOK_INPUT_BYTES = 32 * 1024 * 1024;

export interface HookInput {
  hook_event_name: HookEventName;
  session_id: string;
  cwd: string;
  transcript_path: string;
  permission_mode?: string;
  /** SessionStart: startup, resume, clear, compact. */
  source?: string;
  /** SessionEnd. */
  reason?: string;
  /** UserPromptSubmit. */
  prompt?: string;
  tool_name?: string;
  tool_input?: Record<string, unknown>;
  /** PreToolUse / PostToolUse (PermissionRequest has none). */
  tool_use_id?: string;
  /** Notification. */
  message?: string;
  notification_type?: string;
  /** Stop. */
  stop_hook_active?: boolean;
  model?: string;
}

export type Parsed = {ok: true; input: HookInput} | {ok: false; reason: string};

/** Claude Code session ids are UUIDs; the plugin takes 1–64 of `[A-Za-z0-9._-]` starting with a letter or digit. */
const SESSION_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function parseHookInput(text: string): Parsed {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return {ok: false, reason: text.trim() === '' ? 'no input on stdin (expected Claude Code hook JSON)' : 'stdin is not JSON (expected Claude Code hook JSON)'};
  }
  return parseHookObject(raw);
}

/** The same checks on input already parsed (the agent checks what the hook sends it again). */
export function parseHookObject(raw: unknown): Parsed {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return {ok: false, reason: 'stdin is not a JSON object (expected Claude Code hook JSON)'};
  const o = raw as Record<string, unknown>;
  const event = o.hook_event_name;
  if (typeof event !== 'string') return {ok: false, reason: 'no hook_event_name: this is not Claude Code hook input'};
  if (!(HOOK_EVENTS as readonly string[]).includes(event)) return {ok: false, reason: `unknown hook event "${event.slice(0, 60)}" (this hook handles ${HOOK_EVENTS.join(', ')})`};
  if (typeof o.session_id !== 'string' || !SESSION_ID.test(o.session_id)) return {ok: false, reason: 'missing or malformed session_id'};
  if (typeof o.cwd !== 'string' || !path.isAbsolute(o.cwd)) return {ok: false, reason: 'missing or relative cwd'};
  if (typeof o.transcript_path !== 'string' || !path.isAbsolute(o.transcript_path)) return {ok: false, reason: 'missing or relative transcript_path'};
  if (TOOL_EVENTS.has(event)) {
    if (typeof o.tool_name !== 'string' || o.tool_name === '') return {ok: false, reason: `${event} without tool_name`};
    if (!o.tool_input || typeof o.tool_input !== 'object' || Array.isArray(o.tool_input)) return {ok: false, reason: `${event} without a tool_input object`};
  }
  for (const k of ['permission_mode', 'source', 'reason', 'prompt', 'tool_use_id', 'message', 'notification_type', 'model'] as const) {
    if (o[k] !== undefined && typeof o[k] !== 'string') return {ok: false, reason: `${k} is not a string`};
  }
  return {ok: true, input: o as unknown as HookInput};
}
