/**
 * The hook command (`dist/hook.js`): what Claude Code runs for every hook
 * event. Run in-process against a stand-in agent on a real local socket, and
 * once as its own process.
 */
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {after, before, beforeEach, describe, it} from 'node:test';
import {addFollowed} from '../../src/terminal/follow.js';
import {HOOK_EVENTS} from '../../src/terminal/hookinput.js';
import {runHook, type HookRequest} from '../../src/terminal/hookrun.js';
import {followFile, socketPath} from '../../src/terminal/paths.js';
import {LocalServer} from '../../src/terminal/socket.js';
import {AGENT_DIR} from '../helpers/harness.js';

describe('the hook command', () => {
  let root: string;
  let configDir: string;
  let followed: string;
  let server: LocalServer | undefined;
  let requests: HookRequest[];
  /** How the stand-in agent answers (default: an empty answer). */
  let answer: (r: HookRequest, signal: AbortSignal) => Promise<unknown>;

  before(() => {
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cmm-hook-')));
    configDir = path.join(root, 'config');
    followed = path.join(root, 'work');
    fs.mkdirSync(followed, {recursive: true});
    addFollowed(followFile(configDir), followed);
  });
  after(async () => {
    await server?.close();
    fs.rmSync(root, {recursive: true, force: true});
  });
  beforeEach(() => {
    requests = [];
    answer = async () => ({});
  });

  async function agentUp(): Promise<void> {
    if (server) return;
    server = new LocalServer(socketPath(configDir), async (req, signal) => {
      requests.push(req as HookRequest);
      return answer(req as HookRequest, signal);
    });
    await server.listen();
  }
  async function agentDown(): Promise<void> {
    await server?.close();
    server = undefined;
  }

  const event = (name: string, extra: Record<string, unknown> = {}) => ({
    session_id: '2f0e8a64-3c1b-4b57-9d55-6f1f3c0e9a11',
    transcript_path: path.join(root, 'home/.claude/projects/p/2f0e8a64.jsonl'),
    cwd: followed,
    hook_event_name: name,
    permission_mode: 'default',
    ...(['PreToolUse', 'PermissionRequest', 'PostToolUse'].includes(name) ? {tool_name: 'Bash', tool_input: {command: 'ls'}} : {}),
    ...extra,
  });

  async function run(stdin: string | undefined, env: Record<string, string> = {}, timings: {agentWaitMs?: number; quickAnswerMs?: number} = {}) {
    let out = '';
    const warnings: string[] = [];
    await runHook({
      readStdin: async () => stdin,
      env: {CLAUDE_MATTERMOST_CONFIG_DIR: configDir, ...env},
      out: (s) => (out += s),
      warn: (l) => warnings.push(l),
      pid: 111,
      ppid: 222,
      agentWaitMs: timings.agentWaitMs ?? 300,
      quickAnswerMs: timings.quickAnswerMs,
    });
    return {out, warnings};
  }

  for (const name of HOOK_EVENTS) {
    it(`hands ${name} of a followed session to the agent and prints its answer`, async () => {
      await agentUp();
      const output = {hookSpecificOutput: {hookEventName: name, marker: 1}};
      answer = async () => ({output});
      const got = await run(JSON.stringify(event(name)));
      assert.deepEqual(JSON.parse(got.out), output);
      assert.deepEqual(got.warnings, []);
      assert.equal(requests.length, 1);
      assert.equal(requests[0]!.type, 'hook');
      assert.equal((requests[0]!.input as {hook_event_name: string}).hook_event_name, name);
      assert.equal(requests[0]!.ppid, 222, 'the agent learns the hook\'s parent (to find Claude Code)');
      assert.equal(requests[0]!.follow_env, false);
    });
  }

  const malformed: Array<[string, () => string | undefined, RegExp]> = [
    ['empty stdin', () => '', /no input on stdin/],
    ['not JSON', () => 'hello there', /not JSON/],
    ['a JSON array', () => '[1,2]', /not a JSON object/],
    ['no hook_event_name', () => JSON.stringify({session_id: 'x', cwd: '/'}), /no hook_event_name/],
    ['an unknown event', () => JSON.stringify({...event('Stop'), hook_event_name: 'PreCompact'}), /unknown hook event "PreCompact"/],
    ['a malformed session id', () => JSON.stringify({...event('Stop'), session_id: '../../etc'}), /malformed session_id/],
    ['a relative cwd', () => JSON.stringify({...event('Stop'), cwd: 'work'}), /relative cwd/],
    ['a relative transcript path', () => JSON.stringify({...event('Stop'), transcript_path: 'x.jsonl'}), /relative transcript_path/],
    ['a tool event without tool_input', () => JSON.stringify({...event('PreToolUse'), tool_input: 'ls'}), /without a tool_input object/],
    ['input over the size limit', () => undefined, /larger than/],
  ];
  for (const [name, stdin, message] of malformed) {
    it(`bad input (${name}): a message on stderr, no decision, the agent not asked`, async () => {
      await agentUp();
      const got = await run(stdin());
      assert.equal(got.out, '');
      assert.equal(got.warnings.length, 1);
      assert.match(got.warnings[0]!, message);
      assert.match(got.warnings[0]!, /^claude-mattermost hook: .*the terminal carries on/);
      assert.equal(requests.length, 0);
    });
  }

  it('a session outside the followed directories costs nothing: no output, no message, no agent', async () => {
    await agentUp();
    const got = await run(JSON.stringify(event('PermissionRequest', {cwd: root})));
    assert.deepEqual(got, {out: '', warnings: []});
    assert.equal(requests.length, 0);
  });

  it('CLAUDE_MATTERMOST_FOLLOW=1 follows one run anywhere (the agent checks the allowed roots); =0 follows nothing', async () => {
    await agentUp();
    await run(JSON.stringify(event('Stop', {cwd: root})), {CLAUDE_MATTERMOST_FOLLOW: '1'});
    assert.equal(requests.length, 1);
    assert.equal(requests[0]!.follow_env, true);
    const off = await run(JSON.stringify(event('Stop')), {CLAUDE_MATTERMOST_FOLLOW: '0'});
    assert.deepEqual(off, {out: '', warnings: []});
    assert.equal(requests.length, 1);
  });

  it("the agent's own Claude Code: its hooks do nothing", async () => {
    await agentUp();
    const got = await run(JSON.stringify(event('PermissionRequest')), {CLAUDE_MATTERMOST_AGENT_SESSION: 's1'});
    assert.deepEqual(got, {out: '', warnings: []});
    assert.equal(requests.length, 0);
  });

  it("the agent's message goes to stderr and only its output to stdout", async () => {
    await agentUp();
    answer = async () => ({message: 'not mirrored: outside the allowed roots'});
    const got = await run(JSON.stringify(event('PermissionRequest')));
    assert.equal(got.out, '');
    assert.deepEqual(got.warnings, ['claude-mattermost hook: not mirrored: outside the allowed roots']);
  });

  it('agent down: after waiting briefly for the socket, the hook steps aside with a message', async () => {
    await agentDown();
    const got = await run(JSON.stringify(event('PermissionRequest')));
    assert.equal(got.out, '');
    assert.match(got.warnings.join('\n'), /agent is not running/);
  });

  it('an agent that goes away mid-wait: no decision, a message', async () => {
    await agentUp();
    answer = async () => {
      await agentDown();
      return {output: {hookSpecificOutput: {decision: {behavior: 'allow'}}}};
    };
    const got = await run(JSON.stringify(event('PermissionRequest')));
    assert.equal(got.out, '', 'never allow on an error');
    assert.match(got.warnings.join('\n'), /no answer from the agent/);
  });

  it('an event that does not wait for Mattermost is given up after a while: no decision', async () => {
    await agentUp();
    answer = (_r, signal) => new Promise((resolve) => signal.addEventListener('abort', () => resolve({})));
    const got = await run(JSON.stringify(event('PreToolUse')), {}, {quickAnswerMs: 200});
    assert.equal(got.out, '');
    assert.match(got.warnings.join('\n'), /no answer from the agent \(no answer in 200 ms\)/);
  });

  it('a PermissionRequest waits for the decision as long as it takes', async () => {
    await agentUp();
    let decide!: () => void;
    const decided = new Promise<void>((r) => (decide = r));
    answer = async () => {
      await decided;
      return {output: {hookSpecificOutput: {hookEventName: 'PermissionRequest', decision: {behavior: 'allow'}}}};
    };
    const pending = run(JSON.stringify(event('PermissionRequest')), {}, {quickAnswerMs: 50});
    // Well past the quick-answer limit: wait until the request is there, then for a later event on the same agent.
    while (requests.length === 0) await new Promise((r) => setTimeout(r, 20));
    await run(JSON.stringify(event('Notification', {message: 'waiting'})), {}, {quickAnswerMs: 5000});
    decide();
    const got = await pending;
    assert.equal(JSON.parse(got.out).hookSpecificOutput.decision.behavior, 'allow');
  });

  it('as its own process (`node hook.js`): bad input → exit 0, one line on stderr, nothing on stdout', async () => {
    const res = await new Promise<{code: number | null; stdout: string; stderr: string}>((resolve) => {
      const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), path.join(AGENT_DIR, 'src/hook.ts'), 'claude-mattermost-hook'], {
        env: {...process.env, CLAUDE_MATTERMOST_CONFIG_DIR: configDir},
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (b: Buffer) => (stdout += b));
      child.stderr.on('data', (b: Buffer) => (stderr += b));
      child.on('close', (code) => resolve({code, stdout, stderr}));
      child.stdin.end('{"not": "claude code"');
    });
    assert.equal(res.code, 0);
    assert.equal(res.stdout, '');
    assert.equal(res.stderr.trim().split('\n').length, 1);
    assert.match(res.stderr, /^claude-mattermost hook: stdin is not JSON/);
  });
});
