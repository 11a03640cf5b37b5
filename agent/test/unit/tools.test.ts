/** The CLI's helpers: overrides, the log file and `logs`, `status`/`sessions`, `doctor`, the setup wizard. */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, it} from 'node:test';
import {claudeLogin, formatChecks, runChecks, type Check} from '../../src/cli/doctor.js';
import {lastLines, logs} from '../../src/cli/logs.js';
import {setup, type Prompts} from '../../src/cli/setup.js';
import {sessionLines, sessions, status} from '../../src/cli/status.js';
import {loadConfig, saveConfig, type Config} from '../../src/config/config.js';
import {effectiveConfig, parsePathList} from '../../src/config/overrides.js';
import {paths, type Paths} from '../../src/config/paths.js';
import {SessionStore, type SessionRecord} from '../../src/sessions/store.js';
import {fileSink} from '../../src/util/log.js';
import {FakePlugin} from '../helpers/fake-plugin.js';

const base: Config = {url: 'https://chat', machine: {id: 'm1', name: 'laptop'}, allowed_roots: ['/src'], default_dir: '/src'};

describe('flags and environment over config.yaml', () => {
  const table: Array<[string, Parameters<typeof effectiveConfig>[1], Partial<Config>]> = [
    ['nothing given keeps the file', {}, {url: 'https://chat', allowed_roots: ['/src'], default_dir: '/src'}],
    ['allowed roots replace the list', {allowedRoots: ['/a', '/b']}, {allowed_roots: ['/a', '/b']}],
    ['an empty list keeps the file', {allowedRoots: []}, {allowed_roots: ['/src']}],
    ['default dir', {defaultDir: '/d'}, {default_dir: '/d'}],
    ['url, without a trailing slash', {url: 'https://other/'}, {url: 'https://other'}],
    ['permission mode', {permissionMode: 'plan'}, {default_permission_mode: 'plan'}],
    ['model', {model: 'claude-x'}, {default_model: 'claude-x'}],
  ];
  for (const [rule, o, want] of table) {
    it(rule, () => {
      const got = effectiveConfig(base, o);
      for (const [k, v] of Object.entries(want)) assert.deepEqual(got[k as keyof Config], v, k);
    });
  }

  it('a path list splits on the platform delimiter, expands ~ and resolves relative paths', () => {
    assert.deepEqual(parsePathList(`/a${path.delimiter}~/b${path.delimiter}${path.delimiter}rel`, ['/x']), ['/x', '/a', path.join(os.homedir(), 'b'), path.resolve('rel')]);
  });
});

describe('log file', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cmm-log-'));
  });
  afterEach(async () => {
    await fs.rm(dir, {recursive: true, force: true});
  });

  it('rotates by size and keeps the newest generations', async () => {
    const file = path.join(dir, 'agent.log');
    const write = fileSink(file, {maxBytes: 25, keep: 2});
    for (const n of [1, 2, 3, 4, 5, 6]) write(`line ${n} xxxxxxxxx\n`); // 17 bytes: one line per file
    assert.equal(await fs.readFile(file, 'utf8'), 'line 6 xxxxxxxxx\n');
    assert.equal(await fs.readFile(`${file}.1`, 'utf8'), 'line 5 xxxxxxxxx\n');
    assert.equal(await fs.readFile(`${file}.2`, 'utf8'), 'line 4 xxxxxxxxx\n');
    await assert.rejects(fs.access(`${file}.3`), 'older generations are dropped');
  });

  it('lastLines takes the tail', () => {
    assert.equal(lastLines('a\nb\nc\n', 2), 'b\nc\n');
    assert.equal(lastLines('a\nb', 5), 'a\nb\n');
    assert.equal(lastLines('a\n', 0), '');
  });

  it('logs -f prints new lines, also after a rotation', async () => {
    const file = path.join(dir, 'agent.log');
    await fs.writeFile(file, 'old 1\nold 2\n');
    let got = '';
    const ctl = new AbortController();
    const following = logs({file, lines: 1, follow: true, write: (s) => (got += s), signal: ctl.signal, pollMs: 10});
    const until = async (s: string) => {
      for (let i = 0; i < 300 && !got.includes(s); i++) await new Promise((r) => setTimeout(r, 10));
      assert.ok(got.includes(s), `saw: ${got}`);
    };
    await until('old 2');
    await fs.appendFile(file, 'new 3\n');
    await until('new 3');
    await fs.rename(file, `${file}.1`);
    await fs.writeFile(file, 'after rotation\n');
    await until('after rotation');
    ctl.abort();
    await following;
    assert.equal(got, 'old 2\nnew 3\nafter rotation\n');
  });

  it('logs without a log file says so', async () => {
    let got = '';
    await logs({file: path.join(dir, 'none.log'), lines: 5, follow: false, write: (s) => (got += s)});
    assert.match(got, /No log yet/);
  });
});

describe('status and sessions', () => {
  let plugin: FakePlugin;
  let dir: string;
  let p: Paths;
  beforeEach(async () => {
    plugin = await new FakePlugin().start();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cmm-status-'));
    p = paths(dir);
    await saveConfig(p, {...base, url: plugin.url, user: {id: 'u1', username: 'alice'}}, plugin.token);
    const store = new SessionStore(p.sessions);
    const rec = (id: string, state: 'open' | 'ended', phase: SessionRecord['phase'], extra: Partial<SessionRecord> = {}): SessionRecord => ({
      session_id: id,
      cwd: '/src/app',
      state,
      phase,
      pending_approvals: [],
      created_at: 0,
      updated_at: Date.now(),
      ...extra,
    });
    await store.update('sopen1234', () => rec('sopen1234', 'open', 'idle', {branch: 'feature/x', root_id: 'post1', queued: [{type: 'message', text: 'hi'}]}));
    await store.update('sended123', () => rec('sended123', 'ended', 'idle'));
  });
  afterEach(async () => {
    await plugin.close();
    await fs.rm(dir, {recursive: true, force: true});
  });

  it('status shows server, machine, token, agent and open sessions', async () => {
    const lines: string[] = [];
    await status({paths: p, out: (l) => lines.push(l)});
    const text = lines.join('\n');
    assert.match(text, new RegExp(`Server: +${plugin.url} \\(paired as @alice\\)`));
    assert.match(text, /Machine: +laptop \(m1\)/);
    assert.match(text, /Token: +ok \(@alice, plugin 0\.1\.0, API v1\)/);
    assert.match(text, /Agent: +not running/);
    assert.match(text, /Sessions: 1 open/);
    assert.match(text, /sopen123 +idle +\/src\/app \(feature\/x\) +http.*\/_redirect\/pl\/post1 .*1 queued/);
  });

  it('status says when the token is refused', async () => {
    plugin.revoked = true;
    const lines: string[] = [];
    await status({paths: p, out: (l) => lines.push(l)});
    assert.match(lines.join('\n'), /Token: +refused by the plugin .*claude-mattermost login --url/);
  });

  it('sessions lists open ones; --all adds ended ones', async () => {
    const open: string[] = [];
    await sessions({paths: p, out: (l) => open.push(l), all: false});
    assert.equal(open.filter((l) => /^s/.test(l)).length, 1);
    const all: string[] = [];
    await sessions({paths: p, out: (l) => all.push(l), all: true});
    assert.ok(all.some((l) => /^sended12 +ended/.test(l)));
  });

  it('a working session of a stopped agent is marked as uncertain', () => {
    const [line] = sessionLines([{session_id: 'abc', cwd: '/w', state: 'open', phase: 'working', pending_approvals: [], created_at: 0, updated_at: 0}], {url: 'u'}, false, 90_000);
    assert.match(line!, /^abc {2}working\? +\/w {2}- {2}2m ago$/);
  });
});

describe('doctor', () => {
  let plugin: FakePlugin;
  let dir: string;
  let p: Paths;
  let work: string;
  beforeEach(async () => {
    plugin = await new FakePlugin().start();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cmm-doctor-'));
    work = path.join(dir, 'work');
    await fs.mkdir(work);
    p = paths(path.join(dir, 'config'));
    await saveConfig(p, {...base, url: plugin.url, allowed_roots: [work], default_dir: work}, plugin.token);
  });
  afterEach(async () => {
    await plugin.close();
    await fs.rm(dir, {recursive: true, force: true});
  });

  const run = (over: Partial<Parameters<typeof runChecks>[0]> = {}) =>
    runChecks({
      paths: p,
      env: {ANTHROPIC_API_KEY: 'k'},
      home: dir,
      findClaude: () => '/bin/claude',
      runVersion: async () => '2.0.0 (Claude Code)',
      gitVersion: async () => 'git version 2.39',
      ...over,
    });
  const byName = (checks: Check[], name: string) => checks.find((c) => c.name === name)!;

  it('all good: every check ✓', async () => {
    const checks = await run();
    assert.deepEqual(
      checks.map((c) => [c.name, c.level]),
      [
        ['Claude Code binary', 'ok'],
        ['Claude login', 'ok'],
        ['Configuration', 'ok'],
        ['Plugin reachable', 'ok'],
        ['Token valid', 'ok'],
        ['API versions compatible', 'ok'],
        ['Allowed directories', 'ok'],
        ['git', 'ok'],
      ],
    );
    assert.match(formatChecks(checks)[0]!, /^✓ Claude Code binary: 2\.0\.0 \(Claude Code\)/);
  });

  const failures: Array<[string, () => Partial<Parameters<typeof runChecks>[0]> | void, string, RegExp]> = [
    ['no binary', () => ({findClaude: () => undefined}), 'Claude Code binary', /reinstall/],
    ['a binary that does not run', () => ({runVersion: async () => Promise.reject(new Error('EACCES'))}), 'Claude Code binary', /executable/],
    ['no API key and no login', () => ({env: {}}), 'Claude login', /\/login/],
    ['a revoked token', () => void (plugin.revoked = true), 'Token valid', /claude-mattermost login --url/],
    ['another API version', () => void (plugin.apiVersion = 2), 'API versions compatible', /upgrade/],
    ['the plugin down', () => ({fetch: (async () => Promise.reject(new TypeError('fetch failed'))) as typeof fetch}), 'Plugin reachable', /network/],
    ['no config', () => ({paths: paths(path.join(dir, 'nothing'))}), 'Configuration', /claude-mattermost setup/],
  ];
  for (const [rule, arrange, name, fix] of failures) {
    it(`${rule} → ✗ ${name} with a fix`, async () => {
      const checks = await run(arrange() ?? {});
      const c = byName(checks, name);
      assert.equal(c.level, 'fail');
      assert.match(c.fix ?? '', fix);
      assert.ok(formatChecks(checks).some((l) => l.startsWith(`✗ ${name}`)));
    });
  }

  it('missing git is only a warning', async () => {
    const c = byName(await run({gitVersion: async () => Promise.reject(new Error('ENOENT'))}), 'git');
    assert.equal(c.level, 'warn');
  });

  const logins: Array<[string, Record<string, string>, boolean]> = [
    ['ANTHROPIC_API_KEY counts', {ANTHROPIC_API_KEY: 'x'}, true],
    ['CLAUDE_CODE_OAUTH_TOKEN counts', {CLAUDE_CODE_OAUTH_TOKEN: 'x'}, true],
    ['Bedrock counts', {CLAUDE_CODE_USE_BEDROCK: '1'}, true],
    ['nothing does not', {}, false],
  ];
  for (const [rule, env, ok] of logins) it(`login: ${rule}`, () => assert.equal(claudeLogin(env, '/nonexistent').level === 'ok', ok));

  it('login: a Claude Code credentials file counts', async () => {
    await fs.mkdir(path.join(dir, '.claude'));
    await fs.writeFile(path.join(dir, '.claude', '.credentials.json'), '{}');
    assert.equal(claudeLogin({}, dir).level, 'ok');
  });
});

describe('setup wizard', () => {
  let plugin: FakePlugin;
  let dir: string;
  let work: string;
  beforeEach(async () => {
    plugin = await new FakePlugin().start();
    dir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'cmm-setup-')));
    work = path.join(dir, 'work');
    await fs.mkdir(path.join(work, 'app'), {recursive: true});
  });
  afterEach(async () => {
    await plugin.close();
    await fs.rm(dir, {recursive: true, force: true});
  });

  /** Answers by question; records each question and runs its validator on the answer. */
  const scripted = (answers: Record<string, string | boolean>, asked: string[]): Prompts => {
    const pick = (message: string) => {
      asked.push(message);
      const key = Object.keys(answers).find((k) => message.startsWith(k));
      if (key === undefined) throw new Error(`unexpected question: ${message}`);
      return answers[key]!;
    };
    return {
      input: async (q) => {
        const a = pick(q.message);
        const v = a === '' && q.default !== undefined ? q.default : String(a);
        const ok = q.validate?.(v) ?? true;
        if (ok !== true) throw new Error(`invalid answer to "${q.message}": ${ok}`);
        return v;
      },
      confirm: async (q) => Boolean(pick(q.message)),
      select: async (q) => pick(q.message) as never,
    };
  };

  it('asks everything, pairs and writes config.yaml', async () => {
    const asked: string[] = [];
    const out: string[] = [];
    const cfg = path.join(dir, 'config');
    const config = await setup({
      dir: cfg,
      out: (l) => out.push(l),
      home: dir,
      prompts: scripted(
        {
          'Mattermost site URL': plugin.url + '/',
          'Pairing code': 'abcd1234',
          'Machine name': 'desk',
          'Directories Claude may work in': `${work}${path.delimiter}~/work/app`,
          'Default directory': path.join(work, 'app'),
          'Default permission mode': 'acceptEdits',
          'Default Claude model': 'claude-sonnet-9',
        },
        asked,
      ),
    });
    assert.equal(asked.length, 7);
    const saved = (await loadConfig(paths(cfg))).config;
    assert.deepEqual(saved, config);
    assert.deepEqual(saved, {
      url: plugin.url,
      machine: {id: 'm1', name: 'desk'},
      user: {id: 'u1', username: 'alice'},
      allowed_roots: [work, path.join(work, 'app')],
      default_dir: path.join(work, 'app'),
      default_permission_mode: 'acceptEdits',
      default_model: 'claude-sonnet-9',
    });
    assert.ok(out.some((l) => /Paired as @alice/.test(l)));
  });

  it('an already paired machine can keep its pairing and change only the settings', async () => {
    const cfg = path.join(dir, 'config');
    await saveConfig(paths(cfg), {url: plugin.url, machine: {id: 'm1', name: 'laptop'}, allowed_roots: [work], default_dir: work}, plugin.token);
    const asked: string[] = [];
    await setup({
      dir: cfg,
      out: () => undefined,
      home: dir,
      prompts: scripted({'Mattermost site URL': '', 'This machine is paired': false, 'Directories Claude may work in': '', 'Default directory': '', 'Default permission mode': 'plan', 'Default Claude model': ''}, asked),
    });
    assert.ok(!asked.some((q) => q.startsWith('Pairing code')), 'no code asked');
    const saved = (await loadConfig(paths(cfg))).config;
    assert.equal(saved.default_permission_mode, 'plan');
    assert.equal(saved.machine.name, 'laptop');
    assert.equal(plugin.hellos, 0);
  });

  it('refuses a directory that does not exist and a default outside the allowed ones', async () => {
    const cfg = path.join(dir, 'config');
    await assert.rejects(
      setup({dir: cfg, out: () => undefined, home: dir, prompts: scripted({'Mattermost site URL': plugin.url, 'Pairing code': 'x', 'Machine name': 'm', 'Directories Claude may work in': '/does/not/exist'}, [])}),
      /not a directory here: \/does\/not\/exist/,
    );
    await assert.rejects(
      setup({
        dir: cfg,
        out: () => undefined,
        home: dir,
        prompts: scripted({'Mattermost site URL': plugin.url, 'Pairing code': 'x', 'Machine name': 'm', 'Directories Claude may work in': path.join(work, 'app'), 'Default directory': work}, []),
      }),
      /is not inside the allowed directories/,
    );
    await assert.rejects(setup({dir: cfg, out: () => undefined, home: dir, prompts: scripted({'Mattermost site URL': 'chat.example.com'}, [])}), /the URL must be/);
  });
});
