/**
 * `claude-mattermost resume [<thread link> | <session id> | nothing]`: which
 * conversation is meant. Pure: the caller passes what the agent knows
 * (terminal records and agent session records).
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {sessionRecordSchema, type SessionRecord} from '../sessions/store.js';

export interface Known {
  /** The Mattermost session id ("" for a terminal session whose thread never opened). */
  session_id: string;
  claude_session_id: string;
  cwd: string;
  root_id?: string;
  updated_at: number;
}

export type Target = {ok: true; session: Known} | {ok: false; reason: string};

/** A Mattermost permalink: `…/<team>/pl/<post id>` or `…/_redirect/pl/<post id>`. */
const PERMALINK = /\/pl\/([A-Za-z0-9]{26})(?:[/?#]|$)/;

export function findTarget(target: string, cwd: string, known: Known[]): Target {
  const withClaude = known.filter((k) => k.claude_session_id);
  const t = target.trim();
  if (t === '') {
    const here = withClaude.filter((k) => k.cwd === cwd).sort((a, b) => b.updated_at - a.updated_at);
    if (here.length === 0) return {ok: false, reason: `no session of this machine ran in ${cwd}; name one (a thread link or a session id)`};
    return {ok: true, session: here[0]!};
  }
  const link = PERMALINK.exec(t);
  if (link) {
    const hit = withClaude.find((k) => k.root_id === link[1]);
    return hit ? {ok: true, session: hit} : {ok: false, reason: `no session of this machine has the thread ${t}`};
  }
  const exact = withClaude.find((k) => k.session_id === t || k.claude_session_id === t);
  if (exact) return {ok: true, session: exact};
  if (t.length >= 4) {
    const prefixed = withClaude.filter((k) => k.session_id.startsWith(t) || k.claude_session_id.startsWith(t));
    const ids = new Set(prefixed.map((k) => k.claude_session_id));
    if (ids.size === 1) return {ok: true, session: prefixed.sort((a, b) => b.updated_at - a.updated_at)[0]!};
    if (ids.size > 1) return {ok: false, reason: `${t} matches ${ids.size} sessions; give more of the id`};
  }
  return {ok: false, reason: `no session of this machine matches ${t} (\`claude-mattermost sessions --all\` lists them)`};
}

/** Where Claude Code keeps a session's transcript: `<config dir>/projects/<cwd, non-alphanumerics as "-">/<id>.jsonl`. */
export function transcriptPathFor(cwd: string, claudeSessionId: string, env: Record<string, string | undefined>): string {
  return path.join(claudeConfigDir(env), 'projects', cwd.replace(/[^A-Za-z0-9]/g, '-'), `${claudeSessionId}.jsonl`);
}

/** Claude Code's config dir: $CLAUDE_CONFIG_DIR, else ~/.claude. */
export function claudeConfigDir(env: Record<string, string | undefined>): string {
  return env.CLAUDE_CONFIG_DIR ? path.resolve(env.CLAUDE_CONFIG_DIR) : path.join(env.HOME || os.homedir(), '.claude');
}

/** The agent's session records as they are on disk (read only; the daemon's store keeps its own cache). */
export async function readSessionRecords(dir: string): Promise<SessionRecord[]> {
  const out: SessionRecord[] = [];
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return out;
  }
  for (const name of names) {
    if (!name.endsWith('.json')) continue;
    try {
      const parsed = sessionRecordSchema.safeParse(JSON.parse(await fs.readFile(path.join(dir, name), 'utf8')));
      if (parsed.success) out.push(parsed.data);
    } catch {
      // unreadable or half-written: skipped
    }
  }
  return out;
}
