/**
 * What the session record keeps for a restart after a crash (the turn in
 * progress, streaming text, decisions), and the pure helpers that finish a
 * cut-off post and resume a cut-off turn. The daemon's side is in daemon.test.ts.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, it} from 'node:test';
import type {Query} from '@anthropic-ai/claude-agent-sdk';
import {CUT_MARKERS, finishCutText, interruptedTurnPrompt, isMissingConversation, turnPrompt} from '../../src/claude/recovery.js';
import {SessionRunner, type EmitOptions, type RunnerDeps} from '../../src/claude/session.js';
import {MAX_TEXT_CHARS, type Output} from '../../src/plugin/protocol.js';
import {SessionStore} from '../../src/sessions/store.js';
import {consoleLogger, silentLogger} from '../../src/util/log.js';

describe('finishing a cut-off post', () => {
  it('adds the marker after the text', () => {
    assert.equal(finishCutText('Half an answ', CUT_MARKERS.restart), 'Half an answ\n\n… (interrupted: the agent restarted)');
  });
  it('closes a code block left open first', () => {
    assert.equal(finishCutText('Run:\n```sh\nnpm te', CUT_MARKERS.restart), 'Run:\n```sh\nnpm te\n```\n\n… (interrupted: the agent restarted)');
  });
  it('leaves closed code blocks alone', () => {
    assert.equal(finishCutText('```\na\n```\nthen  ', CUT_MARKERS.stopped), '```\na\n```\nthen\n\n… (stopped)');
  });
  it('still fits in a text report', () => {
    const out = finishCutText('x'.repeat(MAX_TEXT_CHARS), CUT_MARKERS.restart);
    assert.equal(out.length, MAX_TEXT_CHARS);
    assert.ok(out.endsWith(CUT_MARKERS.restart));
  });
});

describe('resuming a cut-off turn', () => {
  it('tells Claude what happened and repeats the message inside tags', () => {
    const p = interruptedTurnPrompt('fix the tests');
    assert.match(p, /^\(Message from the Mattermost agent\) The agent on this machine restarted while you were working on the message below/);
    assert.match(p, /<interrupted_message>\nfix the tests\n<\/interrupted_message>$/);
  });
  it('a queued turn is sent as it came, a resumed one wrapped', () => {
    assert.equal(turnPrompt({type: 'message', text: 'hi'}), 'hi');
    assert.equal(turnPrompt({type: 'message', text: 'hi', interrupted: true}), interruptedTurnPrompt('hi'));
    assert.equal(turnPrompt({type: 'message', text: '/compact', interrupted: true}), '/compact', 'a slash command is run again as it is');
  });
  it("recognises Claude Code's answer for a conversation it does not have", () => {
    assert.equal(isMissingConversation(['No conversation found with session ID: 1234']), true);
    assert.equal(isMissingConversation(['aborted']), false);
  });
});

/**
 * query() that streams each turn's text in pieces; a turn whose text is
 * "hold" stops after its first piece until release() (or close()).
 */
function streamingQuery(seen: Array<{text: string; resume?: string}>) {
  let release: (() => void) | undefined;
  const ctl = {release: () => release?.(), holding: () => release !== undefined};
  const fn = (({prompt, options}) => {
    let closed = false;
    const gen = (async function* () {
      for await (const m of prompt) {
        const text = typeof m.message.content === 'string' ? m.message.content : JSON.stringify(m.message.content);
        seen.push({text, resume: options?.resume});
        if (options?.resume === 'gone') {
          yield {type: 'result', subtype: 'error_during_execution', is_error: true, errors: ['No conversation found with session ID: gone'], session_id: 'gone', total_cost_usd: 0, usage: {}, modelUsage: {}};
          return;
        }
        yield {type: 'system', subtype: 'init', session_id: 'c1', cwd: '/w', model: 'm'};
        yield {type: 'stream_event', parent_tool_use_id: null, event: {type: 'message_start', message: {id: `msg-${seen.length}`}}};
        yield {type: 'stream_event', parent_tool_use_id: null, event: {type: 'content_block_start', index: 0, content_block: {type: 'text', text: ''}}};
        yield {type: 'stream_event', parent_tool_use_id: null, event: {type: 'content_block_delta', index: 0, delta: {type: 'text_delta', text: 'Hello '}}};
        if (text === 'hold') {
          await new Promise<void>((r) => (release = r));
          release = undefined;
          if (closed) return;
        }
        yield {type: 'stream_event', parent_tool_use_id: null, event: {type: 'content_block_delta', index: 0, delta: {type: 'text_delta', text: 'world'}}};
        yield {type: 'stream_event', parent_tool_use_id: null, event: {type: 'content_block_stop', index: 0}};
        yield {type: 'result', subtype: 'success', is_error: false, session_id: 'c1', total_cost_usd: 0, usage: {}, modelUsage: {}};
      }
    })();
    return Object.assign(gen, {
      close: () => {
        closed = true;
        release?.();
      },
      interrupt: async () => undefined,
    }) as unknown as Query;
  }) as RunnerDeps['query'];
  return {fn, ctl};
}

describe('what the session record keeps for a restart', () => {
  let dir: string;
  let store: SessionStore;
  let outputs: Array<{out: Output; opts?: EmitOptions}>;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cmm-recovery-'));
    store = new SessionStore(dir);
    await store.update('s1', () => ({session_id: 's1', cwd: '/w', state: 'open', phase: 'starting', pending_approvals: [], created_at: 0, updated_at: 0}));
    outputs = [];
  });
  afterEach(async () => {
    await store.flush();
    await fs.rm(dir, {recursive: true, force: true});
  });

  const until = async (what: () => boolean, label: string) => {
    const deadline = Date.now() + 10_000;
    while (!what()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting until ${label}`);
      await new Promise((r) => setTimeout(r, 2));
    }
  };
  const onDisk = async () => JSON.parse(await fs.readFile(path.join(dir, 's1.json'), 'utf8'));
  const make = (seen: Array<{text: string; resume?: string}>, opts: {resume?: string} = {}) => {
    const {fn, ctl} = streamingQuery(seen);
    const r = new SessionRunner('s1', '/w', {query: fn, emit: (out, o) => outputs.push({out, opts: o}), store, log: process.env.DBG ? consoleLogger({verbose: true}) : silentLogger, env: {}, throttleMs: 0}, opts);
    return {r, ctl};
  };
  const texts = () => outputs.filter((o) => o.out.kind === 'text').map((o) => o.out as {message_id: string; text: string; done: boolean});

  it('the turn Claude is on is on disk until its result; the queue without it', async () => {
    const seen: Array<{text: string}> = [];
    const {r, ctl} = make(seen);
    r.start('hold');
    await until(() => ctl.holding(), 'the turn is running');
    r.send('next');
    await store.flush();
    const rec = await onDisk();
    assert.deepEqual(rec.turn, {type: 'message', text: 'hold'});
    assert.deepEqual(rec.queued, [{type: 'message', text: 'next'}]);
    ctl.release();
    await until(() => seen.length === 2 && !r.busy, 'both turns done');
    await store.flush();
    assert.equal((await onDisk()).turn, undefined);
    await r.shutdown();
  });

  it('!escape takes the turn off the record at once, so a crash does not resume it', async () => {
    const {r, ctl} = make([]);
    r.start('hold');
    await until(() => ctl.holding(), 'the turn is running');
    await r.command('escape', '');
    await store.flush();
    assert.equal((await onDisk()).turn, undefined);
    ctl.release();
    await r.shutdown();
  });

  it('a streaming update goes out only once the record has its text; a done block leaves the record', async () => {
    const {r, ctl} = make([]);
    r.start('hold');
    await until(() => texts().length === 1, 'the first update');
    const first = outputs.find((o) => o.out.kind === 'text')!;
    await first.opts!.beforeSend!();
    assert.deepEqual((await onDisk()).streams, [{message_id: (first.out as {message_id: string}).message_id, text: 'Hello '}]);
    ctl.release();
    await until(() => texts().some((t) => t.done), 'the done report');
    const done = outputs.find((o) => o.out.kind === 'text' && (o.out as {done: boolean}).done)!;
    assert.equal((await onDisk()).streams.length, 1, 'still on record until the done report is on its way');
    await done.opts!.beforeSend!();
    assert.deepEqual((await onDisk()).streams, []);
    await r.shutdown();
  });

  it('stopping the agent finishes streaming text with a marker', async () => {
    const {r, ctl} = make([]);
    r.start('hold');
    await until(() => ctl.holding() && texts().length === 1, 'text streaming');
    await r.shutdown();
    assert.deepEqual(
      texts().map((t) => [t.text, t.done]),
      [
        ['Hello ', false],
        ['Hello\n\n… (interrupted: the agent was stopped)', true],
      ],
    );
  });

  it('a participant stopping the session finishes streaming text with "(stopped)"', async () => {
    const {r, ctl} = make([]);
    r.start('hold');
    await until(() => ctl.holding() && texts().length === 1, 'text streaming');
    await r.stop({username: 'alice'});
    assert.equal(texts().at(-1)!.text, 'Hello\n\n… (stopped)');
    assert.equal(texts().at(-1)!.done, true);
  });

  it('a resume of a conversation this machine does not have starts a new one with the same turn', async () => {
    const seen: Array<{text: string; resume?: string}> = [];
    const {r} = make(seen, {resume: 'gone'});
    r.start({type: 'message', text: 'carry on', interrupted: true});
    await until(() => seen.length === 2 && !r.busy && texts().some((t) => t.done), 'the new conversation answered');
    assert.equal(seen[0]!.resume, 'gone');
    assert.equal(seen[1]!.resume, undefined);
    assert.equal(seen[1]!.text, interruptedTurnPrompt('carry on'));
    assert.ok(outputs.some((o) => o.out.kind === 'notice' && /could not be found on this machine/.test(o.out.text)));
    assert.ok(!outputs.some((o) => o.out.kind === 'status' && o.out.status === 'error'), 'no error for the thread');
    await store.flush();
    assert.equal((await onDisk()).claude_session_id, 'c1');
    await r.shutdown();
  });
});
