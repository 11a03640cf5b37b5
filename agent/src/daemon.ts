/**
 * `claude-mattermost start`: say hello to the plugin, then long-poll the inbox
 * and run one SessionRunner per session. Never exits on a transient fault;
 * exits (rejects with FatalError) on a revoked token or an incompatible plugin.
 */
import {randomUUID} from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type {Config} from './config/config.js';
import {resolveFileInRoots, resolveSessionDir} from './config/roots.js';
import {imagesOf, isImage, saveUpload, uploadDir, withAttachments, type SavedFile} from './claude/attachments.js';
import {loadState, saveState, type AgentState} from './config/state.js';
import type {Paths} from './config/paths.js';
import {answeredDecision, recoveryPrompt} from './claude/approvals.js';
import {NOTICES, withThreadContext} from './claude/commands.js';
import {CUT_MARKERS, RESTARTED_START_NOTICE, RESUMED_TURN_NOTICE, finishCutText} from './claude/recovery.js';
import {SessionRunner, type EmitOptions, type QueryFn} from './claude/session.js';
import {currentBranch, ensureWorktree} from './git/worktree.js';
import {Outbox, type DropReason, type OutboxEntry} from './outbox/outbox.js';
import {ApiMismatchError, PluginClient, RejectedError, RevokedTokenError, TransientError} from './plugin/client.js';
import {
  API_VERSION,
  MAX_FILE_BYTES,
  type AgentEvent,
  type FileRef,
  type AnswerEvent,
  type CommandEvent,
  type DecisionEvent,
  type MessageEvent,
  type Output,
  type PermissionMode,
  type StartEvent,
  type StopEvent,
} from './plugin/protocol.js';
import {SessionStore, type SessionRecord} from './sessions/store.js';
import {startHeadless, type HeadlessStart} from './terminal/headless.js';
import {AGENT_SESSION_ENV} from './terminal/hookrun.js';
import {TerminalSessions, type TerminalDeps} from './terminal/manager.js';
import {socketPath} from './terminal/paths.js';
import {LocalServer} from './terminal/socket.js';
import {readSessionRecords} from './terminal/target.js';
import {backoff, formatDelay, sleep} from './util/backoff.js';
import {describeError, shortId, type Logger} from './util/log.js';
import {stopLeftoverClaude} from './util/procs.js';

export class FatalError extends Error {}

/** Ended sessions are kept on disk this long (a late event still finds them), then forgotten. */
const ENDED_SESSION_TTL_MS = 30 * 24 * 3600 * 1000;

export interface DaemonOptions {
  config: Config;
  token: string;
  paths: Paths;
  agentVersion: string;
  log: Logger;
  /** Overrides config.allowed_roots when non-empty (the --allowed-root flags). */
  allowedRoots?: string[];
  defaultDir?: string;
  env?: Record<string, string | undefined>;
  query?: QueryFn;
  fetch?: typeof fetch;
  /** Long-poll wait in seconds (0..30). */
  pollWaitSeconds?: number;
  throttleMs?: number;
  /** Terminal-session timings (tests shorten them). */
  terminal?: Pick<TerminalDeps, 'cardAcceptMs' | 'awayWaitMs' | 'handoverGraceMs'>;
  /** `start --prompt`: open this session once connected; with `exitWhenDone`, stop when it ends. */
  startPrompt?: HeadlessStart & {exitWhenDone?: boolean};
}

export class Daemon {
  private readonly client: PluginClient;
  private readonly store: SessionStore;
  private readonly runners = new Map<string, SessionRunner>();
  private readonly abort = new AbortController();
  /** The outbox outlives the poll loop so that output queued during shutdown can still go out. */
  private readonly outboxAbort = new AbortController();
  private outbox!: Outbox;
  private query!: QueryFn;
  private state: AgentState = {cursor: 0};
  private fatal: Error | undefined;
  private readonly log: Logger;
  /** Event types from a newer plugin that were already logged (each is logged once). */
  private readonly unknownTypes = new Set<string>();
  /** Sessions started in a terminal, and the local socket their hooks (and `resume`, `new`) talk to. */
  private terminal: TerminalSessions | undefined;
  private socket: LocalServer | undefined;
  /** `start --prompt --exit-when-done`: the session whose end stops the agent. */
  private exitWhen: string | undefined;

  constructor(private readonly opts: DaemonOptions) {
    this.log = opts.log;
    this.client = new PluginClient({url: opts.config.url, token: opts.token, agentVersion: opts.agentVersion, fetch: opts.fetch});
    this.store = new SessionStore(opts.paths.sessions);
  }

  get allowedRoots(): string[] {
    return this.opts.allowedRoots?.length ? this.opts.allowedRoots : this.opts.config.allowed_roots;
  }

  get defaultDir(): string {
    return this.opts.defaultDir ?? this.opts.config.default_dir;
  }

  /** Run until stop() or a fatal error (rejects with FatalError). */
  async run(): Promise<void> {
    const {log} = this;
    this.state = await loadState(this.opts.paths.state);
    if (this.state.machine_id && this.state.machine_id !== this.opts.config.machine.id) this.state = {cursor: 0};
    this.state.machine_id = this.opts.config.machine.id;
    this.outbox = await Outbox.open(this.opts.paths.outbox, {
      send: async (e) => {
        if (e.body.kind === 'file_upload') return this.client.uploadFile(e.session_id, e.key, e.body.name, await fs.readFile(e.body.spool));
        const answer = await this.client.output(e.session_id, e.key, e.body);
        this.terminal?.accepted(e.session_id, e.body);
        return answer;
      },
      log,
      onFatal: (err) => this.die(err),
      onDropped: (entry, reason) => this.onDropped(entry, reason),
    });
    if (this.outbox.size > 0) log.info(`${this.outbox.size} output(s) left from the last run will be sent first`);

    this.query = this.opts.query ?? (await loadQuery());
    await this.startTerminal();

    await this.hello();
    if (this.stopped) {
      await this.stopTerminal();
      return this.finish();
    }
    // Before the outbox sends anything: recovery reads what it still holds.
    await this.recover();
    const outboxDone = this.outbox.run(this.outboxAbort.signal);
    if (this.opts.startPrompt) await this.startFromPrompt(this.opts.startPrompt);
    log.info(`waiting for sessions (allowed roots: ${this.allowedRoots.join(', ')})`);
    await this.pollLoop();
    await this.stopTerminal();
    await this.shutdownRunners();
    this.outboxAbort.abort();
    await outboxDone;
    await this.store.flush();
    return this.finish();
  }

  /** Graceful stop: Claude Code processes end, records stay, a restart picks everything up again. */
  stop(): void {
    this.abort.abort();
  }

  private get stopped(): boolean {
    return this.abort.signal.aborted;
  }

  private finish(): void {
    if (this.fatal) throw this.fatal;
  }

  private die(err: Error): void {
    if (this.fatal) return;
    this.fatal = new FatalError(fatalMessage(err, this.opts.config.url));
    this.abort.abort();
    this.outboxAbort.abort();
  }

  private async hello(): Promise<void> {
    const b = backoff({baseMs: 1000, capMs: 30_000});
    while (!this.stopped) {
      try {
        const h = await this.client.hello();
        this.log.info(
          `connected to ${this.opts.config.url} as @${h.user.username}, machine "${h.machine.name}" (plugin ${h.plugin_version ?? '?'}, API v${h.api_version})`,
        );
        return;
      } catch (err) {
        if (err instanceof RevokedTokenError || err instanceof ApiMismatchError) return this.die(err);
        const delay = b.next();
        this.log.info(`waiting for plugin (retry in ${formatDelay(delay)}): ${describeError(err)}`);
        await sleep(delay, this.abort.signal);
      }
    }
  }

  private async pollLoop(): Promise<void> {
    const b = backoff({baseMs: 1000, capMs: 30_000});
    let outage = false;
    while (!this.stopped) {
      try {
        const page = await this.client.events(this.state.cursor, this.opts.pollWaitSeconds ?? 25, this.abort.signal);
        this.outbox.notePluginAnswered();
        if (outage) this.log.info('plugin reachable again');
        outage = false;
        b.reset();
        for (const bad of page.invalid) this.skipInvalid(bad);
        if (page.events.length > 0 && page.cursor < this.state.cursor) {
          // The plugin only returns events at or below `after` when its queue
          // started again (e.g. its data was reset): follow its numbering.
          const from = Math.min(...page.events.map((e) => e.seq)) - 1;
          this.log.warn(`the plugin's event numbering restarted (our cursor ${this.state.cursor}, its events from ${from + 1}); following it`);
          this.state.cursor = from;
        }
        const events = page.events.filter((e) => e.seq > this.state.cursor).sort((a, b) => a.seq - b.seq);
        const highest = Math.max(this.state.cursor, ...events.map((e) => e.seq), ...page.invalid.map((e) => e.seq));
        for (const event of events) {
          if (this.stopped) return;
          await this.handle(event);
        }
        if (this.stopped && events.length > 0) return;
        if (highest > this.state.cursor) {
          // Everything the events changed is on disk (session records, outputs) before the
          // cursor moves past them: a crash before this point gets them again.
          await this.store.flush();
          await this.outbox.flushed();
          this.state.cursor = highest;
          await saveState(this.opts.paths.state, this.state);
          await this.client.ack(highest).catch((err: unknown) => {
            if (err instanceof RevokedTokenError || err instanceof ApiMismatchError) throw err;
            // Not fatal: the events are handled and the cursor saved; the next ack covers these too.
            this.log.debug(`ack ${highest} failed: ${describeError(err)}`);
          });
        }
      } catch (err) {
        if (this.stopped) return;
        if (err instanceof RevokedTokenError || err instanceof ApiMismatchError) return this.die(err);
        const delay = b.next();
        this.log.info(`waiting for plugin (retry in ${formatDelay(delay)}): ${describeError(err)}`);
        outage = true;
        await sleep(delay, this.abort.signal);
      }
    }
  }

  /** An event that did not parse is skipped (and acked): an unknown type is logged once, a bad payload every time. */
  private skipInvalid(bad: {seq: number; type: string; unknownType: boolean; error: string}): void {
    if (!bad.unknownType) {
      this.log.warn(`skipping ${bad.type} event ${bad.seq} that this agent does not understand: ${bad.error}`);
    } else if (!this.unknownTypes.has(bad.type)) {
      this.unknownTypes.add(bad.type);
      this.log.warn(`skipping events of type "${bad.type}", which this agent does not know (a newer plugin?); logged once`);
    } else {
      this.log.debug(`skipping ${bad.type} event ${bad.seq}`);
    }
  }

  /**
   * Handle one inbox event. Must not throw for bad input: an event is handled
   * once, then acked. What it changes is saved before the cursor moves past
   * it, and the session record notes it as applied (`last_event`), so an
   * event delivered again after a crash is not applied twice.
   */
  private async handle(event: AgentEvent): Promise<void> {
    if (this.alreadyApplied(event)) {
      this.log.debug(`session ${shortId(event.session_id)}: ${event.type} event ${event.seq} was handled before the restart; skipping it`);
      return;
    }
    try {
      if (this.terminal && (await this.terminal.handle(event))) return;
      if (event.type === 'stop' && event.session_id === this.exitWhen) this.abort.abort();
      await this.dispatch(event);
    } catch (err) {
      // A refused token or API on any route (a file download too) ends the agent; the event is not acked.
      if (err instanceof RevokedTokenError || err instanceof ApiMismatchError) throw err;
      this.log.error(`session ${shortId(event.session_id)}: could not handle ${event.type} event ${event.seq}: ${describeError(err)}`);
    }
    this.markApplied(event);
  }

  private async dispatch(event: AgentEvent): Promise<void> {
    switch (event.type) {
      case 'start':
        return this.onStart(event);
      case 'message':
        return this.onMessage(event);
      case 'decision':
        return this.onDecision(event);
      case 'stop':
        return this.onStop(event);
      case 'command':
        return this.onCommand(event);
      case 'answer':
        return this.onAnswer(event);
    }
  }

  private alreadyApplied(e: AgentEvent): boolean {
    const last = this.store.get(e.session_id)?.last_event;
    if (!last || e.seq > last.seq) return false;
    // A lower seq with a later date is the plugin's queue numbering from the start again, not a redelivery.
    return e.created_at === undefined || last.at === undefined || e.created_at <= last.at;
  }

  /** Note the event in its session's record (saved with what the handler changed in the same tick, or right after). */
  private markApplied(e: AgentEvent): void {
    const rec = this.store.get(e.session_id);
    if (!rec || (rec.last_event && rec.last_event.seq >= e.seq && (rec.last_event.at ?? 0) >= (e.created_at ?? 0))) return;
    void this.store.update(e.session_id, (r) => ({...r!, last_event: {seq: e.seq, at: e.created_at}})).catch(() => undefined);
  }

  private async onStart(e: StartEvent): Promise<void> {
    const sid = e.session_id;
    const p = e.payload;
    const known = this.store.get(sid);
    if (known && (known.state === 'open' || (known.start_seq ?? 0) >= e.seq)) {
      // A redelivered start (the ack was lost), or one for a session that is already running here.
      this.log.debug(`session ${shortId(sid)}: start event ${e.seq} for a session that is ${known.state} here; ignoring`);
      return;
    }
    if (p.machine && p.machine.id !== this.opts.config.machine.id) {
      this.log.warn(`session ${shortId(sid)}: start event is addressed to machine "${p.machine.name}" (${p.machine.id}), this is ${this.opts.config.machine.id}; running it anyway`);
    }
    const who = p.user ? ` for @${p.user.username}` : '';
    const resume = p.resume || undefined;
    // A resumed session runs where it ran before: the cwd this machine recorded, else the one the plugin knows.
    const wanted = resume && known ? known.cwd : p.cwd;
    const now = Date.now();
    const base = {
      session_id: sid,
      pending_approvals: [],
      queued: [],
      started_by: p.user ?? known?.started_by,
      participants: p.participants.length > 0 ? p.participants : known?.participants,
      channel_id: p.channel_id ?? known?.channel_id,
      root_id: p.root_id ?? known?.root_id,
      start_seq: e.seq,
      created_at: known?.created_at ?? now,
      updated_at: now,
    };
    const refuse = async (reason: string) => {
      this.log.warn(`session ${shortId(sid)}: refused to start${who}: ${reason}`);
      await this.store.update(sid, () => ({...base, cwd: wanted, claude_session_id: resume ?? known?.claude_session_id, state: 'ended', phase: 'error'}));
      this.emit(sid, {kind: 'status', status: 'error', error: reason});
    };

    let where = await resolveSessionDir(wanted, {allowedRoots: this.allowedRoots, defaultDir: this.defaultDir});
    if (!where.ok) return refuse(where.reason);
    let branch = '';
    let branchNote = '';
    if (p.branch && !(resume && known?.branch === p.branch)) {
      const wt = await ensureWorktree(where.dir, p.branch);
      if (!wt.ok) return refuse(`Cannot start on branch ${p.branch}: ${wt.reason}`);
      where = await resolveSessionDir(wt.dir, {allowedRoots: this.allowedRoots, defaultDir: this.defaultDir});
      if (!where.ok) return refuse(`The worktree for branch ${p.branch} is not usable: ${where.reason}`);
      branch = wt.branch;
      branchNote = NOTICES.worktree(wt.worktree, wt.branch, wt.created, wt.newBranch);
    } else {
      branch = await currentBranch(where.dir);
    }
    const mode: PermissionMode = p.permission_mode || known?.permission_mode || this.opts.config.default_permission_mode || 'default';
    const model = p.model || known?.model || this.opts.config.default_model || undefined;
    // The first prompt is saved with the session before the event is acked: a crash before
    // Claude Code got going starts it again with this prompt (see recover()).
    const rec = await this.store.update(sid, () => ({
      ...base,
      queued: [{type: 'message' as const, text: withThreadContext(p.context, p.prompt)}],
      cwd: where.dir,
      branch,
      permission_mode: mode,
      model,
      claude_session_id: resume ?? undefined,
      state: 'open',
      phase: 'starting',
    }));
    this.emit(sid, {kind: 'status', status: 'starting', cwd: where.dir, branch, permission_mode: mode, ...(model ? {model} : {})});
    if (branchNote) this.emit(sid, {kind: 'notice', text: branchNote});
    this.log.info(`session ${shortId(sid)}: ${resume ? `resuming Claude session ${shortId(resume)}` : 'starting Claude Code'} in ${where.dir}${branch ? ` (branch ${branch})` : ''}${who}`);
    this.runner(rec, resume).start();
  }

  private async onMessage(e: MessageEvent): Promise<void> {
    const sid = e.session_id;
    const live = this.runners.get(sid);
    const rec = this.store.get(sid);
    if (!live?.alive && (!rec || rec.state === 'ended')) {
      this.log.warn(`session ${shortId(sid)}: message for a session that is ${rec ? 'ended' : 'unknown here'}; ignoring it`);
      this.emit(sid, {kind: 'status', status: rec ? 'ended' : 'error', error: rec ? undefined : 'This machine has no record of this session.'});
      return;
    }
    let text = e.payload.text;
    let saved: SavedFile[] = [];
    if (e.payload.files.length > 0) {
      const cwd = live?.alive ? live.cwd : rec!.cwd;
      const got = await this.fetchFiles(sid, cwd, e.payload.post_id ?? `seq${e.seq}`, e.payload.files);
      saved = got.saved;
      text = withAttachments(text, got.saved, got.failed, cwd);
    }
    if (live?.alive) {
      this.log.info(`session ${shortId(sid)}: new message${e.payload.user ? ` from @${e.payload.user.username}` : ''}${saved.length ? ` with ${saved.length} file(s)` : ''}`);
      live.send(text, imagesOf(saved));
      // In the same tick: the record's queue with the message and the event's mark are one write.
      this.markApplied(e);
      return;
    }
    this.log.info(`session ${shortId(sid)}: ${rec!.claude_session_id ? 'resuming' : 'starting'} Claude Code for a new message`);
    const runner = this.runner(rec!, rec!.claude_session_id);
    runner.start();
    runner.send(text, imagesOf(saved));
    this.markApplied(e);
  }

  /**
   * Download a message's attachments (each ≤ 20 MB) into the session's
   * uploads directory. A transient failure is tried again a few times; what
   * still fails is reported to Claude with the reason.
   */
  private async fetchFiles(sid: string, cwd: string, postId: string, files: FileRef[]): Promise<{saved: SavedFile[]; failed: Array<{name: string; reason: string}>}> {
    const saved: SavedFile[] = [];
    const failed: Array<{name: string; reason: string}> = [];
    const dir = uploadDir(cwd, postId);
    for (const f of files) {
      if (f.size > MAX_FILE_BYTES) {
        failed.push({name: f.name, reason: `larger than ${MAX_FILE_BYTES / (1024 * 1024)} MB`});
        continue;
      }
      const b = backoff({baseMs: 500, capMs: 5_000});
      for (let attempt = 1; ; attempt++) {
        try {
          const bytes = await this.client.file(f.id, MAX_FILE_BYTES);
          const file = await saveUpload(dir, f.name, bytes);
          const media = isImage(f);
          saved.push({name: f.name, path: file, ...(media ? {media_type: media} : {})});
          this.log.info(`session ${shortId(sid)}: saved attachment ${path.basename(file)} (${bytes.length} bytes)`);
          break;
        } catch (err) {
          if (err instanceof RevokedTokenError || err instanceof ApiMismatchError) throw err;
          if (err instanceof RejectedError || attempt >= 3 || this.stopped) {
            this.log.warn(`session ${shortId(sid)}: could not fetch attachment ${f.name}: ${describeError(err)}`);
            failed.push({name: f.name, reason: describeError(err)});
            break;
          }
          await sleep(b.next(), this.abort.signal);
        }
      }
    }
    return {saved, failed};
  }

  /** `!file`: check the file, then queue its upload through the outbox (the copy there is what gets sent). */
  private async sendFile(sid: string, file: string, base: string): Promise<string | undefined> {
    const check = await resolveFileInRoots(file, {allowedRoots: this.allowedRoots, base, maxBytes: MAX_FILE_BYTES});
    if (!check.ok) return check.reason;
    try {
      // A refusal is told in the thread by the outbox's note.
      await this.outbox.enqueueFile(sid, path.basename(check.file), check.file);
    } catch (err) {
      return `it could not be read (${describeError(err)})`;
    }
    this.log.info(`session ${shortId(sid)}: sending ${check.file} (${check.size} bytes) to the thread`);
    return undefined;
  }

  private async onCommand(e: CommandEvent): Promise<void> {
    const sid = e.session_id;
    const {name, args, by} = e.payload;
    let live = this.runners.get(sid);
    if (!live?.alive) {
      const rec = this.store.get(sid);
      if (!rec || rec.state === 'ended') {
        this.log.warn(`session ${shortId(sid)}: !${name} for a session that is ${rec ? 'ended' : 'unknown here'}`);
        this.emit(sid, {kind: 'notice', text: rec ? `This session has ended; \`!${name}\` does nothing.` : 'This machine has no record of this session.'});
        return;
      }
      if (name === 'escape') {
        this.emit(sid, {kind: 'notice', text: NOTICES.nothingToInterrupt});
        return;
      }
      // Claude Code is not running for this session (it exited): bring it back so the command applies to it.
      live = this.runner(rec, rec.claude_session_id);
      live.start();
    }
    await live.command(name, args, by);
  }

  private async onDecision(e: DecisionEvent): Promise<void> {
    const sid = e.session_id;
    const {request_id: requestId} = e.payload;
    if (this.runners.get(sid)?.deliverDecision(requestId, e.payload)) return;
    const rec = this.store.get(sid);
    const pending = rec?.pending_approvals.find((p) => p.request_id === requestId);
    if (!rec || !pending || pending.decision) {
      this.log.warn(`session ${shortId(sid)}: decision for request ${requestId} that nothing waits for${pending?.decision ? ' (it was decided already)' : ''}; ignoring it`);
      return;
    }
    // The Claude Code process that asked is gone (the agent restarted). Keep the
    // decision on disk first, then resume the session with it.
    await this.store.update(sid, (r) => ({
      ...r!,
      pending_approvals: r!.pending_approvals.map((p) => (p.request_id === requestId ? {...p, decision: {decision: e.payload.decision, by: e.payload.by, reason: e.payload.reason}} : p)),
    }));
    await this.resumeDecided(sid);
  }

  /** A question card was answered. With no live question (the agent restarted), Claude is told the answer as a message. */
  private async onAnswer(e: AnswerEvent): Promise<void> {
    const sid = e.session_id;
    const {request_id: requestId, answers, by} = e.payload;
    if (this.runners.get(sid)?.deliverAnswer(requestId, e.payload)) return;
    const rec = this.store.get(sid);
    const pending = rec?.pending_approvals.find((p) => p.request_id === requestId);
    if (!rec || !pending || pending.decision) {
      this.log.warn(`session ${shortId(sid)}: answer for question ${requestId} that nothing waits for${pending?.decision ? ' (it was answered already)' : ''}; ignoring it`);
      return;
    }
    await this.store.update(sid, (r) => ({
      ...r!,
      pending_approvals: r!.pending_approvals.map((p) => (p.request_id === requestId ? {...p, decision: answeredDecision(answers, by)} : p)),
    }));
    await this.resumeDecided(sid);
  }

  private async onStop(e: StopEvent): Promise<void> {
    const sid = e.session_id;
    const live = this.runners.get(sid);
    if (live?.alive) {
      await live.stop(e.payload.by);
      return;
    }
    if (this.store.get(sid)) {
      await this.store.update(sid, (r) => ({...r!, state: 'ended', pending_approvals: [], queued: [], turn: undefined}));
    }
    this.log.info(`session ${shortId(sid)}: stopped${e.payload.by ? ` by @${e.payload.by.username}` : ''}`);
    this.emit(sid, {kind: 'status', status: 'ended'});
  }

  /**
   * After a restart (a crash included): Claude Code processes the last run
   * left behind are stopped, every post cut off mid-stream is finished and
   * marked, and every session that was not ended goes on by itself (SDK
   * `resume`, same cwd): a cut-off turn is resumed, a session whose Claude
   * Code never got going starts again with its first message, queued
   * messages and decisions that already arrived go on. agent/README.md,
   * "Restarts", has the whole story.
   */
  private async recover(): Promise<void> {
    const forgetBefore = Date.now() - ENDED_SESSION_TTL_MS;
    const records = await this.store.loadAll();
    // A Claude Code left running would go on writing to the conversation we are about to resume.
    await Promise.all(
      records
        .filter((r) => r.claude_pid)
        .map(async (r) => {
          if (await stopLeftoverClaude(r.claude_pid!, {cwd: r.cwd})) this.log.info(`session ${shortId(r.session_id)}: stopped the Claude Code process (pid ${r.claude_pid}) the last run left running`);
          await this.store.update(r.session_id, (x) => ({...x!, claude_pid: undefined}));
        }),
    );
    for (const {session_id: sid} of records) {
      await this.finishCutPosts(sid);
      const rec = this.store.get(sid)!;
      if (rec.state !== 'open') {
        if (rec.updated_at < forgetBefore) await this.store.remove(sid);
        continue;
      }
      await this.resumeAfterRestart(rec);
    }
  }

  /**
   * Posts whose text was streaming when the last run died: each is finished
   * with the last text the record (or the outbox) has, and the marker. One
   * whose `done` report is still in the outbox needs nothing.
   */
  private async finishCutPosts(sid: string): Promise<void> {
    const streams = this.store.get(sid)?.streams ?? [];
    if (streams.length === 0) return;
    const queued = this.outbox.pending().filter((e) => e.session_id === sid);
    for (const st of streams) {
      const updates = queued.map((e) => e.body).filter((b): b is Extract<Output, {kind: 'text'}> => b.kind === 'text' && b.message_id === st.message_id);
      if (updates.some((b) => b.done)) continue;
      const last = [st.text, ...updates.map((b) => b.text)].reduce((a, b) => (b.length > a.length ? b : a));
      this.log.info(`session ${shortId(sid)}: finishing a post that was cut off when the last run ended`);
      await this.outbox.enqueue(sid, {kind: 'text', message_id: st.message_id, text: finishCutText(last, CUT_MARKERS.restart), done: true});
    }
    await this.store.update(sid, (r) => ({...r!, streams: []}));
  }

  private async resumeAfterRestart(rec: SessionRecord): Promise<void> {
    const sid = rec.session_id;
    const queued = rec.queued ?? [];
    if (!rec.claude_session_id) {
      // Claude Code never got going (no conversation to resume): it starts afresh with the first message and the rest.
      const work = rec.turn ? [rec.turn, ...queued] : queued;
      if (work.length === 0) {
        if (rec.phase === 'working' || rec.phase === 'starting') {
          this.emit(sid, {kind: 'status', status: 'idle', error: 'The agent restarted before Claude Code started. Reply in the thread to try again.'});
          await this.store.update(sid, (r) => ({...r!, phase: 'idle'}));
        }
        return;
      }
      this.log.info(`session ${shortId(sid)}: the agent restarted before Claude Code got going; starting it again in ${rec.cwd}`);
      const runner = this.runner({...rec, queued: work}, undefined);
      runner.start();
      runner.notice(RESTARTED_START_NOTICE);
      return;
    }
    const decided = rec.pending_approvals.filter((p) => p.decision);
    const waiting = rec.pending_approvals.filter((p) => !p.decision);
    this.log.info(`session ${shortId(sid)}: resuming Claude session ${shortId(rec.claude_session_id)} in ${rec.cwd} after the restart`);
    const runner = this.runner(rec, rec.claude_session_id);
    if (rec.turn && decided.length === 0 && waiting.length === 0) {
      // Cut off mid-turn: the same turn goes first, Claude told what happened.
      this.log.info(`session ${shortId(sid)}: the agent restarted during a turn; resuming it`);
      runner.start({...rec.turn, interrupted: true});
      runner.notice(RESUMED_TURN_NOTICE);
    } else {
      runner.start();
      runner.notice(NOTICES.restarted);
      if (waiting.length > 0) this.log.info(`session ${shortId(sid)}: still waiting for a decision on ${waiting.map((p) => p.tool_name).join(', ')}`);
    }
    if (decided.length > 0) await this.resumeDecided(sid);
  }

  /** The plugin dropped an output for good: a card that will never exist denies the tool call that waits for it. */
  private onDropped(entry: OutboxEntry, reason: DropReason): void {
    const sid = entry.session_id;
    const body = entry.body;
    if (body.kind !== 'approval' && body.kind !== 'question') return;
    const what = body.kind === 'question' ? 'question' : 'approval request';
    const text = reason.kind === 'refused' ? `Mattermost refused the ${what} (${reason.message})` : `Mattermost could not post the ${what} (${reason.message})`;
    if (this.terminal?.cardDropped(sid, body.request_id, text)) return;
    if (this.runners.get(sid)?.cardRefused(body.request_id, text)) return;
    // Queued by an earlier run: its pending approval gets the denial, and the session goes on with it.
    const pending = this.store.get(sid)?.pending_approvals.find((p) => p.request_id === body.request_id && !p.decision);
    if (!pending) return;
    void this.store
      .update(sid, (r) => ({...r!, pending_approvals: r!.pending_approvals.map((p) => (p === pending ? {...p, decision: {decision: 'deny' as const, reason: text}} : p))}))
      .then(() => this.resumeDecided(sid))
      .catch((err: unknown) => this.log.error(`session ${shortId(sid)}: could not deny a refused ${what}: ${describeError(err)}`));
  }

  /** Resume a session whose pending approvals were decided while its Claude Code process was gone. */
  private async resumeDecided(sid: string): Promise<void> {
    const rec = this.store.get(sid) as SessionRecord;
    const decided = rec.pending_approvals.filter((p) => p.decision);
    if (decided.length === 0) return;
    let runner = this.runners.get(sid);
    const fresh = !runner?.alive;
    if (fresh) runner = this.runner(rec, rec.claude_session_id);
    for (const p of decided) {
      const by = p.decision!.by?.username ? ` by @${p.decision!.by.username}` : '';
      this.log.info(`session ${shortId(sid)}: ${p.tool_name} was ${p.decision!.decision === 'approve' ? 'approved' : 'denied'}${by} while Claude Code was not running; resuming`);
      if (p.decision!.decision === 'approve') runner!.preApprove(p);
    }
    const prompt = decided.map(recoveryPrompt).join('\n\n');
    // Consumed: the prompt goes to Claude Code first, saved in the same write that drops the decisions.
    void this.store.update(sid, (r) => ({...r!, pending_approvals: r!.pending_approvals.filter((p) => !p.decision)}));
    if (fresh) runner!.start(prompt);
    else runner!.send(prompt, [], {front: true});
    await this.store.flush();
  }

  private runner(rec: SessionRecord, resume?: string): SessionRunner {
    const sid = rec.session_id;
    const runner = new SessionRunner(
      sid,
      rec.cwd,
      {
        query: this.query,
        emit: (out, opts) => this.emit(sid, out, opts),
        store: this.store,
        log: this.log,
        // Its hooks (the user's settings apply to it too) must not mirror it a second time as a terminal session.
        env: {...(this.opts.env ?? process.env), [AGENT_SESSION_ENV]: sid},
        throttleMs: this.opts.throttleMs,
        resolveDir: (dir, base) => resolveSessionDir(dir, {allowedRoots: this.allowedRoots, defaultDir: base}),
        sendFile: (file, base) => this.sendFile(sid, file, base),
      },
      {resume, branch: rec.branch, permissionMode: rec.permission_mode, model: rec.model, queued: rec.queued},
    );
    this.runners.set(sid, runner);
    void runner.done.then(() => {
      if (this.runners.get(sid) === runner) this.runners.delete(sid);
    });
    return runner;
  }

  /** Terminal sessions: their manager, and the local socket for hooks, `resume` and `new` (before hello, so hooks get an answer while the plugin is away). */
  private async startTerminal(): Promise<void> {
    const {log} = this;
    const terminal = new TerminalSessions({
      client: this.client,
      emit: (sid, out) => this.outbox.enqueue(sid, out),
      sessions: this.store,
      runInAgent: (rec, messages) => {
        const runner = this.runner(rec, rec.claude_session_id);
        runner.start(messages[0]);
        for (const m of messages.slice(1)) runner.send(m);
      },
      agentSessionOf: (claudeId) => [...this.runners].find(([sid, r]) => r.alive && this.store.get(sid)?.claude_session_id === claudeId)?.[0],
      agentRecords: () => readSessionRecords(this.opts.paths.sessions),
      stopInAgent: async (sid) => this.runners.get(sid)?.shutdown(),
      withAttachments: async (e, cwd) => {
        if (e.payload.files.length === 0) return e.payload.text;
        const got = await this.fetchFiles(e.session_id, cwd, e.payload.post_id ?? `seq${e.seq}`, e.payload.files);
        return withAttachments(e.payload.text, got.saved, got.failed, cwd);
      },
      sendFile: (sid, file, base) => this.sendFile(sid, file, base),
      allowedRoots: () => this.allowedRoots,
      defaultDir: () => this.defaultDir,
      machineName: this.opts.config.machine.name,
      owner: this.opts.config.user?.username ?? '',
      dir: this.opts.paths.dir,
      env: this.opts.env ?? process.env,
      log,
      ...this.opts.terminal,
    });
    await terminal.start();
    this.terminal = terminal;
    const socket = new LocalServer(socketPath(this.opts.paths.dir), (req, signal) => terminal.request(req, signal), (line) => log.warn(line));
    try {
      await socket.listen();
      this.socket = socket;
    } catch (err) {
      log.warn(`cannot listen on ${socket.file}: ${describeError(err)}; terminal sessions are not mirrored`);
    }
  }

  /** The terminal sessions stop first, so hooks cut off by the socket closing leave their cards for the restart. */
  private async stopTerminal(): Promise<void> {
    const terminalClosed = this.terminal?.close();
    await this.socket?.close();
    await terminalClosed;
  }

  /** `start --prompt`: open the session (the plugin then queues its start like any other). */
  private async startFromPrompt(s: HeadlessStart & {exitWhenDone?: boolean}): Promise<void> {
    const b = backoff({baseMs: 1000, capMs: 30_000});
    const key = randomUUID();
    while (!this.stopped) {
      try {
        const got = await startHeadless(this.client, key, s, {allowedRoots: this.allowedRoots, defaultDir: this.defaultDir});
        this.log.info(`session ${shortId(got.session_id)}: started from --prompt: ${got.permalink || '(no link)'}`);
        if (s.exitWhenDone) this.exitWhen = got.session_id;
        return;
      } catch (err) {
        if (err instanceof RevokedTokenError || err instanceof ApiMismatchError) return this.die(err);
        if (!(err instanceof TransientError)) {
          return this.die(new Error(`cannot start the --prompt session: ${describeError(err)}`));
        }
        const delay = b.next();
        this.log.info(`waiting for plugin to open the --prompt session (retry in ${formatDelay(delay)}): ${describeError(err)}`);
        await sleep(delay, this.abort.signal);
      }
    }
  }

  private emit(sid: string, out: Output, opts?: EmitOptions): void {
    void this.outbox.enqueue(sid, out, opts);
  }

  private async shutdownRunners(): Promise<void> {
    const live = [...this.runners.values()];
    if (live.length > 0) this.log.info(`stopping ${live.length} Claude Code process(es); sessions resume after a restart`);
    await Promise.all(live.map((r) => r.shutdown()));
    // Give queued output a moment to reach the plugin; what is left stays on disk.
    if (!this.fatal) await Promise.race([this.outbox.whenIdle(), sleep(2000)]);
  }
}

/** The SDK is loaded only by `start`, so `--help` and `login` start fast. */
export async function loadQuery(): Promise<QueryFn> {
  const sdk = await import('@anthropic-ai/claude-agent-sdk');
  return sdk.query;
}

export function fatalMessage(err: Error, url: string): string {
  if (err instanceof RevokedTokenError) {
    return `The plugin at ${url} refused this machine's token (${err.message}): it was revoked, the machine was removed, or its Mattermost user was deactivated. Pair again with \`claude-mattermost login --url ${url}\`.`;
  }
  if (err instanceof ApiMismatchError) {
    return `The plugin at ${url} (version ${err.pluginVersion ?? '?'}, API v${err.pluginApiVersion ?? '?'}) does not support this agent's API v${API_VERSION}: ${err.message}. Upgrade the agent (or the plugin) so that they match.`;
  }
  return err.message;
}
