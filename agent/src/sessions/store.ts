/**
 * What the agent remembers about each session across restarts, one JSON file
 * per session in `<config dir>/sessions/`: everything a restart after a crash
 * needs to lose nothing (agent/README.md, "Restarts"):
 * - the Claude session id (to resume), the working directory, mode, model;
 * - the work queued for Claude (`queued`) and the turn Claude is on (`turn`),
 *   so a turn cut by a crash is resumed and no message is lost;
 * - the approvals of the turn, with their decisions once made (the durable
 *   inbox for decisions: a decision that arrives while the Claude process is
 *   gone waits here until a resumed session has consumed it);
 * - the text blocks still streaming and their last text (`streams`), so a
 *   post cut by a crash is finished and marked;
 * - the last inbox event applied (`last_event`), so a redelivered event is
 *   not applied twice;
 * - the pid of its Claude Code process, so one left running by a killed
 *   agent is stopped before the session resumes.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import {z} from 'zod';
import {readFileIfExists, writeFileAtomic} from '../util/files.js';

const userRef = z.object({id: z.string(), username: z.string()});

export const pendingApprovalSchema = z.object({
  request_id: z.string(),
  tool_name: z.string(),
  input: z.record(z.string(), z.unknown()),
  tool_use_id: z.string().optional(),
  created_at: z.number(),
  decision: z
    .object({
      decision: z.enum(['approve', 'deny']),
      by: userRef.optional(),
      reason: z.string().default(''),
      /** The decision reached Claude Code (so an approved tool may have started before a crash). */
      delivered: z.boolean().optional(),
    })
    .optional(),
});
export type PendingApproval = z.infer<typeof pendingApprovalSchema>;

/**
 * Work waiting for Claude in order: a participant's message (a user turn) or
 * a change of directory (`!cd`, `!worktree`) that applies between turns.
 * Kept on disk so that a restart delivers what was queued.
 */
const messageItemSchema = z.object({
  type: z.literal('message'),
  text: z.string(),
  images: z.array(z.object({path: z.string(), media_type: z.string()})).optional(),
  /**
   * A turn a restart cut off, given to Claude again: it is sent wrapped in a
   * note saying so (claude/recovery.ts), the text itself stays as it came.
   */
  interrupted: z.boolean().optional(),
});
export const queuedItemSchema = z.discriminatedUnion('type', [
  messageItemSchema,
  z.object({type: z.literal('cd'), dir: z.string(), branch: z.string().default(''), notice: z.string()}),
]);
export type QueuedItem = z.infer<typeof queuedItemSchema>;
export type MessageItem = z.infer<typeof messageItemSchema>;

/** A text block still streaming: its message id and the last text queued for the plugin. */
export const openStreamSchema = z.object({message_id: z.string(), text: z.string()});
export type OpenStream = z.infer<typeof openStreamSchema>;

const permissionModeSchema = z.enum(['default', 'acceptEdits', 'plan', 'bypassPermissions']);

export const sessionRecordSchema = z.object({
  session_id: z.string(),
  claude_session_id: z.string().optional(),
  cwd: z.string(),
  /** open: Claude may be asked more; ended: stopped by a user, nothing more happens. */
  state: z.enum(['open', 'ended']),
  /** What the session was doing when last saved: a restart in `working` interrupted a turn. */
  phase: z.enum(['starting', 'working', 'waiting', 'idle', 'error']).default('starting'),
  pending_approvals: z.array(pendingApprovalSchema).default([]),
  started_by: userRef.optional(),
  /** Git branch of the worktree the session runs in ("" when none was asked for). */
  branch: z.string().optional(),
  permission_mode: permissionModeSchema.optional(),
  model: z.string().optional(),
  participants: z.array(userRef).optional(),
  channel_id: z.string().optional(),
  root_id: z.string().optional(),
  queued: z.array(queuedItemSchema).optional(),
  /** The user turn handed to Claude Code whose result has not come yet. */
  turn: messageItemSchema.optional(),
  /** Text blocks being streamed to the thread (not `done` yet). */
  streams: z.array(openStreamSchema).optional(),
  /** Seq of the start event that (re)started the session: a redelivered start is recognised by it. */
  start_seq: z.number().optional(),
  /** The last inbox event applied to this session (seq and its created_at): a redelivered one is skipped. */
  last_event: z.object({seq: z.number(), at: z.number().optional()}).optional(),
  /** The Claude Code process running this session, while it runs. */
  claude_pid: z.number().int().positive().optional(),
  created_at: z.number(),
  updated_at: z.number(),
});
export type SessionRecord = z.infer<typeof sessionRecordSchema>;

/** A session's saves: the one being written, and the one waiting to start (which will write the latest record). */
interface Saves {
  current: Promise<void>;
  next?: Promise<void>;
}

export class SessionStore {
  private cache = new Map<string, SessionRecord>();
  private saves = new Map<string, Saves>();

  constructor(private readonly dir: string) {}

  async loadAll(): Promise<SessionRecord[]> {
    await fs.mkdir(this.dir, {recursive: true, mode: 0o700});
    const out: SessionRecord[] = [];
    for (const name of await fs.readdir(this.dir)) {
      if (!name.endsWith('.json')) continue;
      const text = await readFileIfExists(path.join(this.dir, name));
      if (!text) continue;
      const parsed = sessionRecordSchema.safeParse(safeJson(text));
      if (parsed.success) {
        this.cache.set(parsed.data.session_id, parsed.data);
        out.push(parsed.data);
      }
    }
    return out;
  }

  /** Resolves when every change made so far is on disk. */
  async flush(): Promise<void> {
    await Promise.all([...this.saves.values()].map((s) => (s.next ?? s.current).catch(() => undefined)));
  }

  /** Forget a session (its file too). */
  async remove(sessionId: string): Promise<void> {
    const s = this.saves.get(sessionId);
    await (s?.next ?? s?.current)?.catch(() => undefined);
    this.cache.delete(sessionId);
    this.saves.delete(sessionId);
    await fs.rm(path.join(this.dir, fileName(sessionId)), {force: true});
  }

  get(sessionId: string): SessionRecord | undefined {
    return this.cache.get(sessionId);
  }

  /**
   * Apply a change and save it. The change applies at once (`get` sees it);
   * the returned promise resolves once it is on disk. Saves of one session
   * are serialised and each writes the latest record, so changes made in the
   * same tick land in one atomic write (a crash keeps all of them or none),
   * and a burst of changes costs one write per disk round trip, not one each.
   */
  async update(sessionId: string, change: (r: SessionRecord | undefined) => SessionRecord): Promise<SessionRecord> {
    const next = {...change(this.cache.get(sessionId)), updated_at: Date.now()};
    this.cache.set(sessionId, next);
    await this.save(sessionId);
    return next;
  }

  private save(sessionId: string): Promise<void> {
    const s = this.saves.get(sessionId) ?? {current: Promise.resolve()};
    this.saves.set(sessionId, s);
    if (s.next) return s.next;
    const file = path.join(this.dir, fileName(sessionId));
    const next: Promise<void> = s.current
      .catch(() => undefined)
      .then(() => {
        // From here on, a change needs a write of its own: this one has taken the record as it is now.
        s.current = next;
        s.next = undefined;
        const rec = this.cache.get(sessionId);
        return rec ? writeFileAtomic(file, JSON.stringify(rec, null, 2) + '\n') : undefined;
      });
    s.next = next;
    return next;
  }
}

function fileName(sessionId: string): string {
  return sessionId.replace(/[^A-Za-z0-9_-]/g, '_') + '.json';
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
