import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, it} from 'node:test';
import {isInside, resolveSessionDir} from '../../src/config/roots.js';

describe('allowed roots', () => {
  let tmp: string;
  let root: string;
  before(async () => {
    tmp = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'cmm-roots-')));
    root = path.join(tmp, 'allowed');
    await fs.mkdir(path.join(root, 'proj/sub'), {recursive: true});
    await fs.mkdir(path.join(tmp, 'outside'), {recursive: true});
    await fs.mkdir(path.join(tmp, 'allowed-sibling'), {recursive: true});
    await fs.writeFile(path.join(root, 'file.txt'), 'x');
    await fs.symlink(path.join(tmp, 'outside'), path.join(root, 'escape'));
    await fs.symlink(path.join(root, 'proj'), path.join(tmp, 'link-in'));
    await fs.mkdir(path.join(tmp, 'home/src'), {recursive: true});
  });
  after(() => fs.rm(tmp, {recursive: true, force: true}));

  const check = (cwd: string, roots = [root]) => resolveSessionDir(cwd, {allowedRoots: roots, defaultDir: path.join(root, 'proj'), home: path.join(tmp, 'home')});

  const table: Array<[string, () => string, (() => string) | RegExp]> = [
    ['the root itself is allowed', () => root, () => root],
    ['a directory below the root is allowed', () => path.join(root, 'proj/sub'), () => path.join(root, 'proj/sub')],
    ['empty cwd means the default dir', () => '', () => path.join(root, 'proj')],
    ['a relative cwd is taken from the default dir', () => 'sub', () => path.join(root, 'proj/sub')],
    ['.. that stays inside is allowed', () => path.join(root, 'proj/sub/..'), () => path.join(root, 'proj')],
    ['.. that leaves the root is refused', () => path.join(root, 'proj/../../outside'), /outside the directories/],
    ['a symlink inside the root that points outside is refused', () => path.join(root, 'escape'), /outside the directories/],
    ['a symlink outside the root that points inside is allowed', () => path.join(tmp, 'link-in'), () => path.join(root, 'proj')],
    ['a sibling whose name starts like the root is refused', () => path.join(tmp, 'allowed-sibling'), /outside the directories/],
    ['a missing directory is refused', () => path.join(root, 'nope'), /does not exist/],
    ['a file is refused', () => path.join(root, 'file.txt'), /not a directory/],
  ];

  for (const [name, cwd, want] of table) {
    it(name, async () => {
      const got = await check(cwd());
      if (typeof want === 'function') assert.deepEqual(got, {ok: true, dir: want()});
      else {
        assert.equal(got.ok, false);
        assert.match((got as {reason: string}).reason, want);
      }
    });
  }

  it('~ expands to the home directory', async () => {
    const got = await check('~/src', [path.join(tmp, 'home')]);
    assert.deepEqual(got, {ok: true, dir: path.join(tmp, 'home/src')});
  });

  it('a root that does not exist allows nothing', async () => {
    const got = await check(path.join(root, 'proj'), [path.join(tmp, 'missing')]);
    assert.equal(got.ok, false);
  });

  it('isInside is about path segments, not string prefixes', () => {
    assert.equal(isInside('/a/b', '/a/b'), true);
    assert.equal(isInside('/a/b', '/a/b/c'), true);
    assert.equal(isInside('/a/b', '/a/bc'), false);
    assert.equal(isInside('/a/b', '/a'), false);
    assert.equal(isInside('/a/b', '/a/b/..foo'), true);
  });
});
