/**
 * One Claude Code session: the SDK's query() with streaming input, driven by
 * plugin events and reporting through `emit` (which queues into the outbox).
 *
 * The runner outlives single Claude Code processes: `!cd` and `!worktree`
 * end the process between two turns and start a new one in the new directory
 * with `resume: <claude session id>`, so the conversation goes on (checked
 * against the real binary: the resumed process gets every earlier turn, and
 * tells the model "Primary working directory: <new> (was <old>)").
 *
 * User turns go to Claude Code one at a time, in the order they came: a
 * message that arrives while a turn is running waits in `queue` (saved in the
 * session record, so a restart delivers it) until the turn's result.
 */
import {spawn} from 'node:child_process';
import {randomUUID} from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type {CanUseTool, HookCallback, Options, PermissionResult, Query, SDKMessage, SDKUserMessage, SpawnedProcess, SpawnOptions} from '@anthropic-ai/claude-agent-sdk';
import type {RootCheck} from '../config/roots.js';
import {currentBranch, ensureWorktree} from '../git/worktree.js';
import {MAX_NOTICE_CHARS, type Answer, type Decision, type Output, type PermissionMode, type SessionStatus, type TextOutput, type UserRef} from '../plugin/protocol.js';
import type {MessageItem, PendingApproval, QueuedItem, SessionStore} from '../sessions/store.js';
import {describeError, shortId, type Logger} from '../util/log.js';
import {answeredDecision, denyMessage, matchesPending} from './approvals.js';
import {NOTICES, planCommand} from './commands.js';
import {InputQueue} from './input.js';
import {OutputMapper} from './mapping.js';
import {EDIT_TOOLS, cardPreview, type FileSnapshot} from './preview.js';
import {readSnapshot} from './snapshot.js';
import {TASK_TOOLS, TaskBoard, readTaskStore} from './tasks.js';
import {ToolCalls, answeredInput, appliedDiff, questionsOf, resultOutputs} from './tools.js';
import {CUT_MARKERS, NEW_CONVERSATION_NOTICE, finishCutText, isMissingConversation, turnPrompt} from './recovery.js';
import {planOf, userContent, type Attachment} from './turns.js';

export type QueryFn = (params: {prompt: AsyncIterable<SDKUserMessage>; options?: Options}) => Query;

export interface EmitOptions {
  /** Awaited after the output is on disk, before it is first sent (see Outbox.enqueue). */
  beforeSend?: () => Promise<unknown>;
}

export interface RunnerDeps {
  query: QueryFn;
  /**
   * Queue an output (through the outbox). If the plugin refuses an approval
   * or question for good, the daemon denies it with `cardRefused`.
   */
  emit: (out: Output, opts?: EmitOptions) => void;
  store: SessionStore;
  log: Logger;
  /** Environment for Claude Code (process.env, so ANTHROPIC_BASE_URL and friends pass through). */
  env: Record<string, string | undefined>;
  throttleMs?: number;
  pathToClaudeCodeExecutable?: string;
  /** The allowed-roots check for `!cd` / `!worktree` targets; relative paths are taken from `base`. */
  resolveDir?: (dir: string, base: string) => Promise<RootCheck>;
  /** `!file`: check the file (allowed roots, size) and queue its upload; resolves to why not, or undefined when queued. */
  sendFile?: (file: string, base: string) => Promise<string | undefined>;
}

export interface RunnerOptions {
  /** Claude session id to resume. */
  resume?: string;
  branch?: string;
  permissionMode?: PermissionMode;
  model?: string;
  /** Work queued before a restart. */
  queued?: QueuedItem[];
}

interface Waiter {
  resolve: (d: Decision) => void;
}

/** One Claude Code process. */
interface Proc {
  q: Query;
  input: InputQueue<SDKUserMessage>;
  ended: Promise<void>;
  /** Set when the runner ended it on purpose to start another (cd): its end is not the session's. */
  replaced: boolean;
  /** Its first init was logged. */
  announced: boolean;
  /** It was asked to resume a conversation it does not have: a new one starts instead. */
  missingConversation: boolean;
}

/**
 * Whether Claude Code will accept `allowDangerouslySkipPermissions`: it
 * refuses to start with it as root unless IS_SANDBOX=1 says the machine is a
 * sandbox. Without it, approve-all is done by the agent (canUseTool allows).
 */
export function nativeBypassAllowed(env: Record<string, string | undefined>, uid = process.getuid?.()): boolean {
  return uid !== 0 || env.IS_SANDBOX === '1';
}

export class SessionRunner {
  readonly done: Promise<void>;
  private readonly mapper: OutputMapper;
  private readonly waiters = new Map<string, Waiter>();
  /** Request ids of the cards this runner asked for (the record may also hold ones from before a restart). */
  private readonly ownRequests = new Set<string>();
  /** Tool calls already approved for a resumed session (see recoveryPrompt). */
  private readonly preApproved: PendingApproval[] = [];
  private readonly queue: QueuedItem[];
  /** The user turn Claude Code is on (saved as the record's `turn` until its result). */
  private turn: MessageItem | undefined;
  /** Text blocks streaming to the thread, by message id: the last text queued, and whether its `done` report is on its way. */
  private readonly streams = new Map<string, {text: string; closing: boolean}>();
  private proc: Proc | undefined;
  private timer: NodeJS.Timeout | undefined;
  private ending: 'stop' | 'shutdown' | undefined;
  private quiet = false;
  private finish!: () => void;
  private finished = false;
  private running = false;
  private claudeSessionId: string | undefined;
  private resumed: boolean;
  /** A user turn has been handed to Claude Code and its result has not come yet. */
  private inTurn = false;
  private pumping = false;
  private interruptRequested = false;
  private phase: SessionStatus = 'starting';
  private readonly nativeBypass: boolean;
  /** Tool calls of the main conversation, until their results come. */
  private readonly toolCalls = new ToolCalls();
  /** Files as they were just before an Edit/MultiEdit/Write ran (PreToolUse hook), by tool_use id. */
  private readonly snapshots = new Map<string, FileSnapshot>();
  /** Tool calls that had a card: their edits were shown there (no diff post); a denial needs no output post. */
  private readonly carded = new Map<string, 'approved' | 'denied'>();
  /** The plan file Claude wrote in plan mode (ExitPlanMode presents it when its input has no plan). */
  private planFile: string | undefined;
  /** The todo panel from the task tools; a resumed conversation starts from the tasks Claude Code kept (tasks.ts). */
  private readonly tasks = new TaskBoard();
  private taskUpdates: Promise<void> = Promise.resolve();
  cwd: string;
  branch: string;
  permissionMode: PermissionMode;
  model: string | undefined;

  constructor(
    readonly sessionId: string,
    cwd: string,
    private readonly deps: RunnerDeps,
    opts: RunnerOptions = {},
  ) {
    this.mapper = new OutputMapper(`m${randomUUID().slice(0, 8)}`, deps.throttleMs ?? 250);
    this.done = new Promise((resolve) => (this.finish = resolve));
    this.cwd = cwd;
    this.claudeSessionId = opts.resume || undefined;
    this.resumed = Boolean(this.claudeSessionId);
    // A resumed conversation waits for its next turn; a new one is starting.
    this.phase = this.resumed ? 'idle' : 'starting';
    this.branch = opts.branch ?? '';
    this.permissionMode = opts.permissionMode ?? 'default';
    this.model = opts.model || undefined;
    this.queue = [...(opts.queued ?? [])];
    this.nativeBypass = nativeBypassAllowed(deps.env);
    if (this.claudeSessionId) {
      const id = this.claudeSessionId;
      this.taskUpdates = readTaskStore(id, deps.env).then((t) => this.tasks.seed(t));
    }
  }

  get alive(): boolean {
    return this.running;
  }

  /** Whether Claude is in the middle of a turn (messages sent now wait for it). */
  get busy(): boolean {
    return this.inTurn;
  }

  get queuedCount(): number {
    return this.queue.length;
  }

  /**
   * Start Claude Code (or resume it), optionally with a user message that
   * goes before the queued work (a recovery prompt). The queue is saved
   * before this returns (in the same write as changes made in this tick).
   */
  start(firstMessage?: string | MessageItem): void {
    this.running = true;
    if (firstMessage !== undefined) this.queue.unshift(typeof firstMessage === 'string' ? {type: 'message', text: firstMessage} : firstMessage);
    this.launch();
    void this.saveQueue();
    void this.pump();
  }

  /**
   * A new user turn (a participant's reply in the thread): now, or after the
   * running turn (`front`: before the other queued ones). Images are files on
   * disk. The record with the message is being saved when this returns.
   */
  send(text: string, images: Attachment[] = [], opts: {front?: boolean} = {}): void {
    const item: QueuedItem = images.length > 0 ? {type: 'message', text, images} : {type: 'message', text};
    if (opts.front) this.queue.unshift(item);
    else this.queue.push(item);
    if (this.inTurn) this.deps.log.info(`session ${shortId(this.sessionId)}: Claude is busy; message queued (${this.queue.length} waiting)`);
    void this.saveQueue();
    void this.pump();
  }

  /** Let one re-asked tool call through without a new card: it was approved while the process was gone. */
  preApprove(p: PendingApproval): void {
    this.preApproved.push(p);
  }

  /** Answer a waiting AskUserQuestion; false when nothing here waits for that request. The record keeps the answers (see deliverDecision). */
  deliverAnswer(requestId: string, a: Answer): boolean {
    return this.deliver(requestId, {request_id: requestId, decision: 'approve', by: a.by, reason: '', answers: a.answers}, answeredDecision(a.answers, a.by));
  }

  /**
   * Resolve a live canUseTool; false when nothing here waits for that
   * request. Claude Code gets the decision at once; the record keeps it
   * (saved in this tick) until the tool's result comes, so a crash before
   * then hands it to the resumed session instead of losing it.
   */
  deliverDecision(requestId: string, d: Decision): boolean {
    return this.deliver(requestId, d, {decision: d.decision, by: d.by, reason: d.reason ?? ''});
  }

  private deliver(requestId: string, d: Decision, recorded: RecordedDecision): boolean {
    const w = this.waiters.get(requestId);
    if (!w) return false;
    this.waiters.delete(requestId);
    w.resolve(d);
    if (!this.quiet) this.recordDecision(requestId, recorded);
    return true;
  }

  /** The plugin refused an approval or question card for good: deny the tool call that waits for it. */
  cardRefused(requestId: string, reason: string): boolean {
    if (!this.waiters.has(requestId)) return false;
    this.cancelWaiter(requestId, reason);
    return true;
  }

  /** A thread command (`command` event). Every outcome is told in the thread with a notice. */
  async command(name: string, args: string, by?: UserRef): Promise<void> {
    const plan = planCommand(name, args);
    const who = by?.username;
    const sid = shortId(this.sessionId);
    this.deps.log.info(`session ${sid}: !${name}${args ? ' ' + args : ''}${who ? ` from @${who}` : ''}`);
    switch (plan.do) {
      case 'refuse':
        return this.notice(plan.notice);
      case 'escape':
        return this.interrupt();
      case 'compact':
        this.notice(NOTICES.compacting);
        return this.send('/compact');
      case 'permissions':
        return this.setPermissionMode(plan.mode, who);
      case 'model':
        return this.setModel(plan.model, who);
      case 'cd': {
        const where = await this.resolve(plan.dir);
        if (!where.ok) return this.notice(NOTICES.cdRefused(plan.dir, where.reason));
        const branch = await currentBranch(where.dir);
        return this.enqueueMove(where.dir, branch, NOTICES.movedTo(where.dir, branch));
      }
      case 'file': {
        if (!this.deps.sendFile) return this.notice(NOTICES.fileRefused(plan.path, 'this agent cannot send files'));
        const why = await this.deps.sendFile(plan.path, this.cwd);
        if (why) this.notice(NOTICES.fileRefused(plan.path, why));
        return;
      }
      case 'worktree': {
        const wt = await ensureWorktree(this.cwd, plan.branch);
        if (!wt.ok) return this.notice(NOTICES.failed(`make a worktree for \`${plan.branch}\``, wt.reason));
        const where = await this.resolve(wt.dir);
        if (!where.ok) return this.notice(NOTICES.cdRefused(wt.dir, where.reason));
        const head = NOTICES.worktree(wt.worktree, wt.branch, wt.created, wt.newBranch);
        return this.enqueueMove(where.dir, wt.branch, `${head} ${NOTICES.movedTo(where.dir, wt.branch)}`);
      }
    }
  }

  /** A participant stopped the session: end Claude Code, deny what is pending, report `ended`. */
  async stop(by?: {username: string}): Promise<void> {
    if (this.ending) return this.done;
    this.ending = 'stop';
    this.deps.log.info(`session ${shortId(this.sessionId)}: stopped${by ? ` by @${by.username}` : ''}`);
    this.denyWaiting({by: by ? {id: '', username: by.username} : undefined, reason: 'session stopped'});
    this.endProc();
    if (!this.proc) void this.finalize(undefined);
    return this.done;
  }

  /** The agent is exiting: end Claude Code but keep every record, so a restart picks the session up again. */
  async shutdown(): Promise<void> {
    // Text that was streaming is finished and marked, so no post is left looking live; the turn resumes on the next start.
    this.closeStreams(CUT_MARKERS.shutdown);
    this.quiet = true;
    this.ending = 'shutdown';
    this.endProc();
    if (!this.proc) void this.finalize(undefined);
    return this.done;
  }

  private endProc(): void {
    if (!this.proc) return;
    this.proc.input.close();
    this.proc.q.close();
  }

  /** Start one Claude Code process in the current directory, resuming the conversation when there is one. */
  private launch(): void {
    const {log} = this.deps;
    const sid = shortId(this.sessionId);
    const input = new InputQueue<SDKUserMessage>();
    const bypassByAgent = this.permissionMode === 'bypassPermissions' && !this.nativeBypass;
    const q = this.deps.query({
      prompt: input,
      options: {
        cwd: this.cwd,
        env: claudeEnv(this.deps.env),
        includePartialMessages: true,
        canUseTool: this.canUseTool,
        // Before an edit runs (with a card or without), keep the file as it is: the
        // card's preview and the diff posted for an edit that ran without a card.
        hooks: {PreToolUse: [{matcher: 'Edit|MultiEdit|Write', hooks: [this.beforeEdit]}]},
        resume: this.claudeSessionId,
        model: this.model,
        permissionMode: bypassByAgent ? 'default' : this.permissionMode,
        allowDangerouslySkipPermissions: this.nativeBypass,
        pathToClaudeCodeExecutable: this.deps.pathToClaudeCodeExecutable,
        // Spawned here (as the SDK does) to learn the pid: a Claude Code left running by a killed agent is stopped on the next start.
        spawnClaudeCodeProcess: (o) =>
          spawnClaude(o, (data) => log.debug(`session ${sid}: claude: ${data.trimEnd()}`), (pid) => void this.savePid(pid)),
        mcpServersDelivery: 'argv',
      },
    });
    const proc: Proc = {q, input, replaced: false, announced: false, missingConversation: false, ended: Promise.resolve()};
    proc.ended = this.consume(proc);
    this.proc = proc;
    if (this.ending) this.endProc();
  }

  private async consume(proc: Proc): Promise<void> {
    let failure: unknown;
    try {
      for await (const msg of proc.q) {
        if (this.quiet || proc.replaced) continue;
        this.onMessage(msg, proc);
      }
    } catch (err) {
      failure = err;
    }
    if (proc.replaced) return;
    if (proc.missingConversation && !this.ending) return this.startNewConversation();
    await this.finalize(failure);
  }

  /**
   * The conversation to resume is not on this machine (Claude Code's
   * transcript is gone, or it was never written because the agent died too
   * early): start a new one with the turn that was to go to the old one.
   */
  private async startNewConversation(): Promise<void> {
    this.deps.log.warn(`session ${shortId(this.sessionId)}: Claude session ${shortId(this.claudeSessionId ?? '')} is not on this machine; starting a new conversation`);
    this.claudeSessionId = undefined;
    this.resumed = false;
    if (this.turn) this.queue.unshift(this.turn);
    this.turn = undefined;
    this.inTurn = false;
    // The new process first, in this tick: a pump still running must hand the turn to it, not to the old one.
    this.launch();
    void this.deps.store.update(this.sessionId, (r) => ({...r!, claude_session_id: undefined})).catch(() => undefined);
    void this.saveQueue();
    this.notice(NEW_CONVERSATION_NOTICE);
    void this.pump();
  }

  /** The session's Claude Code is gone for good (stopped, shut down, crashed or exited). */
  private async finalize(failure: unknown): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    const {log} = this.deps;
    this.running = false;
    this.inTurn = false;
    if (this.timer) clearTimeout(this.timer);
    this.denyWaiting({reason: 'Claude Code ended', by: undefined});
    if (this.quiet) {
      // Shut down: the record stays as it is for the next start, but this process is gone.
      await this.deps.store.update(this.sessionId, (r) => ({...r!, claude_pid: undefined})).catch(() => undefined);
    } else {
      this.closeStreams(this.ending === 'stop' ? CUT_MARKERS.stopped : CUT_MARKERS.ended);
      if (this.ending === 'stop') {
        this.emit({kind: 'status', status: 'ended'});
        await this.deps.store
          .update(this.sessionId, (r) => ({...r!, state: 'ended', phase: 'idle', pending_approvals: [], queued: [], turn: undefined, claude_pid: undefined}))
          .catch(() => undefined);
      } else if (failure) {
        const why = describeError(failure);
        log.error(`session ${shortId(this.sessionId)}: Claude Code failed: ${why}`);
        this.emit({kind: 'status', status: 'error', error: `Claude Code failed: ${why}. Reply in the thread to try again.`});
        await this.endTurnRecord('error');
      } else {
        log.info(`session ${shortId(this.sessionId)}: Claude Code exited`);
        this.emit({kind: 'status', status: 'idle'});
        await this.endTurnRecord('idle');
      }
    }
    this.finish();
  }

  /** Claude Code ended by itself: the turn it was on is over (told in the thread), and no process runs for the session. */
  private async endTurnRecord(phase: 'idle' | 'error'): Promise<void> {
    this.endTurn();
    await this.deps.store
      .update(this.sessionId, (r) => ({...r!, phase, claude_pid: undefined}))
      .catch((err: unknown) => this.deps.log.warn(`session ${shortId(this.sessionId)}: could not save its state: ${describeError(err)}`));
  }

  /** Hand the next queued item to Claude Code when no turn is running. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (!this.inTurn && !this.ending && this.running && this.proc && this.queue.length > 0) {
        const item = this.queue.shift()!;
        if (item.type === 'message') {
          // The queue without it and the turn with it, in one write: a crash from here on resumes this turn.
          this.turn = item;
          this.inTurn = true;
          this.interruptRequested = false;
          void this.saveQueue();
          const content = await userContent(turnPrompt(item), item.images ?? []);
          if (!this.proc) break;
          this.proc.input.push({type: 'user', message: {role: 'user', content}, parent_tool_use_id: null, session_id: this.claudeSessionId ?? ''});
          this.emit({kind: 'status', status: 'working'});
          await this.savePhase('working');
        } else {
          await this.saveQueue();
          await this.moveTo(item.dir, item.branch);
          if (!this.ending) this.notice(item.notice);
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  /** `!cd` / `!worktree`: in order with the messages, so a message sent after it runs in the new place. */
  private enqueueMove(dir: string, branch: string, notice: string): void {
    if (this.inTurn) this.notice(NOTICES.busyThenCd(dir));
    this.queue.push({type: 'cd', dir, branch, notice});
    void this.saveQueue();
    void this.pump();
  }

  /** End the current Claude Code process between turns and resume the same conversation in `dir`. */
  private async moveTo(dir: string, branch: string): Promise<void> {
    const old = this.proc;
    if (old) {
      old.replaced = true;
      old.input.close();
      old.q.close();
      await old.ended;
    }
    this.cwd = dir;
    this.branch = branch;
    await this.deps.store.update(this.sessionId, (r) => ({...r!, cwd: dir, branch})).catch(() => undefined);
    this.deps.log.info(`session ${shortId(this.sessionId)}: continuing in ${dir}${this.claudeSessionId ? ` (resume ${shortId(this.claudeSessionId)})` : ''}`);
    if (this.ending) return void this.finalize(undefined);
    this.resumed = Boolean(this.claudeSessionId);
    this.launch();
    this.emit({kind: 'status', status: 'idle', cwd: dir, branch});
  }

  private async interrupt(): Promise<void> {
    const q = this.proc?.q;
    if (!this.inTurn || !q) return this.notice(NOTICES.nothingToInterrupt);
    this.interruptRequested = true;
    // The turn is over for the people in the thread: a crash from now on does not resume it.
    this.turn = undefined;
    void this.saveQueue();
    // A tool call waiting for a card is cut off too (Claude Code also aborts it).
    this.denyWaiting({reason: 'the turn was interrupted', by: undefined});
    try {
      await q.interrupt();
    } catch (err) {
      this.interruptRequested = false;
      this.notice(NOTICES.failed('interrupt Claude', describeError(err)));
    }
  }

  private async setPermissionMode(mode: PermissionMode, by?: string): Promise<void> {
    const sdkMode = mode === 'bypassPermissions' && !this.nativeBypass ? 'default' : mode;
    try {
      if (this.running && this.proc) await this.proc.q.setPermissionMode(sdkMode);
    } catch (err) {
      return this.notice(NOTICES.failed(`set the permission mode to \`${mode}\``, describeError(err)));
    }
    this.permissionMode = mode;
    await this.deps.store.update(this.sessionId, (r) => ({...r!, permission_mode: mode})).catch(() => undefined);
    this.emit({kind: 'status', status: this.phase, permission_mode: mode});
    this.notice(NOTICES.mode(mode, by));
  }

  private async setModel(model: string, by?: string): Promise<void> {
    try {
      if (this.running && this.proc) await this.proc.q.setModel(model);
    } catch (err) {
      return this.notice(NOTICES.failed(`switch to the model \`${model}\``, describeError(err)));
    }
    this.model = model;
    await this.deps.store.update(this.sessionId, (r) => ({...r!, model})).catch(() => undefined);
    this.emit({kind: 'status', status: this.phase, model});
    this.notice(NOTICES.model(model, by));
  }

  private async resolve(dir: string): Promise<RootCheck> {
    if (!this.deps.resolveDir) return {ok: false, reason: 'this agent cannot check directories'};
    return this.deps.resolveDir(dir, this.cwd);
  }

  private onMessage(msg: SDKMessage, proc: Proc): void {
    const {log} = this.deps;
    const sid = shortId(this.sessionId);
    if (msg.type === 'system' && msg.subtype === 'init') {
      if (!proc.announced) {
        proc.announced = true;
        log.info(`session ${sid}: Claude Code ${this.resumed ? 'resumed' : 'started'} in ${msg.cwd} (model ${msg.model})`);
      }
      this.claudeSessionId = msg.session_id;
      this.deps.store
        .update(this.sessionId, (r) => ({...r!, claude_session_id: msg.session_id}))
        .catch((err: unknown) => log.warn(`session ${sid}: could not save the Claude session id: ${describeError(err)}`));
    }
    if (msg.type === 'system' && msg.subtype === 'compact_boundary') {
      this.notice(NOTICES.compacted(msg.compact_metadata?.pre_tokens));
    }
    if (msg.type === 'result' && !proc.announced && msg.subtype !== 'success' && this.claudeSessionId && isMissingConversation(msg.errors ?? [])) {
      // Nothing of the old conversation is here: consume() starts a new one with the same turn.
      proc.missingConversation = true;
      return;
    }
    let interrupted = false;
    if (msg.type === 'result') {
      interrupted = this.interruptRequested;
      this.interruptRequested = false;
      this.inTurn = false;
      this.endTurn();
      const cost = typeof msg.total_cost_usd === 'number' ? `, cost so far $${msg.total_cost_usd.toFixed(4)}` : '';
      log.info(`session ${sid}: turn ${interrupted ? 'interrupted' : 'finished'} (${msg.subtype}${msg.is_error ? ', error' : ''}${cost})`);
    }
    for (let out of this.mapper.map(msg, Date.now())) {
      if (out.kind === 'status' && msg.type === 'system') out = {...out, branch: this.branch, permission_mode: this.permissionMode};
      // An interrupted turn ends with an error result; for the thread it is simply over.
      if (out.kind === 'status' && interrupted) out = {...out, status: 'idle', error: undefined};
      this.emit(out);
      if (out.kind === 'status') void this.savePhase(out.status === 'idle' ? 'idle' : out.status === 'error' ? 'error' : 'working');
    }
    if (interrupted) this.notice(NOTICES.interrupted);
    this.onTools(msg);
    this.scheduleFlush();
    if (msg.type === 'result') void this.pump();
  }

  /** Tool calls and results of the main conversation → todo, tool_output and applied-edit diff posts. */
  private onTools(msg: SDKMessage): void {
    if (msg.type === 'assistant' && !msg.parent_tool_use_id) {
      for (const call of this.toolCalls.noteCalls(msg.message.content)) {
        if ((call.name === 'Write' || call.name === 'Edit') && typeof call.input.file_path === 'string' && isPlanFile(call.input.file_path, this.deps.env)) {
          this.planFile = call.input.file_path;
        }
      }
      return;
    }
    if (msg.type !== 'user' || msg.parent_tool_use_id) return;
    for (const r of this.toolCalls.takeResults(msg.message.content, msg.tool_use_result)) {
      const card = this.carded.get(r.id);
      this.carded.delete(r.id);
      if (card) this.forgetApproval((p) => p.tool_use_id === r.id);
      const before = this.snapshots.get(r.id);
      this.snapshots.delete(r.id);
      if (card === 'denied') continue;
      // Claude entered plan mode by itself: the header says so (an approved plan leaves it again).
      if (r.name === 'EnterPlanMode' && !r.isError && this.permissionMode !== 'plan') void this.setModeRecord('plan');
      if (TASK_TOOLS.has(r.name)) {
        // In order, after the tasks of a resumed conversation are read.
        this.taskUpdates = this.taskUpdates
          .then(() => {
            const todo = this.tasks.apply(r);
            if (todo) this.emit(todo);
          })
          .catch((err: unknown) => this.deps.log.warn(`session ${shortId(this.sessionId)}: could not update the todo panel: ${describeError(err)}`));
        continue;
      }
      for (const out of resultOutputs(r)) this.emit(out);
      if (EDIT_TOOLS.has(r.name) && !r.isError && !card && before) {
        const diff = appliedDiff(r, before, this.cwd);
        if (diff) this.emit(diff);
      }
    }
  }

  /** PreToolUse hook for Edit/MultiEdit/Write: remember the file as it is now. Never blocks the tool. */
  private beforeEdit: HookCallback = async (input) => {
    if (input.hook_event_name !== 'PreToolUse') return {};
    const toolInput = (input.tool_input ?? {}) as Record<string, unknown>;
    if (typeof toolInput.file_path === 'string' && input.tool_use_id) {
      this.snapshots.set(input.tool_use_id, await readSnapshot(toolInput.file_path, this.cwd));
      // Calls of subagents are never taken back: keep the map small.
      if (this.snapshots.size > 100) this.snapshots.delete(this.snapshots.keys().next().value!);
    }
    return {};
  };

  private scheduleFlush(): void {
    if (this.timer || !this.mapper.hasUnsent()) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      for (const out of this.mapper.due(Date.now())) this.emit(out);
      this.scheduleFlush();
    }, this.deps.throttleMs ?? 250);
  }

  private denyWaiting(d: Omit<Decision, 'request_id' | 'decision'>): void {
    for (const [id, w] of this.waiters) {
      this.waiters.delete(id);
      w.resolve({request_id: id, decision: 'deny', ...d});
    }
  }

  /** Fail closed: anything that goes wrong here denies the tool. */
  private canUseTool: CanUseTool = async (toolName, input, options): Promise<PermissionResult> => {
    const {log} = this.deps;
    const sid = shortId(this.sessionId);
    try {
      const pre = this.preApproved.findIndex((p) => matchesPending(p, toolName, input));
      if (pre >= 0) {
        const [p] = this.preApproved.splice(pre, 1);
        log.info(`session ${sid}: ${toolName} was approved by @${p!.decision?.by?.username ?? '?'} before the restart; running it`);
        return {behavior: 'allow', updatedInput: input};
      }
      if (this.ending) return {behavior: 'deny', message: 'The session is stopping'};
      // A question is for the people in the thread whatever the permission mode.
      if (toolName === 'AskUserQuestion') return await this.askQuestion(input, options);
      if (this.permissionMode === 'bypassPermissions' && !this.nativeBypass) {
        // approve-all where Claude Code cannot bypass by itself (running as root): the agent approves.
        log.info(`session ${sid}: ${toolName} runs without asking (approve-all)${summary(input)}`);
        return {behavior: 'allow', updatedInput: input};
      }
      return await this.askApproval(toolName, input, options);
    } catch (err) {
      log.error(`session ${sid}: approval of ${toolName} failed, denying it: ${describeError(err)}`);
      return {behavior: 'deny', message: `Denied: the Mattermost agent could not get a decision (${describeError(err)})`};
    }
  };

  /** An approval card (a plan card for ExitPlanMode), then the decision. */
  private async askApproval(toolName: string, input: Record<string, unknown>, options: CanUseToolOptions): Promise<PermissionResult> {
    const {log} = this.deps;
    const sid = shortId(this.sessionId);
    let shown = input;
    if (toolName === 'ExitPlanMode') shown = await this.withPlan(input);
    const before =
      EDIT_TOOLS.has(toolName) && typeof input.file_path === 'string'
        ? (options.toolUseID && this.snapshots.get(options.toolUseID)) || (await readSnapshot(input.file_path, this.cwd))
        : undefined;
    const {preview, description} = cardPreview(toolName, input, before, this.cwd);
    const d = await this.waitFor(toolName, input, options, (requestId) => ({
      kind: 'approval',
      request_id: requestId,
      tool_name: toolName,
      input: shown,
      cwd: this.cwd,
      description: description ? clipField(description) : undefined,
      ...(preview ? {preview} : {}),
    }));
    if (!d) return {behavior: 'deny', message: 'The Mattermost agent is restarting'};
    const busy = !this.ending && !this.interruptRequested;
    if (options.toolUseID) this.carded.set(options.toolUseID, d.decision === 'approve' ? 'approved' : 'denied');
    if (d.decision === 'approve') {
      log.info(`session ${sid}: ${toolName} approved${d.approve_all ? ' (approve all)' : ''} by @${d.by?.username ?? '?'}`);
      if (d.approve_all) await this.setPermissionMode('bypassPermissions', d.by?.username);
      else if (toolName === 'ExitPlanMode' && this.permissionMode === 'plan') await this.leftPlanMode();
      if (busy) this.emit({kind: 'status', status: 'working'});
      return {behavior: 'allow', updatedInput: input};
    }
    log.info(`session ${sid}: ${toolName} denied by @${d.by?.username ?? '?'}${d.reason ? ` (${d.reason})` : ''}`);
    if (busy) this.emit({kind: 'status', status: 'working'});
    return {behavior: 'deny', message: denyMessage(d)};
  }

  /** AskUserQuestion: a question card; the answer goes back as the tool's input (answers keyed by question text). */
  private async askQuestion(input: Record<string, unknown>, options: CanUseToolOptions): Promise<PermissionResult> {
    const {log} = this.deps;
    const sid = shortId(this.sessionId);
    const questions = questionsOf(input);
    if (questions.length === 0) return {behavior: 'deny', message: 'AskUserQuestion needs at least one question'};
    const d = await this.waitFor('AskUserQuestion', input, options, (requestId) => ({kind: 'question', request_id: requestId, questions}));
    if (!d) return {behavior: 'deny', message: 'The Mattermost agent is restarting'};
    if (options.toolUseID) this.carded.set(options.toolUseID, d.decision === 'approve' && d.answers ? 'approved' : 'denied');
    if (!this.ending && !this.interruptRequested) this.emit({kind: 'status', status: 'working'});
    if (d.decision === 'approve' && d.answers) {
      log.info(`session ${sid}: question answered by @${d.by?.username ?? '?'}`);
      return {behavior: 'allow', updatedInput: answeredInput(input, d.answers)};
    }
    log.info(`session ${sid}: question not answered${d.reason ? ` (${d.reason})` : ''}`);
    const reason = d.reason?.trim() || 'no answer';
    return {behavior: 'deny', message: d.by?.username ? `@${d.by.username} did not answer: ${reason}` : `The question was not answered (${reason}).`};
  }

  /**
   * Send a card (approval or question), keep it as pending in the session
   * record, and wait for its decision or answer. Undefined when the agent is
   * exiting (the pending record stays on disk for the restart).
   */
  private async waitFor(toolName: string, input: Record<string, unknown>, options: CanUseToolOptions, card: (requestId: string) => Output): Promise<Decision | undefined> {
    const {log, store} = this.deps;
    const sid = shortId(this.sessionId);
    const requestId = randomUUID();
    const pending: PendingApproval = {request_id: requestId, tool_name: toolName, input, tool_use_id: options.toolUseID, created_at: Date.now()};
    this.ownRequests.add(requestId);
    // On disk before the card exists: a decision that comes while Claude Code is gone still finds it.
    await store.update(this.sessionId, (r) => ({...r!, phase: 'waiting', pending_approvals: [...(r?.pending_approvals ?? []), pending]}));
    const decision = new Promise<Decision>((resolve) => this.waiters.set(requestId, {resolve}));
    const onAbort = () => this.cancelWaiter(requestId, 'the tool call was cancelled');
    options.signal.addEventListener('abort', onAbort, {once: true});
    // No card, no decision: if the plugin refuses the card for good, the daemon calls cardRefused and the tool is denied.
    this.emit(card(requestId));
    this.emit({kind: 'status', status: 'waiting'});
    log.info(`session ${sid}: waiting for ${toolName === 'AskUserQuestion' ? 'an answer to a question' : `approval of ${toolName}`}${summary(input)}`);
    const d = await decision;
    options.signal.removeEventListener('abort', onAbort);
    if (this.quiet) return undefined;
    // Kept (decided) until the tool's result or the turn's end: see deliverDecision.
    this.recordDecision(requestId, {decision: d.decision, by: d.by, reason: d.reason ?? ''});
    return d;
  }

  /** Resolve a waiting card from inside the agent (cancelled, refused): like a decision, without the record (waitFor keeps it). */
  private cancelWaiter(requestId: string, reason: string): void {
    const w = this.waiters.get(requestId);
    if (!w) return;
    this.waiters.delete(requestId);
    w.resolve({request_id: requestId, decision: 'deny', reason, by: undefined});
  }

  /** The record keeps a decision that reached Claude Code with its pending approval (saved in this tick); the first one recorded stays. */
  private recordDecision(requestId: string, decision: RecordedDecision): void {
    void this.deps.store
      .update(this.sessionId, (r) => ({
        ...r!,
        phase: 'working',
        pending_approvals: (r?.pending_approvals ?? []).map((p) => (p.request_id === requestId && !p.decision ? {...p, decision: {...decision, delivered: true}} : p)),
      }))
      .catch((err: unknown) => this.deps.log.warn(`session ${shortId(this.sessionId)}: could not save a decision: ${describeError(err)}`));
  }

  /** Forget this runner's approvals that are done with (their tool ran, or the turn ended). */
  private forgetApproval(done: (p: PendingApproval) => boolean): void {
    const ids = new Set((this.deps.store.get(this.sessionId)?.pending_approvals ?? []).filter((p) => this.ownRequests.has(p.request_id) && done(p)).map((p) => p.request_id));
    if (ids.size === 0) return;
    for (const id of ids) this.ownRequests.delete(id);
    void this.deps.store.update(this.sessionId, (r) => ({...r!, pending_approvals: (r?.pending_approvals ?? []).filter((p) => !ids.has(p.request_id))})).catch(() => undefined);
  }

  /** A turn's result came: it is over, and so are the cards it asked for. */
  private endTurn(): void {
    this.turn = undefined;
    void this.saveQueue();
    this.forgetApproval(() => true);
  }

  /** ExitPlanMode's input with the plan as markdown: Claude Code adds it from the plan file; else the agent reads that file. */
  private async withPlan(input: Record<string, unknown>): Promise<Record<string, unknown>> {
    if (typeof input.plan === 'string' && input.plan.trim() !== '') return input;
    const file = typeof input.planFilePath === 'string' ? input.planFilePath : this.planFile;
    const plan = await planOf(file, this.cwd);
    return plan === undefined ? input : {...input, plan};
  }

  /** An approved plan ends plan mode: Claude Code goes back to asking before tools. */
  private async leftPlanMode(): Promise<void> {
    await this.setModeRecord('default');
  }

  /** Claude Code changed its permission mode itself (plan mode entered or left): record it and tell the header. */
  private async setModeRecord(mode: PermissionMode): Promise<void> {
    this.permissionMode = mode;
    this.emit({kind: 'status', status: this.phase, permission_mode: mode});
    await this.deps.store.update(this.sessionId, (r) => ({...r!, permission_mode: mode})).catch(() => undefined);
  }

  notice(text: string): void {
    this.emit({kind: 'notice', text: text.length <= MAX_NOTICE_CHARS ? text : text.slice(0, MAX_NOTICE_CHARS - 3) + '...'});
  }

  private emit(out: Output): void {
    if (this.quiet) return;
    if (out.kind === 'status') {
      if (out.error) out = {...out, error: clipField(out.error)};
      this.phase = out.status;
    }
    if (out.kind === 'text') return this.emitText(out);
    this.deps.emit(out);
  }

  /**
   * Streamed text and the record's `streams` move together so that a crash
   * can always finish the post: an update goes out only once the record has
   * its text; a block's `done` report is on disk before the block leaves the
   * record.
   */
  private emitText(out: TextOutput): void {
    const id = out.message_id;
    if (!out.done) {
      this.streams.set(id, {text: out.text, closing: false});
      const saved = this.saveStreams();
      this.deps.emit(out, {beforeSend: () => saved});
      return;
    }
    if (!this.streams.has(id)) return this.deps.emit(out);
    this.streams.set(id, {text: this.streams.get(id)!.text, closing: true});
    this.deps.emit(out, {
      beforeSend: () => {
        this.streams.delete(id);
        return this.saveStreams();
      },
    });
  }

  /** Finish every text block still streaming, marked with why it was cut. */
  private closeStreams(marker: string): void {
    const closed = this.mapper.closeAll();
    for (const out of closed) this.emit({...out, text: finishCutText(out.text, marker)});
    for (const [id, st] of this.streams) {
      if (!st.closing && !closed.some((o) => o.message_id === id)) this.emit({kind: 'text', message_id: id, text: finishCutText(st.text, marker), done: true});
    }
  }

  private saveStreams(): Promise<unknown> {
    const streams = [...this.streams].map(([message_id, s]) => ({message_id, text: s.text}));
    return this.deps.store
      .update(this.sessionId, (r) => ({...r!, streams}))
      .catch((err: unknown) => this.deps.log.warn(`session ${shortId(this.sessionId)}: could not save its streaming text: ${describeError(err)}`));
  }

  /** The queue and the turn in progress, in one write. */
  private async saveQueue(): Promise<void> {
    const queued = [...this.queue];
    const turn = this.turn;
    await this.deps.store
      .update(this.sessionId, (r) => ({...r!, queued, turn}))
      .catch((err: unknown) => this.deps.log.warn(`session ${shortId(this.sessionId)}: could not save its queue: ${describeError(err)}`));
  }

  private async savePid(pid: number): Promise<void> {
    await this.deps.store.update(this.sessionId, (r) => ({...r!, claude_pid: pid})).catch(() => undefined);
  }

  private async savePhase(phase: 'working' | 'waiting' | 'idle' | 'error'): Promise<void> {
    await this.deps.store
      .update(this.sessionId, (r) => ({...r!, phase}))
      .catch((err: unknown) => this.deps.log.warn(`session ${shortId(this.sessionId)}: could not save its state: ${describeError(err)}`));
  }
}

type CanUseToolOptions = Parameters<CanUseTool>[2];
type RecordedDecision = NonNullable<PendingApproval['decision']>;

/**
 * Claude Code's environment. Claude Code offers its todo tools (the task
 * tools, or TodoWrite with CLAUDE_CODE_ENABLE_TASKS=0) only for the models it
 * knows unless CLAUDE_CODE_ENABLE_TODO_TOOLS is set; the panel shows either.
 * A value the user set wins.
 */
export function claudeEnv(env: Record<string, string | undefined>): Record<string, string | undefined> {
  return {CLAUDE_CODE_ENABLE_TODO_TOOLS: '1', ...env};
}

/** Is this a plan file Claude Code keeps (`<config dir>/plans/*.md`)? */
function isPlanFile(filePath: string, env: Record<string, string | undefined>): boolean {
  const configDir = env.CLAUDE_CONFIG_DIR || path.join(env.HOME || os.homedir(), '.claude');
  return path.dirname(path.resolve(filePath)) === path.join(path.resolve(configDir), 'plans') && filePath.endsWith('.md');
}

/** The plugin takes at most 4096 characters in status and card fields. */
function clipField(s: string): string {
  return s.length <= 4000 ? s : s.slice(0, 3997) + '...';
}

function summary(input: Record<string, unknown>): string {
  const s = typeof input.command === 'string' ? input.command : typeof input.file_path === 'string' ? input.file_path : '';
  return s ? `: ${s.length > 80 ? s.slice(0, 77) + '...' : s}` : '';
}

/**
 * Claude Code's process, spawned as the SDK spawns it (pipes for stdio, the
 * SDK's abort signal), with its stderr passed on and its pid reported.
 */
function spawnClaude(o: SpawnOptions, onStderr: (data: string) => void, onPid: (pid: number) => void): SpawnedProcess {
  const child = spawn(o.command, o.args, {cwd: o.cwd, env: o.env as NodeJS.ProcessEnv, signal: o.signal, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true});
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', onStderr);
  child.stderr.on('error', () => undefined);
  if (child.pid !== undefined) onPid(child.pid);
  return child;
}
