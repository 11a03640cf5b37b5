/**
 * Team-session features with the real Claude Code binary against the fake
 * model: thread commands, queued messages, resume, worktrees, stop.
 */
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import {after, before, describe, it} from 'node:test';
import {eventually, exists, harness, processesIn, type Harness} from '../helpers/harness.js';
import type {RecordedOutput} from '../helpers/fake-plugin.js';

describe('team sessions with real Claude Code', () => {
  let h: Harness;
  let run: Promise<void>;

  before(async () => {
    h = await harness({chunkDelayMs: 5});
    run = h.daemon().run();
  });
  after(async () => {
    await h.close();
    await run.catch(() => undefined);
  });

  const status = (sid: string, s: string, from = 0) => (outs: RecordedOutput[]) =>
    outs.slice(from).find((o) => o.session_id === sid && o.body.kind === 'status' && o.body.status === s);
  const finalText = (sid: string, re: RegExp) => (outs: RecordedOutput[]) =>
    outs.find((o) => o.session_id === sid && o.body.kind === 'text' && o.body.done && re.test(o.body.text));
  const notice = (sid: string, re: RegExp) => (outs: RecordedOutput[]) => outs.find((o) => o.session_id === sid && o.body.kind === 'notice' && re.test(o.body.text));
  const approvalOf = (sid: string, from = 0) => (o: RecordedOutput[]) => o.slice(from).find((x) => x.session_id === sid && x.body.kind === 'approval');
  const dirFor = async (name: string) => {
    const d = path.join(h.workspace, name);
    await fs.mkdir(d, {recursive: true});
    return d;
  };
  const mark = () => h.plugin.outputs.length;

  it('!escape stops a long-running Bash command; the session stays and takes the next message', async () => {
    const dir = await dirFor('escape');
    // `echo … && sleep …` is read-only for Claude Code: it runs without a card.
    const sid = h.plugin.startSession('[[bash: sleep 30]]', dir);
    await eventually(async () => (await processesIn(dir)).some((p) => /^sleep 30/.test(p.cmd)), 60_000, 'sleep 30 runs');

    const from = mark();
    const t0 = Date.now();
    h.plugin.command(sid, 'escape');
    await h.plugin.waitFor(notice(sid, /^Interrupted\.$/), 20_000, 'Interrupted. notice');
    const idle = await h.plugin.waitFor(status(sid, 'idle', from), 5_000, 'idle after escape');
    assert.ok(Date.now() - t0 < 15_000, 'the turn ended long before the command would have');
    assert.equal(idle.body.error, undefined, 'an interrupt is not an error');
    assert.equal(h.plugin.of(sid, 'status').slice(-1)[0]!.body.status, 'idle');
    await eventually(async () => !(await processesIn(dir)).some((p) => /^sleep 30/.test(p.cmd)), 10_000, 'sleep 30 is gone');

    h.plugin.message(sid, 'still there?');
    await h.plugin.waitFor(finalText(sid, /^You said: still there\?$/), 60_000, 'reply after escape');
  });

  it('!escape when Claude is idle says there is nothing to interrupt', async () => {
    const sid = h.plugin.startSession('hello', await dirFor('escape-idle'));
    await h.plugin.waitFor(status(sid, 'idle'), 60_000, 'idle');
    h.plugin.command(sid, 'escape');
    await h.plugin.waitFor(notice(sid, /^Nothing to interrupt/), 10_000, 'nothing-to-interrupt notice');
  });

  it('messages sent while Claude is busy are delivered afterwards, one turn each, in order', async () => {
    const sid = h.plugin.startSession('[[bash: touch queued.txt]]', await dirFor('queue'));
    const card = await h.plugin.waitFor(approvalOf(sid), 60_000, 'approval');
    for (const m of ['one', 'two', 'three']) h.plugin.message(sid, m);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(h.plugin.of(sid, 'text').filter((t) => t.body.done && /^You said/.test(t.body.text)).length, 0, 'nothing reaches Claude while the turn runs');
    h.plugin.decide(sid, card.body.request_id, 'approve');
    await h.plugin.waitFor(finalText(sid, /^You said: three$/), 60_000, 'the last queued reply');
    const finals = h.plugin.of(sid, 'text').filter((t) => t.body.done).map((t) => t.body.text as string);
    assert.deepEqual(
      finals.filter((t) => /^(Done|You said)/.test(t)),
      ['Done. Output: (Bash completed with no output)', 'You said: one', 'You said: two', 'You said: three'],
    );
  });

  it('!cd continues the same conversation in the new directory', async () => {
    const a = await dirFor('cd-a');
    const b = await dirFor('cd-b');
    const sid = h.plugin.startSession('remember the word pineapple', a);
    await h.plugin.waitFor(status(sid, 'idle'), 60_000, 'idle');
    h.plugin.command(sid, 'cd', '../cd-b');
    await h.plugin.waitFor(notice(sid, /^Now working in/), 20_000, 'cd notice');
    assert.ok(h.plugin.notices(sid).some((n) => n.includes(b)), h.plugin.notices(sid).join('\n'));
    assert.ok(h.plugin.of(sid, 'status').some((o) => o.body.cwd === b), 'header gets the new cwd');

    h.model.reset();
    h.plugin.message(sid, '[[recall]]');
    const recall = await h.plugin.waitFor(finalText(sid, /^Recall:/), 60_000, 'recall');
    assert.match(recall.body.text, /remember the word pineapple/, 'Claude got the turns from before the cd');
    const env = JSON.stringify(h.model.mainRequests().at(-1)!.body);
    assert.ok(env.includes(`Primary working directory: ${b}`), 'Claude Code runs in the new directory');
  });

  it('!cd outside the allowed roots is refused with the reason', async () => {
    const sid = h.plugin.startSession('hi', await dirFor('cd-refused'));
    await h.plugin.waitFor(status(sid, 'idle'), 60_000, 'idle');
    h.plugin.command(sid, 'cd', h.home);
    await h.plugin.waitFor(notice(sid, /^Cannot move to .*outside the directories this machine allows/), 10_000, 'refusal notice');
  });

  it('!model and !permissions change the running session and say so', async () => {
    const dir = await dirFor('modes');
    const sid = h.plugin.startSession('hi', dir);
    await h.plugin.waitFor(status(sid, 'idle'), 60_000, 'idle');
    h.plugin.command(sid, 'model', 'claude-sonnet-9');
    await h.plugin.waitFor(notice(sid, /^Model is now `claude-sonnet-9`/), 10_000, 'model notice');
    assert.ok(h.plugin.of(sid, 'status').some((o) => o.body.model === 'claude-sonnet-9'));

    h.plugin.command(sid, 'permissions', 'bypassPermissions');
    await h.plugin.waitFor(notice(sid, /^Permission mode is now approve-all/), 10_000, 'mode notice');
    assert.ok(h.plugin.of(sid, 'status').some((o) => o.body.permission_mode === 'bypassPermissions'));

    h.model.reset();
    h.plugin.message(sid, '[[bash: touch bypass.txt]]');
    await h.plugin.waitFor(finalText(sid, /^Done\./), 60_000, 'command ran');
    assert.equal(h.plugin.of(sid, 'approval').length, 0, 'approve-all: no card');
    assert.equal(await exists(path.join(dir, 'bypass.txt')), true);
    assert.equal(h.model.mainRequests().at(-1)!.body.model, 'claude-sonnet-9', 'the new model answers');
  });

  it('!compact sends /compact to Claude Code', async () => {
    const sid = h.plugin.startSession('something to summarise', await dirFor('compact'));
    await h.plugin.waitFor(status(sid, 'idle'), 60_000, 'idle');
    h.plugin.command(sid, 'compact');
    await h.plugin.waitFor(notice(sid, /^Compacting/), 10_000, 'compacting notice');
    await h.plugin.waitFor(notice(sid, /^Conversation compacted/), 60_000, 'compacted notice');
  });

  it('a start with context gives Claude the earlier thread messages, fenced off, before the prompt', async () => {
    h.model.reset();
    const sid = h.plugin.startSession('what do you think?', await dirFor('context'), {context: '@bob: the build is red\n@carol: since the merge'});
    await h.plugin.waitFor(status(sid, 'idle'), 60_000, 'idle');
    const first = JSON.stringify(h.model.mainRequests()[0]!.body.messages);
    assert.match(first, /<thread_context>\\n@bob: the build is red\\n@carol: since the merge\\n<\/thread_context>\\n\\nwhat do you think\?/);

    // As the e2e suite checks it: [[recall]] in that first prompt shows the thread context.
    const again = h.plugin.startSession('what do we know? [[recall]]', await dirFor('context-recall'), {context: '@bob: it fails on CI only, timezone maybe'});
    const recall = await h.plugin.waitFor(finalText(again, /^Recall:/), 60_000, 'recall');
    assert.equal(recall.body.text, 'Recall:\n@bob: it fails on CI only, timezone maybe');
  });

  it('start on a branch makes a worktree beside the repository and runs there', async () => {
    const repo = await dirFor('repo');
    const g = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], {cwd: repo, stdio: 'pipe'});
    g('init', '-q', '-b', 'main');
    await fs.writeFile(path.join(repo, 'README'), 'hi\n');
    g('add', 'README');
    g('commit', '-qm', 'first');

    const sid = h.plugin.startSession('hello', repo, {branch: 'feature/x'});
    const started = await h.plugin.waitFor(status(sid, 'starting'), 10_000, 'starting');
    assert.equal(started.body.cwd, `${repo}-feature-x`);
    assert.equal(started.body.branch, 'feature/x');
    await h.plugin.waitFor(status(sid, 'idle'), 60_000, 'idle');
    assert.equal(String(execFileSync('git', ['rev-parse', '--abbrev-ref', 'HEAD'], {cwd: `${repo}-feature-x`})).trim(), 'feature/x');

    h.plugin.command(sid, 'worktree', 'other');
    await h.plugin.waitFor(notice(sid, /^Created the worktree .*repo-other/), 20_000, 'worktree notice');
    assert.ok(h.plugin.of(sid, 'status').some((o) => o.body.cwd === `${repo}-other` && o.body.branch === 'other'));

    const plain = h.plugin.startSession('hello', await dirFor('not-git'), {branch: 'x'});
    const err = await h.plugin.waitFor(status(plain, 'error'), 10_000, 'error for a non-git dir');
    assert.match(err.body.error, /not in a git repository/);
  });

  it('stop ends the Claude Code process for real', async () => {
    const dir = await dirFor('stop');
    const sid = h.plugin.startSession('hello', dir);
    await h.plugin.waitFor(status(sid, 'idle'), 60_000, 'idle');
    assert.ok((await processesIn(dir)).some((p) => /claude/.test(p.cmd)), 'Claude Code runs between turns');
    h.plugin.stop(sid);
    await h.plugin.waitFor(status(sid, 'ended'), 20_000, 'ended');
    await eventually(async () => (await processesIn(dir)).length === 0, 10_000, 'no process left in the session directory');
  });

  it('a start with resume continues an ended session with its earlier turns', async () => {
    const dir = await dirFor('resume');
    const sid = h.plugin.startSession('the password is swordfish', dir);
    const idle = await h.plugin.waitFor(status(sid, 'idle'), 60_000, 'idle');
    h.plugin.stop(sid);
    await h.plugin.waitFor(status(sid, 'ended'), 20_000, 'ended');

    const from = mark();
    h.plugin.startSession('[[recall]]', dir, {sessionId: sid, resume: idle.body.claude_session_id});
    const recall = await h.plugin.waitFor((o) => finalText(sid, /^Recall:/)(o.slice(from)), 60_000, 'recall');
    assert.match(recall.body.text, /the password is swordfish/);
  });

  it('an event type this agent does not know is acked and skipped', async () => {
    const before = h.plugin.acked;
    h.plugin.pushRaw('teleport', 'sX', {});
    await eventually(() => h.plugin.acked > before && h.plugin.pendingEvents() === 0, 10_000, 'acked');
  });
});
