/**
 * The daemon's side of terminal sessions, driven through its real local
 * socket with hook events as Claude Code sends them and a transcript file the
 * test writes, against the fake plugin. (The real Claude Code binary is in
 * test/integration/terminal.test.ts.)
 */
import assert from 'node:assert/strict';
import {spawn, type ChildProcess} from 'node:child_process';
import {randomUUID} from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {after, before, describe, it} from 'node:test';
import {UserError} from '../../src/cli/login.js';
import {newSession} from '../../src/cli/resume.js';
import type {Daemon} from '../../src/daemon.js';
import type {HookAnswer} from '../../src/terminal/hookrun.js';
import {socketPath} from '../../src/terminal/paths.js';
import {ask} from '../../src/terminal/socket.js';
import type {RecordedOutput} from '../helpers/fake-plugin.js';
import {eventually, harness, type Harness} from '../helpers/harness.js';

/** A stand-in for the terminal's Claude Code: `sleep`, started under the name `claude`. */
function fakeClaude(dir: string): ChildProcess {
  const bin = path.join(dir, 'claude');
  if (!fs.existsSync(bin)) fs.symlinkSync('/bin/sleep', bin);
  return spawn(bin, ['600'], {stdio: 'ignore'});
}

const neverQuery = (() => {
  throw new Error('no Claude Code in these tests');
}) as never;

describe('terminal sessions in the daemon (hook events over the socket)', () => {
  let h: Harness;
  let daemon: Daemon;
  let running: Promise<void>;
  let claude: ChildProcess;

  const start = async () => {
    daemon = h.daemon({terminal: {cardAcceptMs: 1500, awayWaitMs: 60_000}, query: neverQuery});
    running = daemon.run();
    await eventually(() => fs.existsSync(socketPath(h.paths.dir)), 20_000, 'the socket is there');
  };
  const stop = async () => {
    daemon.stop();
    await running;
  };

  before(async () => {
    h = await harness();
    claude = fakeClaude(h.root);
    await start();
  });
  after(async () => {
    claude.kill('SIGKILL');
    await stop().catch(() => undefined);
    await h.close();
  });

  /** One terminal session: its ids, its transcript, and a way to send it hook events. */
  function session() {
    const id = randomUUID();
    const transcript = path.join(h.home, '.claude', 'projects', 'p', `${id}.jsonl`);
    fs.mkdirSync(path.dirname(transcript), {recursive: true});
    const base = {session_id: id, cwd: h.workspace, transcript_path: transcript, permission_mode: 'default'};
    const hook = async (event: Record<string, unknown>, opts: {signal?: AbortSignal; ppid?: number} = {}): Promise<HookAnswer> => {
      const got = await ask(
        socketPath(h.paths.dir),
        {type: 'hook', input: {...base, ...event}, pid: process.pid, ppid: opts.ppid ?? claude.pid!, follow_env: true, channel: ''},
        {signal: opts.signal, timeoutMs: 60_000},
      );
      if (!got.ok) throw new Error(`no answer: ${got.why} ${got.detail}`);
      return got.answer as HookAnswer;
    };
    const write = (...lines: unknown[]) => fs.appendFileSync(transcript, lines.map((l) => JSON.stringify(l) + '\n').join(''));
    const opened = () => h.plugin.waitFor(() => h.plugin.opened.find((o) => o.body.claude_session_id === id)?.session_id, 20_000, 'the thread');
    return {id, transcript, hook, write, opened, base};
  }

  const user = (content: unknown, extra: Record<string, unknown> = {}) => ({type: 'user', uuid: randomUUID(), isSidechain: false, message: {role: 'user', content}, ...extra});
  const said = (text: string) => ({type: 'assistant', uuid: randomUUID(), isSidechain: false, message: {id: 'msg_' + randomUUID(), model: 'claude-test-1', content: [{type: 'text', text}], usage: {input_tokens: 1200}}});
  const call = (id: string, name: string, input: Record<string, unknown>) => ({type: 'assistant', uuid: randomUUID(), isSidechain: false, message: {id: 'msg_' + id, model: 'claude-test-1', content: [{type: 'tool_use', id, name, input}]}});
  const result = (id: string, content: string, extra: Record<string, unknown> = {}, isError = false) => user([{type: 'tool_result', tool_use_id: id, content, is_error: isError}], extra);
  const outs = (sid: string, kind: string) => h.plugin.of(sid, kind);
  const found = (sid: string, kind: string, test: (o: RecordedOutput) => boolean = () => true) => (all: RecordedOutput[]) =>
    all.find((o) => o.session_id === sid && o.body.kind === kind && test(o));

  /** A session with its thread open and a Bash call waiting for a card. */
  async function withCard(command: string) {
    const s = session();
    await s.hook({hook_event_name: 'SessionStart', source: 'startup'});
    const sid = await s.opened();
    const toolUseId = 'toolu_' + randomUUID().slice(0, 8);
    const input = {command, description: `Run ${command}`};
    s.write(user(`please run ${command}`), call(toolUseId, 'Bash', input));
    await s.hook({hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: input, tool_use_id: toolUseId});
    const ctl = new AbortController();
    // A hook whose connection ends without an answer steps aside (hookrun.ts): seen here as `closed`.
    const answer: Promise<HookAnswer & {closed?: string}> = s
      .hook({hook_event_name: 'PermissionRequest', tool_name: 'Bash', tool_input: input}, {signal: ctl.signal})
      .catch((err: Error) => ({closed: err.message}));
    const card = await h.plugin.waitFor(found(sid, 'approval'), 20_000, 'the card');
    return {...s, sid, toolUseId, input, answer, card, abort: () => ctl.abort()};
  }

  it('SessionStart opens a thread (origin terminal) and tells the terminal where it is mirrored', async () => {
    const s = session();
    const answer = await s.hook({hook_event_name: 'SessionStart', source: 'startup'});
    const opened = h.plugin.opened.find((o) => o.body.claude_session_id === s.id)!;
    assert.equal(opened.body.origin, 'terminal');
    assert.equal(opened.body.cwd, h.workspace);
    assert.equal(opened.body.permission_mode, 'default');
    assert.match(String(answer.output?.systemMessage), new RegExp(`Following in Mattermost: .*/pl/r${opened.session_id.slice(1)}`));
  });

  it('mirrors the transcript in order: prompts, text, tool output, todos; skips meta, sidechain and interruption lines', async () => {
    const s = session();
    await s.hook({hook_event_name: 'SessionStart', source: 'startup'});
    const sid = await s.opened();
    s.write(
      user('fix the tests'),
      said('Looking.'),
      call('toolu_1', 'Bash', {command: 'npm test'}),
      result('toolu_1', '3 passing'),
      call('toolu_2', 'TodoWrite', {todos: [{content: 'a', status: 'in_progress', activeForm: 'Doing a'}]}),
      result('toolu_2', 'ok'),
      user('Stop hook feedback:\nMessage from @bob', {isMeta: true}),
      {...said('a subagent speaking'), isSidechain: true},
      user([{type: 'text', text: '[Request interrupted by user for tool use]'}]),
      user('<command-name>/model</command-name>\n<command-message>model</command-message>\n<command-args>opus</command-args>'),
      said('All green.'),
      {type: 'cost-state', totalCostUSD: 0.5, modelUsage: {m: {inputTokens: 100, outputTokens: 20, cacheReadInputTokens: 5}}},
    );
    const answer = await s.hook({hook_event_name: 'Stop', stop_hook_active: false});
    assert.deepEqual(answer, {}, 'the turn ends at the terminal');
    await h.plugin.waitFor(found(sid, 'status', (o) => o.body.cost_usd === 0.5), 10_000, 'cost');
    const kinds = h.plugin.outputs.filter((o) => o.session_id === sid && ['prompt', 'text', 'tool_output', 'todo'].includes(o.body.kind));
    assert.deepEqual(
      kinds.map((o) => `${o.body.kind}:${o.body.text ?? o.body.summary ?? o.body.todos?.[0]?.content}`),
      ['prompt:fix the tests', 'text:Looking.', 'tool_output:npm test', 'todo:a', 'prompt:/model opus', 'text:All green.'],
    );
    const cost = outs(sid, 'status').find((o) => o.body.cost_usd === 0.5)!;
    assert.equal(cost.body.input_tokens, 105);
    assert.equal(cost.body.output_tokens, 20);
    assert.equal(cost.body.runs_in, 'terminal');
  });

  it('a decision from Mattermost answers the waiting PermissionRequest', async () => {
    const c = await withCard('touch a');
    assert.equal(c.card.body.terminal, true);
    assert.equal(c.card.body.input.command, 'touch a');
    h.plugin.decide(c.sid, c.card.body.request_id, 'deny', 'not now');
    assert.deepEqual((await c.answer).output, {hookSpecificOutput: {hookEventName: 'PermissionRequest', decision: {behavior: 'deny', message: 'Denied by @bob: not now'}}});
  });

  it('the terminal answering first (its PostToolUse) closes the card as terminal_allowed and the hook steps aside', async () => {
    const c = await withCard('touch b');
    await c.hook({hook_event_name: 'PostToolUse', tool_name: 'Bash', tool_input: c.input, tool_use_id: c.toolUseId, tool_response: {stdout: ''}});
    assert.deepEqual(await c.answer, {});
    await h.plugin.waitFor(found(c.sid, 'resolved', (o) => o.body.request_id === c.card.body.request_id && o.body.outcome === 'terminal_allowed'), 10_000, 'resolved');
    // A click after that changes nothing.
    h.plugin.decide(c.sid, c.card.body.request_id, 'approve');
  });

  it('the transcript showing the call refused in the terminal closes the card as terminal_denied', async () => {
    const c = await withCard('touch c');
    c.write(result(c.toolUseId, "The user doesn't want to proceed with this tool use.", {toolDenialKind: 'user-rejected'}, true));
    assert.deepEqual(await c.answer, {});
    await h.plugin.waitFor(found(c.sid, 'resolved', (o) => o.body.outcome === 'terminal_denied'), 10_000, 'resolved');
    assert.equal(outs(c.sid, 'tool_output').length, 0, 'a refusal is not posted as tool output');
  });

  it('an expired card: the hook steps aside (no deny the user did not make) and the card is left to the terminal', async () => {
    const c = await withCard('touch d');
    h.plugin.pushRaw('decision', c.sid, {request_id: c.card.body.request_id, decision: 'deny', reason: 'timed out', by: {id: '', username: ''}});
    assert.deepEqual(await c.answer, {});
    await h.plugin.waitFor(found(c.sid, 'resolved', (o) => o.body.outcome === 'terminal_asks'), 10_000, 'resolved');
  });

  it('a hook killed for a refusal typed in the terminal: the refusal written a moment later closes the card as terminal_denied', async () => {
    // Claude Code kills the waiting hook when the person picks "No" (the turn is interrupted), then writes the refusal.
    const c = await withCard('touch e');
    c.abort();
    assert.match(String((await c.answer).closed), /cancelled/);
    await c.hook({hook_event_name: 'Notification', message: 'later'});
    c.write(result(c.toolUseId, "The user doesn't want to proceed with this tool use.", {toolDenialKind: 'user-rejected'}, true));
    await h.plugin.waitFor(found(c.sid, 'resolved', (o) => o.body.request_id === c.card.body.request_id), 10_000, 'resolved');
    assert.equal(outs(c.sid, 'resolved').find((o) => o.body.request_id === c.card.body.request_id)!.body.outcome, 'terminal_denied');
  });

  it('a hook killed with nothing in the transcript: the card is left to the terminal once the turn moves on', async () => {
    const c = await withCard('touch e2');
    c.abort();
    await c.answer;
    await c.hook({hook_event_name: 'Stop', stop_hook_active: false});
    await h.plugin.waitFor(found(c.sid, 'resolved', (o) => o.body.request_id === c.card.body.request_id && o.body.outcome === 'terminal_asks'), 10_000, 'resolved');
  });

  it('a card the plugin does not take in time: the hook steps aside; card and "left to the terminal" follow when it is back', async () => {
    const s = session();
    await s.hook({hook_event_name: 'SessionStart', source: 'startup'});
    const sid = await s.opened();
    await h.plugin.waitFor(found(sid, 'status'), 10_000, 'the first status');
    h.plugin.outputDown = true;
    const answer = await s.hook({hook_event_name: 'PermissionRequest', tool_name: 'Bash', tool_input: {command: 'touch f'}});
    assert.equal(answer.output, undefined, 'no decision');
    assert.match(String(answer.message), /did not take the card in time/);
    h.plugin.outputDown = false;
    const card = await h.plugin.waitFor(found(sid, 'approval'), 30_000, 'the card');
    await h.plugin.waitFor(found(sid, 'resolved', (o) => o.body.request_id === card.body.request_id && o.body.outcome === 'terminal_asks'), 30_000, 'resolved');
  });

  it('a card the plugin refuses: the hook steps aside with the reason (the terminal asks), never a deny', async () => {
    const s = session();
    await s.hook({hook_event_name: 'SessionStart', source: 'startup'});
    await s.opened();
    const before = h.plugin.refuse;
    h.plugin.refuse = (sid, body) => (body.kind === 'approval' && body.input.command === 'touch refused' ? {status: 400, error: 'input too large for a card'} : before(sid, body));
    try {
      const answer = await s.hook({hook_event_name: 'PermissionRequest', tool_name: 'Bash', tool_input: {command: 'touch refused'}});
      assert.equal(answer.output, undefined);
      assert.match(String(answer.message), /Mattermost refused the approval request \(input too large for a card\); the terminal asks/);
    } finally {
      h.plugin.refuse = before;
    }
  });

  it('AskUserQuestion becomes a question card; the answer goes back as the tool input', async () => {
    const s = session();
    await s.hook({hook_event_name: 'SessionStart', source: 'startup'});
    const sid = await s.opened();
    const input = {questions: [{question: 'Which color?', header: 'Choice', multiSelect: false, options: [{label: 'red', description: 'r'}, {label: 'blue', description: 'b'}]}]};
    const answer = s.hook({hook_event_name: 'PermissionRequest', tool_name: 'AskUserQuestion', tool_input: input});
    const card = await h.plugin.waitFor(found(sid, 'question'), 20_000, 'the question card');
    h.plugin.answer(sid, card.body.request_id, {'Which color?': 'blue'});
    assert.deepEqual((await answer).output, {
      hookSpecificOutput: {hookEventName: 'PermissionRequest', decision: {behavior: 'allow', updatedInput: {...input, answers: {'Which color?': 'blue'}}}},
    });
  });

  it('ExitPlanMode becomes a plan card; Request changes goes back as the deny message', async () => {
    const s = session();
    await s.hook({hook_event_name: 'SessionStart', source: 'startup'});
    const sid = await s.opened();
    const answer = s.hook({hook_event_name: 'PermissionRequest', tool_name: 'ExitPlanMode', tool_input: {plan: '# Plan\n\n1. do it'}});
    const card = await h.plugin.waitFor(found(sid, 'approval'), 20_000, 'the plan card');
    assert.equal(card.body.tool_name, 'ExitPlanMode');
    assert.equal(card.body.input.plan, '# Plan\n\n1. do it');
    h.plugin.decide(sid, card.body.request_id, 'deny', 'smaller steps');
    assert.deepEqual((await answer).output, {hookSpecificOutput: {hookEventName: 'PermissionRequest', decision: {behavior: 'deny', message: 'Denied by @bob: smaller steps'}}});
  });

  it('Approve all: the call and every later one are allowed without a card', async () => {
    const c = await withCard('touch g');
    h.plugin.decide(c.sid, c.card.body.request_id, 'approve_all');
    assert.deepEqual((await c.answer).output, {hookSpecificOutput: {hookEventName: 'PermissionRequest', decision: {behavior: 'allow'}}});
    const next = await c.hook({hook_event_name: 'PermissionRequest', tool_name: 'Bash', tool_input: {command: 'touch h'}});
    assert.deepEqual(next.output, {hookSpecificOutput: {hookEventName: 'PermissionRequest', decision: {behavior: 'allow'}}});
    assert.equal(outs(c.sid, 'approval').length, 1, 'no second card');
    await h.plugin.waitFor(found(c.sid, 'status', (o) => o.body.permission_mode === 'bypassPermissions'), 10_000, 'the header shows approve-all');
  });

  it('a reply while Claude is idle at the terminal waits for the next prompt typed there, and says so', async () => {
    const s = session();
    await s.hook({hook_event_name: 'SessionStart', source: 'startup'});
    const sid = await s.opened();
    await s.hook({hook_event_name: 'Stop', stop_hook_active: false});
    h.plugin.message(sid, 'also update the docs');
    await h.plugin.waitFor(found(sid, 'notice', (o) => /waits for the next prompt typed there/.test(o.body.text)), 10_000, 'the queued notice');
    const answer = await s.hook({hook_event_name: 'UserPromptSubmit', prompt: 'go on'});
    const ctx = (answer.output as any)?.hookSpecificOutput;
    assert.equal(ctx.hookEventName, 'UserPromptSubmit');
    assert.match(ctx.additionalContext, /Message from @alice in Mattermost: also update the docs/);
    const again = await s.hook({hook_event_name: 'UserPromptSubmit', prompt: 'and more'});
    assert.equal(again.output, undefined, 'given once');
  });

  it('Notification tells the owner (attention)', async () => {
    const s = session();
    await s.hook({hook_event_name: 'SessionStart', source: 'startup'});
    const sid = await s.opened();
    await s.hook({hook_event_name: 'Notification', message: 'Claude needs your permission', notification_type: 'permission_prompt'});
    const got = await h.plugin.waitFor(found(sid, 'attention'), 10_000, 'attention');
    assert.equal(got.body.reason, 'waiting');
    assert.equal(got.body.text, 'Claude needs your permission');
  });

  describe('bad input: a message for the terminal, no decision, nothing posted', () => {
    const cases: Array<[string, (s: ReturnType<typeof session>) => Record<string, unknown>, RegExp]> = [
      ['a transcript outside the session directory and Claude Code\'s config dir', () => ({transcript_path: '/etc/passwd'}), /transcript path .* is outside/],
      ['a directory outside the allowed roots', () => ({cwd: '/'}), /outside the directories this machine allows/],
      ['an unknown event', () => ({hook_event_name: 'PreCompact'}), /unknown hook event/],
      ['a tool event without tool_input', () => ({hook_event_name: 'PreToolUse', tool_name: 'Bash'}), /without a tool_input/],
    ];
    for (const [name, change, message] of cases) {
      it(name, async () => {
        const s = session();
        const before = h.plugin.outputs.length;
        const answer = await s.hook({hook_event_name: 'SessionStart', source: 'startup', ...change(s)});
        assert.equal(answer.output, undefined);
        assert.match(String(answer.message), message);
        assert.equal(h.plugin.opened.some((o) => o.body.claude_session_id === s.id), false, 'no thread');
        assert.equal(h.plugin.outputs.length, before);
      });
    }

    it("a session id another machine owns (the plugin refuses it)", async () => {
      const s = session();
      h.plugin.foreignClaudeIds.add(s.id);
      const start = await s.hook({hook_event_name: 'SessionStart', source: 'startup'});
      assert.match(String(start.message), /refused to open a thread.*another machine/);
      const answer = await s.hook({hook_event_name: 'PermissionRequest', tool_name: 'Bash', tool_input: {command: 'rm -rf x'}});
      assert.equal(answer.output, undefined);
      assert.match(String(answer.message), /refused to open a thread.*another machine/);
      assert.equal(h.plugin.ofKind('approval').some((o) => o.body.input.command === 'rm -rf x'), false);
    });
  });

  it('after an agent restart: a card left open is closed as left to the terminal, and the mirror goes on without repeating', async () => {
    const c = await withCard('touch r');
    c.write(said('before the restart'));
    await c.hook({hook_event_name: 'Notification', message: 'waiting'});
    await h.plugin.waitFor(found(c.sid, 'text', (o) => o.body.text === 'before the restart'), 10_000, 'mirrored before');
    await stop();
    assert.match(String((await c.answer).closed), /closed/, 'the waiting hook got no decision when the agent went away');
    c.write(said('while the agent was down'));
    await start();
    await h.plugin.waitFor(found(c.sid, 'resolved', (o) => o.body.request_id === c.card.body.request_id && o.body.outcome === 'terminal_asks'), 20_000, 'the card closed');
    await h.plugin.waitFor(found(c.sid, 'text', (o) => o.body.text === 'while the agent was down'), 20_000, 'the mirror caught up');
    assert.equal(outs(c.sid, 'text').filter((o) => o.body.text === 'before the restart').length, 1, 'nothing mirrored twice');
    assert.equal(outs(c.sid, 'prompt').length, 1);
  });
});

describe('headless starts: `claude-mattermost new` and `start --prompt`', () => {
  let h: Harness;
  before(async () => {
    h = await harness();
  });
  after(async () => {
    await h.close();
  });

  /** Claude Code stand-in: records each user turn and answers it with a result. */
  const prompts: unknown[] = [];
  const restingQuery = (({prompt}: {prompt: AsyncIterable<unknown>}) => {
    const gen = (async function* () {
      yield {type: 'system', subtype: 'init', session_id: 'claude-1', cwd: h.workspace, model: 'fake'};
      for await (const p of prompt) {
        prompts.push(p);
        yield {type: 'result', subtype: 'success', is_error: false, session_id: 'claude-1', total_cost_usd: 0, usage: {}, modelUsage: {}};
      }
    })();
    return Object.assign(gen, {close: () => undefined});
  }) as never;

  const cli = (out: string[]) => ({dir: h.paths.dir, env: {...process.env, HOME: h.home}, cwd: h.workspace, out: (l: string) => out.push(l), warn: (l: string) => out.push(`warn: ${l}`)});

  it('without a running agent: opens the thread with the token and prints its link; the session starts when an agent polls', async () => {
    const out: string[] = [];
    await newSession({prompt: 'fix the build'}, cli(out));
    const opened = h.plugin.opened.at(-1)!;
    assert.equal(opened.body.origin, 'cli');
    assert.equal(opened.body.prompt, 'fix the build');
    assert.equal(opened.body.cwd, h.workspace);
    assert.equal(out[0], `${h.plugin.url}/team/pl/r${opened.session_id.slice(1)}`);
    assert.match(out[1]!, /warn: The agent is not running/);
  });

  it('refuses a directory outside the allowed roots, and an unknown channel, with what is wrong', async () => {
    await assert.rejects(newSession({prompt: 'x', dir: '/'}, cli([])), (err: Error) => err instanceof UserError && /outside the directories this machine allows/.test(err.message));
    await assert.rejects(newSession({prompt: 'x', channel: 'nope'}, cli([])), (err: Error) => err instanceof UserError && /unknown channel nope/.test(err.message));
  });

  it('start --prompt opens the session once connected, runs it, and with --exit-when-done stops when it ends', async () => {
    const before = h.plugin.opened.length;
    const daemon = h.daemon({query: restingQuery, startPrompt: {prompt: 'run the nightly job', dir: h.workspace, channel: 'town-square', exitWhenDone: true}});
    const running = daemon.run();
    const sid = await h.plugin.waitFor(() => h.plugin.opened[before]?.session_id, 20_000, 'the session opened');
    assert.equal(h.plugin.opened[before]!.body.channel, 'town-square');
    await eventually(() => prompts.some((p) => JSON.stringify(p).includes('run the nightly job')), 20_000, 'the prompt reached Claude Code');
    h.plugin.stop(sid);
    await running;
  });

  it('through the running agent: `new` goes over its socket', async () => {
    const daemon = h.daemon({query: restingQuery});
    const running = daemon.run();
    await eventually(() => fs.existsSync(socketPath(h.paths.dir)), 20_000, 'the socket is there');
    const out: string[] = [];
    await newSession({prompt: 'tidy up', dir: h.workspace}, cli(out));
    assert.equal(h.plugin.opened.at(-1)!.body.prompt, 'tidy up');
    assert.deepEqual(out, [`${h.plugin.url}/team/pl/r${h.plugin.opened.at(-1)!.session_id.slice(1)}`], 'no "agent not running" note');
    daemon.stop();
    await running;
  });
});

describe('the local socket and the daemon lifetime', () => {
  it('a daemon that ends on a revoked token closes its socket (nothing keeps the process alive)', async () => {
    const h = await harness();
    try {
      h.plugin.revoked = true;
      const daemon = h.daemon({query: neverQuery});
      await assert.rejects(daemon.run(), /refused this machine's token/);
      assert.equal(fs.existsSync(socketPath(h.paths.dir)), false);
    } finally {
      await h.close();
    }
  });
});
