import assert from 'node:assert/strict';
import {getEventListeners} from 'node:events';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, it} from 'node:test';
import {Outbox, type DropReason, type OutboxBody, type OutboxEntry, type OutboxOptions} from '../../src/outbox/outbox.js';
import {droppedNotice} from '../../src/outbox/notes.js';
import {ApiMismatchError, RejectedError, RevokedTokenError, TransientError} from '../../src/plugin/client.js';
import type {Output} from '../../src/plugin/protocol.js';
import {backoff, type Backoff} from '../../src/util/backoff.js';

const status = (s: 'working' | 'idle'): Output => ({kind: 'status', status: s});
const text = (t: string, done = false, id = 'm1'): Output => ({kind: 'text', message_id: id, text: t, done});
const notice = (t: string): Output => ({kind: 'notice', text: t});
const http500 = () => new TransientError('internal error (HTTP 500)', {status: 500});

/** Wait for a condition (never for a fixed time). */
async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

describe('outbox', () => {
  let dir: string;
  let abort: AbortController;
  let boxes: Outbox[];
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cmm-outbox-'));
    abort = new AbortController();
    boxes = [];
  });
  afterEach(async () => {
    abort.abort();
    await fs.rm(dir, {recursive: true, force: true});
  });

  const fast = () => backoff({baseMs: 1, capMs: 4});
  const open = async (opts: Partial<OutboxOptions> & Pick<OutboxOptions, 'send'>) => {
    const box = await Outbox.open(dir, {backoff: fast, ...opts});
    boxes.push(box);
    return box;
  };
  const entriesOnDisk = async () => (await fs.readdir(dir)).filter((n) => n.endsWith('.json'));

  it('sends in the order queued, each with its own idempotency key, and deletes sent entries', async () => {
    const sent: OutboxEntry[] = [];
    const box = await open({send: async (e) => void sent.push(e)});
    await box.enqueue('s1', status('working'));
    await box.enqueue('s2', {kind: 'approval', request_id: 'r1', tool_name: 'Bash', input: {command: 'ls'}});
    await box.enqueue('s1', status('idle'));
    void box.run(abort.signal);
    await box.whenIdle();
    assert.deepEqual(
      sent.filter((e) => e.session_id === 's1').map((e) => (e.body as {status: string}).status),
      ['working', 'idle'],
    );
    assert.equal(sent.length, 3);
    assert.equal(new Set(sent.map((e) => e.key)).size, 3);
    assert.deepEqual(await entriesOnDisk(), []);
  });

  it('a session sends one output at a time: the next goes only once the plugin took the one before', async () => {
    const order: string[] = [];
    let inFlight = 0;
    let most = 0;
    const box = await open({
      send: async (e) => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise((r) => setTimeout(r, 2));
        order.push((e.body as {text: string}).text);
        inFlight -= 1;
      },
    });
    for (let i = 0; i < 10; i++) await box.enqueue('s1', notice(`n${i}`));
    void box.run(abort.signal);
    await box.whenIdle();
    assert.deepEqual(order, Array.from({length: 10}, (_, i) => `n${i}`));
    assert.equal(most, 1);
  });

  it('retries a transient failure with the same key and holds back later entries of that session', async () => {
    const attempts: Array<[string, string]> = [];
    let failures = 3;
    const box = await open({
      send: async (e) => {
        attempts.push([e.key, (e.body as {status?: string}).status ?? '']);
        if (e.body.kind === 'status' && e.body.status === 'working' && failures-- > 0) throw new TransientError('connect ECONNREFUSED');
      },
    });
    await box.enqueue('s1', status('working'));
    await box.enqueue('s1', status('idle'));
    void box.run(abort.signal);
    await box.whenIdle();
    assert.deepEqual(
      attempts.map(([, s]) => s),
      ['working', 'working', 'working', 'working', 'idle'],
    );
    assert.equal(new Set(attempts.slice(0, 4).map(([k]) => k)).size, 1, 'every retry reuses the key');
  });

  it("session A's head failing with 5xx for ever does not hold back session B, and A keeps its order", async () => {
    const sentB: string[] = [];
    let triesA = 0;
    const box = await open({
      send: async (e) => {
        if (e.session_id === 'A') {
          triesA += 1;
          throw http500();
        }
        sentB.push((e.body as {text: string}).text);
      },
      // Never given up in this test: it must simply not block anyone else.
      poison: {attempts: Infinity, ms: Infinity},
    });
    await box.enqueue('A', notice('a1'));
    await box.enqueue('A', notice('a2'));
    for (let i = 0; i < 20; i++) await box.enqueue('B', notice(`b${i}`));
    void box.run(abort.signal);
    await until(() => sentB.length === 20 && triesA >= 5, "all of B's outputs and several tries of A's head");
    assert.deepEqual(sentB, Array.from({length: 20}, (_, i) => `b${i}`));
    assert.deepEqual(
      box.pending().map((e) => (e.body as {text: string}).text),
      ['a1', 'a2'],
      "A's outputs wait, in order",
    );
  });

  it('a repeating 5xx is retried with backoff and jitter, per session; a success starts the backoff again', async () => {
    const delays: string[] = [];
    /** A backoff that records each call; the real one adds the jitter (tested with backoff itself below). */
    const recording = (): Backoff => {
      const inner = backoff({baseMs: 1, capMs: 4});
      return {
        next: () => {
          delays.push('next');
          return inner.next();
        },
        reset: () => {
          delays.push('reset');
          inner.reset();
        },
      };
    };
    let failures = 3;
    const box = await open({
      send: async () => {
        if (failures-- > 0) throw http500();
      },
      backoff: recording,
    });
    await box.enqueue('s1', status('working'));
    void box.run(abort.signal);
    await box.whenIdle();
    assert.deepEqual(delays, ['next', 'next', 'next', 'reset']);
  });

  it("waits for the plugin's Retry-After before trying again, past its own backoff", async () => {
    let now = 0;
    let triesA = 0;
    const sentB: string[] = [];
    const box = await open({
      now: () => now,
      send: async (e) => {
        if (e.session_id === 'B') return void sentB.push((e.body as {text: string}).text);
        triesA += 1;
        if (triesA === 1) throw new TransientError('still being handled (HTTP 503)', {status: 503, retryAfterMs: 200});
      },
    });
    await box.enqueue('A', status('idle'));
    void box.run(abort.signal);
    await until(() => triesA === 1, 'the first try');
    now += 10; // past the backoff (at most 4 ms here), not past Retry-After
    await box.enqueue('B', notice('b1'));
    await until(() => sentB.length === 1, "B's output");
    assert.equal(triesA, 1, 'A waits for Retry-After');
    now += 200;
    await box.enqueue('B', notice('b2'));
    await box.whenIdle();
    assert.equal(triesA, 2);
  });

  it('backoff: full jitter between half the base and the capped exponential', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 50; i++) {
      const b = backoff({baseMs: 100, capMs: 1000});
      const first = b.next();
      assert.ok(first >= 50 && first <= 100, `first delay ${first}`);
      for (let k = 0; k < 10; k++) b.next();
      const late = b.next();
      assert.ok(late >= 50 && late <= 1000, `capped delay ${late}`);
      seen.add(first);
    }
    assert.ok(seen.size > 1, 'delays vary (jitter)');
  });

  it('drops an output the plugin refuses (4xx), says why in its place in the thread without the content, and goes on', async () => {
    const sent: OutboxEntry[] = [];
    const dropped: Array<[OutboxEntry, DropReason]> = [];
    const poison = 'line one\u0000two';
    const box = await open({
      send: async (e) => {
        if (e.body.kind === 'tool_output') throw new RejectedError('output contains a NUL byte', 400);
        sent.push(e);
      },
      onDropped: (e, r) => dropped.push([e, r]),
    });
    await box.enqueue('s1', {kind: 'tool_output', tool_use_id: 'toolu_1', tool_name: 'Bash', summary: 'cat bin', output: poison, is_error: false});
    await box.enqueue('s1', text('after', true));
    void box.run(abort.signal);
    await until(() => sent.length === 2, 'the next output and the note');
    await box.whenIdle();
    assert.equal(dropped.length, 1);
    assert.deepEqual(dropped[0]![1], {kind: 'refused', status: 400, message: 'output contains a NUL byte'});
    assert.equal(sent[1]!.body.kind, 'text', 'the next output of the session went on');
    assert.equal(sent[0]!.seq, dropped[0]![0].seq, "the note takes the dropped output's place");
    const note = sent[0]!.body as {kind: string; text: string};
    assert.equal(note.kind, 'notice');
    assert.equal(note.text, 'Could not post the output of a `Bash` call: Mattermost refused it (HTTP 400: output contains a NUL byte).');
    assert.ok(!note.text.includes('line one'), 'the note does not repeat the content');
    assert.deepEqual(await entriesOnDisk(), []);
  });

  it('a refused notice, or an output for a session the plugin does not know or that has ended, gets no note', async () => {
    const sent: OutboxEntry[] = [];
    const box = await open({
      send: async (e) => {
        if (e.session_id === 'gone') throw new RejectedError('unknown session', 404);
        if (e.session_id === 'ended') throw new RejectedError('the session has ended', 409);
        if (e.body.kind === 'notice' && e.body.text === 'bad') throw new RejectedError('text is required', 400);
        sent.push(e);
      },
    });
    await box.enqueue('gone', status('working'));
    await box.enqueue('ended', {kind: 'approval', request_id: 'r1', tool_name: 'Bash', input: {}});
    await box.enqueue('s1', notice('bad'));
    await box.enqueue('s1', status('idle'));
    void box.run(abort.signal);
    await box.whenIdle();
    assert.deepEqual(
      sent.map((e) => [e.session_id, e.body.kind]),
      [['s1', 'status']],
    );
  });

  it('gives up an output the plugin keeps failing (5xx) while it answers others, with a note', async () => {
    const sent: OutboxEntry[] = [];
    const dropped: DropReason[] = [];
    const box = await open({
      send: async (e) => {
        if (e.body.kind === 'approval') throw http500();
        sent.push(e);
      },
      poison: {attempts: 3, ms: 0},
      onDropped: (_e, r) => dropped.push(r),
    });
    let failures = 0;
    const send = box['opts'].send;
    box['opts'].send = async (e) => {
      if (e.body.kind === 'approval') failures += 1;
      return send(e);
    };
    await box.enqueue('s1', {kind: 'approval', request_id: 'r1', tool_name: 'Bash', input: {command: 'cat \u0000'}});
    await box.enqueue('s1', status('idle'));
    void box.run(abort.signal);
    await until(() => failures >= 1, 'the first 5xx');
    // Another session's output gets through after it: the plugin is up, the 5xx is about this output.
    await box.enqueue('s2', status('working'));
    await box.whenIdle();
    assert.equal(dropped.length, 1);
    assert.equal(dropped[0]!.kind, 'failing');
    assert.deepEqual(
      sent.map((e) => [e.session_id, e.body.kind]).sort(),
      [
        ['s1', 'notice'],
        ['s1', 'status'],
        ['s2', 'status'],
      ],
    );
    assert.match((sent.find((e) => e.body.kind === 'notice')!.body as {text: string}).text, /^Could not post the approval request for `Bash`: Mattermost failed on it \d+ times over .+? \(HTTP 500: .*\)\. The tool call was denied/);
  });

  it('never gives up while the plugin answers nothing (an outage is waited out)', async () => {
    let tries = 0;
    const notes: string[] = [];
    const box = await open({
      send: async (e) => {
        if (e.body.kind === 'notice') return void notes.push(e.body.text);
        tries += 1;
        throw http500();
      },
      poison: {attempts: 2, ms: 0},
    });
    await box.enqueue('s1', status('working'));
    void box.run(abort.signal);
    await until(() => tries >= 10, 'ten tries');
    assert.equal(box.size, 1);
    // The daemon's long poll got an answer: the plugin is up, so the next 5xx is about this output.
    box.notePluginAnswered();
    await box.whenIdle();
    assert.equal(box.pending().length, 0);
    assert.equal(notes.length, 1);
  });

  it('drops an entry that cannot be sent at all (its file copy is gone)', async () => {
    const sent: OutboxEntry[] = [];
    const src = path.join(dir, '..', path.basename(dir) + '-src.txt');
    await fs.writeFile(src, 'v1');
    const box = await open({
      send: async (e) => {
        if (e.body.kind === 'file_upload') await fs.readFile(e.body.spool);
        sent.push(e);
      },
    });
    await box.enqueueFile('s1', 'report.txt', src);
    await fs.rm(path.join(dir, 'files'), {recursive: true});
    void box.run(abort.signal);
    await box.whenIdle();
    assert.equal(sent.length, 1);
    assert.match((sent[0]!.body as {text: string}).text, /^Could not post the file `report\.txt`: the agent could not send it \(.*ENOENT/);
    await fs.rm(src);
  });

  for (const [name, err] of [
    ['a refused token (401)', new RevokedTokenError('revoked')],
    ['an unsupported API (426)', new ApiMismatchError('api v2 only')],
  ] as const) {
    it(`stops and reports ${name}, keeping every entry on disk and sending nothing more`, async () => {
      let fatal: Error | undefined;
      let calls = 0;
      const box = await open({
        send: async () => {
          calls += 1;
          throw err;
        },
        maxInFlight: 1,
        onFatal: (e) => (fatal = e),
      });
      await box.enqueue('s1', status('working'));
      await box.enqueue('s2', status('working'));
      await box.run(abort.signal);
      assert.equal(fatal, err);
      assert.equal(calls, 1);
      assert.equal((await entriesOnDisk()).length, 2);
    });
  }

  it('after a restart, unsent entries keep their keys, and go out in order per session before new ones', async () => {
    const first = await open({send: async () => Promise.reject(new TransientError('down'))});
    await first.enqueue('s1', status('working'));
    await first.enqueue('s2', text('hello', true));
    await first.enqueue('s1', text('hi', true));
    await first.enqueue('s2', status('idle'));
    await first.enqueue('s1', status('idle'));
    const keys = first.pending().map((e) => e.key);

    const sent: OutboxEntry[] = [];
    const second = await open({send: async (e) => void sent.push(e), maxInFlight: 1});
    assert.equal(second.size, 5);
    assert.deepEqual(
      second.pending().map((e) => e.key),
      keys,
    );
    await second.enqueue('s1', notice('new'));
    void second.run(abort.signal);
    await second.whenIdle();
    assert.deepEqual(
      sent.filter((e) => e.session_id === 's1').map((e) => [e.seq, e.body.kind]),
      [
        [1, 'status'],
        [3, 'text'],
        [5, 'status'],
        [6, 'notice'],
      ],
    );
    assert.deepEqual(
      sent.filter((e) => e.session_id === 's2').map((e) => e.seq),
      [2, 4],
    );
    assert.deepEqual(
      sent.map((e) => e.seq),
      [1, 2, 3, 4, 5, 6],
      'with one lane at a time, the oldest head goes first',
    );
    assert.deepEqual(
      sent.slice(0, 5).map((e) => e.key),
      keys,
    );
  });

  it('sends several sessions at once, at most maxInFlight', async () => {
    let inFlight = 0;
    let most = 0;
    const release: Array<() => void> = [];
    const box = await open({
      send: async () => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise<void>((r) => release.push(r));
        inFlight -= 1;
      },
      maxInFlight: 3,
    });
    for (const s of ['a', 'b', 'c', 'd', 'e']) await box.enqueue(s, status('working'));
    void box.run(abort.signal);
    await until(() => release.length === 3, 'three sends in flight');
    for (let released = 0; released < 5; released++) {
      await until(() => release.length > 0, 'a send in flight');
      release.shift()!();
    }
    await box.whenIdle();
    assert.equal(most, 3);
  });

  it('waits for beforeSend before sending an entry', async () => {
    const events: string[] = [];
    let allow!: () => void;
    const box = await open({send: async () => void events.push('sent')});
    await box.enqueue('s1', text('a'), {beforeSend: () => new Promise<void>((r) => (allow = r)).then(() => events.push('ready'))});
    void box.run(abort.signal);
    await until(() => allow !== undefined, 'beforeSend called');
    assert.deepEqual(events, []);
    allow();
    await box.whenIdle();
    assert.deepEqual(events, ['ready', 'sent']);
  });

  it('does not pile up abort listeners while it idles', async () => {
    const box = await open({send: async () => undefined});
    void box.run(abort.signal);
    for (let i = 0; i < 20; i++) {
      await box.enqueue('s1', status('working'));
      await box.whenIdle();
      await new Promise((r) => setImmediate(r));
    }
    assert.ok(getEventListeners(abort.signal, 'abort').length <= 1);
  });

  it('a file upload sends the copy taken when it was queued, keeps it across a restart, and deletes it once sent', async () => {
    const src = path.join(dir, '..', path.basename(dir) + '-src.txt');
    await fs.writeFile(src, 'v1');
    const first = await open({send: async () => undefined});
    await first.enqueueFile('s1', 'report.txt', src);
    await fs.writeFile(src, 'v2'); // changed after !file: the queued copy is what goes out
    const sent: Array<{key: string; name: string; bytes: string}> = [];
    const box = await open({
      send: async (e) => {
        if (e.body.kind === 'file_upload') sent.push({key: e.key, name: e.body.name, bytes: await fs.readFile(e.body.spool, 'utf8')});
      },
    });
    const [queued] = box.pending();
    void box.run(abort.signal);
    await box.whenIdle();
    assert.deepEqual(sent, [{key: queued!.key, name: 'report.txt', bytes: 'v1'}]);
    assert.deepEqual(await fs.readdir(path.join(dir, 'files')), [], 'the copy is gone once sent');
    await fs.rm(src);
  });

  it('a newer streaming update replaces an unsent one of the same text block at the tail of its session', async () => {
    const box = await open({send: async () => undefined});
    await box.enqueue('s1', text('a'));
    await box.enqueue('s1', text('ab'));
    await box.enqueue('s2', status('working')); // another session's output does not end s1's tail
    await box.enqueue('s1', text('abc', true));
    await box.enqueue('s1', text('x', false, 'm2'));
    await box.enqueue('s1', status('idle'));
    await box.enqueue('s1', text('xy', false, 'm2'));
    assert.deepEqual(
      box.pending().filter((e) => e.session_id === 's1').map((e) => e.body),
      [text('abc', true), text('x', false, 'm2'), status('idle'), text('xy', false, 'm2')],
    );
    assert.equal((await entriesOnDisk()).length, 5);
  });

  it('a replaced update takes a new key: the one it replaces may have reached the plugin before a crash', async () => {
    const first = await open({send: async () => undefined});
    await first.enqueue('s1', text('a'));
    const [old] = first.pending();
    const second = await open({send: async () => undefined});
    await second.enqueue('s1', text('ab', true));
    const [now] = second.pending();
    assert.equal(second.size, 1);
    assert.deepEqual(now!.body, text('ab', true));
    assert.notEqual(now!.key, old!.key);
    assert.equal(now!.seq, old!.seq, 'it keeps its place');
  });

  it('a final update is never replaced, so done always reaches the plugin', async () => {
    const box = await open({send: async () => undefined});
    await box.enqueue('s1', text('abc', true));
    await box.enqueue('s1', text('abc', true));
    assert.equal(box.size, 2);
  });

  it('an update in flight is not replaced (it may already have reached the plugin)', async () => {
    let release!: () => void;
    const sent: OutboxBody[] = [];
    const box = await open({
      send: async (e) => {
        sent.push(e.body);
        if (sent.length === 1) await new Promise<void>((r) => (release = r));
      },
    });
    await box.enqueue('s1', text('a'));
    void box.run(abort.signal);
    await until(() => release !== undefined, 'the first update in flight');
    await box.enqueue('s1', text('ab'));
    release();
    await box.whenIdle();
    assert.deepEqual(sent, [text('a'), text('ab')]);
  });
});

describe('dropped-output notes', () => {
  const refused: DropReason = {kind: 'refused', status: 400, message: 'field "output" holds a NUL byte'};
  const cases: Array<[string, Parameters<typeof droppedNotice>[0], DropReason, string]> = [
    ['a tool output names the tool', {kind: 'tool_output', tool_use_id: 't', tool_name: 'Bash', summary: 's', output: 'x', is_error: false}, refused, 'Could not post the output of a `Bash` call: Mattermost refused it (HTTP 400: field "output" holds a NUL byte).'],
    ['an approval says the tool was denied', {kind: 'approval', request_id: 'r', tool_name: 'Write', input: {}}, refused, 'Could not post the approval request for `Write`: Mattermost refused it (HTTP 400: field "output" holds a NUL byte). The tool call was denied; Claude was told why.'],
    ['a plan', {kind: 'approval', request_id: 'r', tool_name: 'ExitPlanMode', input: {}}, refused, "Could not post Claude's plan: Mattermost refused it (HTTP 400: field \"output\" holds a NUL byte). The plan was not approved; Claude was told why."],
    ['text', {kind: 'text', message_id: 'm', text: 'secret stuff', done: true}, refused, "Could not post a part of Claude's answer: Mattermost refused it (HTTP 400: field \"output\" holds a NUL byte)."],
    ['a repeating 5xx', {kind: 'todo', todos: []}, {kind: 'failing', status: 502, message: 'bad gateway', attempts: 9, ms: 330_000}, "Could not post Claude's task list: Mattermost failed on it 9 times over 6 minutes (HTTP 502: bad gateway)."],
    ['control characters and lone surrogates in the message are cleaned', {kind: 'status', status: 'idle'}, {kind: 'unsendable', message: 'bad\u0000name \ud800 x\n y'}, 'Could not post a status update of this session: the agent could not send it (bad name \ufffd x y).'],
    ['a file name is shown safely', {kind: 'file_upload', name: 'a`b\u0007.txt'}, refused, "Could not post the file `a'b .txt`: Mattermost refused it (HTTP 400: field \"output\" holds a NUL byte)."],
  ];
  for (const [name, body, reason, want] of cases) {
    it(name, () => assert.equal(droppedNotice(body, reason), want));
  }
});
