/**
 * Git worktrees for sessions "on branch X": the worktree lives beside the
 * repository as `<repo>-<branch>` (slashes in the branch become dashes), the
 * branch is created from the current HEAD when it does not exist yet, and a
 * worktree that already has the branch checked out is reused.
 */
import {execFile} from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';

export type WorktreeResult =
  | {ok: true; dir: string; worktree: string; branch: string; created: boolean; newBranch: boolean}
  | {ok: false; reason: string};

/** The contract's branch grammar (`[A-Za-z0-9._/-]`, no `..`, not starting with `-`) plus git's own ref rules. */
export function branchProblem(branch: string): string | undefined {
  if (branch === '') return 'a branch name is required';
  if (!/^[A-Za-z0-9._/-]+$/.test(branch)) return `"${branch}" is not a valid branch name (letters, digits, . _ / - only)`;
  if (branch.startsWith('-')) return `"${branch}" is not a valid branch name (it starts with -)`;
  if (branch.includes('..') || branch.includes('//') || branch.startsWith('/') || branch.endsWith('/') || branch.endsWith('.') || branch.endsWith('.lock')) {
    return `"${branch}" is not a valid branch name`;
  }
  if (branch.split('/').some((part) => part.startsWith('.'))) return `"${branch}" is not a valid branch name`;
  return undefined;
}

/** `<repo>-<branch>` beside the main worktree; `feature/x` → `<repo>-feature-x`. */
export function worktreePathFor(mainWorktree: string, branch: string): string {
  return `${mainWorktree}-${branch.replace(/\//g, '-')}`;
}

export async function git(cwd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      {cwd, env: {...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C'}, maxBuffer: 4 * 1024 * 1024, timeout: 60_000},
      (err, stdout, stderr) => {
        if (err) {
          const msg = String(stderr || err.message)
            .trim()
            .split('\n')
            .filter(Boolean)
            .at(-1);
          reject(new Error(msg || err.message));
        } else resolve(String(stdout));
      },
    );
  });
}

/** The top of the work tree `dir` is in, or undefined when it is not in a git repository (or git is missing). */
export async function gitTopLevel(dir: string): Promise<string | undefined> {
  try {
    return (await git(dir, ['rev-parse', '--show-toplevel'])).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The branch checked out in `dir`, "" when not a git repository or on a detached HEAD. */
export async function currentBranch(dir: string): Promise<string> {
  try {
    const b = (await git(dir, ['rev-parse', '--abbrev-ref', 'HEAD'])).trim();
    return b === 'HEAD' ? '' : b;
  } catch {
    return '';
  }
}

interface WorktreeEntry {
  path: string;
  branch?: string;
}

export function parseWorktreeList(porcelain: string): WorktreeEntry[] {
  const out: WorktreeEntry[] = [];
  for (const block of porcelain.split(/\n\n+/)) {
    const lines = block.split('\n');
    const wt = lines.find((l) => l.startsWith('worktree '));
    if (!wt) continue;
    const br = lines.find((l) => l.startsWith('branch '));
    out.push({path: wt.slice('worktree '.length), branch: br?.slice('branch '.length).replace(/^refs\/heads\//, '')});
  }
  return out;
}

/**
 * Make sure a worktree for `branch` exists beside the repository that `dir`
 * is in, and say where the session should run: the same sub-directory of the
 * worktree as `dir` is of its repository, when it exists there.
 */
export async function ensureWorktree(dir: string, branch: string): Promise<WorktreeResult> {
  const problem = branchProblem(branch);
  if (problem) return {ok: false, reason: problem};
  const top = await gitTopLevel(dir);
  if (!top) return {ok: false, reason: `${dir} is not in a git repository, so a branch worktree cannot be made there`};
  const realTop = await fs.realpath(top);
  const rel = path.relative(realTop, await fs.realpath(dir));
  let entries: WorktreeEntry[];
  try {
    entries = parseWorktreeList(await git(realTop, ['worktree', 'list', '--porcelain']));
  } catch (err) {
    return {ok: false, reason: `git worktree list failed: ${(err as Error).message}`};
  }
  const main = entries[0]?.path ?? realTop;
  const inside = async (wt: string) => {
    const sub = path.join(wt, rel);
    return (await isDir(sub)) ? sub : wt;
  };

  const existing = entries.find((e) => e.branch === branch);
  if (existing) return {ok: true, dir: await inside(existing.path), worktree: existing.path, branch, created: false, newBranch: false};

  const target = worktreePathFor(main, branch);
  if (await exists(target)) {
    return {ok: false, reason: `${target} already exists and is not a worktree of ${main} on branch ${branch}`};
  }
  const local = await git(realTop, ['show-ref', '--verify', '--quiet', `refs/heads/${branch}`]).then(
    () => true,
    () => false,
  );
  const remote = local ? [] : (await git(realTop, ['for-each-ref', '--format=%(refname)', `refs/remotes/*/${branch}`]).catch(() => '')).split('\n').filter(Boolean);
  // An existing branch (or exactly one remote branch of that name, which git then tracks) is checked out;
  // otherwise the branch is new, from the current HEAD.
  const newBranch = !local && remote.length !== 1;
  try {
    await git(realTop, newBranch ? ['worktree', 'add', '-b', branch, target] : ['worktree', 'add', target, branch]);
  } catch (err) {
    return {ok: false, reason: `git worktree add failed: ${(err as Error).message}`};
  }
  return {ok: true, dir: await inside(target), worktree: target, branch, created: true, newBranch};
}

async function exists(p: string): Promise<boolean> {
  return fs.access(p).then(
    () => true,
    () => false,
  );
}

async function isDir(p: string): Promise<boolean> {
  return fs.stat(p).then(
    (s) => s.isDirectory(),
    () => false,
  );
}
