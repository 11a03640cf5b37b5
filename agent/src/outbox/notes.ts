/**
 * The words of the note an output leaves in its thread when it is dropped for
 * good. Pure. The note says what was dropped and why, never the content that
 * was refused (it may be the very thing Mattermost cannot store).
 */
import type {Output} from '../plugin/protocol.js';

export type DropReason =
  /** The plugin answered 4xx (other than 401/426): retrying cannot help. */
  | {kind: 'refused'; status: number; message: string}
  /** The plugin kept failing on this output (5xx) while it answered other requests. */
  | {kind: 'failing'; status: number; message: string; attempts: number; ms: number}
  /** The agent could not send it at all (its file copy is gone, a malformed request, …). */
  | {kind: 'unsendable'; message: string};

type Body = Output | {kind: 'file_upload'; name: string};

export function droppedNotice(body: Body, reason: DropReason): string {
  const why =
    reason.kind === 'refused'
      ? `Mattermost refused it (HTTP ${reason.status}: ${clean(reason.message)})`
      : reason.kind === 'failing'
        ? `Mattermost failed on it ${reason.attempts} times over ${formatDuration(reason.ms)} (HTTP ${reason.status}: ${clean(reason.message)})`
        : `the agent could not send it (${clean(reason.message)})`;
  const after = consequence(body);
  return `Could not post ${what(body)}: ${why}.${after ? ' ' + after : ''}`;
}

function what(body: Body): string {
  switch (body.kind) {
    case 'status':
      return 'a status update of this session';
    case 'text':
      return "a part of Claude's answer";
    case 'approval':
      return body.tool_name === 'ExitPlanMode' ? "Claude's plan" : `the approval request for ${toolName(body.tool_name)}`;
    case 'question':
      return "Claude's question";
    case 'notice':
      return 'a notice';
    case 'diff':
      return 'the diff of an edit Claude made';
    case 'todo':
      return "Claude's task list";
    case 'tool_output':
      return `the output of a ${toolName(body.tool_name)} call`;
    case 'file_upload':
      return `the file ${code(body.name)}`;
    case 'prompt':
      return 'a prompt typed in the terminal';
    case 'resolved':
      return 'that a card was settled in the terminal';
    case 'attention':
      return 'a mention of the owner';
  }
}

function consequence(body: Body): string {
  // A terminal session's card: its hook stepped aside, the terminal asks.
  if ((body.kind === 'approval' || body.kind === 'question') && body.terminal) return 'The terminal asks instead.';
  if (body.kind === 'approval') return body.tool_name === 'ExitPlanMode' ? 'The plan was not approved; Claude was told why.' : 'The tool call was denied; Claude was told why.';
  if (body.kind === 'question') return 'Claude was told it could not be asked.';
  return '';
}

function toolName(name: string): string {
  return code(name.length <= 64 ? name : name.slice(0, 61) + '...');
}

/** In backticks, with anything that could break the markdown or is not printable taken out. */
function code(s: string): string {
  const safe = clean(s).replace(/`/g, "'");
  return '`' + (safe.length <= 80 ? safe : safe.slice(0, 77) + '...') + '`';
}

/** One line, printable, short: an error message from the plugin or the agent. */
function clean(s: string): string {
  const one = s
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ')
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
    .replace(/\s+/g, ' ')
    .trim();
  return one.length <= 300 ? one : one.slice(0, 297) + '...';
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 1) return 'less than a second';
  if (s < 90) return `${s} second${s === 1 ? '' : 's'}`;
  const m = Math.round(s / 60);
  if (m < 90) return `${m} minutes`;
  const h = Math.round(m / 60);
  return `${h} hour${h === 1 ? '' : 's'}`;
}
