import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {describe, it} from 'node:test';
import {ConfigError, loadConfig, parseConfig, saveConfig} from '../../src/config/config.js';
import {configDir, paths} from '../../src/config/paths.js';

const good = `
url: https://chat.example.com
machine: {id: m1, name: laptop}
allowed_roots: [/home/me/src, ~/work]
default_dir: /home/me/src
`;

describe('config.yaml validation', () => {
  it('accepts a complete config', () => {
    const c = parseConfig(good);
    assert.equal(c.url, 'https://chat.example.com');
    assert.deepEqual(c.allowed_roots, ['/home/me/src', '~/work']);
  });

  const bad: Array<[string, string, RegExp]> = [
    ['url must be http(s)', good.replace('https://chat.example.com', 'ftp://x'), /url/],
    ['url is required', good.replace(/^url:.*$/m, ''), /url/],
    ['machine id is required', good.replace('id: m1, ', ''), /machine\.id/],
    ['allowed_roots must be absolute', good.replace('/home/me/src, ~/work', 'src'), /allowed_roots.*absolute/],
    ['allowed_roots must not be empty', good.replace('[/home/me/src, ~/work]', '[]'), /allowed_roots/],
    ['default_dir must be absolute', good.replace('default_dir: /home/me/src', 'default_dir: src'), /default_dir/],
    ['YAML syntax errors are reported as such', 'url: [', /not valid YAML/],
  ];
  for (const [name, text, re] of bad) {
    it(name, () => {
      assert.throws(() => parseConfig(text), (err: unknown) => err instanceof ConfigError && re.test(err.message));
    });
  }
});

describe('config dir', () => {
  const table: Array<[string, NodeJS.ProcessEnv, string]> = [
    ['CLAUDE_MATTERMOST_CONFIG_DIR overrides everything', {CLAUDE_MATTERMOST_CONFIG_DIR: '/tmp/x', XDG_CONFIG_HOME: '/xdg'}, '/tmp/x'],
    ['XDG_CONFIG_HOME is honoured', {XDG_CONFIG_HOME: '/xdg'}, '/xdg/claude-mattermost'],
    ['a relative XDG_CONFIG_HOME is ignored (XDG spec)', {XDG_CONFIG_HOME: 'rel'}, path.join(os.homedir(), '.config/claude-mattermost')],
    ['default is ~/.config/claude-mattermost', {}, path.join(os.homedir(), '.config/claude-mattermost')],
  ];
  for (const [name, env, want] of table) it(name, () => assert.equal(configDir(env), want));
});

describe('saving and loading', () => {
  it('writes the token in its own file with mode 0600 and reads both back', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cmm-cfg-'));
    const p = paths(path.join(dir, 'nested'));
    const config = parseConfig(good);
    await saveConfig(p, config, 'cmt_secret');
    assert.equal((await fs.stat(p.token)).mode & 0o777, 0o600);
    assert.equal((await fs.stat(p.config)).mode & 0o777, 0o600);
    assert.doesNotMatch(await fs.readFile(p.config, 'utf8'), /cmt_secret/, 'the token is not in config.yaml');
    const loaded = await loadConfig(p);
    assert.equal(loaded.token, 'cmt_secret');
    assert.deepEqual(loaded.config, config);
    await fs.rm(dir, {recursive: true});
  });

  it('says how to pair when there is no config yet', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cmm-cfg-'));
    await assert.rejects(loadConfig(paths(dir)), /not paired yet.*claude-mattermost login/);
    await fs.rm(dir, {recursive: true});
  });

  it('tightens a token file that others can read', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cmm-cfg-'));
    const p = paths(dir);
    await saveConfig(p, parseConfig(good), 'cmt_secret');
    await fs.chmod(p.token, 0o644);
    await loadConfig(p);
    assert.equal((await fs.stat(p.token)).mode & 0o777, 0o600);
    await fs.rm(dir, {recursive: true});
  });
});
