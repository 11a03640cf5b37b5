/**
 * The real Claude Code binary (from the SDK's npm package) against the fake
 * Messages API, driven by the agent through a fake plugin.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import {after, before, describe, it} from 'node:test';
import {exists, harness, type Harness} from '../helpers/harness.js';
import type {RecordedOutput} from '../helpers/fake-plugin.js';

describe('agent driving real Claude Code', () => {
  let h: Harness;
  let run: Promise<void>;

  before(async () => {
    h = await harness({chunkDelayMs: 25});
    run = h.daemon().run();
  });
  after(async () => {
    await h.close();
    await run.catch(() => undefined);
  });

  const status = (sid: string, s: string) => (outs: RecordedOutput[]) => outs.find((o) => o.session_id === sid && o.body.kind === 'status' && o.body.status === s);

  it('streams assistant text, then reports idle with cost and tokens', async () => {
    const words = 'the quick brown fox jumps over the lazy dog '.repeat(4).trim();
    const sid = h.plugin.startSession(`please repeat ${words}`);
    const idle = await h.plugin.waitFor(status(sid, 'idle'), 60_000, 'idle');
    const texts = h.plugin.of(sid, 'text');
    assert.ok(texts.length >= 3, `expected several streamed updates, got ${texts.length}`);
    const ids = new Set(texts.map((t) => t.body.message_id));
    assert.equal(ids.size, 1, 'one text block → one message_id');
    const last = texts.at(-1)!;
    assert.equal(last.body.done, true);
    assert.equal(last.body.text, `You said: please repeat ${words}`);
    for (const [i, t] of texts.entries()) {
      if (i < texts.length - 1) assert.equal(t.body.done, false, 'only the last update is done');
      assert.ok(last.body.text.startsWith(t.body.text), 'each update is a prefix of the final text');
    }
    assert.ok(typeof idle.body.cost_usd === 'number' && idle.body.cost_usd > 0, 'cost reported');
    assert.ok(idle.body.input_tokens > 0 && idle.body.output_tokens > 0, 'tokens reported');
    const init = h.plugin.of(sid, 'status').find((o) => o.body.claude_session_id);
    assert.ok(init, 'claude_session_id reported');
    assert.equal(h.plugin.duplicateKeys, 0);
  });

  it('asks for approval; approve → the command runs and the final text says done', async () => {
    const sid = h.plugin.startSession('[[bash: touch approved.txt]]');
    const approval = await h.plugin.waitFor((o) => o.find((x) => x.session_id === sid && x.body.kind === 'approval'), 60_000, 'approval');
    assert.equal(approval.body.tool_name, 'Bash');
    assert.equal(approval.body.input.command, 'touch approved.txt');
    assert.equal(approval.body.cwd, h.workspace);
    await h.plugin.waitFor(status(sid, 'waiting'), 5_000, 'status waiting while the card is pending');
    assert.equal(await exists(path.join(h.workspace, 'approved.txt')), false, 'nothing runs before the decision');

    h.plugin.decide(sid, approval.body.request_id, 'approve');
    await h.plugin.waitFor(status(sid, 'idle'), 60_000, 'idle');
    assert.equal(await exists(path.join(h.workspace, 'approved.txt')), true);
    const final = h.plugin.of(sid, 'text').filter((t) => t.body.done).at(-1)!;
    assert.match(final.body.text, /^Done\. Output:/);
  });

  it('deny → the command does not run and Claude is told who denied it and why', async () => {
    h.model.reset();
    const sid = h.plugin.startSession('[[bash: touch denied.txt]]');
    const approval = await h.plugin.waitFor((o) => o.find((x) => x.session_id === sid && x.body.kind === 'approval'), 60_000, 'approval');
    h.plugin.decide(sid, approval.body.request_id, 'deny', 'not on main');
    await h.plugin.waitFor(status(sid, 'idle'), 60_000, 'idle');
    assert.equal(await exists(path.join(h.workspace, 'denied.txt')), false);

    const lastMain = h.model.mainRequests().at(-1)!;
    const lastUser = [...lastMain.body.messages].reverse().find((m: any) => m.role === 'user');
    const result = lastUser.content.find((b: any) => b.type === 'tool_result');
    assert.equal(result.is_error, true);
    assert.match(JSON.stringify(result.content), /Denied by @bob: not on main/);
    const final = h.plugin.of(sid, 'text').filter((t) => t.body.done).at(-1)!;
    assert.equal(final.body.text, 'The command was denied: Denied by @bob: not on main');
  });

  it('a reply in the thread becomes a new user turn', async () => {
    const sid = h.plugin.startSession('first');
    await h.plugin.waitFor(status(sid, 'idle'), 60_000, 'first idle');
    h.plugin.message(sid, 'second');
    await h.plugin.waitFor((o) => o.find((x) => x.session_id === sid && x.body.kind === 'text' && x.body.done && x.body.text === 'You said: second'), 60_000, 'reply');
  });

  it('refuses a working directory outside the allowed roots and starts nothing', async () => {
    const before = h.model.requests.length;
    const sid = h.plugin.startSession('hello', path.join(h.workspace, '..', 'home'));
    const err = await h.plugin.waitFor(status(sid, 'error'), 10_000, 'error');
    assert.match(err.body.error, /outside the directories this machine allows/);
    assert.equal(h.model.requests.length, before, 'Claude Code was not started');
  });

  it('output made during a plugin outage arrives afterwards, in order, once', async () => {
    h.plugin.outputDown = true;
    const sid = h.plugin.startSession('say something while the plugin is down');
    await new Promise((r) => setTimeout(r, 2500)); // the turn finishes while every POST fails
    assert.equal(h.plugin.of(sid).length, 0);
    h.plugin.outputDown = false;
    await h.plugin.waitFor(status(sid, 'idle'), 30_000, 'idle after the outage');
    const kinds = h.plugin.of(sid).map((o) => (o.body.kind === 'status' ? o.body.status : o.body.kind));
    assert.equal(kinds[0], 'starting');
    assert.equal(kinds.at(-1), 'idle');
    assert.ok(kinds.indexOf('text') > kinds.indexOf('working') && kinds.lastIndexOf('text') < kinds.lastIndexOf('idle'), kinds.join(','));
    const texts = h.plugin.of(sid, 'text');
    assert.equal(texts.at(-1)!.body.text, 'You said: say something while the plugin is down');
    assert.equal(texts.at(-1)!.body.done, true);
    assert.equal(kinds.filter((k) => k === 'starting').length, 1, 'retries did not repeat the start');
    assert.equal(texts.filter((t) => t.body.done).length, 1, 'one final text');
  });

  it('stop ends the session', async () => {
    const sid = h.plugin.startSession('[[bash: touch stopped.txt]]');
    await h.plugin.waitFor((o) => o.find((x) => x.session_id === sid && x.body.kind === 'approval'), 60_000, 'approval');
    h.plugin.stop(sid);
    await h.plugin.waitFor(status(sid, 'ended'), 30_000, 'ended');
    assert.equal(await exists(path.join(h.workspace, 'stopped.txt')), false);
  });
});
