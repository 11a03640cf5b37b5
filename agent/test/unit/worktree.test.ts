/** Branch worktrees beside the repository, against real git in a temporary directory. */
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, it} from 'node:test';
import {branchProblem, currentBranch, ensureWorktree, parseWorktreeList, worktreePathFor} from '../../src/git/worktree.js';

describe('branch names', () => {
  const table: Array<[string, string, boolean]> = [
    ['letters, digits and . _ / - are fine', 'feature/x_1.2-b', true],
    ['empty is refused', '', false],
    ['a leading - is refused', '-b', false],
    ['.. is refused', 'a..b', false],
    ['spaces are refused', 'a b', false],
    ['shell characters are refused', 'a;rm', false],
    ['a trailing .lock is refused (git)', 'x.lock', false],
    ['a component starting with . is refused (git)', 'a/.b', false],
  ];
  for (const [rule, name, ok] of table) it(rule, () => assert.equal(branchProblem(name) === undefined, ok));

  it('the worktree is named <repo>-<branch>, slashes made dashes', () => {
    assert.equal(worktreePathFor('/src/app', 'feature/x'), '/src/app-feature-x');
  });

  it('parses `git worktree list --porcelain`', () => {
    const out = 'worktree /src/app\nHEAD abc\nbranch refs/heads/main\n\nworktree /src/app-x\nHEAD def\nbranch refs/heads/x\n\nworktree /src/app-d\nHEAD 123\ndetached\n';
    assert.deepEqual(parseWorktreeList(out), [
      {path: '/src/app', branch: 'main'},
      {path: '/src/app-x', branch: 'x'},
      {path: '/src/app-d', branch: undefined},
    ]);
  });
});

describe('ensureWorktree', () => {
  let root: string;
  let repo: string;
  const git = (cwd: string, ...args: string[]) => String(execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], {cwd, stdio: 'pipe'})).trim();
  before(async () => {
    root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'cmm-wt-')));
    repo = path.join(root, 'app');
    await fs.mkdir(path.join(repo, 'pkg'), {recursive: true});
    git(repo, 'init', '-q', '-b', 'main');
    await fs.writeFile(path.join(repo, 'pkg', 'f'), 'x\n');
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'first');
    git(repo, 'branch', 'existing');
  });
  after(async () => {
    await fs.rm(root, {recursive: true, force: true});
  });

  it('a new branch gets a new worktree beside the repo, from HEAD', async () => {
    const r = await ensureWorktree(repo, 'feature/new');
    assert.deepEqual(r, {ok: true, dir: `${repo}-feature-new`, worktree: `${repo}-feature-new`, branch: 'feature/new', created: true, newBranch: true});
    assert.equal(await currentBranch(`${repo}-feature-new`), 'feature/new');
  });

  it('an existing branch is checked out, not created', async () => {
    const r = await ensureWorktree(repo, 'existing');
    assert.ok(r.ok);
    assert.equal(r.newBranch, false);
    assert.equal(r.created, true);
    assert.equal(await currentBranch(r.dir), 'existing');
  });

  it('a branch that already has a worktree reuses it', async () => {
    const r = await ensureWorktree(repo, 'existing');
    assert.ok(r.ok);
    assert.equal(r.created, false);
    assert.equal(r.worktree, `${repo}-existing`);
  });

  it('from a sub-directory, the session runs in the same sub-directory of the worktree', async () => {
    const r = await ensureWorktree(path.join(repo, 'pkg'), 'sub');
    assert.ok(r.ok);
    assert.equal(r.dir, path.join(`${repo}-sub`, 'pkg'));
  });

  it('from inside a worktree, the new one is still named after the main repository', async () => {
    const r = await ensureWorktree(`${repo}-existing`, 'third');
    assert.ok(r.ok);
    assert.equal(r.worktree, `${repo}-third`);
  });

  it('the branch checked out in the repository itself is used there', async () => {
    const r = await ensureWorktree(repo, 'main');
    assert.ok(r.ok);
    assert.equal(r.worktree, repo);
  });

  it('a directory in the way is refused', async () => {
    await fs.mkdir(`${repo}-blocked`);
    const r = await ensureWorktree(repo, 'blocked');
    assert.equal(r.ok, false);
    assert.match((r as {reason: string}).reason, /already exists and is not a worktree/);
  });

  it('a directory outside git is refused with a clear message', async () => {
    const plain = path.join(root, 'plain');
    await fs.mkdir(plain);
    const r = await ensureWorktree(plain, 'x');
    assert.equal(r.ok, false);
    assert.match((r as {reason: string}).reason, /is not in a git repository/);
  });
});
