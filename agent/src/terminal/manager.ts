/**
 * Terminal sessions, the daemon's side: Claude Code runs in the developer's
 * terminal and its hooks (through the local socket) and transcript file are
 * mirrored into a Mattermost thread, whose cards and replies answer back.
 *
 * - The first followed event of a Claude session opens its thread
 *   (`POST /agent/sessions`, origin `terminal`); the transcript is mirrored
 *   from where it stood (prompts, text, tool output, applied diffs, todos,
 *   cost), read at every hook event and when the file changes.
 * - `PermissionRequest` becomes the same approval / plan / question card as
 *   in any session. Whoever answers first wins: a decision from Mattermost
 *   answers the hook; the terminal answering first (its `PostToolUse`, or the
 *   transcript showing the call ran or was refused) closes the card with
 *   `resolved`, and the hook steps aside. A card the plugin has not accepted
 *   within `cardAcceptMs`, an expired card, the hook being killed, a handover:
 *   the hook steps aside (the terminal asks) and the card is closed as left
 *   to the terminal. Nothing here ever allows on an error.
 * - Thread replies wait for Claude's next `Stop` (a block with the text), or
 *   the next prompt typed in the terminal; while the owner is away the `Stop`
 *   hook waits for the next reply.
 * - **Continue here** ends the terminal's Claude Code and resumes the same
 *   conversation in the agent; `claude-mattermost resume` takes it back.
 */
import {randomUUID} from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {isInside, resolveSessionDir} from '../config/roots.js';
import {denyMessage, stableJson} from '../claude/approvals.js';
import {EDIT_TOOLS, cardPreview, type FileSnapshot} from '../claude/preview.js';
import {readSnapshot} from '../claude/snapshot.js';
import {answeredInput, questionsOf, summaryOf} from '../claude/tools.js';
import {planOf} from '../claude/turns.js';
import {currentBranch} from '../git/worktree.js';
import {RejectedError, RevokedTokenError, type PluginClient} from '../plugin/client.js';
import {
  MAX_NOTICE_CHARS,
  MAX_TEXT_CHARS,
  PERMISSION_MODES,
  type AgentEvent,
  type AnswerEvent,
  type CommandEvent,
  type DecisionEvent,
  type MessageEvent,
  type Output,
  type PermissionMode,
  type ResolvedOutcome,
  type SessionStatus,
  type StatusOutput,
} from '../plugin/protocol.js';
import type {SessionRecord, SessionStore} from '../sessions/store.js';
import {backoff, sleep} from '../util/backoff.js';
import {describeError, shortId, type Logger} from '../util/log.js';
import {startHeadless} from './headless.js';
import {parseHookObject, type HookInput} from './hookinput.js';
import type {HookAnswer, HookRequest} from './hookrun.js';
import {endProcess, findClaude, stillRunning, ttyOf} from './process.js';
import {TerminalStore, type TerminalRecord} from './store.js';
import {claudeConfigDir, findTarget, transcriptPathFor, type Known} from './target.js';
import {Mirror, clip} from './mirror.js';
import {TEXTS} from './texts.js';
import {itemsOf, readFrom, sizeOf, type TranscriptItem} from './transcript.js';

export interface TerminalDeps {
  client: Pick<PluginClient, 'openSession'>;
  /** Queue an output in the outbox; resolves once it is on disk. A card the plugin drops for good comes back through `cardDropped`. */
  emit: (sessionId: string, out: Output) => Promise<void>;
  /** The agent's own session records (Continue here creates one; resume removes it). */
  sessions: SessionStore;
  /** Resume a session record's Claude conversation in the agent, with these messages as its next turns. */
  runInAgent: (rec: SessionRecord, messages: string[]) => void;
  /** The Mattermost session whose Claude Code the agent runs for this Claude session id, if any. */
  agentSessionOf: (claudeSessionId: string) => string | undefined;
  /** The agent's session records as on disk (for `resume`). */
  agentRecords: () => Promise<SessionRecord[]>;
  /** Stop the agent's Claude Code for this session, keeping its records (resume takes it to the terminal). */
  stopInAgent: (sessionId: string) => Promise<void>;
  /** A reply's text with its attachments downloaded and listed. */
  withAttachments: (e: MessageEvent, cwd: string) => Promise<string>;
  /** `!file`: why not, or undefined when the upload is queued. */
  sendFile: (sessionId: string, file: string, base: string) => Promise<string | undefined>;
  allowedRoots: () => string[];
  defaultDir: () => string;
  machineName: string;
  /** The paired user's username ("" when unknown): the owner of every terminal session here. */
  owner: string;
  dir: string;
  /** Claude Code's environment as the agent sees it (HOME, CLAUDE_CONFIG_DIR). */
  env: Record<string, string | undefined>;
  log: Logger;
  /** How long a card may take to reach the plugin before the hook steps aside (ms). */
  cardAcceptMs?: number;
  /** How long a Stop hook waits for a reply while the owner is away (ms). */
  awayWaitMs?: number;
  /** How long Claude Code gets to exit on Continue here before it is killed (ms). */
  handoverGraceMs?: number;
}

/** Answers a hook can be given. */
const stepAside = (message?: string): HookAnswer => (message ? {message} : {});
const permission = (decision: Record<string, unknown>): HookAnswer => ({output: {hookSpecificOutput: {hookEventName: 'PermissionRequest', decision}}});
const block = (reason: string): HookAnswer => ({output: {decision: 'block', reason}});

interface Card {
  requestId: string;
  kind: 'approval' | 'question';
  toolName: string;
  input: Record<string, unknown>;
  toolUseId?: string;
  accepted: boolean;
  onAccepted?: () => void;
  settled: boolean;
  resolve: (a: HookAnswer) => void;
  /** When its hook went away without an answer (Claude Code killed it): the transcript will say how the terminal answered. */
  orphanedAt?: number;
}

/** A card whose hook went away is closed as left to the terminal if the transcript has not told otherwise by then. */
const ORPHAN_GRACE_MS = 10_000;

/** What the agent keeps in memory about one terminal session (the rest is on disk). */
interface Live {
  id: string;
  /** Transcript reads, one at a time and in order. */
  chain: Promise<void>;
  mirror: Mirror;
  /** Recent PreToolUse calls: a PermissionRequest (which has no tool_use id) is matched to one. */
  recent: Array<{id: string; name: string; input: string}>;
  cards: Map<string, Card>;
  /** A Stop hook waiting for the next reply (owner away). */
  stopWaiter?: (a: HookAnswer) => void;
  /** The prompt of the event that started following midway, posted once the thread is open. */
  firstPrompt?: string;
  opening?: Promise<void>;
  watcher?: fs.FSWatcher;
  watchTimer?: NodeJS.Timeout;
  poll?: NodeJS.Timeout;
  handingOver: boolean;
}

const DEFAULT_CONTEXT_WINDOW = 200_000;

export class TerminalSessions {
  readonly store: TerminalStore;
  private readonly live = new Map<string, Live>();
  private readonly abort = new AbortController();
  private readonly cardAcceptMs: number;
  private readonly awayWaitMs: number;

  constructor(private readonly deps: TerminalDeps) {
    this.store = new TerminalStore(path.join(deps.dir, 'terminal'));
    this.cardAcceptMs = deps.cardAcceptMs ?? 1000;
    this.awayWaitMs = deps.awayWaitMs ?? 120 * 60_000;
  }

  /**
   * Load the map and pick up where the last run stopped: cards left open are
   * closed as left to the terminal (their hooks stepped aside when the agent
   * went away), and live sessions are mirrored on from their saved positions.
   */
  async start(): Promise<void> {
    const {log} = this.deps;
    for (const rec of await this.store.loadAll()) {
      if (rec.pending.length > 0) {
        if (rec.session_id) for (const id of rec.pending) await this.emit(rec, {kind: 'resolved', request_id: id, outcome: 'terminal_asks'});
        await this.store.update(rec.claude_session_id, (r) => ({...r!, pending: []}));
      }
      if (rec.state !== 'open' || rec.runs_in !== 'terminal' || rec.refused) continue;
      const running = rec.claude_pid !== undefined && rec.claude_start !== undefined && (await stillRunning(rec.claude_pid, rec.claude_start));
      const live = this.liveOf(rec.claude_session_id);
      if (!rec.session_id) {
        if (running) void this.open(live);
        continue;
      }
      await this.drain(live);
      if (running) {
        log.info(`terminal session ${shortId(rec.claude_session_id)}: mirroring on after the restart`);
        this.watch(live);
      } else if (rec.claude_pid !== undefined || rec.phase !== 'idle') {
        // Its Claude Code exited while the agent was down.
        await this.store.update(rec.claude_session_id, (r) => ({...r!, claude_pid: undefined, claude_start: undefined, phase: 'idle'}));
        await this.status(rec.claude_session_id, 'idle');
      }
    }
  }

  /** Stop: from now on nothing is posted or saved, so hooks cut off by the agent going away leave their cards to the next start. */
  async close(): Promise<void> {
    this.abort.abort();
    for (const live of this.live.values()) this.unwatch(live);
    await this.store.flush();
  }

  /** Does this Mattermost session run in a terminal here (its events are ours)? */
  owns(sessionId: string): boolean {
    const rec = this.store.bySession(sessionId);
    return Boolean(rec && rec.runs_in === 'terminal');
  }

  /**
   * The plugin dropped a card for good (refused it, or kept failing on it):
   * its hook steps aside, the terminal asks. False when it is not one of ours.
   */
  cardDropped(sessionId: string, requestId: string, reason: string): boolean {
    const rec = this.store.bySession(sessionId);
    const live = rec && this.live.get(rec.claude_session_id);
    const card = live?.cards.get(requestId);
    if (!live || !card) return Boolean(rec && rec.runs_in === 'terminal');
    this.settle(live, card, stepAside(`${reason}; the terminal asks`));
    return true;
  }

  /** The outbox sent an output: a card the plugin accepted is shown, its hook may wait. */
  accepted(sessionId: string, out: {kind: string; request_id?: string}): void {
    if ((out.kind !== 'approval' && out.kind !== 'question') || !out.request_id) return;
    const rec = this.store.bySession(sessionId);
    const card = rec && this.live.get(rec.claude_session_id)?.cards.get(out.request_id);
    if (!card || card.accepted) return;
    card.accepted = true;
    card.onAccepted?.();
  }

  // ---------------------------------------------------------------- local socket

  /** A request on the local socket: a hook event, `new`, or `resume`. */
  async request(req: unknown, signal: AbortSignal): Promise<unknown> {
    const r = (req ?? {}) as {type?: unknown};
    switch (r.type) {
      case 'hook':
        return this.hook(req as HookRequest, signal);
      case 'resume':
        return this.takeBack(req as {target?: unknown; cwd?: unknown});
      case 'new':
        return this.headless(req as {key?: unknown; prompt?: unknown; cwd?: unknown; channel?: unknown});
      default:
        return {error: `unknown request type ${JSON.stringify(r.type)}`};
    }
  }

  private async hook(req: HookRequest, signal: AbortSignal): Promise<HookAnswer> {
    const parsed = parseHookObject(req.input);
    if (!parsed.ok) return stepAside(`${parsed.reason}; ignoring it`);
    const input = parsed.input;
    const sid = shortId(input.session_id);
    const where = await resolveSessionDir(input.cwd, {allowedRoots: this.deps.allowedRoots(), defaultDir: this.deps.defaultDir()});
    if (!where.ok) return stepAside(`not mirrored to Mattermost: ${where.reason}`);
    if (!this.transcriptAllowed(input.transcript_path, where.dir)) {
      return stepAside(`not mirrored to Mattermost: the transcript path ${input.transcript_path} is outside the session's directory and Claude Code's config dir`);
    }
    let rec = this.store.get(input.session_id);
    if (rec?.refused) return stepAside(`not mirrored to Mattermost: ${rec.refused}`);
    if (rec?.runs_in === 'agent' || this.deps.agentSessionOf(input.session_id)) {
      // A terminal opened the conversation while the agent drives it (a late hook of the closed terminal is ignored).
      if (input.hook_event_name !== 'SessionStart') return {};
      return stepAside(`this conversation runs in Mattermost now; take it back with \`claude-mattermost resume ${input.session_id}\``);
    }
    if (rec && rec.state === 'ended' && input.hook_event_name !== 'SessionStart') return {};

    const first = !rec;
    if (!rec) rec = await this.create(input, where.dir, req.channel);
    else if (input.hook_event_name === 'SessionStart') rec = await this.restart(rec, input);
    const live = this.liveOf(rec.claude_session_id);
    if (rec.claude_pid === undefined || input.hook_event_name === 'SessionStart') await this.noteProcess(rec, req.ppid);
    if (input.permission_mode && input.permission_mode !== rec.permission_mode) {
      rec = await this.store.update(rec.claude_session_id, (r) => ({...r!, permission_mode: input.permission_mode}));
    }
    if (!rec.session_id) {
      const opening = this.open(live);
      if (input.hook_event_name === 'SessionStart') {
        await Promise.race([opening, sleep(this.cardAcceptMs, signal)]);
        const refused = this.store.get(rec.claude_session_id)?.refused;
        if (refused) return stepAside(`not mirrored to Mattermost: ${refused}`);
      }
    }
    if (first && input.hook_event_name === 'UserPromptSubmit' && input.prompt) {
      // Followed from the middle of a conversation: its transcript is mirrored
      // from here on, and this prompt may already be behind that point.
      live.mirror.skipPrompt = input.prompt;
      live.firstPrompt = input.prompt;
    }
    this.deps.log.debug(`terminal session ${sid}: ${input.hook_event_name}${input.tool_name ? ` ${input.tool_name}` : ''}`);
    switch (input.hook_event_name) {
      case 'SessionStart':
        return this.onSessionStart(live);
      case 'UserPromptSubmit':
        return this.onPrompt(live);
      case 'PreToolUse':
        return this.onPreTool(live, input);
      case 'PermissionRequest':
        return this.onPermission(live, input, signal);
      case 'PostToolUse':
        return this.onPostTool(live, input);
      case 'Notification':
        return this.onNotification(live, input);
      case 'Stop':
        return this.onStop(live, signal);
      case 'SessionEnd':
        return this.onSessionEnd(live, input);
    }
  }

  /** A transcript inside the session's directory tree or Claude Code's config dir, nowhere else. */
  private transcriptAllowed(file: string, cwd: string): boolean {
    const abs = path.resolve(file);
    const real = realDir(path.dirname(abs));
    const roots = [cwd, claudeConfigDir(this.deps.env)].map((d) => realDir(d));
    return roots.some((root) => isInside(root, real) || isInside(root, path.dirname(abs)));
  }

  private async create(input: HookInput, cwd: string, channel: string): Promise<TerminalRecord> {
    // A new conversation is mirrored from its start; one followed midway from where it stands now.
    const fresh = input.hook_event_name === 'SessionStart' && (input.source === 'startup' || input.source === 'clear');
    const offset = fresh ? 0 : await sizeOf(input.transcript_path);
    const now = Date.now();
    this.deps.log.info(`terminal session ${shortId(input.session_id)}: following Claude Code in ${cwd}`);
    return this.store.update(input.session_id, () => ({
      claude_session_id: input.session_id,
      cwd,
      transcript_path: input.transcript_path,
      offset,
      open_key: randomUUID(),
      channel,
      state: 'open',
      runs_in: 'terminal',
      phase: 'idle',
      away: false,
      approve_all: false,
      permission_mode: input.permission_mode,
      model: input.model,
      queued: [],
      pending: [],
      created_at: now,
      updated_at: now,
    }));
  }

  /** SessionStart of a conversation we know: the terminal resumed it (or it ended in Mattermost and starts again). */
  private async restart(rec: TerminalRecord, input: HookInput): Promise<TerminalRecord> {
    const moved = rec.transcript_path !== input.transcript_path;
    const reopen = rec.state === 'ended';
    return this.store.update(rec.claude_session_id, (r) => ({
      ...r!,
      transcript_path: input.transcript_path,
      ...(moved ? {offset: 0} : {}),
      ...(reopen ? {state: 'open' as const, session_id: undefined, open_key: randomUUID()} : {}),
      runs_in: 'terminal',
    }));
  }

  private async noteProcess(rec: TerminalRecord, hookParent: number): Promise<void> {
    const claude = await findClaude(hookParent);
    if (!claude) return;
    const tty = await ttyOf(claude.pid);
    await this.store.update(rec.claude_session_id, (r) => ({...r!, claude_pid: claude.pid, claude_start: claude.start, tty}));
  }

  /** Open the session's thread (once; retried in the background while the plugin cannot be reached). */
  private open(live: Live): Promise<void> {
    if (live.opening) return live.opening;
    live.opening = (async () => {
      const {log} = this.deps;
      const b = backoff({baseMs: 1000, capMs: 30_000});
      let logged = false;
      while (!this.abort.signal.aborted) {
        const rec = this.store.get(live.id);
        if (!rec || rec.session_id || rec.state !== 'open' || rec.refused) return;
        try {
          const branch = await currentBranch(rec.cwd);
          const got = await this.deps.client.openSession(rec.open_key, {
            origin: 'terminal',
            claude_session_id: rec.claude_session_id,
            cwd: rec.cwd,
            branch,
            model: rec.model ?? '',
            permission_mode: knownMode(rec.permission_mode) ?? 'default',
            channel: rec.channel,
          });
          await this.store.update(live.id, (r) => ({...r!, session_id: got.session_id, channel_id: got.channel_id, root_id: got.root_id, permalink: got.permalink, branch}));
          log.info(`terminal session ${shortId(live.id)}: mirrored to Mattermost session ${shortId(got.session_id)} (${got.permalink || 'no link'})`);
          await this.status(live.id, rec.phase === 'ended' ? 'idle' : rec.phase, {cwd: rec.cwd, branch, ...(rec.model ? {model: rec.model} : {})});
          if (live.firstPrompt !== undefined) {
            await this.emit(this.store.get(live.id)!, {kind: 'prompt', text: clip(live.firstPrompt, MAX_TEXT_CHARS), source: 'terminal'});
            live.firstPrompt = undefined;
          }
          await this.drain(live);
          this.watch(live);
          return;
        } catch (err) {
          if (err instanceof RevokedTokenError) return;
          if (err instanceof RejectedError) {
            const why = `Mattermost refused to open a thread for it (${err.message})`;
            log.warn(`terminal session ${shortId(live.id)}: ${why}`);
            await this.store.update(live.id, (r) => ({...r!, refused: why}));
            return;
          }
          const delay = b.next();
          if (!logged) log.info(`terminal session ${shortId(live.id)}: waiting for the plugin to open its thread: ${describeError(err)}`);
          logged = true;
          await sleep(delay, this.abort.signal);
        }
      }
    })().finally(() => {
      live.opening = undefined;
    });
    return live.opening;
  }

  // ---------------------------------------------------------------- hook events

  private async onSessionStart(live: Live): Promise<HookAnswer> {
    const rec = this.store.get(live.id)!;
    if (rec.session_id) {
      await this.drain(live);
      this.watch(live);
      return rec.permalink ? {output: {systemMessage: TEXTS.mirrored(rec.permalink)}} : {};
    }
    return {};
  }

  private async onPrompt(live: Live): Promise<HookAnswer> {
    let rec = this.store.get(live.id)!;
    await this.drain(live);
    this.settleOrphans(live, true);
    let back = false;
    if (rec.away) {
      // Someone typed in the terminal: the owner is there, turns end there again.
      rec = await this.store.update(live.id, (r) => ({...r!, away: false}));
      await this.notice(rec, TEXTS.autoBack(this.deps.owner));
      back = true;
    }
    await this.setPhase(live.id, 'working', false, back ? {away: false} : {});
    if (rec.queued.length === 0 || !rec.session_id) return {};
    const messages = rec.queued;
    await this.store.update(live.id, (r) => ({...r!, queued: []}));
    this.deps.log.info(`terminal session ${shortId(live.id)}: ${messages.length} thread message(s) added to the prompt typed in the terminal`);
    return {output: {hookSpecificOutput: {hookEventName: 'UserPromptSubmit', additionalContext: TEXTS.promptContext(messages)}}};
  }

  private async onPreTool(live: Live, input: HookInput): Promise<HookAnswer> {
    const id = input.tool_use_id;
    const toolInput = input.tool_input ?? {};
    if (id) {
      live.recent.push({id, name: input.tool_name!, input: stableJson(toolInput)});
      if (live.recent.length > 50) live.recent.shift();
      if (EDIT_TOOLS.has(input.tool_name!) && typeof toolInput.file_path === 'string') {
        live.mirror.snapshot(id, await readSnapshot(toolInput.file_path, this.store.get(live.id)!.cwd));
      }
    }
    await this.drain(live);
    return {};
  }

  private async onPostTool(live: Live, input: HookInput): Promise<HookAnswer> {
    const id = input.tool_use_id;
    const card = id ? [...live.cards.values()].find((c) => c.toolUseId === id) : undefined;
    if (card) {
      this.deps.log.info(`terminal session ${shortId(live.id)}: ${card.toolName} was allowed in the terminal`);
      this.settle(live, card, {}, 'terminal_allowed');
    }
    await this.drain(live);
    return {};
  }

  private async onNotification(live: Live, input: HookInput): Promise<HookAnswer> {
    const rec = this.store.get(live.id)!;
    if (rec.session_id && input.message) await this.emit(rec, {kind: 'attention', reason: 'waiting', text: clip(input.message, 2000)});
    return {};
  }

  /**
   * A PermissionRequest: the card, then whichever answer comes first. Every
   * path that is not an explicit decision from Mattermost steps aside.
   */
  private async onPermission(live: Live, input: HookInput, signal: AbortSignal): Promise<HookAnswer> {
    const {log} = this.deps;
    let rec = this.store.get(live.id)!;
    const toolName = input.tool_name!;
    const toolInput = input.tool_input ?? {};
    const isQuestion = toolName === 'AskUserQuestion';
    if (rec.approve_all && !isQuestion && toolName !== 'ExitPlanMode') {
      log.info(`terminal session ${shortId(live.id)}: ${toolName} allowed (approve all)`);
      return permission({behavior: 'allow'});
    }
    if (!rec.session_id) return stepAside('the Mattermost thread is not open yet (is the plugin reachable?); the terminal asks');
    await this.drain(live);
    rec = this.store.get(live.id)!;
    const toolUseId = this.matchCall(live, toolName, toolInput);

    const requestId = randomUUID();
    let out: Output;
    if (isQuestion) {
      const questions = questionsOf(toolInput);
      if (questions.length === 0) return stepAside('AskUserQuestion without questions; the terminal asks');
      out = {kind: 'question', request_id: requestId, questions, terminal: true};
    } else {
      out = await this.approvalCard(requestId, toolName, toolInput, rec.cwd, toolUseId ? live.mirror.snapshots.get(toolUseId) : undefined);
    }
    let resolve!: (a: HookAnswer) => void;
    const answered = new Promise<HookAnswer>((r) => (resolve = r));
    const card: Card = {requestId, kind: isQuestion ? 'question' : 'approval', toolName, input: toolInput, accepted: false, settled: false, resolve};
    if (toolUseId) this.cardCall(live, card, toolUseId);
    live.cards.set(requestId, card);
    const accepted = new Promise<boolean>((r) => (card.onAccepted = () => r(true)));
    await this.store.update(live.id, (r) => ({...r!, pending: [...r!.pending, requestId]}));
    // A card the plugin refuses for good comes back through cardDropped: nothing to close, the terminal asks.
    await this.emit(rec, out);
    await this.setPhase(live.id, 'waiting');
    log.info(`terminal session ${shortId(live.id)}: waiting for ${isQuestion ? 'an answer to a question' : `approval of ${toolName}`} (in Mattermost or the terminal)`);
    if (rec.away) {
      await this.emit(rec, isQuestion ? {kind: 'attention', reason: 'question', text: TEXTS.attentionQuestion} : {kind: 'attention', reason: 'approval', text: TEXTS.attentionApproval(toolName, summaryOf(toolName, toolInput))});
    }
    this.pollWhileCards(live);
    const onGone = () => void this.hookGone(live, card);
    signal.addEventListener('abort', onGone, {once: true});
    if (signal.aborted) onGone();

    const shown = await Promise.race([accepted, sleep(this.cardAcceptMs, signal).then(() => false)]);
    if (!shown && !card.settled && !signal.aborted) {
      log.info(`terminal session ${shortId(live.id)}: the card did not reach Mattermost in time; the terminal asks`);
      this.settle(live, card, stepAside('Mattermost did not take the card in time; the terminal asks'), 'terminal_asks');
    }
    const answer = await answered;
    signal.removeEventListener('abort', onGone);
    return answer;
  }

  /**
   * The hook that waited for a card is gone: Claude Code killed it because
   * the person answered in the terminal (a refusal interrupts the turn) or
   * its time ran out. The transcript says which, usually a moment later; the
   * card stays until it does, the turn moves on, or ORPHAN_GRACE_MS passes.
   */
  private async hookGone(live: Live, card: Card): Promise<void> {
    if (card.settled || this.closed) return;
    card.orphanedAt = Date.now();
    await this.drain(live);
  }

  /**
   * Cards left to the terminal: every one once the turn is over (`force`: a
   * Stop or a new prompt means no call waits any more), else those whose
   * hooks are gone and whose grace has passed.
   */
  private settleOrphans(live: Live, force: boolean): void {
    for (const card of [...live.cards.values()]) {
      if (force || (card.orphanedAt !== undefined && Date.now() - card.orphanedAt > ORPHAN_GRACE_MS)) this.settle(live, card, {}, 'terminal_asks');
    }
  }

  private async approvalCard(requestId: string, toolName: string, input: Record<string, unknown>, cwd: string, snapshot?: FileSnapshot): Promise<Output> {
    let shown = input;
    if (toolName === 'ExitPlanMode' && !(typeof input.plan === 'string' && input.plan.trim())) {
      const plan = await planOf(typeof input.planFilePath === 'string' ? input.planFilePath : undefined, cwd);
      if (plan !== undefined) shown = {...input, plan};
    }
    const before = EDIT_TOOLS.has(toolName) && typeof input.file_path === 'string' ? (snapshot ?? (await readSnapshot(input.file_path, cwd))) : undefined;
    const {preview, description} = cardPreview(toolName, input, before, cwd);
    return {
      kind: 'approval',
      request_id: requestId,
      tool_name: toolName,
      input: shown,
      cwd,
      ...(description ? {description: clip(description, 4000)} : {}),
      ...(preview ? {preview} : {}),
      terminal: true,
    };
  }

  /** The PreToolUse call a PermissionRequest is about: the latest one with the same tool and input. */
  private matchCall(live: Live, toolName: string, input: Record<string, unknown>): string | undefined {
    const key = stableJson(input);
    const taken = new Set([...live.cards.values()].map((c) => c.toolUseId));
    for (let i = live.recent.length - 1; i >= 0; i--) {
      const c = live.recent[i]!;
      if (c.name === toolName && c.input === key && !taken.has(c.id)) return c.id;
    }
    return undefined;
  }

  private async onStop(live: Live, signal: AbortSignal): Promise<HookAnswer> {
    await this.drain(live);
    this.settleOrphans(live, true);
    let rec = this.store.get(live.id)!;
    if (rec.queued.length > 0 && rec.session_id) return this.giveQueued(live);
    if (rec.away && rec.session_id) {
      await this.setPhase(live.id, 'idle', true);
      await this.emit(rec, {kind: 'attention', reason: 'turn_ended', text: TEXTS.attentionTurnEnded});
      this.deps.log.info(`terminal session ${shortId(live.id)}: the owner is away; the turn waits for a reply from Mattermost`);
      const answer = await new Promise<HookAnswer>((resolve) => {
        const timer = setTimeout(() => finish({}), this.awayWaitMs);
        const finish = (a: HookAnswer) => {
          clearTimeout(timer);
          signal.removeEventListener('abort', gone);
          if (live.stopWaiter === finish) live.stopWaiter = undefined;
          resolve(a);
        };
        const gone = () => finish({});
        signal.addEventListener('abort', gone, {once: true});
        live.stopWaiter = finish;
      });
      if (answer.output) return answer;
      rec = this.store.get(live.id)!;
      return rec.queued.length > 0 && !signal.aborted ? this.giveQueued(live) : {};
    }
    await this.setPhase(live.id, 'idle', true);
    return {};
  }

  /** Hand every queued reply to Claude as a Stop hook block. */
  private async giveQueued(live: Live): Promise<HookAnswer> {
    const messages = this.store.get(live.id)!.queued;
    await this.store.update(live.id, (r) => ({...r!, queued: []}));
    await this.setPhase(live.id, 'working');
    this.deps.log.info(`terminal session ${shortId(live.id)}: ${messages.length} thread message(s) given to Claude at the end of its turn`);
    return block(TEXTS.stopFeedback(messages));
  }

  private async onSessionEnd(live: Live, input: HookInput): Promise<HookAnswer> {
    await this.drain(live);
    this.unwatch(live);
    const rec = this.store.get(live.id)!;
    if (live.handingOver) return {};
    for (const card of [...live.cards.values()]) this.settle(live, card, {}, 'terminal_asks');
    live.stopWaiter?.({});
    await this.store.update(live.id, (r) => ({...r!, claude_pid: undefined, claude_start: undefined, tty: undefined}));
    if (rec.session_id && rec.state === 'open') {
      this.deps.log.info(`terminal session ${shortId(live.id)}: Claude Code exited in the terminal (${input.reason ?? '?'})`);
      await this.setPhase(live.id, 'idle', true);
      await this.notice(rec, TEXTS.ended(input.reason ?? '', this.deps.machineName));
    }
    return {};
  }

  // ---------------------------------------------------------------- plugin events

  /** An inbox event for a session that runs in a terminal here; false when the daemon should handle it as usual. */
  async handle(e: AgentEvent): Promise<boolean> {
    const rec = this.store.bySession(e.session_id);
    if (!rec || rec.runs_in !== 'terminal') return false;
    const last = rec.last_event;
    // As for the agent's own sessions: a lower seq with a later date is the plugin's queue numbering from the start again.
    if (last && e.seq <= last.seq && (e.created_at === undefined || last.at === undefined || e.created_at <= last.at)) {
      this.deps.log.debug(`terminal session ${shortId(rec.claude_session_id)}: ${e.type} event ${e.seq} was handled before the restart; skipping it`);
      return true;
    }
    const handled = await this.apply(rec, e);
    if (handled) await this.store.update(rec.claude_session_id, (r) => ({...r!, last_event: {seq: e.seq, at: e.created_at}}));
    return handled;
  }

  private async apply(rec: TerminalRecord, e: AgentEvent): Promise<boolean> {
    const live = this.liveOf(rec.claude_session_id);
    switch (e.type) {
      case 'decision':
        this.onDecision(live, e);
        return true;
      case 'answer':
        this.onAnswer(live, e);
        return true;
      case 'message':
        await this.onMessage(live, e);
        return true;
      case 'command':
        await this.onCommand(live, e);
        return true;
      case 'stop':
        await this.onStopEvent(live, e.payload.by?.username);
        return true;
      case 'start':
        // A reply in the ended thread: the conversation continues in the agent (the daemon starts it).
        await this.leaveTerminal(live);
        return false;
    }
  }

  private onDecision(live: Live, e: DecisionEvent): void {
    const d = e.payload;
    const card = live.cards.get(d.request_id);
    if (!card) {
      this.deps.log.debug(`terminal session ${shortId(live.id)}: decision for ${d.request_id}, which no hook waits for any more`);
      return;
    }
    const who = d.by?.username ? `@${d.by.username}` : 'Mattermost';
    if (d.decision === 'deny' && !d.by?.username && d.reason === 'timed out') {
      this.deps.log.info(`terminal session ${shortId(live.id)}: the card for ${card.toolName} expired; the terminal asks`);
      this.settle(live, card, {}, 'terminal_asks');
      return;
    }
    if (card.toolUseId) live.mirror.carded.set(card.toolUseId, d.decision === 'approve' ? 'approved' : 'denied');
    if (d.decision === 'approve') {
      this.deps.log.info(`terminal session ${shortId(live.id)}: ${card.toolName} approved by ${who}${d.approve_all ? ' (approve all)' : ''}`);
      if (d.approve_all) void this.approveAll(live.id, d.by?.username);
      this.settle(live, card, card.kind === 'question' ? stepAside('a question needs an answer, not an approval') : permission({behavior: 'allow'}));
    } else {
      this.deps.log.info(`terminal session ${shortId(live.id)}: ${card.toolName} denied by ${who}${d.reason ? ` (${d.reason})` : ''}`);
      const message = card.kind === 'question' ? `${who} did not answer: ${d.reason?.trim() || 'no answer'}` : denyMessage(d);
      this.settle(live, card, permission({behavior: 'deny', message}));
    }
    void this.setPhase(live.id, 'working');
  }

  private onAnswer(live: Live, e: AnswerEvent): void {
    const card = live.cards.get(e.payload.request_id);
    if (!card || card.kind !== 'question') {
      this.deps.log.debug(`terminal session ${shortId(live.id)}: answer for ${e.payload.request_id}, which no hook waits for any more`);
      return;
    }
    this.deps.log.info(`terminal session ${shortId(live.id)}: question answered by @${e.payload.by?.username ?? '?'}`);
    if (card.toolUseId) live.mirror.carded.set(card.toolUseId, 'approved');
    this.settle(live, card, permission({behavior: 'allow', updatedInput: answeredInput(card.input, e.payload.answers)}));
    void this.setPhase(live.id, 'working');
  }

  private async approveAll(id: string, by?: string): Promise<void> {
    const rec = await this.store.update(id, (r) => ({...r!, approve_all: true}));
    await this.status(id, 'working', {permission_mode: 'bypassPermissions'});
    await this.notice(rec, TEXTS.mode(by));
  }

  private async onMessage(live: Live, e: MessageEvent): Promise<void> {
    let rec = this.store.get(live.id)!;
    const text = await this.deps.withAttachments(e, rec.cwd);
    const by = e.payload.user?.username ?? '';
    const terminalRuns = rec.claude_pid !== undefined && rec.claude_start !== undefined && (await stillRunning(rec.claude_pid, rec.claude_start));
    if (!terminalRuns) {
      // Nobody is at a terminal to give it to: the conversation continues here.
      await this.store.update(live.id, (r) => ({...r!, queued: [...r!.queued, {text, by}]}));
      await this.notice(rec, TEXTS.terminalGone(this.deps.machineName));
      await this.continueHere(live, false);
      return;
    }
    rec = await this.store.update(live.id, (r) => ({...r!, queued: [...r!.queued, {text, by}]}));
    this.deps.log.info(`terminal session ${shortId(live.id)}: message${by ? ` from @${by}` : ''} queued for Claude in the terminal`);
    if (live.stopWaiter) {
      const messages = rec.queued;
      await this.store.update(live.id, (r) => ({...r!, queued: []}));
      await this.setPhase(live.id, 'working');
      live.stopWaiter(block(TEXTS.stopFeedback(messages)));
      return;
    }
    if (rec.phase === 'idle') await this.notice(rec, TEXTS.queuedWhileIdle(this.deps.owner));
  }

  private async onCommand(live: Live, e: CommandEvent): Promise<void> {
    const {name, args} = e.payload;
    const rec = this.store.get(live.id)!;
    this.deps.log.info(`terminal session ${shortId(live.id)}: !${name}${args ? ' ' + args : ''}${e.payload.by ? ` from @${e.payload.by.username}` : ''}`);
    switch (name) {
      // The plugin says in the thread who set away / back; the agent only adds what it alone knows.
      case 'away': {
        const next = await this.store.update(live.id, (r) => ({...r!, away: true}));
        if (next.phase === 'idle' && !live.stopWaiter && next.queued.length > 0) await this.notice(next, TEXTS.awayIdle);
        return;
      }
      case 'back':
        await this.store.update(live.id, (r) => ({...r!, away: false}));
        live.stopWaiter?.({});
        return;
      case 'handover':
      case 'continue':
        await this.continueHere(live, true);
        return;
      case 'escape':
        await this.notice(rec, TEXTS.escape);
        return;
      case 'file': {
        const why = await this.deps.sendFile(rec.session_id!, args.trim().replace(/^(["'])(.*)\1$/, '$2'), rec.cwd);
        if (why) await this.notice(rec, `Cannot send \`${args.trim()}\`: ${why}`);
        return;
      }
      default:
        await this.notice(rec, TEXTS.notHere(name, this.deps.machineName));
    }
  }

  /** Stopped from Mattermost: the thread ends; the terminal carries on unmirrored until it starts again. */
  private async onStopEvent(live: Live, by?: string): Promise<void> {
    this.deps.log.info(`terminal session ${shortId(live.id)}: stopped in Mattermost${by ? ` by @${by}` : ''}; no longer mirrored until it starts again`);
    for (const card of [...live.cards.values()]) this.settle(live, card, {});
    live.stopWaiter?.({});
    this.unwatch(live);
    await this.store.update(live.id, (r) => ({...r!, state: 'ended', phase: 'ended', queued: [], pending: []}));
    await this.status(live.id, 'ended');
  }

  // ---------------------------------------------------------------- handing over

  /**
   * Continue here: the terminal's Claude Code is asked to exit (and told
   * where the conversation went), then the agent resumes the same Claude
   * session with the queued replies as its next turns.
   */
  private async continueHere(live: Live, endTerminal: boolean): Promise<void> {
    const {log} = this.deps;
    const rec = this.store.get(live.id)!;
    if (!rec.session_id) return;
    if (!(await this.leaveTerminal(live))) return;
    const after = this.store.get(live.id)!;
    const messages = after.queued.map((m) => (m.by ? `Message from @${m.by}: ${m.text}` : m.text));
    await this.store.update(live.id, (r) => ({...r!, queued: []}));
    const now = Date.now();
    const mode = after.approve_all ? 'bypassPermissions' : (knownMode(after.permission_mode) ?? 'default');
    const session = await this.deps.sessions.update(after.session_id!, (r) => ({
      ...(r ?? {}),
      session_id: after.session_id!,
      claude_session_id: after.claude_session_id,
      cwd: after.cwd,
      state: 'open',
      phase: 'idle',
      pending_approvals: [],
      queued: [],
      branch: after.branch ?? '',
      permission_mode: mode,
      model: after.model,
      channel_id: after.channel_id,
      root_id: after.root_id,
      created_at: r?.created_at ?? now,
      updated_at: now,
    }));
    log.info(`terminal session ${shortId(live.id)}: continuing in the agent as session ${shortId(after.session_id!)}`);
    if (endTerminal) await this.notice(after, TEXTS.handedOver(this.deps.machineName));
    this.deps.runInAgent(session, messages);
  }

  /**
   * The conversation leaves the terminal: hooks waiting step aside, cards are
   * left to the terminal, its Claude Code exits, and the last of its
   * transcript is mirrored. False when the process would not end.
   */
  private async leaveTerminal(live: Live): Promise<boolean> {
    const {log} = this.deps;
    const rec = this.store.get(live.id)!;
    live.handingOver = true;
    try {
      for (const card of [...live.cards.values()]) this.settle(live, card, {}, 'terminal_asks');
      live.stopWaiter?.({});
      if (rec.claude_pid !== undefined && rec.claude_start !== undefined && (await stillRunning(rec.claude_pid, rec.claude_start))) {
        log.info(`terminal session ${shortId(live.id)}: asking the terminal's Claude Code (pid ${rec.claude_pid}) to exit`);
        const gone = await endProcess(rec.claude_pid, rec.claude_start, this.deps.handoverGraceMs ?? 10_000);
        if (!gone) {
          log.warn(`terminal session ${shortId(live.id)}: Claude Code (pid ${rec.claude_pid}) did not exit`);
          await this.notice(rec, TEXTS.cannotEnd(rec.claude_pid));
          return false;
        }
        if (rec.tty) {
          try {
            fs.appendFileSync(rec.tty, TEXTS.ttyHandover(rec.permalink ?? '', rec.claude_session_id));
          } catch (err) {
            log.debug(`terminal session ${shortId(live.id)}: could not write to ${rec.tty}: ${describeError(err)}`);
          }
        }
      }
      await this.drain(live);
      this.unwatch(live);
      await this.store.update(live.id, (r) => ({...r!, runs_in: 'agent', phase: 'idle', claude_pid: undefined, claude_start: undefined, tty: undefined, pending: []}));
      await this.emit(this.store.get(live.id)!, {kind: 'status', status: 'idle', runs_in: 'agent'});
      return true;
    } finally {
      live.handingOver = false;
    }
  }

  /**
   * `claude-mattermost resume`: the Mattermost side lets go of the
   * conversation (the agent's Claude Code stops) and the CLI opens it in the
   * terminal, where the hooks mirror it into the same thread again.
   */
  private async takeBack(req: {target?: unknown; cwd?: unknown}): Promise<unknown> {
    const target = typeof req.target === 'string' ? req.target : '';
    const here = typeof req.cwd === 'string' ? req.cwd : '';
    const found = findTarget(target, here, await this.known());
    if (!found.ok) return {error: found.reason};
    const {session_id: sessionId, claude_session_id: claudeId} = found.session;
    const {log} = this.deps;
    if (sessionId && this.deps.agentSessionOf(claudeId) === sessionId) {
      log.info(`session ${shortId(sessionId)}: taken back to a terminal; stopping its Claude Code here`);
      await this.deps.stopInAgent(sessionId);
    }
    const agentRec = sessionId ? this.deps.sessions.get(sessionId) : undefined;
    const old = this.store.get(claudeId);
    const cwd = agentRec?.cwd ?? old?.cwd ?? found.session.cwd;
    const transcript = old?.transcript_path ?? transcriptPathFor(cwd, claudeId, this.deps.env);
    // What the agent's Claude Code said meanwhile is in the thread already: the terminal's mirror starts after it.
    const offset = await sizeOf(transcript);
    const now = Date.now();
    const base: TerminalRecord = old ?? {
      claude_session_id: claudeId,
      cwd,
      transcript_path: transcript,
      offset,
      open_key: randomUUID(),
      channel: '',
      state: 'open',
      runs_in: 'terminal',
      phase: 'idle',
      away: false,
      approve_all: false,
      queued: [],
      pending: [],
      created_at: now,
      updated_at: now,
    };
    // Opened again below: the plugin continues the same session in the terminal (un-ended if it had ended, away cleared).
    await this.store.update(claudeId, () => ({
      ...base,
      cwd,
      transcript_path: transcript,
      offset,
      session_id: undefined,
      open_key: randomUUID(),
      root_id: agentRec?.root_id ?? base.root_id,
      channel_id: agentRec?.channel_id ?? base.channel_id,
      permission_mode: agentRec?.permission_mode ?? base.permission_mode,
      model: agentRec?.model ?? base.model,
      branch: agentRec?.branch ?? base.branch,
      state: 'open',
      runs_in: 'terminal',
      phase: 'idle',
      away: false,
      refused: undefined,
      claude_pid: undefined,
      claude_start: undefined,
      pending: [],
    }));
    if (agentRec) await this.deps.sessions.remove(agentRec.session_id);
    // Claude Code may start before the plugin answers: its hooks find the thread once it is open.
    await Promise.race([this.open(this.liveOf(claudeId)), sleep(5000, this.abort.signal)]);
    const rec = this.store.get(claudeId)!;
    if (rec.session_id) await this.notice(rec, TEXTS.takenBack(this.deps.machineName));
    log.info(`terminal session ${shortId(claudeId)}: taken back to a terminal in ${cwd}`);
    return {claude_session_id: claudeId, cwd, session_id: rec.session_id ?? '', permalink: rec.permalink ?? ''};
  }

  /** `claude-mattermost new` through the running agent. */
  private async headless(req: {key?: unknown; prompt?: unknown; cwd?: unknown; channel?: unknown}): Promise<unknown> {
    const str = (v: unknown) => (typeof v === 'string' ? v : '');
    try {
      const got = await startHeadless(this.deps.client, str(req.key) || randomUUID(), {prompt: str(req.prompt), dir: str(req.cwd), channel: str(req.channel)}, {
        allowedRoots: this.deps.allowedRoots(),
        defaultDir: this.deps.defaultDir(),
      });
      this.deps.log.info(`session ${shortId(got.session_id)}: opened from the command line (${got.permalink || 'no link'})`);
      return got;
    } catch (err) {
      return {error: describeError(err)};
    }
  }

  /** Every conversation this machine knows, for `resume`. */
  private async known(): Promise<Known[]> {
    const out: Known[] = this.store.all().map((r) => ({session_id: r.session_id ?? '', claude_session_id: r.claude_session_id, cwd: r.cwd, root_id: r.root_id, updated_at: r.updated_at}));
    for (const s of await this.deps.agentRecords()) {
      if (!s.claude_session_id || out.some((k) => k.claude_session_id === s.claude_session_id && k.updated_at >= s.updated_at)) continue;
      out.push({session_id: s.session_id, claude_session_id: s.claude_session_id, cwd: s.cwd, root_id: s.root_id, updated_at: s.updated_at});
    }
    return out;
  }

  // ---------------------------------------------------------------- transcript

  /** Mirror what the transcript gained since the last read (one read at a time per session). */
  private drain(live: Live): Promise<void> {
    const next = live.chain.then(() => this.drainNow(live)).catch((err: unknown) => this.deps.log.warn(`terminal session ${shortId(live.id)}: reading the transcript failed: ${describeError(err)}`));
    live.chain = next;
    return next;
  }

  private async drainNow(live: Live): Promise<void> {
    if (this.closed) return;
    const rec = this.store.get(live.id);
    if (!rec || !rec.session_id || rec.state !== 'open' || rec.runs_in !== 'terminal') return;
    const got = await readFrom(rec.transcript_path, rec.offset);
    if (got.offset === rec.offset) return;
    for (const line of got.lines) {
      for (const item of itemsOf(line)) await this.mirrorItem(live, rec, item);
    }
    await this.store.update(live.id, (r) => ({...r!, offset: got.offset}));
  }

  /** Mirror one transcript item: its outputs, and what it says about waiting cards, the model, the cost. */
  private async mirrorItem(live: Live, rec: TerminalRecord, item: TranscriptItem): Promise<void> {
    for (const step of live.mirror.step(item, rec.cwd)) {
      switch (step.kind) {
        case 'output':
          await this.emit(rec, step.out);
          break;
        case 'call': {
          // A card whose call had no PreToolUse match learns its tool_use id here.
          const key = stableJson(step.call.input);
          const card = [...live.cards.values()].find((c) => !c.toolUseId && c.toolName === step.call.name && stableJson(c.input) === key);
          if (card) this.cardCall(live, card, step.call.id);
          break;
        }
        case 'result': {
          const card = [...live.cards.values()].find((c) => c.toolUseId === step.id);
          if (!card) break;
          const outcome: ResolvedOutcome = step.rejected ? 'terminal_denied' : 'terminal_allowed';
          this.deps.log.info(`terminal session ${shortId(live.id)}: ${card.toolName} was ${step.rejected ? 'refused' : 'allowed'} in the terminal`);
          this.settle(live, card, {}, outcome);
          break;
        }
        case 'model':
          if (rec.model !== step.model) {
            await this.store.update(live.id, (r) => ({...r!, model: step.model}));
            await this.emit(rec, this.statusOf(rec, rec.phase === 'ended' ? 'idle' : rec.phase, {model: step.model}));
          }
          break;
        case 'cost':
          await this.emit(rec, this.statusOf(rec, rec.phase === 'ended' ? 'idle' : rec.phase, {cost_usd: step.cost_usd, input_tokens: step.input_tokens, output_tokens: step.output_tokens}));
          break;
        case 'interrupted':
          if (this.store.get(live.id)?.phase !== 'idle') await this.setPhase(live.id, 'idle');
          break;
      }
    }
  }

  /** A card's call: its edit is on the card (no applied-diff post unless it is denied). */
  private cardCall(live: Live, card: Card, toolUseId: string): void {
    card.toolUseId = toolUseId;
    if (!live.mirror.carded.has(toolUseId)) live.mirror.carded.set(toolUseId, 'approved');
  }

  /** Mirror the transcript as it grows (fs.watch; every hook event reads it too). */
  private watch(live: Live): void {
    if (live.watcher) return;
    const rec = this.store.get(live.id);
    if (!rec || !fs.existsSync(rec.transcript_path)) return;
    try {
      live.watcher = fs.watch(rec.transcript_path, () => {
        if (live.watchTimer) return;
        live.watchTimer = setTimeout(() => {
          live.watchTimer = undefined;
          void this.drain(live);
        }, 100);
      });
      live.watcher.on('error', () => this.unwatch(live));
      live.watcher.unref();
    } catch {
      // Not watchable (a network file system): hook events still read it.
    }
  }

  private unwatch(live: Live): void {
    live.watcher?.close();
    live.watcher = undefined;
    if (live.watchTimer) clearTimeout(live.watchTimer);
    live.watchTimer = undefined;
    if (live.poll) clearInterval(live.poll);
    live.poll = undefined;
  }

  /** While a card waits, read the transcript every second too, so an answer typed in the terminal is seen even without file events. */
  private pollWhileCards(live: Live): void {
    if (live.poll) return;
    live.poll = setInterval(() => {
      if (live.cards.size === 0) {
        clearInterval(live.poll);
        live.poll = undefined;
        return;
      }
      void this.drain(live).then(() => this.settleOrphans(live, false));
    }, 1000);
    live.poll.unref();
  }

  // ---------------------------------------------------------------- helpers

  /** Answer a card's hook once; `resolved` also closes the card in Mattermost. */
  private settle(live: Live, card: Card, answer: HookAnswer, resolved?: ResolvedOutcome): void {
    if (card.settled) return;
    card.settled = true;
    live.cards.delete(card.requestId);
    card.resolve(answer);
    const rec = this.store.get(live.id);
    if (!rec || this.closed) return;
    void (async () => {
      if (resolved && rec.session_id) await this.emit(rec, {kind: 'resolved', request_id: card.requestId, outcome: resolved});
      await this.store.update(live.id, (r) => ({...r!, pending: r!.pending.filter((id) => id !== card.requestId)}));
      if (resolved && live.cards.size === 0 && this.store.get(live.id)?.phase === 'waiting') await this.setPhase(live.id, 'working');
    })();
  }

  private get closed(): boolean {
    return this.abort.signal.aborted;
  }

  private liveOf(id: string): Live {
    let live = this.live.get(id);
    if (!live) {
      live = {id, chain: Promise.resolve(), mirror: new Mirror(), recent: [], cards: new Map(), handingOver: false};
      this.live.set(id, live);
    }
    return live;
  }

  private async setPhase(id: string, phase: 'working' | 'waiting' | 'idle', withContext = false, more: Partial<StatusOutput> = {}): Promise<void> {
    const rec = this.store.get(id);
    if (!rec) return;
    if (rec.phase !== phase) await this.store.update(id, (r) => ({...r!, phase}));
    const live = this.live.get(id);
    const context = live?.mirror.context;
    const extra: Partial<StatusOutput> = withContext && context ? {context_tokens: context.tokens, context_window: DEFAULT_CONTEXT_WINDOW} : {};
    await this.status(id, phase, {...extra, ...more});
  }

  private async status(id: string, status: SessionStatus, extra: Partial<StatusOutput> = {}): Promise<void> {
    const rec = this.store.get(id);
    if (rec) await this.emit(rec, this.statusOf(rec, status, extra));
  }

  private statusOf(rec: TerminalRecord, status: SessionStatus, extra: Partial<StatusOutput> = {}): StatusOutput {
    const mode = rec.approve_all ? 'bypassPermissions' : knownMode(rec.permission_mode);
    return {kind: 'status', status, runs_in: rec.runs_in, claude_session_id: rec.claude_session_id, ...(mode ? {permission_mode: mode} : {}), ...extra};
  }

  private async notice(rec: TerminalRecord, text: string): Promise<void> {
    await this.emit(rec, {kind: 'notice', text: clip(text, MAX_NOTICE_CHARS)});
  }

  private async emit(rec: TerminalRecord, out: Output): Promise<void> {
    const sid = this.store.get(rec.claude_session_id)?.session_id ?? rec.session_id;
    if (!sid) return;
    await this.deps.emit(sid, out);
  }
}

/** The hook's permission mode as one the plugin knows (Claude Code also has e.g. `auto`, which the header shows as default). */
function knownMode(mode: string | undefined): PermissionMode | undefined {
  return mode && (PERMISSION_MODES as readonly string[]).includes(mode) ? (mode as PermissionMode) : undefined;
}

function realDir(dir: string): string {
  try {
    return fs.realpathSync(dir);
  } catch {
    return path.resolve(dir);
  }
}


