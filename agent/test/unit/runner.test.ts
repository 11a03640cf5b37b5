/** SessionRunner's canUseTool rules, with a stand-in query() that asks for one tool. */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, it} from 'node:test';
import type {CanUseTool, PermissionResult, Query} from '@anthropic-ai/claude-agent-sdk';
import {SessionRunner, type RunnerDeps} from '../../src/claude/session.js';
import type {Output} from '../../src/plugin/protocol.js';
import {SessionStore} from '../../src/sessions/store.js';
import {silentLogger} from '../../src/util/log.js';

const bob = {id: 'u2', username: 'bob'};

/** query() that, on the first user message, asks canUseTool once and reports the answer. */
function askingQuery(tool: string, input: Record<string, unknown>, answers: PermissionResult[]) {
  return (({prompt, options}) => {
    const canUseTool = options!.canUseTool as CanUseTool;
    const abort = new AbortController();
    const gen = (async function* () {
      yield {type: 'system', subtype: 'init', session_id: 'c1', cwd: '/w', model: 'm'};
      for await (const _ of prompt) {
        answers.push((await canUseTool(tool, input, {signal: abort.signal, toolUseID: 'toolu_1', requestId: 'x'} as Parameters<CanUseTool>[2]))!);
        yield {type: 'result', subtype: 'success', is_error: false, session_id: 'c1', total_cost_usd: 0, usage: {}, modelUsage: {}};
      }
    })();
    return Object.assign(gen, {close: () => abort.abort()}) as unknown as Query;
  }) as RunnerDeps['query'];
}

describe('canUseTool', () => {
  let dir: string;
  let store: SessionStore;
  let outputs: Array<{out: Output}>;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cmm-runner-'));
    store = new SessionStore(dir);
    await store.update('s1', () => ({session_id: 's1', cwd: '/w', state: 'open', phase: 'starting', pending_approvals: [], created_at: 0, updated_at: 0}));
    outputs = [];
  });
  afterEach(async () => {
    await store.flush();
    await fs.rm(dir, {recursive: true, force: true});
  });

  const runner = (answers: PermissionResult[], input: Record<string, unknown> = {command: 'touch x', description: 'Touch'}) =>
    new SessionRunner('s1', '/w', {
      query: askingQuery('Bash', input, answers),
      emit: (out) => outputs.push({out}),
      store,
      log: silentLogger,
      env: {},
    });

  const approval = async () => {
    while (!outputs.some((o) => o.out.kind === 'approval')) await new Promise((r) => setTimeout(r, 2));
    return outputs.find((o) => o.out.kind === 'approval')!;
  };
  const answered = async (answers: PermissionResult[]) => {
    while (answers.length === 0) await new Promise((r) => setTimeout(r, 2));
    return answers[0]!;
  };

  it('approve allows the tool with its input unchanged', async () => {
    const answers: PermissionResult[] = [];
    const r = runner(answers);
    r.start('go');
    const a = await approval();
    assert.deepEqual(a.out, {kind: 'approval', request_id: (a.out as {request_id: string}).request_id, tool_name: 'Bash', input: {command: 'touch x', description: 'Touch'}, cwd: '/w', description: 'Touch'});
    assert.equal(store.get('s1')!.pending_approvals.length, 1, 'the pending approval is on disk while waiting');
    r.deliverDecision((a.out as {request_id: string}).request_id, {request_id: 'x', decision: 'approve', by: bob, reason: ''});
    assert.deepEqual(store.get('s1')!.pending_approvals[0]!.decision, {decision: 'approve', by: bob, reason: '', delivered: true}, 'the decision is on record in the same tick (before the event is acked), marked as reaching Claude Code');
    assert.deepEqual(await answered(answers), {behavior: 'allow', updatedInput: {command: 'touch x', description: 'Touch'}});
    while (store.get('s1')!.pending_approvals.length > 0) await new Promise((res) => setTimeout(res, 2));
    assert.equal(store.get('s1')!.turn, undefined, 'the turn ended, and with it its approvals');
    await r.shutdown();
  });

  it('deny tells Claude who denied it and why', async () => {
    const answers: PermissionResult[] = [];
    const r = runner(answers);
    r.start('go');
    const a = await approval();
    r.deliverDecision((a.out as {request_id: string}).request_id, {request_id: 'x', decision: 'deny', by: bob, reason: 'no'});
    assert.deepEqual(await answered(answers), {behavior: 'deny', message: 'Denied by @bob: no'});
    await r.shutdown();
  });

  it('a decision for another request id changes nothing', async () => {
    const answers: PermissionResult[] = [];
    const r = runner(answers);
    r.start('go');
    await approval();
    assert.equal(r.deliverDecision('other', {request_id: 'other', decision: 'approve', by: bob, reason: ''}), false);
    await new Promise((res) => setTimeout(res, 20));
    assert.equal(answers.length, 0);
    await r.stop();
  });

  it('an approval request the plugin refuses is denied (fail closed)', async () => {
    const answers: PermissionResult[] = [];
    const r = runner(answers);
    r.start('go');
    const a = await approval();
    assert.equal(r.cardRefused((a.out as {request_id: string}).request_id, 'Mattermost refused the approval request (approval input is too large)'), true);
    const got = await answered(answers);
    assert.equal(got.behavior, 'deny');
    assert.equal((got as {message: string}).message, 'Denied: Mattermost refused the approval request (approval input is too large)');
    await r.shutdown();
  });

  it('stop while a card is pending denies the tool and reports ended', async () => {
    const answers: PermissionResult[] = [];
    const r = runner(answers);
    r.start('go');
    await approval();
    await r.stop({username: 'alice'});
    assert.equal((await answered(answers)).behavior, 'deny');
    assert.ok(outputs.some((o) => o.out.kind === 'status' && o.out.status === 'ended'));
    assert.equal(store.get('s1')!.state, 'ended');
  });

  it('a failure while asking denies the tool', async () => {
    const answers: PermissionResult[] = [];
    const r = runner(answers);
    await fs.rm(dir, {recursive: true, force: true});
    await fs.writeFile(dir, 'not a directory'); // saving the pending approval now fails
    r.start('go');
    const got = await answered(answers);
    assert.equal(got.behavior, 'deny');
    assert.ok(!outputs.some((o) => o.out.kind === 'approval'), 'no card without a saved approval');
    await r.shutdown();
    await fs.rm(dir, {force: true});
  });

  it('a pre-approved call (decided while the agent was down) runs without a second card', async () => {
    const answers: PermissionResult[] = [];
    const r = runner(answers, {command: 'touch x', description: 'different words'});
    r.preApprove({request_id: 'old', tool_name: 'Bash', input: {command: 'touch x', description: 'Touch'}, created_at: 0, decision: {decision: 'approve', by: bob, reason: ''}});
    r.start('go');
    assert.equal((await answered(answers)).behavior, 'allow');
    assert.ok(!outputs.some((o) => o.out.kind === 'approval'));
    await r.shutdown();
  });

  it('the agent exiting keeps the pending approval on disk for the next start', async () => {
    const answers: PermissionResult[] = [];
    const r = runner(answers);
    r.start('go');
    await approval();
    await r.shutdown();
    await new Promise((res) => setTimeout(res, 20));
    assert.equal(store.get('s1')!.pending_approvals.length, 1);
    assert.ok(!outputs.some((o) => o.out.kind === 'status' && o.out.status === 'ended'), 'a restart is not the end of the session');
  });
});

/**
 * query() whose turns answer at once, except a turn whose text is "slow":
 * it waits for release() or interrupt() (which ends it with an error result,
 * as Claude Code does).
 */
function turnQuery(seen: string[]) {
  let release: ((interrupted: boolean) => void) | undefined;
  const ctl = {
    release: () => release?.(false),
    holding: () => release !== undefined,
  };
  const fn = (({prompt}) => {
    const gen = (async function* () {
      for await (const m of prompt) {
        // Like Claude Code: init comes with each turn, not before the first message.
        yield {type: 'system', subtype: 'init', session_id: 'c1', cwd: '/w', model: 'm'};
        const text = m.message.content as string;
        seen.push(text);
        let interrupted = false;
        if (text === 'slow') interrupted = await new Promise<boolean>((r) => (release = r));
        release = undefined;
        yield interrupted
          ? {type: 'result', subtype: 'error_during_execution', is_error: true, errors: ['aborted'], session_id: 'c1', total_cost_usd: 0, usage: {}, modelUsage: {}}
          : {type: 'result', subtype: 'success', is_error: false, session_id: 'c1', total_cost_usd: 0, usage: {}, modelUsage: {}};
      }
    })();
    return Object.assign(gen, {
      close: () => release?.(true),
      interrupt: async () => release?.(true),
      setPermissionMode: async () => undefined,
      setModel: async () => undefined,
    }) as unknown as Query;
  }) as RunnerDeps['query'];
  return {fn, ctl};
}

describe('turns', () => {
  let dir: string;
  let store: SessionStore;
  let outputs: Output[];
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cmm-turns-'));
    store = new SessionStore(dir);
    await store.update('s1', () => ({session_id: 's1', cwd: '/w', state: 'open', phase: 'starting', pending_approvals: [], created_at: 0, updated_at: 0}));
    outputs = [];
  });
  afterEach(async () => {
    await store.flush();
    await fs.rm(dir, {recursive: true, force: true});
  });

  const until = async (what: () => boolean) => {
    for (let i = 0; i < 500 && !what(); i++) await new Promise((r) => setTimeout(r, 2));
    assert.ok(what(), 'condition not reached');
  };
  const make = (seen: string[], queued?: Array<{type: 'message'; text: string}>) => {
    const {fn, ctl} = turnQuery(seen);
    const r = new SessionRunner('s1', '/w', {query: fn, emit: (out) => outputs.push(out), store, log: silentLogger, env: {}}, {queued});
    return {r, ctl};
  };
  const notices = () => outputs.filter((o) => o.kind === 'notice').map((o) => (o as {text: string}).text);

  it('messages sent during a turn wait for its result, then go one turn each, in order', async () => {
    const seen: string[] = [];
    const {r, ctl} = make(seen);
    r.start('slow');
    await until(() => ctl.holding());
    r.send('two');
    r.send('three');
    await new Promise((res) => setTimeout(res, 20));
    assert.deepEqual(seen, ['slow'], 'nothing more reaches Claude mid-turn');
    assert.equal(r.busy, true);
    await store.flush();
    assert.deepEqual(store.get('s1')!.queued, [{type: 'message', text: 'two'}, {type: 'message', text: 'three'}], 'the queue is on disk');
    ctl.release();
    await until(() => seen.length === 3 && !r.busy);
    assert.deepEqual(seen, ['slow', 'two', 'three']);
    await store.flush();
    assert.deepEqual(store.get('s1')!.queued, []);
    await r.shutdown();
  });

  it('work queued before a restart is delivered when the runner starts', async () => {
    const seen: string[] = [];
    const {r} = make(seen, [{type: 'message', text: 'a'}, {type: 'message', text: 'b'}]);
    r.start();
    await until(() => seen.length === 2);
    assert.deepEqual(seen, ['a', 'b']);
    await r.shutdown();
  });

  it('escape ends the turn as idle (not error) with the notice "Interrupted."', async () => {
    const seen: string[] = [];
    const {r, ctl} = make(seen);
    r.start('slow');
    await until(() => ctl.holding());
    await r.command('escape', '');
    await until(() => notices().includes('Interrupted.'));
    const last = outputs.filter((o) => o.kind === 'status').at(-1) as {status: string; error?: string};
    assert.equal(last.status, 'idle');
    assert.equal(last.error, undefined);
    await r.shutdown();
  });

  it('escape with no turn running says so and changes nothing', async () => {
    const seen: string[] = [];
    const {r} = make(seen);
    r.start('quick');
    await until(() => seen.length === 1 && !r.busy);
    await r.command('escape', '');
    assert.deepEqual(notices(), ['Nothing to interrupt: Claude is not working on anything.']);
    await r.shutdown();
  });

  it('a mode change on a resumed session between turns reports it idle, not starting', async () => {
    const {fn} = turnQuery([]);
    const r = new SessionRunner('s1', '/w', {query: fn, emit: (out) => outputs.push(out), store, log: silentLogger, env: {}}, {resume: 'c1'});
    r.start();
    await r.command('permissions', 'plan');
    assert.deepEqual(outputs.find((o) => o.kind === 'status'), {kind: 'status', status: 'idle', permission_mode: 'plan'});
    assert.equal(store.get('s1')!.permission_mode, 'plan');
    await r.shutdown();
  });

  it('a refused command is answered with a notice', async () => {
    const {r} = make([]);
    r.start();
    await r.command('permissions', 'yolo', {id: 'u1', username: 'alice'});
    assert.match(notices()[0]!, /^Unknown permission mode `yolo`/);
    await r.shutdown();
  });
});
