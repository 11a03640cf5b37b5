/**
 * Settings from the command line and the environment. Precedence: a flag,
 * else its environment variable (commander reads both, see cli/program.ts),
 * else config.yaml.
 */
import path from 'node:path';
import type {PermissionMode} from '../plugin/protocol.js';
import {expandHome, type Config} from './config.js';

/** Every environment variable the agent reads, for `--help` and the README. */
export const ENV_VARS = {
  CLAUDE_MATTERMOST_CONFIG_DIR: 'config directory (default $XDG_CONFIG_HOME/claude-mattermost or ~/.config/claude-mattermost)',
  CLAUDE_MATTERMOST_URL: 'Mattermost site URL (login, setup; on start it overrides the paired URL)',
  CLAUDE_MATTERMOST_CODE: 'pairing code for login',
  CLAUDE_MATTERMOST_MACHINE_NAME: 'machine name for login',
  CLAUDE_MATTERMOST_ALLOWED_ROOTS: `directories sessions may run in, separated by "${path.delimiter}"`,
  CLAUDE_MATTERMOST_DEFAULT_DIR: 'directory for sessions that name none',
  CLAUDE_MATTERMOST_PERMISSION_MODE: 'permission mode when Mattermost names none (default, acceptEdits, plan, bypassPermissions)',
  CLAUDE_MATTERMOST_MODEL: 'Claude model when Mattermost names none',
  CLAUDE_MATTERMOST_VERBOSE: 'set to 1 to log debug details',
  CLAUDE_MATTERMOST_FOLLOW: 'terminal sessions: 1 mirrors this run of claude (inside the allowed roots), 0 never',
  CLAUDE_MATTERMOST_CLAUDE: 'the Claude Code command `resume` runs (default: claude)',
} as const;

export interface Overrides {
  url?: string;
  allowedRoots?: string[];
  defaultDir?: string;
  permissionMode?: PermissionMode;
  model?: string;
}

/** The config the daemon runs with: config.yaml with flags/environment on top. */
export function effectiveConfig(config: Config, o: Overrides): Config {
  return {
    ...config,
    url: o.url?.trim() ? o.url.trim().replace(/\/+$/, '') : config.url,
    allowed_roots: o.allowedRoots && o.allowedRoots.length > 0 ? o.allowedRoots : config.allowed_roots,
    default_dir: o.defaultDir ?? config.default_dir,
    default_permission_mode: o.permissionMode ?? config.default_permission_mode,
    default_model: o.model !== undefined ? o.model : config.default_model,
  };
}

/**
 * `--allowed-root` (repeatable) and CLAUDE_MATTERMOST_ALLOWED_ROOTS (one
 * path list): each value may hold several paths separated by the platform's
 * path delimiter; `~` is expanded and relative paths are made absolute.
 */
export function parsePathList(value: string, previous: string[] = []): string[] {
  const paths = value
    .split(path.delimiter)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => path.resolve(expandHome(p)));
  return [...previous, ...paths];
}
