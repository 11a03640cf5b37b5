/**
 * `claude-mattermost status` and `claude-mattermost sessions`: what this
 * machine knows, read from the config dir (and one hello to the plugin).
 */
import {loadConfig, type Config} from '../config/config.js';
import {readLock} from '../config/lock.js';
import type {Paths} from '../config/paths.js';
import {ApiMismatchError, PluginClient, RejectedError, RevokedTokenError} from '../plugin/client.js';
import {SessionStore, type SessionRecord} from '../sessions/store.js';
import {describeError, shortId} from '../util/log.js';
import {AGENT_VERSION} from '../version.js';

export interface InspectOptions {
  paths: Paths;
  out: (line: string) => void;
  fetch?: typeof fetch;
  now?: number;
}

export async function status(opts: InspectOptions): Promise<void> {
  const {out} = opts;
  const {config, token} = await loadConfig(opts.paths);
  const lock = await readLock(opts.paths.dir);
  out(`Server:   ${config.url}${config.user ? ` (paired as @${config.user.username})` : ''}`);
  out(`Machine:  ${config.machine.name} (${config.machine.id})`);
  out(`Token:    ${await tokenLine(config, token, opts.fetch)}`);
  out(`Agent:    ${lock?.alive ? `running (pid ${lock.pid})` : 'not running (start it with `claude-mattermost start`)'}`);
  out(`Config:   ${opts.paths.config}`);
  const open = (await new SessionStore(opts.paths.sessions).loadAll()).filter((r) => r.state === 'open');
  out(`Sessions: ${open.length === 0 ? 'none open' : `${open.length} open`}`);
  for (const line of sessionLines(sortSessions(open), config, Boolean(lock?.alive), opts.now ?? Date.now())) out('  ' + line);
}

export async function sessions(opts: InspectOptions & {all: boolean}): Promise<void> {
  const {config} = await loadConfig(opts.paths);
  const lock = await readLock(opts.paths.dir);
  const all = sortSessions(await new SessionStore(opts.paths.sessions).loadAll());
  const shown = opts.all ? all : all.filter((r) => r.state === 'open');
  if (shown.length === 0) {
    opts.out(opts.all ? 'No sessions on this machine yet.' : 'No open sessions (`claude-mattermost sessions --all` shows ended ones too).');
    return;
  }
  if (!lock?.alive) opts.out('(the agent is not running: states are as it last saw them)');
  for (const line of sessionLines(shown, config, Boolean(lock?.alive), opts.now ?? Date.now())) opts.out(line);
}

async function tokenLine(config: Config, token: string, fetchFn?: typeof fetch): Promise<string> {
  const client = new PluginClient({url: config.url, token, agentVersion: AGENT_VERSION, fetch: fetchFn, timeoutMs: 8000});
  try {
    const h = await client.hello();
    return `ok (@${h.user.username}, plugin ${h.plugin_version ?? '?'}, API v${h.api_version})`;
  } catch (err) {
    if (err instanceof RevokedTokenError) return `refused by the plugin (${err.message}): pair again with \`claude-mattermost login --url ${config.url}\``;
    if (err instanceof ApiMismatchError) return `accepted, but the plugin speaks API v${err.pluginApiVersion ?? '?'} (${err.message})`;
    if (err instanceof RejectedError) return `unknown: the plugin answered ${err.status} (${err.message})`;
    return `unknown: could not reach the plugin (${describeError(err)})`;
  }
}

/** Open sessions first, then the most recently active. */
export function sortSessions(records: SessionRecord[]): SessionRecord[] {
  return [...records].sort((a, b) => (a.state === b.state ? b.updated_at - a.updated_at : a.state === 'open' ? -1 : 1));
}

/** One line per session: id, state, directory (branch), thread link, last activity. */
export function sessionLines(records: SessionRecord[], config: Pick<Config, 'url'>, agentRunning: boolean, now: number): string[] {
  return records.map((r) => {
    const state = r.state === 'ended' ? 'ended' : !agentRunning && (r.phase === 'working' || r.phase === 'waiting') ? `${r.phase}?` : r.phase;
    const where = r.branch ? `${r.cwd} (${r.branch})` : r.cwd;
    const queued = r.queued && r.queued.length > 0 ? `, ${r.queued.length} queued` : '';
    const thread = r.root_id ? `${config.url}/_redirect/pl/${r.root_id}` : '-';
    return `${shortId(r.session_id)}  ${state.padEnd(8)} ${where}  ${thread}  ${ago(now - r.updated_at)}${queued}`;
  });
}

export function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.round(s / 60)}m ago`;
  if (s < 86400) return `${Math.round(s / 3600)}h ago`;
  return `${Math.round(s / 86400)}d ago`;
}
