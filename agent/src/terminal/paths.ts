/**
 * Where the terminal-session pieces live. Node built-ins only: the hook
 * command loads this before it knows whether the session is followed.
 */
import {createHash} from 'node:crypto';
import os from 'node:os';
import path from 'node:path';

/** Unix domain socket paths longer than this do not fit in `sockaddr_un` on every platform. */
const MAX_SOCKET_PATH = 100;

/**
 * The daemon's local socket: `<config dir>/agent.sock` (mode 0600), or, when
 * that path is too long for a Unix socket, a per-user name in the temp dir;
 * a named pipe on Windows. Both sides compute it from the config dir.
 */
export function socketPath(configDir: string, platform: NodeJS.Platform = process.platform): string {
  const tag = createHash('sha256').update(configDir).digest('hex').slice(0, 16);
  if (platform === 'win32') return `\\\\.\\pipe\\claude-mattermost-${tag}`;
  const inDir = path.join(configDir, 'agent.sock');
  if (Buffer.byteLength(inDir) <= MAX_SOCKET_PATH) return inDir;
  return path.join(os.tmpdir(), `claude-mattermost-${process.getuid?.() ?? 0}-${tag}.sock`);
}

/** The followed directories (`claude-mattermost follow`). */
export function followFile(configDir: string): string {
  return path.join(configDir, 'follow.json');
}

/** One record per terminal session (Claude session id), with its transcript read position. */
export function terminalDir(configDir: string): string {
  return path.join(configDir, 'terminal');
}
