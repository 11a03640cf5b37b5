/**
 * `claude-mattermost new "<prompt>"` and `start --prompt`: a session started
 * from a shell, a script or a container, as `/claude new` would start it. The
 * plugin opens the thread and queues a normal `start` for this machine.
 */
import {resolveSessionDir} from '../config/roots.js';
import type {PluginClient} from '../plugin/client.js';
import type {OpenSessionResponse} from '../plugin/protocol.js';

export interface HeadlessStart {
  prompt: string;
  /** The directory to work in (checked against the allowed roots). */
  dir: string;
  /** A channel name (team/channel or channel) or id; "" = the DM with @claude. */
  channel: string;
}

export class HeadlessError extends Error {}

/** Open the thread; the session then starts when an agent of this machine polls. Throws HeadlessError for what the user must fix. */
export async function startHeadless(
  client: Pick<PluginClient, 'openSession'>,
  key: string,
  s: HeadlessStart,
  roots: {allowedRoots: string[]; defaultDir: string},
): Promise<OpenSessionResponse> {
  const prompt = s.prompt.trim();
  if (!prompt) throw new HeadlessError('the prompt is empty');
  const where = await resolveSessionDir(s.dir, roots);
  if (!where.ok) throw new HeadlessError(where.reason);
  // No branch: the start event's branch asks the agent for a worktree; the
  // agent reads the directory's own branch itself when it starts.
  return client.openSession(key, {origin: 'cli', cwd: where.dir, prompt, channel: s.channel});
}
