/**
 * hook.sh, the POSIX launcher in front of hook.js: it must end the hook of an
 * unfollowed session before Node starts, and hand everything it cannot rule
 * out to hook.js. Run with the real `sh`; the "node" it would start is a small
 * script that records that it ran and what it read on stdin.
 */
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, it} from 'node:test';
import {fileURLToPath} from 'node:url';
import {addFollowed, listFileOf, readFollowed, removeFollowed} from '../../src/terminal/follow.js';
import {hookCommand} from '../../src/terminal/settings.js';

const launcher = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/hook.sh');

describe('hook.sh: unfollowed sessions end before Node starts', () => {
  let root: string;
  let config: string;
  let followed: string;
  let elsewhere: string;
  let fakeNode: string;
  let ran: string;

  before(() => {
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cmm-launcher-')));
    config = path.join(root, 'config');
    // Glob characters and a space: the launcher must match the directory literally.
    followed = path.join(root, 'src', 'my [app]*');
    elsewhere = path.join(root, 'src', 'my xapp');
    fs.mkdirSync(followed, {recursive: true});
    fs.mkdirSync(path.join(followed, 'sub'));
    fs.mkdirSync(elsewhere, {recursive: true});
    ran = path.join(root, 'ran');
    fakeNode = path.join(root, 'fake-node.sh');
    fs.writeFileSync(fakeNode, `#!/bin/sh\ncat > '${ran}'\n`, {mode: 0o755});
    addFollowed(path.join(config, 'follow.json'), followed);
  });
  after(() => fs.rmSync(root, {recursive: true, force: true}));

  /** Runs the launcher as Claude Code would (project dir as cwd, the event on stdin); true when it went on to "node". */
  function launch(cwd: string, env: NodeJS.ProcessEnv = {}): boolean {
    fs.rmSync(ran, {force: true});
    const res = spawnSync('sh', [launcher, fakeNode, 'hook.js', 'claude-mattermost-hook'], {
      cwd,
      input: '{"hook_event_name":"PreToolUse"}',
      env: {PATH: process.env.PATH, HOME: path.join(root, 'home'), CLAUDE_MATTERMOST_CONFIG_DIR: config, ...env},
    });
    assert.equal(res.status, 0, res.stderr.toString());
    if (!fs.existsSync(ran)) return false;
    assert.equal(fs.readFileSync(ran, 'utf8'), '{"hook_event_name":"PreToolUse"}', 'hook.js gets the event on stdin');
    return true;
  }

  it('follow writes follow.list beside follow.json, one directory per line', () => {
    const file = path.join(config, 'follow.json');
    assert.equal(fs.readFileSync(listFileOf(file), 'utf8'), `${followed}\n`);
    assert.deepEqual(readFollowed(file).map((f) => f.dir), [followed]);
  });

  it('a session outside every followed directory ends in the launcher', () => {
    assert.equal(launch(elsewhere), false);
    assert.equal(launch(root), false);
  });

  it('a session in a followed directory or below it goes on to hook.js', () => {
    assert.equal(launch(followed), true);
    assert.equal(launch(path.join(followed, 'sub')), true);
  });

  it("Claude Code's CLAUDE_PROJECT_DIR wins over the hook's working directory", () => {
    assert.equal(launch(elsewhere, {CLAUDE_PROJECT_DIR: followed}), true);
    assert.equal(launch(followed, {CLAUDE_PROJECT_DIR: elsewhere}), false);
  });

  it('CLAUDE_MATTERMOST_FOLLOW=1 goes on to hook.js anywhere; =0 never does', () => {
    assert.equal(launch(elsewhere, {CLAUDE_MATTERMOST_FOLLOW: '1'}), true);
    assert.equal(launch(followed, {CLAUDE_MATTERMOST_FOLLOW: '0'}), false);
  });

  it("the agent's own Claude Code never goes on to hook.js", () => {
    assert.equal(launch(followed, {CLAUDE_MATTERMOST_AGENT_SESSION: '1'}), false);
  });

  it('without follow.list (written by an older agent) hook.js decides', () => {
    const list = listFileOf(path.join(config, 'follow.json'));
    fs.renameSync(list, list + '.away');
    try {
      assert.equal(launch(elsewhere), true);
    } finally {
      fs.renameSync(list + '.away', list);
    }
  });

  it('a followed root directory follows everything below it', () => {
    const other = path.join(root, 'config-root');
    addFollowed(path.join(other, 'follow.json'), '/');
    assert.equal(launch(elsewhere, {CLAUDE_MATTERMOST_CONFIG_DIR: other}), true);
  });

  it('unfollow takes the directory out of follow.list too', () => {
    const file = path.join(config, 'follow.json');
    removeFollowed(file, followed);
    try {
      assert.equal(fs.readFileSync(listFileOf(file), 'utf8'), '');
      assert.equal(launch(followed), false);
    } finally {
      addFollowed(file, followed);
    }
  });

  it('the installed command runs through the launcher beside the script on POSIX systems', () => {
    const command = hookCommand('/usr/bin/node', '/opt/cm/dist/hook.js', [], 'linux');
    assert.match(command, /^sh \/opt\/cm\/dist\/hook\.sh \/usr\/bin\/node \/opt\/cm\/dist\/hook\.js claude-mattermost-hook$/);
  });
});
