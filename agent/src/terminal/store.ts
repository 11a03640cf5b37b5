/**
 * The terminal-session map on disk, one file per Claude session id in
 * `<config dir>/terminal/`: which Mattermost session mirrors it, how far its
 * transcript has been read, the Claude Code process, away / approve-all, and
 * the thread replies waiting for Claude. A restarted agent continues the
 * mirror from here.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import {z} from 'zod';
import {readFileIfExists, writeFileAtomic} from '../util/files.js';

const userRef = z.object({id: z.string(), username: z.string()});

export const terminalRecordSchema = z.object({
  claude_session_id: z.string(),
  cwd: z.string(),
  transcript_path: z.string(),
  /** Bytes of the transcript already mirrored. */
  offset: z.number().int().nonnegative().default(0),
  /** The Mattermost session, once the plugin opened the thread. */
  session_id: z.string().optional(),
  channel_id: z.string().optional(),
  root_id: z.string().optional(),
  permalink: z.string().optional(),
  /** Idempotency-Key of `POST /agent/sessions` (a retry opens the same thread). */
  open_key: z.string(),
  /** Where new threads go ("" = the DM with @claude). */
  channel: z.string().default(''),
  /** The plugin refused to open a thread for it (e.g. another machine's session): why. */
  refused: z.string().optional(),
  /** open: mirrored; ended: stopped from Mattermost (a new SessionStart opens it again). */
  state: z.enum(['open', 'ended']).default('open'),
  /** Where the conversation runs: the terminal, or the agent after Continue here. */
  runs_in: z.enum(['terminal', 'agent']).default('terminal'),
  /** The terminal's Claude Code process (pid + start time), while it runs. */
  claude_pid: z.number().optional(),
  claude_start: z.string().optional(),
  tty: z.string().optional(),
  phase: z.enum(['working', 'waiting', 'idle', 'ended']).default('idle'),
  away: z.boolean().default(false),
  approve_all: z.boolean().default(false),
  permission_mode: z.string().optional(),
  model: z.string().optional(),
  branch: z.string().optional(),
  owner: userRef.optional(),
  /** Thread replies waiting for Claude (given at the next Stop or prompt). */
  queued: z.array(z.object({text: z.string(), by: z.string().default('')})).default([]),
  /** Cards still open in Mattermost: closed as "left to the terminal" after a restart. */
  pending: z.array(z.string()).default([]),
  /** The last inbox event applied (seq and its created_at): one delivered again after a crash is skipped. */
  last_event: z.object({seq: z.number(), at: z.number().optional()}).optional(),
  created_at: z.number(),
  updated_at: z.number(),
});
export type TerminalRecord = z.infer<typeof terminalRecordSchema>;

export class TerminalStore {
  private cache = new Map<string, TerminalRecord>();
  private writes = new Map<string, Promise<void>>();

  constructor(private readonly dir: string) {}

  async loadAll(): Promise<TerminalRecord[]> {
    await fs.mkdir(this.dir, {recursive: true, mode: 0o700});
    for (const name of await fs.readdir(this.dir)) {
      if (!name.endsWith('.json')) continue;
      const text = await readFileIfExists(path.join(this.dir, name)).catch(() => undefined);
      if (!text) continue;
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch {
        continue;
      }
      const parsed = terminalRecordSchema.safeParse(raw);
      if (parsed.success) this.cache.set(parsed.data.claude_session_id, parsed.data);
    }
    return this.all();
  }

  all(): TerminalRecord[] {
    return [...this.cache.values()];
  }

  get(claudeSessionId: string): TerminalRecord | undefined {
    return this.cache.get(claudeSessionId);
  }

  bySession(sessionId: string): TerminalRecord | undefined {
    for (const r of this.cache.values()) if (r.session_id === sessionId) return r;
    return undefined;
  }

  /** Apply a change and save it; saves of one record are serialised so the file always holds the latest. */
  async update(claudeSessionId: string, change: (r: TerminalRecord | undefined) => TerminalRecord): Promise<TerminalRecord> {
    const next = {...change(this.cache.get(claudeSessionId)), updated_at: Date.now()};
    this.cache.set(claudeSessionId, next);
    const file = path.join(this.dir, claudeSessionId.replace(/[^A-Za-z0-9_-]/g, '_') + '.json');
    const prev = this.writes.get(claudeSessionId) ?? Promise.resolve();
    const write = prev.catch(() => undefined).then(() => writeFileAtomic(file, JSON.stringify(next, null, 2) + '\n'));
    this.writes.set(claudeSessionId, write);
    await write;
    return next;
  }

  async flush(): Promise<void> {
    await Promise.all([...this.writes.values()].map((w) => w.catch(() => undefined)));
  }
}
