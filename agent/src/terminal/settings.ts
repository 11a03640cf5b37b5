/**
 * `claude-mattermost hooks install | uninstall | status`: the agent's entries
 * in Claude Code's settings (`~/.claude/settings.json`, or a repository's
 * `.claude/settings.local.json`). Merged with what is there, idempotent, a
 * backup kept before each change, and uninstall removes exactly the entries
 * whose command carries HOOK_MARKER, leaving the user's own hooks alone.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {writeFileAtomic} from '../util/files.js';
import {HOOK_EVENTS, WAITING_EVENTS, type HookEventName} from './hookinput.js';

/** The argument that marks a hook command as ours (the hook ignores it). */
export const HOOK_MARKER = 'claude-mattermost-hook';

/**
 * Seconds Claude Code lets each hook run. A PermissionRequest waits for a
 * card (the approval timeout) and a Stop for the next reply while the owner is
 * away (the idle timeout): the agent ends those waits itself, so their limit
 * is a day. The others are answered at once.
 */
export function hookTimeout(event: HookEventName): number {
  return WAITING_EVENTS.has(event) ? 86_400 : 30;
}

/** Tool events take a matcher; `*` matches every tool. */
const TOOL_EVENTS: ReadonlySet<string> = new Set(['PreToolUse', 'PermissionRequest', 'PostToolUse']);

interface Handler {
  type?: unknown;
  command?: unknown;
  timeout?: unknown;
  [k: string]: unknown;
}
interface Group {
  matcher?: unknown;
  hooks?: unknown;
  [k: string]: unknown;
}
export type Settings = Record<string, unknown>;

/**
 * The shell command Claude Code runs: node, the hook script, the marker. On
 * POSIX systems it goes through `hook.sh` beside the script, which ends an
 * unfollowed session's hook before Node starts (Node's own start-up is more
 * than a hook may cost); on Windows node runs the script directly.
 */
export function hookCommand(node: string, script: string, nodeArgs: string[] = [], platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return [node, ...nodeArgs, script, HOOK_MARKER].map((s) => `"${s}"`).join(' ');
  return ['sh', launcherOf(script), node, ...nodeArgs, script, HOOK_MARKER].map(shellQuote).join(' ');
}

/** The POSIX launcher installed beside the hook script (dist/hook.sh, or src/hook.sh in a checkout). */
export function launcherOf(script: string): string {
  return path.join(path.dirname(script), 'hook.sh');
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export function isOurs(command: unknown): boolean {
  return typeof command === 'string' && command.includes(HOOK_MARKER);
}

/** Settings with exactly our entry for every event (replacing an older entry of ours); `changed` false when it was already so. */
export function withOurHooks(settings: Settings, command: string): {settings: Settings; changed: boolean} {
  const hooks = isRecord(settings.hooks) ? {...settings.hooks} : {};
  let changed = !isRecord(settings.hooks);
  for (const event of HOOK_EVENTS) {
    const groups = Array.isArray(hooks[event]) ? (hooks[event] as unknown[]) : [];
    const want = ourGroup(event, command);
    const ours = groups.filter((g) => isRecord(g) && handlers(g).some((h) => isOurs(h.command)));
    if (ours.length === 1 && JSON.stringify(ours[0]) === JSON.stringify(want)) continue;
    hooks[event] = [...removeOurs(groups), want];
    changed = true;
  }
  return {settings: {...settings, hooks}, changed};
}

/** Settings without our entries; `removed` counts the handlers taken out. */
export function withoutOurHooks(settings: Settings): {settings: Settings; removed: number} {
  if (!isRecord(settings.hooks)) return {settings, removed: 0};
  const hooks: Record<string, unknown> = {};
  let removed = 0;
  for (const [event, value] of Object.entries(settings.hooks)) {
    if (!Array.isArray(value)) {
      hooks[event] = value;
      continue;
    }
    removed += value.reduce<number>((n, g) => n + (isRecord(g) ? handlers(g).filter((h) => isOurs(h.command)).length : 0), 0);
    const kept = removeOurs(value);
    if (kept.length > 0) hooks[event] = kept;
  }
  const next: Settings = {...settings};
  if (Object.keys(hooks).length > 0) next.hooks = hooks;
  else delete next.hooks;
  return {settings: removed > 0 ? next : settings, removed};
}

/** Our entries in these settings: event → command. */
export function ourHooks(settings: Settings): Map<string, string> {
  const found = new Map<string, string>();
  if (!isRecord(settings.hooks)) return found;
  for (const [event, value] of Object.entries(settings.hooks)) {
    if (!Array.isArray(value)) continue;
    for (const g of value) {
      if (!isRecord(g)) continue;
      for (const h of handlers(g)) if (isOurs(h.command)) found.set(event, h.command as string);
    }
  }
  return found;
}

function ourGroup(event: HookEventName, command: string): Group {
  const handler = {type: 'command', command, timeout: hookTimeout(event)};
  return TOOL_EVENTS.has(event) ? {matcher: '*', hooks: [handler]} : {hooks: [handler]};
}

/** The groups with our handlers taken out; a group left without handlers goes too. */
function removeOurs(groups: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const g of groups) {
    if (!isRecord(g) || !Array.isArray(g.hooks)) {
      out.push(g);
      continue;
    }
    const kept = (g.hooks as unknown[]).filter((h) => !(isRecord(h) && isOurs(h.command)));
    if (kept.length === g.hooks.length) out.push(g);
    else if (kept.length > 0) out.push({...g, hooks: kept});
  }
  return out;
}

function handlers(g: Group): Handler[] {
  return Array.isArray(g.hooks) ? (g.hooks as unknown[]).filter(isRecord) : [];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Claude Code's user settings: `$CLAUDE_CONFIG_DIR/settings.json`, else `~/.claude/settings.json`. */
export function userSettingsFile(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.CLAUDE_CONFIG_DIR ? path.resolve(env.CLAUDE_CONFIG_DIR) : path.join(env.HOME || os.homedir(), '.claude');
  return path.join(dir, 'settings.json');
}

/** A repository's own, uncommitted settings: `<repo>/.claude/settings.local.json`. */
export function projectSettingsFile(repoRoot: string): string {
  return path.join(repoRoot, '.claude', 'settings.local.json');
}

export class SettingsError extends Error {}

/** Read a settings file: {} when it does not exist; an error (nothing is changed) when it is not a JSON object. */
export async function readSettings(file: string): Promise<{settings: Settings; exists: boolean}> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {settings: {}, exists: false};
    throw new SettingsError(`cannot read ${file}: ${(err as Error).message}`);
  }
  if (text.trim() === '') return {settings: {}, exists: true};
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new SettingsError(`${file} is not valid JSON (${(err as Error).message}); fix it first, nothing was changed`);
  }
  if (!isRecord(raw)) throw new SettingsError(`${file} does not hold a JSON object; nothing was changed`);
  if (raw.hooks !== undefined && !isRecord(raw.hooks)) throw new SettingsError(`"hooks" in ${file} is not an object; nothing was changed`);
  return {settings: raw, exists: true};
}

/**
 * Write settings after copying the current file to `<file>.bak-<timestamp>`
 * (when there is one). Returns the backup's path.
 */
export async function writeSettings(file: string, settings: Settings, existed: boolean, now = new Date()): Promise<string | undefined> {
  let backup: string | undefined;
  if (existed) {
    backup = `${file}.bak-${stamp(now)}`;
    for (let i = 1; await exists(backup); i++) backup = `${file}.bak-${stamp(now)}-${i}`;
    await fs.copyFile(file, backup);
  }
  const mode = existed ? (await fs.stat(file)).mode & 0o777 : 0o600;
  await writeFileAtomic(file, JSON.stringify(settings, null, 2) + '\n', mode);
  return backup;
}

function stamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}
