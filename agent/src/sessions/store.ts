/**
 * What the agent remembers about each session across restarts, one JSON file
 * per session in `<config dir>/sessions/`: the Claude session id (to resume),
 * the working directory, and an approval that was pending when the Claude
 * process went away, together with its decision once it arrives (the durable
 * inbox for decisions: kept until a resumed session has consumed it).
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
    })
    .optional(),
});
export type PendingApproval = z.infer<typeof pendingApprovalSchema>;

/**
 * Work waiting for Claude in order: a participant's message (a user turn) or
 * a change of directory (`!cd`, `!worktree`) that applies between turns.
 * Kept on disk so that a restart delivers what was queued.
 */
export const queuedItemSchema = z.discriminatedUnion('type', [
  z.object({type: z.literal('message'), text: z.string(), images: z.array(z.object({path: z.string(), media_type: z.string()})).optional()}),
  z.object({type: z.literal('cd'), dir: z.string(), branch: z.string().default(''), notice: z.string()}),
]);
export type QueuedItem = z.infer<typeof queuedItemSchema>;

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
  /** Seq of the start event that (re)started the session: a redelivered start is recognised by it. */
  start_seq: z.number().optional(),
  created_at: z.number(),
  updated_at: z.number(),
});
export type SessionRecord = z.infer<typeof sessionRecordSchema>;

export class SessionStore {
  private cache = new Map<string, SessionRecord>();
  private writes = new Map<string, Promise<void>>();

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

  /** Resolves when every save started so far has finished (before the process exits). */
  async flush(): Promise<void> {
    await Promise.all([...this.writes.values()].map((w) => w.catch(() => undefined)));
  }

  /** Forget a session (its file too). */
  async remove(sessionId: string): Promise<void> {
    await this.writes.get(sessionId)?.catch(() => undefined);
    this.cache.delete(sessionId);
    this.writes.delete(sessionId);
    await fs.rm(path.join(this.dir, fileName(sessionId)), {force: true});
  }

  get(sessionId: string): SessionRecord | undefined {
    return this.cache.get(sessionId);
  }

  /** Apply a change and save it; saves of one session are serialised so the file always holds the latest. */
  async update(sessionId: string, change: (r: SessionRecord | undefined) => SessionRecord): Promise<SessionRecord> {
    const next = {...change(this.cache.get(sessionId)), updated_at: Date.now()};
    this.cache.set(sessionId, next);
    const file = path.join(this.dir, fileName(sessionId));
    const prev = this.writes.get(sessionId) ?? Promise.resolve();
    const write = prev.catch(() => undefined).then(() => writeFileAtomic(file, JSON.stringify(next, null, 2) + '\n'));
    this.writes.set(sessionId, write);
    await write;
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
