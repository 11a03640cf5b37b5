/** The daemon against the fake plugin, with a stand-in for the SDK's query() (no Claude Code here). */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, it} from 'node:test';
import type {Query} from '@anthropic-ai/claude-agent-sdk';
import {login} from '../../src/cli/login.js';
import {loadConfig} from '../../src/config/config.js';
import {paths, type Paths} from '../../src/config/paths.js';
import {loadState} from '../../src/config/state.js';
import type {QueryFn} from '../../src/claude/session.js';
import {Daemon, FatalError} from '../../src/daemon.js';
import type {Logger} from '../../src/util/log.js';
import {FakePlugin} from '../helpers/fake-plugin.js';

function recordingLog(): Logger & {lines: string[]} {
  const lines: string[] = [];
  return {lines, info: (l) => lines.push(l), warn: (l) => lines.push('warning: ' + l), error: (l) => lines.push('error: ' + l), debug: () => undefined};
}

/** A query() that answers each user message with a result, and never asks for tools. */
function fakeQuery(calls: Array<{cwd?: string; resume?: string}>): QueryFn {
  return ({prompt, options}) => {
    calls.push({cwd: options?.cwd, resume: options?.resume});
    let closed = false;
    const gen = (async function* () {
      yield {type: 'system', subtype: 'init', session_id: 'claude-1', cwd: options?.cwd, model: 'fake'};
      for await (const _ of prompt) {
        if (closed) return;
        yield {type: 'result', subtype: 'success', is_error: false, session_id: 'claude-1', total_cost_usd: 0, usage: {}, modelUsage: {}};
      }
    })();
    return Object.assign(gen, {close: () => void (closed = true)}) as unknown as Query;
  };
}

describe('daemon', () => {
  let plugin: FakePlugin;
  let dir: string;
  let p: Paths;
  let work: string;
  let running: Daemon[] = [];
  beforeEach(async () => {
    running = [];
    plugin = await new FakePlugin().start();
    dir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'cmm-daemon-')));
    work = path.join(dir, 'work');
    await fs.mkdir(work);
    p = paths(path.join(dir, 'config'));
  });
  afterEach(async () => {
    for (const d of running) d.stop(); // a failed test must not leave a poller holding the process open
    await plugin.close();
    await fs.rm(dir, {recursive: true, force: true});
  });

  const daemon = (log: Logger, calls: Array<{cwd?: string; resume?: string}> = [], url = plugin.url) => {
    const d = new Daemon({
      config: {url, machine: {id: 'm1', name: 'laptop'}, allowed_roots: [work], default_dir: work},
      token: plugin.token,
      paths: p,
      agentVersion: '0.0.0-test',
      log,
      query: fakeQuery(calls),
      pollWaitSeconds: 1,
    });
    running.push(d);
    return d;
  };

  it('exits with a clear message when the token is revoked', async () => {
    plugin.revoked = true;
    await assert.rejects(daemon(recordingLog()).run(), (err: Error) => err instanceof FatalError && /revoked.*claude-mattermost login --url/.test(err.message));
  });

  it('exits with a clear message when the plugin does not speak API v1', async () => {
    plugin.apiVersion = 2;
    await assert.rejects(daemon(recordingLog()).run(), (err: Error) => err instanceof FatalError && /does not support this agent's API v1/.test(err.message));
  });

  it('waits for a plugin that is not up yet, saying so, instead of exiting', async () => {
    const log = recordingLog();
    const port = Number(new URL(plugin.url).port);
    await plugin.close();
    const d = daemon(log, [], `http://127.0.0.1:${port}`);
    const run = d.run();
    while (!log.lines.some((l) => /waiting for plugin \(retry in \d+m?s\): .*ECONNREFUSED/.test(l))) await new Promise((r) => setTimeout(r, 20));
    d.stop();
    await run;
  });

  it('refuses a cwd outside the allowed roots, starts nothing, acks and persists the cursor', async () => {
    const calls: Array<{cwd?: string}> = [];
    const d = daemon(recordingLog(), calls);
    const run = d.run();
    const sid = plugin.startSession('hi', '/etc');
    const err = await plugin.waitFor((o) => o.find((x) => x.session_id === sid && x.body.status === 'error'), 5000);
    assert.match(err.body.error, /outside the directories this machine allows/);
    assert.equal(calls.length, 0);
    while (plugin.acked < 1) await new Promise((r) => setTimeout(r, 10));
    assert.equal(plugin.pendingEvents(), 0);
    d.stop();
    await run;
    assert.equal((await loadState(p.state)).cursor, 1);
  });

  it('starts in the default dir when cwd is empty, and a later message after restart resumes the Claude session', async () => {
    const calls: Array<{cwd?: string; resume?: string}> = [];
    const first = daemon(recordingLog(), calls);
    let run = first.run();
    const sid = plugin.startSession('hi', '');
    await plugin.waitFor((o) => o.find((x) => x.session_id === sid && x.body.status === 'idle'), 5000);
    assert.deepEqual(calls, [{cwd: work, resume: undefined}]);
    first.stop();
    await run;

    const second = daemon(recordingLog(), calls);
    run = second.run();
    plugin.message(sid, 'again');
    await plugin.waitFor((o) => o.filter((x) => x.session_id === sid && x.body.status === 'idle').length >= 2, 5000);
    assert.deepEqual(calls[1], {cwd: work, resume: 'claude-1'});
    second.stop();
    await run;
  });

  it('follows the plugin when its event numbering starts again below our cursor', async () => {
    await fs.mkdir(p.dir, {recursive: true});
    await fs.writeFile(p.state, JSON.stringify({machine_id: 'm1', cursor: 40}));
    const log = recordingLog();
    const d = daemon(log);
    const run = d.run();
    const sid = plugin.startSession('hi', '/etc'); // seq 1 on the plugin's fresh queue
    await plugin.waitFor((o) => o.find((x) => x.session_id === sid && x.body.status === 'error'), 5000);
    assert.ok(log.lines.some((l) => /numbering restarted/.test(l)));
    d.stop();
    await run;
    assert.equal((await loadState(p.state)).cursor, 1);
  });

  it('forgets ended sessions after 30 days and keeps the rest', async () => {
    await fs.mkdir(p.sessions, {recursive: true});
    const rec = (id: string, state: string, age: number) =>
      fs.writeFile(path.join(p.sessions, `${id}.json`), JSON.stringify({session_id: id, cwd: work, state, phase: 'idle', pending_approvals: [], created_at: 0, updated_at: Date.now() - age}));
    const day = 24 * 3600 * 1000;
    await rec('old-ended', 'ended', 31 * day);
    await rec('new-ended', 'ended', 1 * day);
    await rec('old-open', 'open', 31 * day);
    const d = daemon(recordingLog());
    const run = d.run();
    while (!(await fs.readdir(p.sessions)).every((n) => n !== 'old-ended.json')) await new Promise((r) => setTimeout(r, 10));
    d.stop();
    await run;
    assert.deepEqual((await fs.readdir(p.sessions)).sort(), ['new-ended.json', 'old-open.json']);
  });

  it('skips an event it does not understand instead of wedging the inbox', async () => {
    const log = recordingLog();
    const d = daemon(log);
    const run = d.run();
    const push = (plugin as unknown as {push: (t: string, s: string, p: object) => void}).push.bind(plugin);
    push('teleport', 'sX', {});
    push('teleport', 'sY', {});
    push('start', 'sZ', {cwd: 42});
    while (plugin.acked < 3) await new Promise((r) => setTimeout(r, 10));
    assert.equal(log.lines.filter((l) => /events of type "teleport", which this agent does not know/.test(l)).length, 1, 'an unknown type is logged once');
    assert.ok(log.lines.some((l) => /skipping start event 3/.test(l)), 'a known type with a bad payload is logged');
    d.stop();
    await run;
  });
});

describe('login', () => {
  let plugin: FakePlugin;
  let dir: string;
  beforeEach(async () => {
    plugin = await new FakePlugin().start();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cmm-login-'));
  });
  afterEach(async () => {
    await plugin.close();
    await fs.rm(dir, {recursive: true, force: true});
  });

  it('exchanges the code and saves config and token', async () => {
    const out: string[] = [];
    await login({url: plugin.url + '/', code: 'abcd1234', name: 'box', allowedRoots: ['/srv/src'], defaultDir: '/srv/src'}, {dir, out: (l) => out.push(l)});
    const {config, token} = await loadConfig(paths(dir));
    assert.equal(token, plugin.token);
    assert.deepEqual(config, {url: plugin.url, machine: {id: 'm1', name: 'box'}, user: {id: 'u1', username: 'alice'}, allowed_roots: ['/srv/src'], default_dir: '/srv/src'});
    assert.match(out.join('\n'), /Paired as @alice/);
  });

  it('a wrong code says how to get a new one', async () => {
    await assert.rejects(login({url: plugin.url, code: 'WXYZ-0000', allowedRoots: []}, {dir, out: () => undefined}), /not accepted.*\/claude connect/);
  });
});
