/**
 * `claude-mattermost doctor`: each thing the agent needs, as ✓ or ✗ with the
 * fix. Exit code 1 when anything is ✗ (warnings, `!`, do not count).
 */
import {execFile} from 'node:child_process';
import fs from 'node:fs';
import {createRequire} from 'node:module';
import os from 'node:os';
import path from 'node:path';
import {ConfigError, expandHome, loadConfig} from '../config/config.js';
import type {Paths} from '../config/paths.js';
import {ApiMismatchError, PluginClient, RejectedError, RevokedTokenError} from '../plugin/client.js';
import {API_VERSION} from '../plugin/protocol.js';
import {describeError} from '../util/log.js';
import {AGENT_VERSION} from '../version.js';

export type CheckLevel = 'ok' | 'fail' | 'warn';

export interface Check {
  level: CheckLevel;
  name: string;
  detail: string;
  fix?: string;
}

export interface DoctorDeps {
  paths: Paths;
  env: Record<string, string | undefined>;
  fetch?: typeof fetch;
  home?: string;
  /** Path of the Claude Code binary the SDK would run, or undefined. */
  findClaude?: () => string | undefined;
  /** `<binary> --version`; rejects when it does not run. */
  runVersion?: (bin: string) => Promise<string>;
  /** `git --version`; rejects when git is missing. */
  gitVersion?: () => Promise<string>;
  /** Overrides config.yaml (the flags/environment of `start`). */
  allowedRoots?: string[];
}

export async function runChecks(deps: DoctorDeps): Promise<Check[]> {
  const checks: Check[] = [];
  const home = deps.home ?? os.homedir();

  // Claude Code itself.
  const bin = (deps.findClaude ?? findClaudeBinary)();
  if (!bin) {
    checks.push({level: 'fail', name: 'Claude Code binary', detail: 'not found in the Claude Agent SDK package', fix: 'reinstall the agent with its optional dependencies (npm install without --omit=optional)'});
  } else {
    try {
      const v = (await (deps.runVersion ?? runVersion)(bin)).trim();
      checks.push({level: 'ok', name: 'Claude Code binary', detail: `${v} (${bin})`});
    } catch (err) {
      checks.push({level: 'fail', name: 'Claude Code binary', detail: `${bin} does not run: ${describeError(err)}`, fix: 'reinstall the agent; check that the binary is executable'});
    }
  }
  checks.push(claudeLogin(deps.env, home));

  // Pairing and the plugin.
  let config;
  let token = '';
  try {
    ({config, token} = await loadConfig(deps.paths));
    checks.push({level: 'ok', name: 'Configuration', detail: `${deps.paths.config} (machine "${config.machine.name}")`});
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    checks.push({level: 'fail', name: 'Configuration', detail: err.message, fix: 'run `claude-mattermost setup` (or `claude-mattermost login --url <site>`)'});
  }
  if (config) {
    const url = deps.env.CLAUDE_MATTERMOST_URL?.trim() || config.url;
    const client = new PluginClient({url, token, agentVersion: AGENT_VERSION, fetch: deps.fetch, timeoutMs: 8000});
    try {
      const h = await client.hello();
      checks.push({level: 'ok', name: 'Plugin reachable', detail: `${url} (plugin ${h.plugin_version ?? '?'})`});
      checks.push({level: 'ok', name: 'Token valid', detail: `machine "${h.machine.name}" of @${h.user.username}`});
      checks.push({level: 'ok', name: 'API versions compatible', detail: `plugin API v${h.api_version}, agent API v${API_VERSION}`});
    } catch (err) {
      checks.push(...pluginFailure(err, url));
    }
    const roots = deps.allowedRoots && deps.allowedRoots.length > 0 ? deps.allowedRoots : config.allowed_roots;
    const missing = roots.filter((r) => !isDir(expandHome(r, home)));
    if (missing.length === roots.length) {
      checks.push({level: 'fail', name: 'Allowed directories', detail: `none exists: ${roots.join(', ')}`, fix: 'create them, or change allowed_roots with `claude-mattermost setup`'});
    } else if (missing.length > 0) {
      checks.push({level: 'warn', name: 'Allowed directories', detail: `missing: ${missing.join(', ')}`, fix: 'create them or remove them from allowed_roots'});
    } else {
      checks.push({level: 'ok', name: 'Allowed directories', detail: roots.join(', ')});
    }
  }

  try {
    checks.push({level: 'ok', name: 'git', detail: (await (deps.gitVersion ?? gitVersion)()).trim()});
  } catch {
    checks.push({level: 'warn', name: 'git', detail: 'not found: sessions "on branch …" and !worktree will not work', fix: 'install git'});
  }
  return checks;
}

/** Claude Code needs an API key, another provider's settings, or a login (`claude` → /login). */
export function claudeLogin(env: Record<string, string | undefined>, home: string): Check {
  const name = 'Claude login';
  for (const v of ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'CLAUDE_CODE_OAUTH_TOKEN']) {
    if (env[v]?.trim()) return {level: 'ok', name, detail: `${v} is set`};
  }
  for (const v of ['CLAUDE_CODE_USE_BEDROCK', 'CLAUDE_CODE_USE_VERTEX', 'CLAUDE_CODE_USE_FOUNDRY']) {
    if (env[v] && env[v] !== '0') return {level: 'ok', name, detail: `${v} is set (provider credentials are checked by Claude Code)`};
  }
  const configDir = env.CLAUDE_CONFIG_DIR?.trim() || path.join(home, '.claude');
  if (fs.existsSync(path.join(configDir, '.credentials.json'))) return {level: 'ok', name, detail: `logged in (${path.join(configDir, '.credentials.json')})`};
  try {
    const global = JSON.parse(fs.readFileSync(path.join(env.CLAUDE_CONFIG_DIR?.trim() || home, '.claude.json'), 'utf8')) as {oauthAccount?: {emailAddress?: string}};
    if (global.oauthAccount) return {level: 'ok', name, detail: `logged in${global.oauthAccount.emailAddress ? ` as ${global.oauthAccount.emailAddress}` : ''}`};
  } catch {
    // no global config
  }
  return {level: 'fail', name, detail: 'no ANTHROPIC_API_KEY and no Claude Code login found', fix: 'run `claude` once and log in (/login), or set ANTHROPIC_API_KEY for the agent'};
}

export function pluginFailure(err: unknown, url: string): Check[] {
  if (err instanceof RevokedTokenError) {
    return [
      {level: 'ok', name: 'Plugin reachable', detail: url},
      {level: 'fail', name: 'Token valid', detail: `refused: ${err.message}`, fix: `pair again: \`claude-mattermost login --url ${url}\` with a code from /claude connect`},
    ];
  }
  if (err instanceof ApiMismatchError) {
    return [
      {level: 'ok', name: 'Plugin reachable', detail: `${url} (plugin ${err.pluginVersion ?? '?'})`},
      {level: 'ok', name: 'Token valid', detail: 'accepted'},
      {
        level: 'fail',
        name: 'API versions compatible',
        detail: `plugin API v${err.pluginApiVersion ?? '?'}, agent API v${API_VERSION}: ${err.message}`,
        fix: 'upgrade the agent or the plugin so that they match',
      },
    ];
  }
  if (err instanceof RejectedError && err.status === 404) {
    return [{level: 'fail', name: 'Plugin reachable', detail: `${url} answers 404: the claude-mattermost plugin is not enabled there`, fix: 'enable the plugin in the System Console, or check the URL'}];
  }
  return [{level: 'fail', name: 'Plugin reachable', detail: `${url}: ${describeError(err)}`, fix: 'check the URL, the network and that Mattermost is up'}];
}

export function formatChecks(checks: Check[]): string[] {
  const mark: Record<CheckLevel, string> = {ok: '✓', fail: '✗', warn: '!'};
  return checks.flatMap((c) => [`${mark[c.level]} ${c.name}: ${c.detail}`, ...(c.level !== 'ok' && c.fix ? [`    fix: ${c.fix}`] : [])]);
}

/** The binary the SDK runs: its platform package's `claude` (same lookup as the SDK). */
export function findClaudeBinary(): string | undefined {
  const require = createRequire(import.meta.url);
  const ext = process.platform === 'win32' ? '.exe' : '';
  const base = `@anthropic-ai/claude-agent-sdk-${process.platform}-${process.arch}`;
  for (const pkg of process.platform === 'linux' ? [base, `${base}-musl`] : [base]) {
    try {
      const p = require.resolve(`${pkg}/claude${ext}`);
      if (fs.existsSync(p)) return p;
    } catch {
      // not installed
    }
  }
  return undefined;
}

function runVersion(bin: string): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(bin, ['--version'], {timeout: 20_000, env: {...process.env, DISABLE_AUTOUPDATER: '1'}}, (err, stdout) => (err ? reject(err) : resolve(String(stdout)))),
  );
}

function gitVersion(): Promise<string> {
  return new Promise((resolve, reject) => execFile('git', ['--version'], {timeout: 10_000}, (err, stdout) => (err ? reject(err) : resolve(String(stdout)))));
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}
