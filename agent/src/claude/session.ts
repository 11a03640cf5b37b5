/**
 * One Claude Code session: the SDK's query() with streaming input, driven by
 * plugin events and reporting through `emit` (which queues into the outbox).
 */
import {randomUUID} from 'node:crypto';
import type {CanUseTool, Options, PermissionResult, Query, SDKMessage, SDKUserMessage} from '@anthropic-ai/claude-agent-sdk';
import type {Decision, Output} from '../plugin/protocol.js';
import type {PendingApproval, SessionStore} from '../sessions/store.js';
import {describeError, shortId, type Logger} from '../util/log.js';
import {denyMessage, matchesPending} from './approvals.js';
import {InputQueue} from './input.js';
import {OutputMapper} from './mapping.js';

export type QueryFn = (params: {prompt: AsyncIterable<SDKUserMessage>; options?: Options}) => Query;

export interface RunnerDeps {
  query: QueryFn;
  /** Queue an output; `onRejected` runs if the plugin refuses it for good (4xx). */
  emit: (out: Output, onRejected?: (reason: string) => void) => void;
  store: SessionStore;
  log: Logger;
  /** Environment for Claude Code (process.env, so ANTHROPIC_BASE_URL and friends pass through). */
  env: Record<string, string | undefined>;
  throttleMs?: number;
  pathToClaudeCodeExecutable?: string;
}

interface Waiter {
  resolve: (d: Decision) => void;
}

export class SessionRunner {
  readonly done: Promise<void>;
  private readonly input = new InputQueue<SDKUserMessage>();
  private readonly mapper: OutputMapper;
  private readonly waiters = new Map<string, Waiter>();
  /** Tool calls already approved for a resumed session (see recoveryPrompt). */
  private readonly preApproved: PendingApproval[] = [];
  private q: Query | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopping = false;
  private quiet = false;
  private finish!: () => void;
  private running = false;
  private claudeSessionId: string | undefined;

  constructor(
    readonly sessionId: string,
    readonly cwd: string,
    private readonly deps: RunnerDeps,
    private readonly opts: {resume?: string} = {},
  ) {
    this.mapper = new OutputMapper(`m${randomUUID().slice(0, 8)}`, deps.throttleMs ?? 250);
    this.done = new Promise((resolve) => (this.finish = resolve));
    this.claudeSessionId = opts.resume;
  }

  get alive(): boolean {
    return this.running;
  }

  /** Start Claude Code (or resume it) with a first user message. */
  start(firstMessage: string): void {
    this.running = true;
    this.send(firstMessage);
    void this.loop();
  }

  /** A new user turn (a participant's reply in the thread). */
  send(text: string): void {
    this.input.push({type: 'user', message: {role: 'user', content: text}, parent_tool_use_id: null, session_id: this.claudeSessionId ?? ''});
    this.emit({kind: 'status', status: 'working'});
    void this.savePhase('working');
  }

  /** Let one re-asked tool call through without a new card: it was approved while the process was gone. */
  preApprove(p: PendingApproval): void {
    this.preApproved.push(p);
  }

  /** Resolve a live canUseTool; false when nothing here waits for that request. */
  deliverDecision(requestId: string, d: Decision): boolean {
    const w = this.waiters.get(requestId);
    if (!w) return false;
    this.waiters.delete(requestId);
    w.resolve(d);
    return true;
  }

  /** A participant stopped the session: end Claude Code, deny what is pending, report `ended`. */
  async stop(by?: {username: string}): Promise<void> {
    if (this.stopping) return this.done;
    this.stopping = true;
    this.deps.log.info(`session ${shortId(this.sessionId)}: stopped${by ? ` by @${by.username}` : ''}`);
    for (const [id, w] of this.waiters) {
      this.waiters.delete(id);
      w.resolve({request_id: id, decision: 'deny', by: by ? {id: '', username: by.username} : undefined, reason: 'session stopped'});
    }
    this.input.close();
    this.q?.close();
    return this.done;
  }

  /** The agent is exiting: end Claude Code but keep every record, so a restart picks the session up again. */
  async shutdown(): Promise<void> {
    // Text that was streaming is finished as it stands, so no post is left looking live.
    for (const out of this.mapper.closeAll()) this.emit(out);
    this.quiet = true;
    this.stopping = true;
    this.input.close();
    this.q?.close();
    return this.done;
  }

  private async loop(): Promise<void> {
    const {log} = this.deps;
    let failure: unknown;
    try {
      this.q = this.deps.query({
        prompt: this.input,
        options: {
          cwd: this.cwd,
          env: this.deps.env,
          includePartialMessages: true,
          canUseTool: this.canUseTool,
          resume: this.opts.resume,
          pathToClaudeCodeExecutable: this.deps.pathToClaudeCodeExecutable,
          stderr: (data) => log.debug(`session ${shortId(this.sessionId)}: claude: ${data.trimEnd()}`),
        },
      });
      if (this.stopping) this.q.close();
      for await (const msg of this.q) {
        if (this.quiet) continue;
        this.onMessage(msg);
      }
    } catch (err) {
      failure = err;
    } finally {
      this.running = false;
      if (this.timer) clearTimeout(this.timer);
      for (const [id, w] of this.waiters) {
        this.waiters.delete(id);
        w.resolve({request_id: id, decision: 'deny', reason: 'Claude Code ended', by: undefined});
      }
    }
    if (!this.quiet) {
      if (this.stopping) {
        this.emit({kind: 'status', status: 'ended'});
        await this.deps.store.update(this.sessionId, (r) => ({...r!, state: 'ended', phase: 'idle', pending_approvals: []})).catch(() => undefined);
      } else if (failure) {
        const why = describeError(failure);
        log.error(`session ${shortId(this.sessionId)}: Claude Code failed: ${why}`);
        this.emit({kind: 'status', status: 'error', error: `Claude Code failed: ${why}. Reply in the thread to try again.`});
        await this.savePhase('error');
      } else {
        log.info(`session ${shortId(this.sessionId)}: Claude Code exited`);
        this.emit({kind: 'status', status: 'idle'});
        await this.savePhase('idle');
      }
    }
    this.finish();
  }

  private onMessage(msg: SDKMessage): void {
    const {log} = this.deps;
    if (msg.type === 'system' && msg.subtype === 'init') {
      this.claudeSessionId = msg.session_id;
      log.info(`session ${shortId(this.sessionId)}: Claude Code ${this.opts.resume ? 'resumed' : 'started'} in ${msg.cwd} (model ${msg.model})`);
      this.deps.store
        .update(this.sessionId, (r) => ({...r!, claude_session_id: msg.session_id}))
        .catch((err: unknown) => log.warn(`session ${shortId(this.sessionId)}: could not save the Claude session id: ${describeError(err)}`));
    }
    if (msg.type === 'result') {
      const cost = typeof msg.total_cost_usd === 'number' ? `, cost so far $${msg.total_cost_usd.toFixed(4)}` : '';
      log.info(`session ${shortId(this.sessionId)}: turn finished (${msg.subtype}${msg.is_error ? ', error' : ''}${cost})`);
    }
    for (const out of this.mapper.map(msg, Date.now())) {
      this.emit(out);
      if (out.kind === 'status') void this.savePhase(out.status === 'idle' ? 'idle' : out.status === 'error' ? 'error' : 'working');
    }
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.timer || !this.mapper.hasUnsent()) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      for (const out of this.mapper.due(Date.now())) this.emit(out);
      this.scheduleFlush();
    }, this.deps.throttleMs ?? 250);
  }

  /** Fail closed: anything that goes wrong here denies the tool. */
  private canUseTool: CanUseTool = async (toolName, input, options): Promise<PermissionResult> => {
    const {log, store} = this.deps;
    const sid = shortId(this.sessionId);
    try {
      const pre = this.preApproved.findIndex((p) => matchesPending(p, toolName, input));
      if (pre >= 0) {
        const [p] = this.preApproved.splice(pre, 1);
        log.info(`session ${sid}: ${toolName} was approved by @${p!.decision?.by?.username ?? '?'} before the restart; running it`);
        return {behavior: 'allow', updatedInput: input};
      }
      if (this.stopping) return {behavior: 'deny', message: 'The session is stopping'};

      const requestId = randomUUID();
      const pending: PendingApproval = {request_id: requestId, tool_name: toolName, input, tool_use_id: options.toolUseID, created_at: Date.now()};
      await store.update(this.sessionId, (r) => ({...r!, phase: 'waiting', pending_approvals: [...(r?.pending_approvals ?? []), pending]}));
      const decision = new Promise<Decision>((resolve) => this.waiters.set(requestId, {resolve}));
      const onAbort = () => this.deliverDecision(requestId, {request_id: requestId, decision: 'deny', reason: 'the tool call was cancelled', by: undefined});
      options.signal.addEventListener('abort', onAbort, {once: true});

      // No card, no decision: if the plugin refuses the request (too large, session gone), deny.
      const refused = (reason: string) =>
        this.deliverDecision(requestId, {request_id: requestId, decision: 'deny', reason: `Mattermost refused the approval request (${reason})`, by: undefined});
      this.emit(
        {
          kind: 'approval',
          request_id: requestId,
          tool_name: toolName,
          input,
          cwd: this.cwd,
          description: typeof input.description === 'string' ? clipField(input.description) : undefined,
        },
        refused,
      );
      this.emit({kind: 'status', status: 'waiting'});
      log.info(`session ${sid}: waiting for approval of ${toolName}${summary(input)}`);

      const d = await decision;
      options.signal.removeEventListener('abort', onAbort);
      if (this.quiet) {
        // The agent is exiting: keep the pending approval on disk so that a restart can pick up its decision.
        return {behavior: 'deny', message: 'The Mattermost agent is restarting'};
      }
      await store.update(this.sessionId, (r) => ({...r!, phase: 'working', pending_approvals: (r?.pending_approvals ?? []).filter((p) => p.request_id !== requestId)}));
      if (d.decision === 'approve') {
        log.info(`session ${sid}: ${toolName} approved by @${d.by?.username ?? '?'}`);
        if (!this.stopping) this.emit({kind: 'status', status: 'working'});
        return {behavior: 'allow', updatedInput: input};
      }
      log.info(`session ${sid}: ${toolName} denied by @${d.by?.username ?? '?'}${d.reason ? ` (${d.reason})` : ''}`);
      if (!this.stopping) this.emit({kind: 'status', status: 'working'});
      return {behavior: 'deny', message: denyMessage(d)};
    } catch (err) {
      log.error(`session ${sid}: approval of ${toolName} failed, denying it: ${describeError(err)}`);
      return {behavior: 'deny', message: `Denied: the Mattermost agent could not get a decision (${describeError(err)})`};
    }
  };

  private emit(out: Output, onRejected?: (reason: string) => void): void {
    if (this.quiet) return;
    if (out.kind === 'status' && out.error) out = {...out, error: clipField(out.error)};
    this.deps.emit(out, onRejected);
  }

  private async savePhase(phase: 'working' | 'waiting' | 'idle' | 'error'): Promise<void> {
    await this.deps.store
      .update(this.sessionId, (r) => ({...r!, phase}))
      .catch((err: unknown) => this.deps.log.warn(`session ${shortId(this.sessionId)}: could not save its state: ${describeError(err)}`));
  }
}

/** The plugin takes at most 4096 characters in status and card fields. */
function clipField(s: string): string {
  return s.length <= 4000 ? s : s.slice(0, 3997) + '...';
}

function summary(input: Record<string, unknown>): string {
  const s = typeof input.command === 'string' ? input.command : typeof input.file_path === 'string' ? input.file_path : '';
  return s ? `: ${s.length > 80 ? s.slice(0, 77) + '...' : s}` : '';
}
