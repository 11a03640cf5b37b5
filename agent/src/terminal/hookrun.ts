/**
 * The hook command (`claude-mattermost hook`, installed as `node dist/hook.js`):
 * Claude Code runs it for every hook event. It reads the event on stdin,
 * decides at once whether the session is followed (only Node built-ins are
 * loaded until then), and if so hands the event to the running agent over its
 * local socket and prints the agent's answer.
 *
 * It never allows anything itself and never fails the terminal: on bad input,
 * an agent that is down or goes away, or any error, it prints nothing on
 * stdout (no decision: the terminal asks as usual), says why in one line on
 * stderr, and exits 0.
 */
import fs from 'node:fs';
import path from 'node:path';
import {configDir} from '../config/paths.js';
import {followedFor, readFollowed} from './follow.js';
import {MAX_HOOK_INPUT_BYTES, WAITING_EVENTS, parseHookInput} from './hookinput.js';
import {followFile, socketPath} from './paths.js';

/** Set by the agent for the Claude Code it runs itself: its hooks are not a terminal's. */
export const AGENT_SESSION_ENV = 'CLAUDE_MATTERMOST_AGENT_SESSION';
/** `1`: mirror this one run wherever it is (inside the allowed roots); `0`: never. */
export const FOLLOW_ENV = 'CLAUDE_MATTERMOST_FOLLOW';
/**
 * How long a hook waits for the agent's socket while the agent is (re)starting:
 * its pid file names a live process but it does not listen yet. Without a
 * live agent the hook steps aside at once.
 */
export const AGENT_WAIT_MS = 2000;
/** Events that do not wait for Mattermost get their answer within this, or the hook steps aside. */
const QUICK_ANSWER_MS = 15_000;

export interface HookIO {
  readStdin: (limit: number) => Promise<string | undefined>;
  env: NodeJS.ProcessEnv;
  /** Claude Code reads the decision from stdout. */
  out: (s: string) => void;
  /** One line for the person, on stderr. */
  warn: (line: string) => void;
  pid?: number;
  ppid?: number;
  /** Tests shorten the waits. */
  agentWaitMs?: number;
  quickAnswerMs?: number;
}

/** The request the hook sends over the socket. */
export interface HookRequest {
  type: 'hook';
  input: unknown;
  pid: number;
  ppid: number;
  /** Followed through CLAUDE_MATTERMOST_FOLLOW=1 rather than a followed directory. */
  follow_env: boolean;
  /** The followed directory's channel for new threads ("" = the DM with @claude). */
  channel: string;
}

/** The agent's answer: `output` is printed as Claude Code's hook output; `message` goes to stderr. */
export interface HookAnswer {
  output?: Record<string, unknown>;
  message?: string;
}

export async function runHook(io: HookIO): Promise<void> {
  const say = (why: string) => io.warn(`claude-mattermost hook: ${why}`);
  const text = await io.readStdin(MAX_HOOK_INPUT_BYTES);
  // The agent's own Claude Code: its session is mirrored by the agent already.
  if (io.env[AGENT_SESSION_ENV]) return;
  if (text === undefined) return say(`hook input larger than ${MAX_HOOK_INPUT_BYTES} bytes; ignoring it (the terminal carries on)`);
  const parsed = parseHookInput(text);
  if (!parsed.ok) return say(`${parsed.reason}; ignoring it (the terminal carries on)`);
  const {input} = parsed;
  const dir = configDir(io.env);
  const flag = io.env[FOLLOW_ENV];
  let channel = '';
  if (flag === '0') return;
  const byEnv = flag === '1' || flag === 'true';
  if (!byEnv) {
    const followed = followedFor(input.cwd, readFollowed(followFile(dir)));
    if (!followed) return;
    channel = followed.channel;
  }

  const {ask} = await import('./socket.js');
  const request: HookRequest = {type: 'hook', input, pid: io.pid ?? process.pid, ppid: io.ppid ?? process.ppid, follow_env: byEnv, channel};
  const got = await ask(socketPath(dir), request, {
    connectWaitMs: io.agentWaitMs ?? AGENT_WAIT_MS,
    stillStarting: () => agentAlive(dir),
    timeoutMs: WAITING_EVENTS.has(input.hook_event_name) ? undefined : (io.quickAnswerMs ?? QUICK_ANSWER_MS),
  });
  if (!got.ok) {
    if (got.why === 'down') return say('the claude-mattermost agent is not running (`claude-mattermost start`); Mattermost does not see this session, the terminal carries on');
    return say(`no answer from the agent (${got.detail}); the terminal carries on`);
  }
  const answer = (got.answer ?? {}) as HookAnswer & {error?: unknown};
  if (typeof answer.error === 'string') return say(`the agent refused the event: ${answer.error}`);
  if (typeof answer.message === 'string' && answer.message) say(answer.message);
  if (answer.output && typeof answer.output === 'object' && !Array.isArray(answer.output)) io.out(JSON.stringify(answer.output));
}

/** Is the process named in `<config dir>/agent.pid` alive (the agent is up or restarting)? */
function agentAlive(dir: string): boolean {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(path.join(dir, 'agent.pid'), 'utf8').trim());
  } catch {
    return false;
  }
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** stdin as text, or undefined when it is larger than `limit` bytes. */
export function readStdin(limit: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    process.stdin.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) over = true;
      else chunks.push(c);
    });
    process.stdin.on('end', () => resolve(over ? undefined : Buffer.concat(chunks).toString('utf8')));
    process.stdin.on('error', () => resolve(''));
  });
}
