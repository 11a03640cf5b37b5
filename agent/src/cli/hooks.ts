/**
 * `claude-mattermost hooks install | uninstall | status` and
 * `follow [dir] | unfollow [dir] | follow --list`: opting terminal sessions in.
 */
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {expandHome, loadConfig} from '../config/config.js';
import {readLock} from '../config/lock.js';
import {parsePathList} from '../config/overrides.js';
import {paths as pathsFor} from '../config/paths.js';
import {resolveSessionDir} from '../config/roots.js';
import {git} from '../git/worktree.js';
import {addFollowed, readFollowed, removeFollowed} from '../terminal/follow.js';
import {followFile} from '../terminal/paths.js';
import {
  HOOK_MARKER,
  SettingsError,
  hookCommand,
  launcherOf,
  ourHooks,
  projectSettingsFile,
  readSettings,
  userSettingsFile,
  withOurHooks,
  withoutOurHooks,
  writeSettings,
} from '../terminal/settings.js';
import {HOOK_EVENTS} from '../terminal/hookinput.js';
import {UserError} from './login.js';

export interface TerminalCliOptions {
  /** The agent's config dir. */
  dir: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
  out: (line: string) => void;
  /** Notes that are not the command's answer (stderr by default). */
  warn?: (line: string) => void;
  /** The hook command's parts (node, its arguments, the script); this install's own dist/hook.js by default. */
  hook?: {node: string; nodeArgs: string[]; script: string};
  now?: Date;
}

/**
 * The hook command of this installation: node running `dist/hook.js` beside
 * this file. Run from the sources (tsx), it is `src/hook.ts` through tsx's
 * loader, so a checkout works without a build.
 */
export function defaultHook(): {node: string; nodeArgs: string[]; script: string} {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) {
    return {node: process.execPath, nodeArgs: ['--import', import.meta.resolve('tsx')], script: path.join(path.dirname(here), '..', 'hook.ts')};
  }
  return {node: process.execPath, nodeArgs: [], script: path.join(path.dirname(here), '..', 'hook.js')};
}

async function settingsFile(project: boolean, opts: TerminalCliOptions): Promise<string> {
  if (!project) return userSettingsFile(opts.env);
  const top = await git(opts.cwd, ['rev-parse', '--show-toplevel']).catch(() => '');
  return projectSettingsFile(top.trim() || opts.cwd);
}

export async function hooksInstall(args: {project: boolean}, opts: TerminalCliOptions): Promise<void> {
  const file = await settingsFile(args.project, opts);
  const h = opts.hook ?? defaultHook();
  for (const f of process.platform === 'win32' ? [h.script] : [h.script, launcherOf(h.script)]) {
    if (!fs.existsSync(f)) throw new UserError(`the hook script ${f} does not exist; build the agent first (npm run build -w agent)`);
  }
  const command = hookCommand(h.node, h.script, h.nodeArgs);
  const {settings, exists} = await read(file);
  const next = withOurHooks(settings, command);
  if (!next.changed) {
    opts.out(`The claude-mattermost hooks are already installed in ${file}.`);
  } else {
    const backup = await writeSettings(file, next.settings, exists, opts.now);
    opts.out(`Installed the claude-mattermost hooks (${HOOK_EVENTS.join(', ')}) in ${file}.`);
    if (backup) opts.out(`The previous file is kept as ${backup}.`);
  }
  if (readFollowed(followFile(opts.dir)).length === 0) {
    opts.out('No directory is followed yet: `claude-mattermost follow [dir]` mirrors Claude Code sessions started there (or set CLAUDE_MATTERMOST_FOLLOW=1 for one run).');
  }
}

export async function hooksUninstall(args: {project: boolean}, opts: TerminalCliOptions): Promise<void> {
  const file = await settingsFile(args.project, opts);
  const {settings, exists} = await read(file);
  const next = withoutOurHooks(settings);
  if (!exists || next.removed === 0) {
    opts.out(`No claude-mattermost hooks in ${file}; nothing to remove.`);
    return;
  }
  const backup = await writeSettings(file, next.settings, exists, opts.now);
  opts.out(`Removed ${next.removed} claude-mattermost hook entr${next.removed === 1 ? 'y' : 'ies'} from ${file}; your own hooks are untouched.`);
  if (backup) opts.out(`The previous file is kept as ${backup}.`);
}

export async function hooksStatus(opts: TerminalCliOptions): Promise<void> {
  const {out} = opts;
  const files = [userSettingsFile(opts.env)];
  const project = await settingsFile(true, opts);
  if (fs.existsSync(project)) files.push(project);
  let any = false;
  for (const file of files) {
    let hooks: Map<string, string>;
    try {
      hooks = ourHooks((await readSettings(file)).settings);
    } catch (err) {
      out(`${file}: ${(err as Error).message}`);
      continue;
    }
    if (hooks.size === 0) {
      out(`${file}: not installed`);
      continue;
    }
    any = true;
    const missing = HOOK_EVENTS.filter((e) => !hooks.has(e));
    out(`${file}: installed for ${HOOK_EVENTS.filter((e) => hooks.has(e)).join(', ')}${missing.length ? ` (missing: ${missing.join(', ')}; run \`hooks install\` again)` : ''}`);
    for (const command of new Set(hooks.values())) {
      const broken = brokenPaths(command);
      out(`  command: ${command}${broken.length ? `\n  ✗ ${broken.join(', ')} no longer exist${broken.length === 1 ? 's' : ''}: run \`claude-mattermost hooks install\` again` : ''}`);
    }
  }
  if (!any) out('Terminal sessions are not mirrored: run `claude-mattermost hooks install`.');
  const followed = readFollowed(followFile(opts.dir));
  out(followed.length === 0 ? 'Followed directories: none (`claude-mattermost follow [dir]`)' : 'Followed directories:');
  for (const f of followed) out(`  ${f.dir}${f.channel ? ` → ${f.channel}` : ''}`);
  const lock = await readLock(opts.dir);
  out(`Agent: ${lock?.alive ? `running (pid ${lock.pid})` : 'not running: hooks step aside until `claude-mattermost start`'}`);
}

/** Absolute paths in our command (node, the script) that are gone, e.g. after a Node upgrade. */
function brokenPaths(command: string): string[] {
  const words = command.match(/'[^']*'|"[^"]*"|\S+/g) ?? [];
  return words
    .map((w) => w.replace(/^['"]|['"]$/g, ''))
    .filter((w) => w !== HOOK_MARKER && path.isAbsolute(w) && !fs.existsSync(w));
}

async function read(file: string) {
  try {
    return await readSettings(file);
  } catch (err) {
    if (err instanceof SettingsError) throw new UserError(err.message);
    throw err;
  }
}

/** The allowed roots `follow` checks against: CLAUDE_MATTERMOST_ALLOWED_ROOTS, else config.yaml. */
async function roots(opts: TerminalCliOptions): Promise<{allowedRoots: string[]; defaultDir: string}> {
  const {config} = await loadConfig(pathsFor(opts.dir));
  const fromEnv = opts.env.CLAUDE_MATTERMOST_ALLOWED_ROOTS ? parsePathList(opts.env.CLAUDE_MATTERMOST_ALLOWED_ROOTS) : [];
  return {allowedRoots: fromEnv.length > 0 ? fromEnv : config.allowed_roots, defaultDir: config.default_dir};
}

export async function follow(args: {dir?: string; channel?: string; list: boolean}, opts: TerminalCliOptions): Promise<void> {
  const file = followFile(opts.dir);
  if (args.list) {
    const followed = readFollowed(file);
    if (followed.length === 0) opts.out('No directory is followed (`claude-mattermost follow [dir]`).');
    for (const f of followed) opts.out(`${f.dir}${f.channel ? `  → ${f.channel}` : ''}`);
    return;
  }
  const wanted = path.resolve(opts.cwd, expandHome(args.dir ?? '.'));
  const where = await resolveSessionDir(wanted, await roots(opts));
  if (!where.ok) throw new UserError(`cannot follow ${wanted}: ${where.reason}`);
  // follow.list holds one directory per line (the hook's shell launcher reads it).
  if (/[\n\r]/.test(where.dir)) throw new UserError(`cannot follow ${JSON.stringify(where.dir)}: its name has a line break`);
  const channel = args.channel?.trim() ?? '';
  const changed = addFollowed(file, where.dir, channel);
  opts.out(
    changed
      ? `Following ${where.dir}: Claude Code sessions started there (or below) are mirrored to Mattermost${channel ? ` in ${channel}` : ' (your DM with @claude)'}.`
      : `${where.dir} is already followed.`,
  );
  const installed = ourHooks((await readSettings(userSettingsFile(opts.env)).catch(() => ({settings: {}}))).settings).size > 0;
  if (!installed) opts.out('The hooks are not installed in your Claude Code settings yet: run `claude-mattermost hooks install`.');
}

export async function unfollow(args: {dir?: string}, opts: TerminalCliOptions): Promise<void> {
  const file = followFile(opts.dir);
  const wanted = path.resolve(opts.cwd, expandHome(args.dir ?? '.'));
  const real = fs.existsSync(wanted) ? fs.realpathSync(wanted) : wanted;
  if (removeFollowed(file, real) || (real !== wanted && removeFollowed(file, wanted))) opts.out(`No longer following ${real}.`);
  else {
    const followed = readFollowed(file).map((f) => f.dir);
    opts.out(`${real} was not followed${followed.length ? ` (followed: ${followed.join(', ')})` : ''}.`);
  }
}
