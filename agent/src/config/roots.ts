import fs from 'node:fs/promises';
import path from 'node:path';
import {expandHome} from './config.js';

export type RootCheck = {ok: true; dir: string} | {ok: false; reason: string};

/**
 * Decide where a session may run. `cwd` comes from a Mattermost user, so it is
 * untrusted: `~` is expanded, a relative path is taken from the default dir,
 * and the result is resolved through symlinks and `..` (realpath) before it is
 * compared with the (also resolved) allowed roots. The directory must exist.
 */
export async function resolveSessionDir(cwd: string, opts: {allowedRoots: string[]; defaultDir: string; home?: string}): Promise<RootCheck> {
  const wanted = cwd.trim() === '' ? opts.defaultDir : cwd.trim();
  const expanded = expandHome(wanted, opts.home);
  const absolute = path.resolve(expandHome(opts.defaultDir, opts.home), expanded);
  let real: string;
  try {
    real = await fs.realpath(absolute);
  } catch {
    return {ok: false, reason: `${wanted} does not exist on this machine`};
  }
  const st = await fs.stat(real);
  if (!st.isDirectory()) return {ok: false, reason: `${wanted} is not a directory`};

  for (const root of opts.allowedRoots) {
    let realRoot: string;
    try {
      realRoot = await fs.realpath(expandHome(root, opts.home));
    } catch {
      continue; // a root that does not exist allows nothing
    }
    if (isInside(realRoot, real)) return {ok: true, dir: real};
  }
  return {
    ok: false,
    reason: `${wanted} is outside the directories this machine allows (${opts.allowedRoots.join(', ')}). Start the agent with --allowed-root to allow it.`,
  };
}

/** Is `p` the root itself or below it? Both must be absolute and resolved. */
export function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..' + path.sep) && rel !== '..' && !path.isAbsolute(rel));
}

export type FileCheck = {ok: true; file: string; size: number} | {ok: false; reason: string};

/**
 * A file a participant asked for (`!file <path>`): `~` expanded, relative
 * paths from the session's directory, resolved through symlinks, and it must
 * be a regular file inside the allowed roots, at most `maxBytes`.
 */
export async function resolveFileInRoots(file: string, opts: {allowedRoots: string[]; base: string; maxBytes: number; home?: string}): Promise<FileCheck> {
  const wanted = file.trim();
  if (wanted === '') return {ok: false, reason: 'no file given'};
  const absolute = path.resolve(opts.base, expandHome(wanted, opts.home));
  let real: string;
  try {
    real = await fs.realpath(absolute);
  } catch {
    return {ok: false, reason: `${wanted} does not exist on this machine`};
  }
  let inside = false;
  for (const root of opts.allowedRoots) {
    const realRoot = await fs.realpath(expandHome(root, opts.home)).catch(() => undefined);
    if (realRoot && isInside(realRoot, real)) inside = true;
  }
  if (!inside) return {ok: false, reason: `${wanted} is outside the directories this machine allows (${opts.allowedRoots.join(', ')})`};
  const st = await fs.stat(real);
  if (!st.isFile()) return {ok: false, reason: `${wanted} is not a file`};
  if (st.size > opts.maxBytes) return {ok: false, reason: `${wanted} is ${formatBytes(st.size)}; files up to ${formatBytes(opts.maxBytes)} can be sent`};
  if (st.size === 0) return {ok: false, reason: `${wanted} is empty`};
  return {ok: true, file: real, size: st.size};
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1).replace(/\.0$/, '')} KB`;
  return `${n} bytes`;
}
