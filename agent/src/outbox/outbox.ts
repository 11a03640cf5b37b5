/**
 * Durable outbox for agent → plugin output: one ordered lane per session.
 *
 * Every output gets an Idempotency-Key when it is queued and keeps it for all
 * of its retries, so a retry after a timeout never makes a second post. Each
 * entry is a file `<seq>.json` in the outbox dir (written atomically), deleted
 * once the plugin took it (or refused it for good); after a restart the files
 * are loaded again with their keys and go out in `seq` order per session.
 *
 * Rules (agent/README.md, "Outbox"):
 * - Within a session, outputs reach the plugin in the order they were queued:
 *   a lane sends its head, and only then the next one.
 * - Lanes are independent: a session whose head keeps failing never holds
 *   back another session. Up to `maxInFlight` lanes send at once, oldest
 *   head first.
 * - A transient failure (network, timeout, 5xx, 429) is retried with the same
 *   key, with backoff and jitter per lane (not before the plugin's
 *   `Retry-After`). An entry the plugin keeps failing
 *   with a 5xx (`poison`: that many attempts over that long, while the plugin
 *   answers other requests) is given up like a refused one.
 * - A refusal (4xx other than 401/426), an entry that cannot be sent at all
 *   (its file copy is gone, …) or a poison entry is dropped: logged, told to
 *   `onDropped` (a refused approval denies its tool), and noted in the
 *   session's thread with a `notice` that names what was dropped and why,
 *   never its content (not for a notice, nor for a session that is gone or
 *   ended: 403, 404, 409).
 * - 401 (token refused) and 426 (API mismatch) stop the outbox: `onFatal`.
 *
 * Batching: `send` is called for one entry at a time per session and for
 * several sessions concurrently; a sender that gathers the calls made within
 * one tick into a single request (and settles each call with its own outcome)
 * needs no change here.
 */
import {randomUUID} from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import {ApiMismatchError, RejectedError, RevokedTokenError, TransientError} from '../plugin/client.js';
import type {Output} from '../plugin/protocol.js';
import {backoff as makeBackoff, formatDelay, type Backoff} from '../util/backoff.js';
import {writeFileAtomic} from '../util/files.js';
import {describeError, shortId, silentLogger, type Logger} from '../util/log.js';
import {droppedNotice, formatDuration, type DropReason} from './notes.js';

/**
 * A file to post in the session's thread (`!file`): a copy is kept in the
 * outbox (`files/<key>`) until the plugin has it, so it goes out once, with
 * its key, even after a restart, and a later change to the original does not
 * change what is sent.
 */
export type FileUpload = {kind: 'file_upload'; name: string; spool: string; size: number};
export type OutboxBody = Output | FileUpload;

export interface OutboxEntry {
  seq: number;
  session_id: string;
  key: string;
  body: OutboxBody;
  created_at: number;
}

export type Sender = (entry: OutboxEntry) => Promise<unknown>;

/** Why an entry was dropped, for `onDropped`. */
export type {DropReason} from './notes.js';

export interface EnqueueOptions {
  /**
   * Awaited after the entry is on disk and before it is first sent (this run
   * only: it is not persisted). The session runner uses it so that the
   * session record on disk is never behind what the plugin has seen.
   */
  beforeSend?: () => Promise<unknown>;
}

interface Slot {
  entry: OutboxEntry;
  inFlight: boolean;
  written: Promise<void>;
  beforeSend?: () => Promise<unknown>;
}

interface Lane {
  sessionId: string;
  slots: Slot[];
  sending: boolean;
  /** Not before this time (ms): backing off after a transient failure. */
  notBefore: number;
  backoff: Backoff;
  /** 5xx answers to the current head, when the first came, and how many successes the plugin had had by then. */
  serverErrors: number;
  failingSince: number;
  successesBefore: number;
}

export interface PoisonRule {
  /** At least this many 5xx answers to the same entry… */
  attempts: number;
  /** …over at least this long (ms)… */
  ms: number;
  // …while the plugin answered something else successfully since the first one.
}

export interface OutboxOptions {
  send: Sender;
  log?: Logger;
  /** One per lane; default 500 ms doubling to 30 s, full jitter. */
  backoff?: () => Backoff;
  /** Lanes sending at once (default 4). */
  maxInFlight?: number;
  /** When a repeating 5xx is given up (default 8 attempts over 5 minutes). */
  poison?: PoisonRule;
  /** Called once when the plugin refuses the token (401) or the API version (426). */
  onFatal?: (err: Error) => void;
  /** Told about every entry dropped for good, whatever run queued it. */
  onDropped?: (entry: OutboxEntry, reason: DropReason) => void;
  now?: () => number;
}

export class Outbox {
  private readonly lanes = new Map<string, Lane>();
  private nextSeq = 1;
  private inFlight = 0;
  private wake: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private idleWaiters: Array<() => void> = [];
  private running = false;
  private stopped = false;
  /** Requests the plugin answered successfully (outputs here, and what the daemon reports). */
  private successes = 0;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly poison: PoisonRule;

  private constructor(private readonly dir: string, private readonly opts: OutboxOptions) {
    this.log = opts.log ?? silentLogger;
    this.now = opts.now ?? Date.now;
    this.poison = opts.poison ?? {attempts: 8, ms: 5 * 60_000};
  }

  /** Open the outbox dir and load what an earlier run left unsent (keys and order kept). */
  static async open(dir: string, opts: OutboxOptions): Promise<Outbox> {
    const box = new Outbox(dir, opts);
    await fs.mkdir(dir, {recursive: true, mode: 0o700});
    const names = (await fs.readdir(dir)).filter((n) => /^\d+\.json$/.test(n));
    const loaded: OutboxEntry[] = [];
    for (const name of names) {
      try {
        loaded.push(JSON.parse(await fs.readFile(path.join(dir, name), 'utf8')) as OutboxEntry);
      } catch (err) {
        box.log.warn(`outbox: skipping unreadable ${name}: ${describeError(err)}`);
      }
    }
    loaded.sort((a, b) => a.seq - b.seq);
    for (const entry of loaded) box.lane(entry.session_id).slots.push({entry, inFlight: false, written: Promise.resolve()});
    box.nextSeq = (loaded.at(-1)?.seq ?? 0) + 1;
    return box;
  }

  get size(): number {
    let n = 0;
    for (const lane of this.lanes.values()) n += lane.slots.length;
    return n;
  }

  /** Every entry not yet taken by the plugin, in `seq` order. */
  pending(): OutboxEntry[] {
    return [...this.lanes.values()].flatMap((l) => l.slots.map((s) => s.entry)).sort((a, b) => a.seq - b.seq);
  }

  /**
   * Queue one output. Order within the session is fixed at call time; the
   * returned promise resolves once the entry is on disk. A streaming text
   * update replaces a not-yet-sent update of the same text block at the tail
   * of the session's lane (the newer one carries the whole text), so an
   * outage does not turn into a burst of stale updates.
   */
  enqueue(sessionId: string, body: OutboxBody, opts: EnqueueOptions = {}): Promise<void> {
    const lane = this.lane(sessionId);
    const tail = lane.slots.at(-1);
    if (tail && !tail.inFlight && body.kind === 'text' && tail.entry.body.kind === 'text' && tail.entry.body.message_id === body.message_id && !tail.entry.body.done) {
      // A new key for the new body: the old one may have reached the plugin already (an earlier run died before deleting it).
      tail.entry = {...tail.entry, key: randomUUID(), body};
      tail.beforeSend = opts.beforeSend;
      const entry = tail.entry;
      tail.written = tail.written.then(() => this.write(entry));
      this.kick();
      return tail.written;
    }
    const entry: OutboxEntry = {seq: this.nextSeq++, session_id: sessionId, key: randomUUID(), body, created_at: this.now()};
    const slot: Slot = {entry, inFlight: false, written: this.write(entry), beforeSend: opts.beforeSend};
    lane.slots.push(slot);
    this.kick();
    return slot.written;
  }

  /** Queue a file upload: the file is copied into the outbox first (the returned promise fails if that fails). */
  async enqueueFile(sessionId: string, name: string, source: string): Promise<void> {
    const spool = path.join(this.dir, 'files', randomUUID());
    await fs.mkdir(path.dirname(spool), {recursive: true, mode: 0o700});
    await fs.copyFile(source, spool);
    const {size} = await fs.stat(spool);
    await this.enqueue(sessionId, {kind: 'file_upload', name, spool, size});
  }

  /** Resolves when every entry queued so far is on disk. */
  async flushed(): Promise<void> {
    await Promise.all([...this.lanes.values()].flatMap((l) => l.slots.map((s) => s.written)));
  }

  /** The plugin answered some other request (e.g. a long poll): it is up, so a 5xx that repeats is about the output. */
  notePluginAnswered(): void {
    this.successes += 1;
  }

  /** Send until the signal aborts or the plugin refuses the token. Never throws. */
  async run(signal: AbortSignal): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.stopped = false;
    const onAbort = () => this.kick();
    signal.addEventListener('abort', onAbort, {once: true});
    try {
      while (!signal.aborted && !this.stopped) {
        const now = this.now();
        let soonest = Infinity;
        for (const lane of this.readyLanes()) {
          if (this.inFlight >= (this.opts.maxInFlight ?? 4)) break;
          if (lane.notBefore > now) {
            soonest = Math.min(soonest, lane.notBefore);
            continue;
          }
          void this.sendHead(lane);
        }
        if (this.size === 0 && this.inFlight === 0) this.notifyIdle();
        await this.sleep(soonest === Infinity ? undefined : soonest - now);
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      this.running = false;
    }
  }

  /** Resolves when everything queued so far has been sent (or dropped). */
  whenIdle(): Promise<void> {
    if (this.size === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private lane(sessionId: string): Lane {
    let lane = this.lanes.get(sessionId);
    if (!lane) {
      lane = {
        sessionId,
        slots: [],
        sending: false,
        notBefore: 0,
        backoff: this.opts.backoff?.() ?? makeBackoff({baseMs: 500, capMs: 30_000}),
        serverErrors: 0,
        failingSince: 0,
        successesBefore: 0,
      };
      this.lanes.set(sessionId, lane);
    }
    return lane;
  }

  /** Lanes with something to send and nothing in flight, oldest head first. */
  private readyLanes(): Lane[] {
    return [...this.lanes.values()].filter((l) => !l.sending && l.slots.length > 0).sort((a, b) => a.slots[0]!.entry.seq - b.slots[0]!.entry.seq);
  }

  private async sendHead(lane: Lane): Promise<void> {
    const slot = lane.slots[0]!;
    lane.sending = true;
    slot.inFlight = true;
    this.inFlight += 1;
    try {
      await slot.written;
      if (slot.beforeSend) await slot.beforeSend().catch(() => undefined);
      await this.opts.send(slot.entry);
      this.successes += 1;
      if (lane.notBefore > 0) this.log.info(`session ${shortId(lane.sessionId)}: the plugin accepts its output again (${lane.slots.length - 1} more queued)`);
      this.resetLane(lane);
      await this.remove(lane, slot);
    } catch (err) {
      slot.inFlight = false;
      await this.failed(lane, slot, err);
    } finally {
      this.inFlight -= 1;
      lane.sending = false;
      if (lane.slots.length === 0) this.lanes.delete(lane.sessionId);
      this.kick();
    }
  }

  private resetLane(lane: Lane): void {
    lane.backoff.reset();
    lane.notBefore = 0;
    lane.serverErrors = 0;
    lane.failingSince = 0;
  }

  private async failed(lane: Lane, slot: Slot, err: unknown): Promise<void> {
    const what = `${slot.entry.body.kind} output`;
    const sid = shortId(lane.sessionId);
    if (err instanceof RevokedTokenError || err instanceof ApiMismatchError) {
      this.stopped = true;
      this.opts.onFatal?.(err);
      return;
    }
    if (err instanceof RejectedError) {
      return this.drop(lane, slot, {kind: 'refused', status: err.status, message: err.message});
    }
    if (!(err instanceof TransientError)) {
      // Not the plugin's answer: something here cannot send this entry (its file copy is gone, …). Trying again cannot help.
      return this.drop(lane, slot, {kind: 'unsendable', message: describeError(err)});
    }
    const now = this.now();
    if (err.status !== undefined && err.status >= 500) {
      if (lane.serverErrors === 0) {
        lane.failingSince = now;
        lane.successesBefore = this.successes;
      }
      lane.serverErrors += 1;
      const pluginUp = this.successes > lane.successesBefore;
      if (lane.serverErrors >= this.poison.attempts && now - lane.failingSince >= this.poison.ms && pluginUp) {
        return this.drop(lane, slot, {kind: 'failing', status: err.status, message: err.message, attempts: lane.serverErrors, ms: now - lane.failingSince});
      }
    }
    const delay = Math.max(lane.backoff.next(), err.retryAfterMs ?? 0);
    lane.notBefore = now + delay;
    this.log.info(`session ${sid}: waiting for the plugin to accept ${what} (${lane.slots.length} queued for this session, retry in ${formatDelay(delay)}): ${describeError(err)}`);
  }

  /** Give an entry up for good: log, tell the owner, note it in the thread, and go on with the lane. */
  private async drop(lane: Lane, slot: Slot, reason: DropReason): Promise<void> {
    const {entry} = slot;
    this.log.warn(`session ${shortId(entry.session_id)}: dropping ${entry.body.kind} output ${entry.seq}: ${describeReason(reason)}`);
    this.resetLane(lane);
    await this.remove(lane, slot);
    try {
      this.opts.onDropped?.(entry, reason);
    } catch (err) {
      this.log.error(`session ${shortId(entry.session_id)}: handling the dropped output failed: ${describeError(err)}`);
    }
    // A refused notice gets no note (it would be refused the same way), nor does a session the plugin does not
    // know or give us (403, 404), or one that has ended (409: its cards are closed, nobody waits for them).
    const sessionGone = reason.kind === 'refused' && [403, 404, 409].includes(reason.status);
    if (entry.body.kind === 'notice' || sessionGone) return;
    // The note takes the dropped output's place (its seq, a key of its own), so the thread reads in order, after a restart too.
    const note: OutboxEntry = {seq: entry.seq, session_id: entry.session_id, key: randomUUID(), body: {kind: 'notice', text: droppedNotice(entry.body, reason)}, created_at: this.now()};
    lane.slots.unshift({entry: note, inFlight: false, written: this.write(note)});
  }

  private kick(): void {
    this.wake?.();
  }

  private sleep(ms: number | undefined): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        if (this.timer) clearTimeout(this.timer);
        this.timer = undefined;
        this.wake = undefined;
        resolve();
      };
      this.wake = done;
      if (ms !== undefined) this.timer = setTimeout(done, Math.max(0, ms));
    });
  }

  private notifyIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private async remove(lane: Lane, slot: Slot): Promise<void> {
    const i = lane.slots.indexOf(slot);
    if (i >= 0) lane.slots.splice(i, 1);
    await slot.written.catch(() => undefined);
    await fs.rm(this.file(slot.entry.seq), {force: true});
    if (slot.entry.body.kind === 'file_upload') await fs.rm(slot.entry.body.spool, {force: true});
  }

  /** Persist one entry. A disk failure costs durability, not the output: it is logged and the entry is still sent. */
  private write(entry: OutboxEntry): Promise<void> {
    return writeFileAtomic(this.file(entry.seq), JSON.stringify(entry)).catch((err: unknown) => {
      this.log.warn(`outbox: could not save output ${entry.seq} to disk: ${describeError(err)}`);
    });
  }

  private file(seq: number): string {
    return path.join(this.dir, `${String(seq).padStart(12, '0')}.json`);
  }
}

function describeReason(r: DropReason): string {
  switch (r.kind) {
    case 'refused':
      return `the plugin refused it (HTTP ${r.status}: ${r.message})`;
    case 'failing':
      return `the plugin failed on it ${r.attempts} times over ${formatDuration(r.ms)} while answering other requests (HTTP ${r.status}: ${r.message})`;
    case 'unsendable':
      return `it cannot be sent: ${r.message}`;
  }
}
