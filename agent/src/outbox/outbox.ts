/**
 * Durable, ordered outbox for agent → plugin output.
 *
 * Every output gets an Idempotency-Key when it is queued and keeps it for all
 * of its retries, so a retry after a timeout never makes a second post. Each
 * entry is a file `<seq>.json` in the outbox dir (written atomically), deleted
 * only after the plugin accepted it; after a restart the files are sent again,
 * in order. One entry is in flight at a time, so the plugin sees outputs in the
 * order they happened.
 */
import {randomUUID} from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import {ApiMismatchError, RejectedError, RevokedTokenError} from '../plugin/client.js';
import type {Output} from '../plugin/protocol.js';
import {backoff as makeBackoff, formatDelay, sleep, type Backoff} from '../util/backoff.js';
import {writeFileAtomic} from '../util/files.js';
import {describeError, shortId, silentLogger, type Logger} from '../util/log.js';

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

interface Slot {
  entry: OutboxEntry;
  inFlight: boolean;
  written: Promise<void>;
  /** Told when the plugin refused this entry for good (in this run only: callbacks are not persisted). */
  onRejected?: (err: RejectedError) => void;
}

export interface OutboxOptions {
  send: Sender;
  log?: Logger;
  backoff?: Backoff;
  /** Called once when the plugin says the token is revoked or the API is incompatible. */
  onFatal?: (err: Error) => void;
}

export class Outbox {
  private slots: Slot[] = [];
  private nextSeq = 1;
  private wake: (() => void) | undefined;
  private idleWaiters: Array<() => void> = [];
  private running = false;
  private readonly log: Logger;
  private readonly backoff: Backoff;

  private constructor(private readonly dir: string, private readonly opts: OutboxOptions) {
    this.log = opts.log ?? silentLogger;
    this.backoff = opts.backoff ?? makeBackoff({baseMs: 500, capMs: 30_000});
  }

  /** Open the outbox dir and load what an earlier run left unsent. */
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
    box.slots = loaded.map((entry) => ({entry, inFlight: false, written: Promise.resolve()}));
    box.nextSeq = (loaded.at(-1)?.seq ?? 0) + 1;
    return box;
  }

  get size(): number {
    return this.slots.length;
  }

  pending(): OutboxEntry[] {
    return this.slots.map((s) => s.entry);
  }

  /**
   * Queue one output. Order is fixed at call time; the returned promise
   * resolves once the entry is on disk. A streaming text update replaces a
   * not-yet-sent update of the same text block at the tail of the queue (the
   * newer one carries the whole text), so an outage does not turn into a
   * burst of stale updates.
   */
  enqueue(sessionId: string, body: OutboxBody, opts: {onRejected?: (err: RejectedError) => void} = {}): Promise<void> {
    const tail = this.slots.at(-1);
    if (
      tail &&
      !tail.inFlight &&
      body.kind === 'text' &&
      tail.entry.body.kind === 'text' &&
      tail.entry.session_id === sessionId &&
      tail.entry.body.message_id === body.message_id &&
      !tail.entry.body.done
    ) {
      tail.entry = {...tail.entry, body};
      const entry = tail.entry;
      tail.written = tail.written.then(() => this.write(entry));
      this.kick();
      return tail.written;
    }
    const entry: OutboxEntry = {seq: this.nextSeq++, session_id: sessionId, key: randomUUID(), body, created_at: Date.now()};
    const slot: Slot = {entry, inFlight: false, written: this.write(entry), onRejected: opts.onRejected};
    this.slots.push(slot);
    this.kick();
    return slot.written;
  }

  /** Queue a file upload: the file is copied into the outbox first (the returned promise fails if that fails). */
  async enqueueFile(sessionId: string, name: string, source: string, opts: {onRejected?: (err: RejectedError) => void} = {}): Promise<void> {
    const spool = path.join(this.dir, 'files', randomUUID());
    await fs.mkdir(path.dirname(spool), {recursive: true, mode: 0o700});
    await fs.copyFile(source, spool);
    const {size} = await fs.stat(spool);
    await this.enqueue(sessionId, {kind: 'file_upload', name, spool, size}, opts);
  }

  /** Send until stopped. Never throws; transient failures are retried with backoff and jitter. */
  async run(signal: AbortSignal): Promise<void> {
    if (this.running) return;
    this.running = true;
    let outage = false;
    try {
      while (!signal.aborted) {
        const slot = this.slots[0];
        if (!slot) {
          this.notifyIdle();
          let done!: () => void;
          await new Promise<void>((resolve) => {
            done = () => resolve();
            this.wake = done;
            signal.addEventListener('abort', done, {once: true});
          });
          // One listener left per idle wait would pile up on the long-lived signal.
          signal.removeEventListener('abort', done);
          this.wake = undefined;
          continue;
        }
        slot.inFlight = true;
        try {
          await slot.written;
          await this.opts.send(slot.entry);
          await this.remove(slot);
          if (outage) this.log.info(`plugin reachable again, sending ${this.slots.length} queued output(s)`);
          outage = false;
          this.backoff.reset();
        } catch (err) {
          slot.inFlight = false;
          if (err instanceof RevokedTokenError || err instanceof ApiMismatchError) {
            this.opts.onFatal?.(err);
            return;
          }
          if (err instanceof RejectedError) {
            this.log.warn(
              `session ${shortId(slot.entry.session_id)}: plugin refused ${slot.entry.body.kind} output (HTTP ${err.status}: ${err.message}); dropping it`,
            );
            await this.remove(slot);
            slot.onRejected?.(err);
            continue;
          }
          const delay = this.backoff.next();
          this.log.info(`waiting for plugin to accept output (${this.slots.length} queued, retry in ${formatDelay(delay)}): ${describeError(err)}`);
          outage = true;
          await sleep(delay, signal);
        }
      }
    } finally {
      this.running = false;
    }
  }

  /** Resolves when everything queued so far has been sent (or dropped). */
  whenIdle(): Promise<void> {
    if (this.slots.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private kick(): void {
    this.wake?.();
  }

  private notifyIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private async remove(slot: Slot): Promise<void> {
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
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
