/**
 * Followed directories: a terminal session whose cwd is inside one of them is
 * mirrored to Mattermost. Kept in `<config dir>/follow.json`:
 *   {"dirs": [{"dir": "/home/me/src/app", "channel": ""}]}
 * Node built-ins only (the hook reads it on every call).
 */
import fs from 'node:fs';
import path from 'node:path';

export interface Followed {
  /** Absolute, resolved through symlinks when it was added. */
  dir: string;
  /** Where new threads go: a channel name or id; "" = the DM with @claude. */
  channel: string;
}

/** The followed directories; a missing or unreadable file follows nothing. */
export function readFollowed(file: string): Followed[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  try {
    const raw = JSON.parse(text) as {dirs?: unknown};
    if (!Array.isArray(raw.dirs)) return [];
    const out: Followed[] = [];
    for (const d of raw.dirs as unknown[]) {
      if (typeof d === 'string' && path.isAbsolute(d)) out.push({dir: d, channel: ''});
      else if (d && typeof d === 'object' && typeof (d as Followed).dir === 'string' && path.isAbsolute((d as Followed).dir)) {
        const channel = (d as Followed).channel;
        out.push({dir: (d as Followed).dir, channel: typeof channel === 'string' ? channel : ''});
      }
    }
    return out;
  } catch {
    return [];
  }
}

/** The followed directory that contains `cwd` (the deepest one), if any. */
export function followedFor(cwd: string, followed: Followed[]): Followed | undefined {
  let best: Followed | undefined;
  for (const f of followed) {
    if (inside(f.dir, cwd) && (!best || f.dir.length > best.dir.length)) best = f;
  }
  return best;
}

/** Is `p` the directory itself or below it? */
export function inside(dir: string, p: string): boolean {
  const rel = path.relative(dir, p);
  return rel === '' || (!rel.startsWith('..' + path.sep) && rel !== '..' && !path.isAbsolute(rel));
}

/**
 * Save the list (atomically, mode 0600), and the same directories one per
 * line in `follow.list` beside it: the hook's shell launcher (hook.sh) reads
 * that to end an unfollowed session's hook before Node starts. The list is
 * written first, so it never misses a directory the JSON file has.
 */
export function writeFollowed(file: string, followed: Followed[]): void {
  fs.mkdirSync(path.dirname(file), {recursive: true, mode: 0o700});
  writeAtomic(listFileOf(file), followed.map((f) => f.dir + '\n').join(''));
  writeAtomic(file, JSON.stringify({dirs: followed}, null, 2) + '\n');
}

/** `follow.list` beside `follow.json`. */
export function listFileOf(file: string): string {
  return path.join(path.dirname(file), 'follow.list');
}

function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text, {mode: 0o600});
  fs.renameSync(tmp, file);
}

/** Follow `dir` (replacing an entry for the same dir); true when something changed. */
export function addFollowed(file: string, dir: string, channel = ''): boolean {
  const all = readFollowed(file);
  const same = all.find((f) => f.dir === dir);
  if (same && same.channel === channel) return false;
  writeFollowed(file, [...all.filter((f) => f.dir !== dir), {dir, channel}]);
  return true;
}

/** Stop following `dir`; true when it was followed. */
export function removeFollowed(file: string, dir: string): boolean {
  const all = readFollowed(file);
  const kept = all.filter((f) => f.dir !== dir);
  if (kept.length === all.length) return false;
  writeFollowed(file, kept);
  return true;
}
