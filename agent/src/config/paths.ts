import os from 'node:os';
import path from 'node:path';

/**
 * Where the agent keeps everything it owns:
 *   $CLAUDE_MATTERMOST_CONFIG_DIR, else $XDG_CONFIG_HOME/claude-mattermost,
 *   else ~/.config/claude-mattermost.
 */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CLAUDE_MATTERMOST_CONFIG_DIR) return path.resolve(env.CLAUDE_MATTERMOST_CONFIG_DIR);
  const base = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(os.homedir(), '.config');
  return path.join(base, 'claude-mattermost');
}

export interface Paths {
  dir: string;
  config: string;
  token: string;
  state: string;
  outbox: string;
  sessions: string;
  /** The daemon's log file (rotated: agent.log.1, .2, .3). */
  log: string;
  /** Held while `start` runs (see lock.ts). */
  pid: string;
}

export function paths(dir: string): Paths {
  return {
    dir,
    config: path.join(dir, 'config.yaml'),
    token: path.join(dir, 'token'),
    state: path.join(dir, 'state.json'),
    outbox: path.join(dir, 'outbox'),
    sessions: path.join(dir, 'sessions'),
    log: path.join(dir, 'agent.log'),
    pid: path.join(dir, 'agent.pid'),
  };
}
