/** The daemon against the fake plugin, with a stand-in for the SDK's query() (no Claude Code here). */
import assert from 'node:assert/strict';
import {spawn, type ChildProcess} from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, it} from 'node:test';
import type {Query} from '@anthropic-ai/claude-agent-sdk';
import {login} from '../../src/cli/login.js';
import {loadConfig} from '../../src/config/config.js';
import {paths, type Paths} from '../../src/config/paths.js';
import {loadState} from '../../src/config/state.js';
import {interruptedTurnPrompt} from '../../src/claude/recovery.js';
import type {QueryFn} from '../../src/claude/session.js';
import type {SessionRecord} from '../../src/sessions/store.js';
import {Daemon, FatalError} from '../../src/daemon.js';
import type {Logger} from '../../src/util/log.js';
import {FakePlugin} from '../helpers/fake-plugin.js';

/** Tool outputs PostgreSQL or Mattermost cannot take as they are. */
const POISON: Record<string, string> = {
  nul: 'binary\u0000data',
  surrogate: 'half a pair: \ud800 here',
  longline: 'a'.repeat(200_000),
};

function recordingLog(): Logger & {lines: string[]} {
  const lines: string[] = [];
  return {lines, info: (l) => lines.push(l), warn: (l) => lines.push('warning: ' + l), error: (l) => lines.push('error: ' + l), debug: () => undefined};
}

/**
 * A query() that answers each user message with a result, and never asks for
 * tools. `prompts` gets each user turn's text; a turn whose text contains
 * "[[hold]]" gets no result until the process is closed.
 */
function fakeQuery(calls: Array<{cwd?: string; resume?: string}>, prompts: string[] = []): QueryFn {
  return ({prompt, options}) => {
    calls.push({cwd: options?.cwd, resume: options?.resume});
    let closed = false;
    let wake: (() => void) | undefined;
    const gen = (async function* () {
      yield {type: 'system', subtype: 'init', session_id: 'claude-1', cwd: options?.cwd, model: 'fake'};
      let n = 0;
      for await (const m of prompt) {
        if (closed) return;
        const text = typeof m.message.content === 'string' ? m.message.content : '';
        prompts.push(text);
        n += 1;
        if (text.includes('[[hold]]')) await new Promise<void>((r) => (wake = r));
        if (closed) return;
        // A Bash call whose output Mattermost may not store (see POISON).
        const poison = /\[\[poison: (\w+)\]\]/.exec(text)?.[1];
        if (poison) {
          const id = `toolu_${n}`;
          yield {type: 'assistant', parent_tool_use_id: null, message: {id: `msg_${n}`, content: [{type: 'tool_use', id, name: 'Bash', input: {command: 'cat data'}}]}};
          yield {type: 'user', parent_tool_use_id: null, message: {role: 'user', content: [{type: 'tool_result', tool_use_id: id, content: POISON[poison]}]}};
        }
        // A tool call whose input is too large for an approval card.
        let said = `You said: ${text}`;
        if (text.includes('[[big-approval]]')) {
          const canUseTool = options!.canUseTool!;
          const r = await canUseTool('Write', {file_path: '/w/big.txt', content: 'x'.repeat(1 << 20)}, {signal: new AbortController().signal, toolUseID: `toolu_${n}`} as Parameters<typeof canUseTool>[2]);
          said = r?.behavior === 'deny' ? `Denied: ${r.message}` : 'Allowed';
        }
        yield {type: 'assistant', parent_tool_use_id: null, message: {id: `msg_text_${n}`, content: [{type: 'text', text: said}]}};
        yield {type: 'result', subtype: 'success', is_error: false, session_id: 'claude-1', total_cost_usd: 0, usage: {}, modelUsage: {}};
      }
    })();
    return Object.assign(gen, {
      close: () => {
        closed = true;
        wake?.();
      },
    }) as unknown as Query;
  };
}

/** A fake plugin, a config dir and a work dir per test; every daemon and process a test starts is stopped after it. */
function fixture(prefix: string) {
  const f = {
    plugin: undefined as unknown as FakePlugin,
    dir: '',
    p: undefined as unknown as Paths,
    work: '',
    running: [] as Daemon[],
    children: [] as ChildProcess[],
    daemon(opts: {log?: Logger; calls?: Array<{cwd?: string; resume?: string}>; prompts?: string[]; url?: string} = {}): Daemon {
      const d = new Daemon({
        config: {url: opts.url ?? f.plugin.url, machine: {id: 'm1', name: 'laptop'}, allowed_roots: [f.work], default_dir: f.work},
        token: f.plugin.token,
        paths: f.p,
        agentVersion: '0.0.0-test',
        log: opts.log ?? recordingLog(),
        query: fakeQuery(opts.calls ?? [], opts.prompts ?? []),
        pollWaitSeconds: 1,
      });
      f.running.push(d);
      return d;
    },
  };
  beforeEach(async () => {
    f.running = [];
    f.children = [];
    f.plugin = await new FakePlugin().start();
    f.dir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), prefix)));
    f.work = path.join(f.dir, 'work');
    await fs.mkdir(f.work);
    f.p = paths(path.join(f.dir, 'config'));
  });
  afterEach(async () => {
    for (const d of f.running) d.stop(); // a failed test must not leave a poller holding the process open
    for (const c of f.children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await f.plugin.close();
    await fs.rm(f.dir, {recursive: true, force: true});
  });
  return f;
}

describe('daemon', () => {
  const f = fixture('cmm-daemon-');

  const daemon = (log: Logger, calls: Array<{cwd?: string; resume?: string}> = [], url = f.plugin.url, prompts: string[] = []) => f.daemon({log, calls, url, prompts});

  it('exits with a clear message when the token is revoked', async () => {
    f.plugin.revoked = true;
    await assert.rejects(daemon(recordingLog()).run(), (err: Error) => err instanceof FatalError && /revoked.*claude-mattermost login --url/.test(err.message));
  });

  it('exits with a clear message when the plugin does not speak API v1', async () => {
    f.plugin.apiVersion = 2;
    await assert.rejects(daemon(recordingLog()).run(), (err: Error) => err instanceof FatalError && /does not support this agent's API v1/.test(err.message));
  });

  it('waits for a plugin that is not up yet, saying so, instead of exiting', async () => {
    const log = recordingLog();
    const port = Number(new URL(f.plugin.url).port);
    await f.plugin.close();
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
    const sid = f.plugin.startSession('hi', '/etc');
    const err = await f.plugin.waitFor((o) => o.find((x) => x.session_id === sid && x.body.status === 'error'), 5000);
    assert.match(err.body.error, /outside the directories this machine allows/);
    assert.equal(calls.length, 0);
    while (f.plugin.acked < 1) await new Promise((r) => setTimeout(r, 10));
    assert.equal(f.plugin.pendingEvents(), 0);
    d.stop();
    await run;
    assert.equal((await loadState(f.p.state)).cursor, 1);
  });

  it('starts in the default dir when cwd is empty, and a later message after restart resumes the Claude session', async () => {
    const calls: Array<{cwd?: string; resume?: string}> = [];
    const first = daemon(recordingLog(), calls);
    let run = first.run();
    const sid = f.plugin.startSession('hi', '');
    await f.plugin.waitFor((o) => o.find((x) => x.session_id === sid && x.body.status === 'idle'), 5000);
    assert.deepEqual(calls, [{cwd: f.work, resume: undefined}]);
    first.stop();
    await run;

    const second = daemon(recordingLog(), calls);
    run = second.run();
    f.plugin.message(sid, 'again');
    await f.plugin.waitFor((o) => o.filter((x) => x.session_id === sid && x.body.status === 'idle').length >= 2, 5000);
    assert.deepEqual(calls[1], {cwd: f.work, resume: 'claude-1'});
    second.stop();
    await run;
  });

  it('follows the plugin when its event numbering starts again below our cursor', async () => {
    await fs.mkdir(f.p.dir, {recursive: true});
    await fs.writeFile(f.p.state, JSON.stringify({machine_id: 'm1', cursor: 40}));
    const log = recordingLog();
    const d = daemon(log);
    const run = d.run();
    const sid = f.plugin.startSession('hi', '/etc'); // seq 1 on the plugin's fresh queue
    await f.plugin.waitFor((o) => o.find((x) => x.session_id === sid && x.body.status === 'error'), 5000);
    assert.ok(log.lines.some((l) => /numbering restarted/.test(l)));
    d.stop();
    await run;
    assert.equal((await loadState(f.p.state)).cursor, 1);
  });

  it('forgets ended sessions after 30 days and keeps the rest', async () => {
    await fs.mkdir(f.p.sessions, {recursive: true});
    const rec = (id: string, state: string, age: number) =>
      fs.writeFile(path.join(f.p.sessions, `${id}.json`), JSON.stringify({session_id: id, cwd: f.work, state, phase: 'idle', pending_approvals: [], created_at: 0, updated_at: Date.now() - age}));
    const day = 24 * 3600 * 1000;
    await rec('old-ended', 'ended', 31 * day);
    await rec('new-ended', 'ended', 1 * day);
    await rec('old-open', 'open', 31 * day);
    const d = daemon(recordingLog());
    const run = d.run();
    while (!(await fs.readdir(f.p.sessions)).every((n) => n !== 'old-ended.json')) await new Promise((r) => setTimeout(r, 10));
    d.stop();
    await run;
    assert.deepEqual((await fs.readdir(f.p.sessions)).sort(), ['new-ended.json', 'old-open.json']);
  });

  it('skips an event it does not understand instead of wedging the inbox', async () => {
    const log = recordingLog();
    const d = daemon(log);
    const run = d.run();
    const push = (f.plugin as unknown as {push: (t: string, s: string, p: object) => void}).push.bind(f.plugin);
    push('teleport', 'sX', {});
    push('teleport', 'sY', {});
    push('start', 'sZ', {cwd: 42});
    while (f.plugin.acked < 3) await new Promise((r) => setTimeout(r, 10));
    assert.equal(log.lines.filter((l) => /events of type "teleport", which this agent does not know/.test(l)).length, 1, 'an unknown type is logged once');
    assert.ok(log.lines.some((l) => /skipping start event 3/.test(l)), 'a known type with a bad payload is logged');
    d.stop();
    await run;
  });
});

describe('a token the plugin refuses on any route (revoked, or its user deactivated)', () => {
  const f = fixture('cmm-401-');

  const start = () => f.daemon().run();
  const refused = (err: Error) => err instanceof FatalError && /refused this machine's token \(the user of this agent token is deactivated\).*deactivated.*claude-mattermost login --url/.test(err.message);
  const idle = async (sid: string) => f.plugin.waitFor((o) => o.find((x) => x.session_id === sid && x.body.status === 'idle'), 5000, 'idle');

  it('hello', async () => {
    f.plugin.unauthorized = /^\/agent\/hello$/;
    await assert.rejects(start(), refused);
  });

  it('the long poll', async () => {
    f.plugin.unauthorized = /^\/agent\/events$/;
    await assert.rejects(start(), refused);
  });

  it('the ack', async () => {
    f.plugin.unauthorized = /^\/agent\/events\/ack$/;
    f.plugin.startSession('hi', '/etc');
    await assert.rejects(start(), refused);
  });

  it('an output', async () => {
    f.plugin.unauthorized = /\/output$/;
    f.plugin.startSession('hi');
    await assert.rejects(start(), refused);
  });

  it('a file download, and the message waits for the next run (not acked)', async () => {
    const run = start();
    const sid = f.plugin.startSession('hi');
    await idle(sid);
    f.plugin.unauthorized = /^\/agent\/files\//;
    f.plugin.message(sid, 'see this', [{name: 'a.txt', mime_type: 'text/plain', bytes: Buffer.from('a')}]);
    const seq = f.plugin.lastEvent()!.seq;
    await assert.rejects(run, refused);
    assert.ok(f.plugin.acked < seq, 'the message is not acked');
  });

  it('a file upload', async () => {
    await fs.writeFile(path.join(f.work, 'out.txt'), 'result');
    const run = start();
    const sid = f.plugin.startSession('hi');
    await idle(sid);
    f.plugin.unauthorized = /\/files$/;
    f.plugin.command(sid, 'file', 'out.txt');
    await assert.rejects(run, refused);
  });
});

describe('after a crash', () => {
  const f = fixture('cmm-crash-');

  const daemon = (calls: Array<{cwd?: string; resume?: string}>, prompts: string[], log = recordingLog()) => f.daemon({calls, prompts, log});
  /** The session record a killed agent left, as it left it. */
  const leftRecord = async (sid: string, extra: Partial<SessionRecord>) => {
    f.plugin.addSession(sid);
    await fs.mkdir(f.p.sessions, {recursive: true});
    const rec: SessionRecord = {session_id: sid, cwd: f.work, state: 'open', phase: 'working', pending_approvals: [], created_at: 1, updated_at: Date.now(), ...extra};
    await fs.writeFile(path.join(f.p.sessions, `${sid}.json`), JSON.stringify(rec));
  };
  /** An output a killed agent left in its outbox. */
  const leftOutput = async (seq: number, sid: string, body: object) => {
    await fs.mkdir(f.p.outbox, {recursive: true});
    await fs.writeFile(path.join(f.p.outbox, `${String(seq).padStart(12, '0')}.json`), JSON.stringify({seq, session_id: sid, key: `key-${seq}`, body, created_at: 1}));
  };
  const noticeOf = (sid: string, re: RegExp) => f.plugin.waitFor((o) => o.find((x) => x.session_id === sid && x.body.kind === 'notice' && re.test(x.body.text)), 5000, `notice ${re}`);

  it('a session whose agent died before Claude Code got going starts again with its first prompt', async () => {
    await leftRecord('s1', {phase: 'starting', queued: [{type: 'message', text: 'the first prompt'}]});
    const calls: Array<{resume?: string}> = [];
    const prompts: string[] = [];
    const d = daemon(calls, prompts);
    const run = d.run();
    await noticeOf('s1', /^Agent restarted — session resumed\. Claude Code had not started yet/);
    await f.plugin.waitFor((o) => o.find((x) => x.session_id === 's1' && x.body.status === 'idle'), 5000, 'idle');
    assert.deepEqual(prompts, ['the first prompt']);
    assert.equal(calls[0]!.resume, undefined);
    d.stop();
    await run;
  });

  it('a cut-off turn is resumed in the same Claude conversation, before what was queued, and the thread says so', async () => {
    await leftRecord('s1', {claude_session_id: 'claude-1', turn: {type: 'message', text: 'do the thing'}, queued: [{type: 'message', text: 'and then this'}]});
    const calls: Array<{resume?: string}> = [];
    const prompts: string[] = [];
    const d = daemon(calls, prompts);
    const run = d.run();
    await noticeOf('s1', /^Agent restarted — session resumed\. Claude was interrupted in the middle of its turn/);
    await f.plugin.waitFor(() => prompts.length === 2, 5000, 'both turns');
    assert.equal(calls[0]!.resume, 'claude-1');
    assert.deepEqual(prompts, [interruptedTurnPrompt('do the thing'), 'and then this']);
    d.stop();
    await run;
  });

  it('a post cut off mid-stream is finished with the marker (from the newest text the agent had); one whose end was queued is left alone', async () => {
    await leftRecord('s1', {
      claude_session_id: 'claude-1',
      phase: 'idle',
      streams: [
        {message_id: 'm-1', text: 'Half'},
        {message_id: 'm-2', text: 'Comple'},
      ],
    });
    await leftOutput(1, 's1', {kind: 'text', message_id: 'm-1', text: 'Half an', done: false});
    await leftOutput(2, 's1', {kind: 'text', message_id: 'm-2', text: 'Complete.', done: true});
    const d = daemon([], []);
    const run = d.run();
    await noticeOf('s1', /^Agent restarted — session resumed\.$/);
    const texts = f.plugin.of('s1', 'text').map((o) => [o.body.message_id, o.body.text, o.body.done]);
    assert.deepEqual(texts, [
      ['m-1', 'Half an', false],
      ['m-2', 'Complete.', true],
      ['m-1', 'Half an\n\n… (interrupted: the agent restarted)', true],
    ]);
    d.stop();
    await run;
    assert.deepEqual(JSON.parse(await fs.readFile(path.join(f.p.sessions, 's1.json'), 'utf8')).streams, []);
  });

  it('a Claude Code process the killed agent left running is stopped before the session resumes (and nothing else is)', async () => {
    const keepAlive = ['-e', 'setInterval(() => {}, 1e9)', '--'];
    const claudeArgs = [...keepAlive, 'claude', '--output-format', 'stream-json', '--input-format', 'stream-json'];
    const claude = spawn(process.execPath, claudeArgs, {stdio: 'ignore', cwd: f.work});
    const other = spawn(process.execPath, [...keepAlive, 'not-it'], {stdio: 'ignore', cwd: f.work});
    // Claude Code too, but of another session elsewhere: the pid in the record was reused.
    const elsewhere = spawn(process.execPath, claudeArgs, {stdio: 'ignore', cwd: f.dir});
    f.children.push(claude, other, elsewhere);
    await leftRecord('s1', {claude_session_id: 'claude-1', phase: 'idle', claude_pid: claude.pid});
    await leftRecord('s2', {claude_session_id: 'claude-1', phase: 'idle', claude_pid: other.pid});
    await leftRecord('s3', {claude_session_id: 'claude-1', phase: 'idle', claude_pid: elsewhere.pid});
    const claudeGone = new Promise((r) => claude.once('exit', (_code, signal) => r(signal)));
    const log = recordingLog();
    const d = daemon([], [], log);
    const run = d.run();
    assert.equal(await claudeGone, 'SIGTERM');
    await noticeOf('s2', /^Agent restarted/);
    await noticeOf('s3', /^Agent restarted/);
    assert.equal(other.exitCode, null, 'a process that is not Claude Code is left alone');
    assert.equal(elsewhere.exitCode, null, 'a Claude Code in another directory is left alone');
    assert.ok(log.lines.some((l) => /stopped the Claude Code process \(pid \d+\) the last run left running/.test(l)));
    d.stop();
    await run;
  });

  it('an event delivered again after a crash is not applied twice', async () => {
    await leftRecord('s1', {claude_session_id: 'claude-1', phase: 'idle'});
    f.plugin.message('s1', 'already handled');
    const first = f.plugin.lastEvent()!;
    // The killed agent had applied it (the record says so) but not acked it.
    const rec = JSON.parse(await fs.readFile(path.join(f.p.sessions, 's1.json'), 'utf8'));
    await fs.writeFile(path.join(f.p.sessions, 's1.json'), JSON.stringify({...rec, last_event: {seq: first.seq, at: first.created_at}}));
    f.plugin.message('s1', 'new');
    const prompts: string[] = [];
    const d = daemon([], prompts);
    const run = d.run();
    await f.plugin.waitFor(() => prompts.includes('new'), 5000, 'the new message');
    assert.deepEqual(prompts, ['new']);
    d.stop();
    await run;
  });

  it('an event is acked only once what it changed is on disk', async () => {
    const prompts: string[] = [];
    const d = daemon([], prompts);
    const run = d.run();
    const sid = f.plugin.startSession('[[hold]] working');
    await f.plugin.waitFor(() => prompts.length === 1, 5000, 'the first turn');
    f.plugin.message(sid, 'queued behind it');
    const seq = f.plugin.lastEvent()!.seq;
    await f.plugin.waitFor(() => f.plugin.acked >= seq, 5000, 'the ack');
    const rec = JSON.parse(await fs.readFile(path.join(f.p.sessions, `${sid}.json`), 'utf8')) as SessionRecord;
    assert.deepEqual(rec.queued, [{type: 'message', text: 'queued behind it'}]);
    assert.deepEqual(rec.turn, {type: 'message', text: '[[hold]] working'});
    assert.equal(rec.last_event?.seq, seq);
    d.stop();
    await run;
  });

  it('an approval a killed agent queued and the plugin refuses denies the tool in the resumed session, with a note', async () => {
    const input = {file_path: '/w/big.txt', content: 'x'.repeat(1 << 20)};
    await leftRecord('s1', {
      claude_session_id: 'claude-1',
      phase: 'waiting',
      turn: {type: 'message', text: 'write it'},
      pending_approvals: [{request_id: 'r1', tool_name: 'Write', input, created_at: 1}],
    });
    await leftOutput(1, 's1', {kind: 'approval', request_id: 'r1', tool_name: 'Write', input});
    const prompts: string[] = [];
    const d = daemon([], prompts);
    const run = d.run();
    await noticeOf('s1', /^Could not post the approval request for `Write`: Mattermost refused it \(HTTP 400: tool input is too large for an approval card\)\. The tool call was denied/);
    await f.plugin.waitFor(() => prompts.length === 1, 5000, 'the recovery prompt');
    assert.match(prompts[0]!, /It was denied\. Reason: Mattermost refused the approval request \(tool input is too large for an approval card\)\. Do not run it/);
    d.stop();
    await run;
  });
});

describe('poison output', () => {
  const f = fixture('cmm-poison-');

  let d: Daemon | undefined;
  const run = () => {
    d = f.daemon();
    return d.run();
  };
  const answered = (sid: string, text: string) =>
    f.plugin.waitFor((o) => o.find((x) => x.session_id === sid && x.body.kind === 'text' && x.body.text === text), 10_000, `"${text}" in ${sid}`);

  const stored: Record<string, string> = {nul: 'binary\ufffddata', surrogate: 'half a pair: \ufffd here', longline: 'a'.repeat(200_000)};
  for (const kind of ['nul', 'surrogate', 'longline']) {
    it(`a tool output with ${kind} in one session: the other session goes on, and so does this one`, async () => {
      const done = run();
      const poisoned = f.plugin.startSession(`[[poison: ${kind}]]`);
      const other = f.plugin.startSession('hello');
      await answered(other, 'You said: hello');
      await answered(poisoned, `You said: [[poison: ${kind}]]`);
      f.plugin.message(poisoned, 'still there?');
      await answered(poisoned, 'You said: still there?');
      // The plugin makes a NUL and invalid UTF-8 safe (U+FFFD) and takes a long line as it is.
      assert.equal(f.plugin.of(poisoned, 'tool_output')[0]?.body.output, stored[kind]);
      assert.deepEqual(f.plugin.notices(poisoned), []);
      d!.stop();
      await done;
    });
  }

  it('a tool output the plugin refuses (4xx) is dropped with a note; both sessions go on', async () => {
    f.plugin.refuse = (_sid, body) => (body.kind === 'tool_output' ? {status: 400, error: 'the post is not valid: message too long'} : undefined);
    const done = run();
    const poisoned = f.plugin.startSession('[[poison: longline]]');
    const other = f.plugin.startSession('hello');
    await answered(other, 'You said: hello');
    await answered(poisoned, 'You said: [[poison: longline]]');
    assert.deepEqual(f.plugin.notices(poisoned), ['Could not post the output of a `Bash` call: Mattermost refused it (HTTP 400: the post is not valid: message too long).']);
    f.plugin.message(poisoned, 'still there?');
    await answered(poisoned, 'You said: still there?');
    d!.stop();
    await done;
  });

  it('a tool output the plugin fails on (5xx) for ever holds back only its own session', async () => {
    f.plugin.refuse = (_sid, body) => (body.kind === 'tool_output' ? {status: 500, error: 'internal error'} : undefined);
    const done = run();
    const poisoned = f.plugin.startSession('[[poison: nul]]');
    await f.plugin.waitFor(() => f.plugin.received.filter((r) => r.kind === 'tool_output').length >= 2, 10_000, 'the tool output tried twice');
    const other = f.plugin.startSession('hello');
    await answered(other, 'You said: hello');
    f.plugin.message(other, 'again');
    await answered(other, 'You said: again');
    assert.equal(f.plugin.of(poisoned, 'text').length, 0, "the poisoned session's later outputs wait behind it, in order");
    d!.stop();
    await done;
  });

  it('a 1 MiB tool input: the plugin refuses the card, the tool is denied, the thread says so, the other session goes on', async () => {
    const done = run();
    const big = f.plugin.startSession('[[big-approval]]');
    const other = f.plugin.startSession('hello');
    await answered(other, 'You said: hello');
    await answered(big, 'Denied: Denied: Mattermost refused the approval request (tool input is too large for an approval card)');
    assert.deepEqual(f.plugin.notices(big), ['Could not post the approval request for `Write`: Mattermost refused it (HTTP 400: tool input is too large for an approval card). The tool call was denied; Claude was told why.']);
    d!.stop();
    await done;
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
