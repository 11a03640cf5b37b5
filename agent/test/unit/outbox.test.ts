import assert from 'node:assert/strict';
import {getEventListeners} from 'node:events';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, it} from 'node:test';
import {Outbox, type OutboxBody, type OutboxEntry} from '../../src/outbox/outbox.js';
import {RejectedError, RevokedTokenError, TransientError} from '../../src/plugin/client.js';
import type {Output} from '../../src/plugin/protocol.js';
import {backoff} from '../../src/util/backoff.js';

const status = (s: 'working' | 'idle'): Output => ({kind: 'status', status: s});
const text = (t: string, done = false, id = 'm1'): Output => ({kind: 'text', message_id: id, text: t, done});

describe('outbox', () => {
  let dir: string;
  let abort: AbortController;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cmm-outbox-'));
    abort = new AbortController();
  });
  afterEach(async () => {
    abort.abort();
    await fs.rm(dir, {recursive: true, force: true});
  });

  const fast = () => backoff({baseMs: 1, capMs: 4});

  it('a file upload sends the copy taken when it was queued, keeps it across a restart, and deletes it once sent', async () => {
    const src = path.join(dir, '..', path.basename(dir) + '-src.txt');
    await fs.writeFile(src, 'v1');
    const first = await Outbox.open(dir, {send: async () => undefined, backoff: fast()});
    await first.enqueueFile('s1', 'report.txt', src);
    await fs.writeFile(src, 'v2'); // changed after !file: the queued copy is what goes out
    // "Restart": a new outbox on the same directory finds the upload and sends it with its key.
    const sent: Array<{key: string; name: string; bytes: string}> = [];
    const box = await Outbox.open(dir, {
      send: async (e) => {
        if (e.body.kind === 'file_upload') sent.push({key: e.key, name: e.body.name, bytes: await fs.readFile(e.body.spool, 'utf8')});
      },
      backoff: fast(),
    });
    const [queued] = box.pending();
    void box.run(abort.signal);
    await box.whenIdle();
    assert.deepEqual(sent, [{key: queued!.key, name: 'report.txt', bytes: 'v1'}]);
    assert.deepEqual(await fs.readdir(path.join(dir, 'files')), [], 'the copy is gone once sent');
    await fs.rm(src);
  });

  it('sends in the order queued, each with its own idempotency key, and deletes sent entries', async () => {
    const sent: OutboxEntry[] = [];
    const box = await Outbox.open(dir, {send: async (e) => void sent.push(e), backoff: fast()});
    await box.enqueue('s1', status('working'));
    await box.enqueue('s2', {kind: 'approval', request_id: 'r1', tool_name: 'Bash', input: {command: 'ls'}});
    await box.enqueue('s1', status('idle'));
    void box.run(abort.signal);
    await box.whenIdle();
    assert.deepEqual(
      sent.map((e) => [e.session_id, e.body.kind]),
      [
        ['s1', 'status'],
        ['s2', 'approval'],
        ['s1', 'status'],
      ],
    );
    assert.equal(new Set(sent.map((e) => e.key)).size, 3);
    assert.deepEqual(await fs.readdir(dir), []);
  });

  it('retries a transient failure with the same key and holds back later entries', async () => {
    const attempts: Array<[string, string]> = [];
    let failures = 3;
    const box = await Outbox.open(dir, {
      send: async (e) => {
        attempts.push([e.key, (e.body as {status?: string}).status ?? '']);
        if (e.body.kind === 'status' && e.body.status === 'working' && failures-- > 0) throw new TransientError('connect ECONNREFUSED');
      },
      backoff: fast(),
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

  it('drops an entry the plugin rejects (4xx) and goes on', async () => {
    const sent: string[] = [];
    const box = await Outbox.open(dir, {
      send: async (e) => {
        if (e.session_id === 'gone') throw new RejectedError('unknown session', 404);
        sent.push(e.session_id);
      },
      backoff: fast(),
    });
    await box.enqueue('gone', status('working'));
    await box.enqueue('s1', status('working'));
    void box.run(abort.signal);
    await box.whenIdle();
    assert.deepEqual(sent, ['s1']);
  });

  it('does not pile up abort listeners while it idles', async () => {
    const box = await Outbox.open(dir, {send: async () => undefined, backoff: fast()});
    void box.run(abort.signal);
    for (let i = 0; i < 20; i++) {
      await box.enqueue('s1', status('working'));
      await box.whenIdle();
      await new Promise((r) => setImmediate(r));
    }
    assert.ok(getEventListeners(abort.signal, 'abort').length <= 1);
  });

  it('tells the producer when the plugin refuses an entry for good', async () => {
    const refused: string[] = [];
    const box = await Outbox.open(dir, {
      send: async () => {
        throw new RejectedError('approval input is too large', 400);
      },
      backoff: fast(),
    });
    await box.enqueue('s1', {kind: 'approval', request_id: 'r1', tool_name: 'Write', input: {}}, {onRejected: (err) => refused.push(err.message)});
    void box.run(abort.signal);
    await box.whenIdle();
    assert.deepEqual(refused, ['approval input is too large']);
  });

  it('stops and reports a revoked token, keeping the entry on disk', async () => {
    let fatal: Error | undefined;
    const box = await Outbox.open(dir, {
      send: async () => {
        throw new RevokedTokenError('revoked');
      },
      backoff: fast(),
      onFatal: (err) => (fatal = err),
    });
    await box.enqueue('s1', status('working'));
    await box.run(abort.signal);
    assert.ok(fatal instanceof RevokedTokenError);
    assert.equal((await fs.readdir(dir)).length, 1);
  });

  it('after a restart, unsent entries go out in order with their original keys', async () => {
    const first = await Outbox.open(dir, {send: async () => Promise.reject(new TransientError('down')), backoff: fast()});
    await first.enqueue('s1', status('working'));
    await first.enqueue('s1', text('hello', true));
    await first.enqueue('s1', status('idle'));
    const keys = first.pending().map((e) => e.key);

    const sent: OutboxEntry[] = [];
    const second = await Outbox.open(dir, {send: async (e) => void sent.push(e), backoff: fast()});
    assert.equal(second.size, 3);
    await second.enqueue('s1', status('working'));
    void second.run(abort.signal);
    await second.whenIdle();
    assert.deepEqual(
      sent.slice(0, 3).map((e) => e.key),
      keys,
    );
    assert.deepEqual(
      sent.map((e) => e.seq),
      [1, 2, 3, 4],
      'new entries come after the old ones',
    );
  });

  it('a newer streaming update replaces an unsent one of the same text block at the tail', async () => {
    const box = await Outbox.open(dir, {send: async () => undefined, backoff: fast()});
    await box.enqueue('s1', text('a'));
    await box.enqueue('s1', text('ab'));
    await box.enqueue('s1', text('abc', true));
    await box.enqueue('s1', text('x', false, 'm2'));
    await box.enqueue('s1', status('idle'));
    await box.enqueue('s1', text('xy', false, 'm2'));
    assert.deepEqual(
      box.pending().map((e) => e.body),
      [text('abc', true), text('x', false, 'm2'), status('idle'), text('xy', false, 'm2')],
    );
    assert.equal((await fs.readdir(dir)).length, 4);
  });

  it('a final update is never replaced, so done always reaches the plugin', async () => {
    const box = await Outbox.open(dir, {send: async () => undefined, backoff: fast()});
    await box.enqueue('s1', text('abc', true));
    await box.enqueue('s1', text('abc', true));
    assert.equal(box.size, 2);
  });

  it('an update in flight is not replaced (it may already have reached the plugin)', async () => {
    let release!: () => void;
    const sent: OutboxBody[] = [];
    const box = await Outbox.open(dir, {
      send: async (e) => {
        sent.push(e.body);
        if (sent.length === 1) await new Promise<void>((r) => (release = r));
      },
      backoff: fast(),
    });
    await box.enqueue('s1', text('a'));
    void box.run(abort.signal);
    while (!release) await new Promise((r) => setTimeout(r, 1));
    await box.enqueue('s1', text('ab'));
    release();
    await box.whenIdle();
    assert.deepEqual(sent, [text('a'), text('ab')]);
  });
});
