/**
 * `claude-mattermost setup`: the interactive way to pair and configure a
 * machine. Asks for the site URL, the pairing code, the machine name, the
 * allowed directories, the default directory and the default permission mode
 * and model, then pairs (like `login`) and writes config.yaml. The prompt
 * functions are injected (@inquirer/prompts in real use), so tests drive it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {ConfigError, expandHome, loadConfig, saveConfig, type Config} from '../config/config.js';
import {paths as pathsFor} from '../config/paths.js';
import {parsePathList} from '../config/overrides.js';
import {isInside} from '../config/roots.js';
import {PERMISSION_MODES, type PermissionMode} from '../plugin/protocol.js';
import {MODE_LABELS} from '../claude/commands.js';
import {login, normaliseUrl, UserError} from './login.js';

/** The subset of @inquirer/prompts that setup uses. */
export interface Prompts {
  input(q: {message: string; default?: string; required?: boolean; validate?: (v: string) => true | string}): Promise<string>;
  confirm(q: {message: string; default?: boolean}): Promise<boolean>;
  select<T extends string>(q: {message: string; choices: Array<{name: string; value: T; description?: string}>; default?: T}): Promise<T>;
}

export interface SetupOptions {
  dir: string;
  out: (line: string) => void;
  prompts: Prompts;
  fetch?: typeof fetch;
  /** Suggested URL (--url / CLAUDE_MATTERMOST_URL). */
  url?: string;
  home?: string;
  hostname?: string;
}

export async function setup(opts: SetupOptions): Promise<Config> {
  const {prompts: ask, out} = opts;
  const home = opts.home ?? os.homedir();
  const p = pathsFor(opts.dir);
  let previous: Config | undefined;
  try {
    previous = (await loadConfig(p)).config;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
  }
  out(previous ? `Current configuration: ${p.config}` : `Setting up claude-mattermost (config in ${p.dir}).`);

  const url = normaliseUrl(
    await ask.input({
      message: 'Mattermost site URL:',
      default: opts.url ?? previous?.url,
      required: true,
      validate: (v) => validUrl(v),
    }),
  );

  let pair = true;
  if (previous && previous.url === url) {
    pair = await ask.confirm({message: `This machine is paired as "${previous.machine.name}"${previous.user ? ` for @${previous.user.username}` : ''}. Pair it again?`, default: false});
  }
  let code = '';
  let name = previous?.machine.name ?? opts.hostname ?? os.hostname();
  if (pair) {
    code = await ask.input({message: 'Pairing code (run `/claude connect` in Mattermost):', required: true, validate: (v) => (v.trim() ? true : 'the code from /claude connect')});
    name = await ask.input({message: 'Machine name (shown in Mattermost):', default: name, required: true});
  }

  const rootsText = await ask.input({
    message: `Directories Claude may work in (separated by "${path.delimiter}"):`,
    default: (previous?.allowed_roots ?? [home]).join(path.delimiter),
    required: true,
    validate: (v) => validRoots(v, home),
  });
  const roots = parseRoots(rootsText, home);
  const defaultDir = expand(
    await ask.input({
      message: 'Default directory (for sessions that name none):',
      default: previous && roots.some((r) => isInside(r, previous.default_dir)) ? previous.default_dir : roots[0],
      required: true,
      validate: (v) => validDefault(v, roots, home),
    }),
    home,
  );
  const mode = await ask.select<PermissionMode>({
    message: 'Default permission mode (when Mattermost names none):',
    choices: PERMISSION_MODES.map((m) => ({name: MODE_LABELS[m], value: m})),
    default: previous?.default_permission_mode ?? 'default',
  });
  const model = (
    await ask.input({message: "Default Claude model (empty: Claude Code's own default):", default: previous?.default_model ?? ''})
  ).trim();

  let config: Config;
  if (pair) {
    config = await login(
      {url, code: code.trim(), name: name.trim(), allowedRoots: roots, defaultDir, permissionMode: mode, ...(model ? {model} : {})},
      {dir: opts.dir, out, fetch: opts.fetch},
    );
    if (!model && config.default_model) {
      delete config.default_model;
      await saveConfig(p, config);
    }
  } else {
    config = {...previous!, allowed_roots: roots, default_dir: defaultDir, default_permission_mode: mode};
    if (model) config.default_model = model;
    else delete config.default_model;
    await saveConfig(p, config);
    out(`Config saved in ${p.config}.`);
    out('Restart `claude-mattermost start` if it is running, to use the new settings.');
  }
  return config;
}

function validUrl(v: string): true | string {
  try {
    normaliseUrl(v);
    return true;
  } catch (err) {
    return err instanceof UserError ? err.message.replace(/^--url /, 'the URL ') : String(err);
  }
}

function expand(p: string, home: string): string {
  return path.resolve(expandHome(p.trim(), home));
}

function parseRoots(v: string, home: string): string[] {
  return [...new Set(parsePathList(v.split(path.delimiter).map((x) => expandHome(x.trim(), home)).join(path.delimiter)))];
}

export function validRoots(v: string, home: string): true | string {
  const roots = parseRoots(v, home);
  if (roots.length === 0) return 'name at least one directory';
  const missing = roots.filter((r) => !isDir(r));
  return missing.length === 0 ? true : `not a directory here: ${missing.join(', ')}`;
}

export function validDefault(v: string, roots: string[], home: string): true | string {
  const d = expand(v, home);
  if (!isDir(d)) return `${d} is not a directory`;
  return roots.some((r) => isInside(r, d)) ? true : `${d} is not inside the allowed directories`;
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}
