/**
 * Thread commands (`!escape`, `!cd`, …) as the agent receives them in
 * `command` events: pure parsing into what the session runner should do, and
 * the words of the notices it answers with. The plugin already checked who may
 * run them; the agent checks what only this machine can (directories, git).
 */
import {PERMISSION_MODES, type PermissionMode} from '../plugin/protocol.js';
import {branchProblem} from '../git/worktree.js';

export type CommandPlan =
  | {do: 'escape'}
  | {do: 'cd'; dir: string}
  | {do: 'permissions'; mode: PermissionMode}
  | {do: 'model'; model: string}
  | {do: 'compact'}
  | {do: 'worktree'; branch: string}
  | {do: 'file'; path: string}
  | {do: 'refuse'; notice: string};

/** The plugin normalises `!permissions` to SDK names; the user-facing names are taken too, in case. */
const MODE_ALIASES: Record<string, PermissionMode> = {
  default: 'default',
  acceptedits: 'acceptEdits',
  'accept-edits': 'acceptEdits',
  plan: 'plan',
  bypasspermissions: 'bypassPermissions',
  'approve-all': 'bypassPermissions',
};

export function planCommand(name: string, rawArgs: string): CommandPlan {
  const args = unquote(rawArgs.trim());
  switch (name) {
    case 'escape':
      return {do: 'escape'};
    case 'compact':
      return {do: 'compact'};
    case 'cd':
      return args ? {do: 'cd', dir: args} : {do: 'refuse', notice: 'Usage: `!cd <directory>`'};
    case 'permissions': {
      const mode = MODE_ALIASES[args.toLowerCase()];
      if (mode) return {do: 'permissions', mode};
      return {do: 'refuse', notice: `Unknown permission mode \`${args || '(none)'}\`. Use one of: ${PERMISSION_MODES.map((m) => `\`${m}\``).join(', ')}.`};
    }
    case 'model':
      if (!args) return {do: 'refuse', notice: 'Usage: `!model <name>`'};
      if (/\s/.test(args)) return {do: 'refuse', notice: `\`${args}\` is not a model name (no spaces allowed).`};
      return {do: 'model', model: args};
    case 'worktree': {
      const problem = branchProblem(args);
      return problem ? {do: 'refuse', notice: `Cannot make a worktree: ${problem}. Usage: \`!worktree <branch>\``} : {do: 'worktree', branch: args};
    }
    case 'file':
      return args ? {do: 'file', path: args} : {do: 'refuse', notice: 'Usage: `!file <path>`'};
    default:
      return {do: 'refuse', notice: `This machine's agent does not know the command \`!${name}\`.`};
  }
}

/** Quotes around a path with spaces are allowed (`!cd "my dir"`). */
function unquote(s: string): string {
  const m = /^(["'])(.*)\1$/.exec(s);
  return m ? m[2]! : s;
}

/** Human names for the header and notices (the plugin's `!permissions` words). */
export const MODE_LABELS: Record<PermissionMode, string> = {
  default: 'default (ask before tools)',
  acceptEdits: 'accept-edits (file edits run without asking)',
  plan: 'plan (read-only: Claude plans, nothing runs)',
  bypassPermissions: 'approve-all (every tool runs without asking)',
};

export const NOTICES = {
  interrupted: 'Interrupted.',
  nothingToInterrupt: 'Nothing to interrupt: Claude is not working on anything.',
  restarted: 'Agent restarted — session resumed.',
  compacting: 'Compacting the conversation…',
  compacted: (before?: number) => `Conversation compacted${typeof before === 'number' ? ` (it was ${before.toLocaleString('en-US')} tokens)` : ''}.`,
  busyThenCd: (dir: string) => `Claude is busy; the move to \`${dir}\` happens when this turn ends.`,
  movedTo: (dir: string, branch: string) => `Now working in \`${dir}\`${branch ? ` (branch \`${branch}\`)` : ''}. The conversation goes on there.`,
  worktree: (path: string, branch: string, created: boolean, newBranch: boolean) =>
    created
      ? `Created the worktree \`${path}\` on ${newBranch ? 'new ' : ''}branch \`${branch}\`.`
      : `Using the existing worktree \`${path}\` (branch \`${branch}\`).`,
  cdRefused: (dir: string, reason: string) => `Cannot move to \`${dir}\`: ${reason}`,
  mode: (mode: PermissionMode, by?: string) => `Permission mode is now ${MODE_LABELS[mode]}${by ? ` (set by @${by})` : ''}.`,
  model: (model: string, by?: string) => `Model is now \`${model}\`${by ? ` (set by @${by})` : ''}.`,
  failed: (what: string, why: string) => `Could not ${what}: ${why}`,
  fileRefused: (file: string, why: string) => `Cannot send \`${file}\`: ${why}`,
};

/**
 * The first prompt of a session started inside an existing thread with
 * "Include thread": the earlier messages come first, clearly fenced off, so
 * Claude reads them as background and the request as the request.
 */
export function withThreadContext(context: string, prompt: string): string {
  const c = context.trim();
  if (!c) return prompt;
  return [
    'Earlier messages in this Mattermost thread, oldest first (context for the request below):',
    '<thread_context>',
    c,
    '</thread_context>',
    '',
    prompt,
  ].join('\n');
}
