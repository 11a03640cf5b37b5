/**
 * `claude-mattermost resume [<thread link> | <session id>]` (take a
 * conversation back to this terminal) and `claude-mattermost new "<prompt>"`
 * (start one from a shell). Both go through the running agent's socket; when
 * no agent runs they do what they can on their own.
 */
import {spawn} from 'node:child_process';
import {randomUUID} from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {expandHome, loadConfig} from '../config/config.js';
import {paths as pathsFor} from '../config/paths.js';
import {PluginClient, RejectedError, TransientError} from '../plugin/client.js';
import {SessionStore} from '../sessions/store.js';
import {HeadlessError, startHeadless} from '../terminal/headless.js';
import {FOLLOW_ENV} from '../terminal/hookrun.js';
import {socketPath, terminalDir} from '../terminal/paths.js';
import {ask} from '../terminal/socket.js';
import {TerminalStore} from '../terminal/store.js';
import {findTarget, readSessionRecords, transcriptPathFor, type Known} from '../terminal/target.js';
import {sizeOf} from '../terminal/transcript.js';
import {AGENT_VERSION} from '../version.js';
import {UserError} from './login.js';
import type {TerminalCliOptions} from './hooks.js';

/** Runs Claude Code in this terminal; resolves to its exit code. */
export type RunClaude = (command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv) => Promise<number>;

const runClaude: RunClaude = (command, args, cwd, env) =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, {cwd, env, stdio: 'inherit'});
    child.once('error', (err) => reject(new UserError(`cannot run ${command}: ${err.message} (set CLAUDE_MATTERMOST_CLAUDE to Claude Code's command)`)));
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 0)));
  });

interface Taken {
  claude_session_id: string;
  cwd: string;
  permalink?: string;
}

/** Take the conversation back and run `claude --resume <id>` here; resolves to Claude Code's exit code. */
export async function resume(args: {target?: string}, opts: TerminalCliOptions & {run?: RunClaude}): Promise<number> {
  const here = fs.existsSync(opts.cwd) ? fs.realpathSync(opts.cwd) : opts.cwd;
  const got = await ask(socketPath(opts.dir), {type: 'resume', target: args.target ?? '', cwd: here}, {timeoutMs: 120_000});
  let taken: Taken;
  if (got.ok) {
    const a = (got.answer ?? {}) as Partial<Taken> & {error?: string};
    if (a.error) throw new UserError(a.error);
    if (!a.claude_session_id || !a.cwd) throw new UserError('the agent did not say which conversation to resume');
    taken = {claude_session_id: a.claude_session_id, cwd: a.cwd, permalink: a.permalink};
    opts.out(`Taking the conversation back from Mattermost${taken.permalink ? ` (${taken.permalink})` : ''}.`);
  } else if (got.why === 'down') {
    taken = await takeBackOffline(args.target ?? '', here, opts);
    opts.out('The agent is not running: Mattermost sees this session again once `claude-mattermost start` runs.');
  } else {
    throw new UserError(`the agent did not answer (${got.detail})`);
  }
  const command = opts.env.CLAUDE_MATTERMOST_CLAUDE || 'claude';
  // Mirrored again into the same thread, even where no directory is followed.
  return (opts.run ?? runClaude)(command, ['--resume', taken.claude_session_id], taken.cwd, {...opts.env, [FOLLOW_ENV]: '1'});
}

/** Without an agent: find the conversation on disk and mark it as the terminal's, so a starting agent does not resume it too. */
async function takeBackOffline(target: string, here: string, opts: TerminalCliOptions): Promise<Taken> {
  const p = pathsFor(opts.dir);
  const terminals = new TerminalStore(terminalDir(opts.dir));
  const known: Known[] = (await terminals.loadAll()).map((r) => ({session_id: r.session_id ?? '', claude_session_id: r.claude_session_id, cwd: r.cwd, root_id: r.root_id, updated_at: r.updated_at}));
  const agentRecords = await readSessionRecords(p.sessions);
  for (const s of agentRecords) if (s.claude_session_id) known.push({session_id: s.session_id, claude_session_id: s.claude_session_id, cwd: s.cwd, root_id: s.root_id, updated_at: s.updated_at});
  const found = findTarget(target, here, known);
  if (!found.ok) throw new UserError(found.reason);
  const {claude_session_id: claudeId, session_id: sessionId, cwd} = found.session;
  const agentRec = agentRecords.find((s) => s.session_id === sessionId);
  const old = terminals.get(claudeId);
  const transcript = old?.transcript_path ?? transcriptPathFor(cwd, claudeId, opts.env);
  const offset = await sizeOf(transcript);
  const now = Date.now();
  await terminals.update(claudeId, (r) => ({
    ...(r ?? {
      claude_session_id: claudeId,
      open_key: randomUUID(),
      channel: '',
      approve_all: false,
      queued: [],
      pending: [],
      created_at: now,
      updated_at: now,
    }),
    cwd,
    transcript_path: transcript,
    offset,
    session_id: sessionId || r?.session_id,
    root_id: agentRec?.root_id ?? r?.root_id,
    state: 'open',
    runs_in: 'terminal',
    phase: 'idle',
    away: false,
  }));
  if (agentRec) await new SessionStore(p.sessions).remove(agentRec.session_id);
  return {claude_session_id: claudeId, cwd};
}

/** `claude-mattermost new`: open the thread (through the agent when it runs) and print its link. */
export async function newSession(args: {prompt: string; dir?: string; channel?: string}, opts: TerminalCliOptions): Promise<void> {
  const dir = path.resolve(opts.cwd, expandHome(args.dir ?? '.'));
  const key = randomUUID();
  const request = {type: 'new', key, prompt: args.prompt, cwd: dir, channel: args.channel ?? ''};
  const got = await ask(socketPath(opts.dir), request, {timeoutMs: 60_000});
  if (got.ok) {
    const a = (got.answer ?? {}) as {permalink?: string; session_id?: string; error?: string};
    if (a.error) throw new UserError(a.error);
    opts.out(a.permalink || `session ${a.session_id ?? '?'}`);
    return;
  }
  if (got.why !== 'down') throw new UserError(`the agent did not answer (${got.detail})`);
  const {config, token} = await loadConfig(pathsFor(opts.dir));
  const client = new PluginClient({url: config.url, token, agentVersion: AGENT_VERSION});
  try {
    const opened = await startHeadless(client, key, {prompt: args.prompt, dir, channel: args.channel ?? ''}, {allowedRoots: config.allowed_roots, defaultDir: config.default_dir});
    opts.out(opened.permalink || `session ${opened.session_id}`);
    (opts.warn ?? ((l: string) => process.stderr.write(l + '\n')))('The agent is not running on this machine: the session starts when `claude-mattermost start` runs.');
  } catch (err) {
    if (err instanceof HeadlessError || err instanceof RejectedError) throw new UserError(err.message);
    if (err instanceof TransientError) throw new UserError(`could not reach ${config.url}: ${err.message}`);
    throw err;
  }
}
