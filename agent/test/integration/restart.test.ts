/**
 * "Agent stopped while a card is pending, user clicks Approve, agent started
 * again: the decision arrives and the session goes on." The agent runs as the
 * real CLI in a child process and is stopped the way a user (or a crash) would.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import {after, before, describe, it} from 'node:test';
import {eventually, exists, exited, harness, processesIn, type Harness} from '../helpers/harness.js';
import type {RecordedOutput} from '../helpers/fake-plugin.js';

for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
  describe(`agent ${signal === 'SIGTERM' ? 'stopped' : 'killed'} (${signal}) while an approval is pending`, () => {
    let h: Harness;
    before(async () => {
      h = await harness();
    });
    after(async () => {
      await h.close();
    });

    const approvalOf = (sid: string) => (o: RecordedOutput[]) => o.find((x) => x.session_id === sid && x.body.kind === 'approval');

    it('approve while the agent is down → after restart the command runs and the session goes on', async () => {
      const first = h.spawnAgent();
      const sid = h.plugin.startSession('[[bash: touch after-restart.txt]]');
      const approval = await h.plugin.waitFor(approvalOf(sid), 60_000, 'approval');
      await h.plugin.waitFor((o) => o.find((x) => x.session_id === sid && x.body.status === 'waiting'), 5_000, 'waiting');

      first.kill(signal);
      await exited(first);
      h.plugin.decide(sid, approval.body.request_id, 'approve');

      const second = h.spawnAgent();
      const final = await h.plugin.waitFor(
        (o) => o.find((x) => x.session_id === sid && x.body.kind === 'text' && x.body.done && /^Done\./.test(x.body.text)),
        60_000,
        'final text after restart',
      );
      assert.match(final.body.text, /^Done\. Output:/);
      assert.equal(await exists(path.join(h.workspace, 'after-restart.txt')), true, 'the approved command ran');
      assert.equal(h.plugin.of(sid, 'approval').length, 1, 'no second card for the re-asked tool call');
      // A kill can land between "plugin accepted" and "outbox file deleted": the
      // resend carries the same Idempotency-Key, so the plugin answers it without a second post.
      if (signal === 'SIGTERM') assert.equal(h.plugin.duplicateKeys, 0);
      assert.ok(second.logs.some((l) => /approved by @bob while Claude Code was not running/.test(l)), second.logs.join('\n'));
      second.kill('SIGTERM');
      assert.equal(await exited(second), 0, 'a stopped agent exits cleanly');
    });
  });
}

describe('agent restarted while sessions are open', () => {
  let h: Harness;
  before(async () => {
    h = await harness();
  });
  after(async () => {
    await h.close();
  });

  it('every open session resumes by itself, says so, and Claude still has its earlier turns', async () => {
    const dir = path.join(h.workspace, 'resumed');
    await fs.mkdir(dir);
    const first = h.spawnAgent();
    const sid = h.plugin.startSession('remember the word mango', dir);
    await h.plugin.waitFor((o) => o.find((x) => x.session_id === sid && x.body.status === 'idle'), 60_000, 'idle');
    const ended = h.plugin.startSession('this one ends', dir);
    await h.plugin.waitFor((o) => o.find((x) => x.session_id === ended && x.body.status === 'idle'), 60_000, 'idle');
    h.plugin.stop(ended);
    await h.plugin.waitFor((o) => o.find((x) => x.session_id === ended && x.body.status === 'ended'), 20_000, 'ended');

    first.kill('SIGTERM');
    assert.equal(await exited(first), 0);
    await eventually(async () => (await processesIn(dir)).length === 0, 10_000, 'Claude Code ended with the agent');
    h.plugin.message(sid, 'sent while the agent was down');

    const second = h.spawnAgent();
    await h.plugin.waitFor((o) => o.find((x) => x.session_id === sid && x.body.kind === 'notice' && x.body.text === 'Agent restarted — session resumed.'), 60_000, 'restart notice');
    await h.plugin.waitFor(
      (o) => o.find((x) => x.session_id === sid && x.body.kind === 'text' && x.body.done && x.body.text === 'You said: sent while the agent was down'),
      60_000,
      'the message sent during the outage',
    );
    assert.equal(h.plugin.notices(ended).length, 0, 'an ended session stays ended');

    h.model.reset();
    h.plugin.message(sid, '[[recall]]');
    const recall = await h.plugin.waitFor(
      (o) => o.find((x) => x.session_id === sid && x.body.kind === 'text' && x.body.done && /^Recall:/.test(x.body.text)),
      60_000,
      'recall',
    );
    assert.deepEqual(recall.body.text.split('\n').slice(1), ['remember the word mango', 'sent while the agent was down']);
    second.kill('SIGTERM');
    assert.equal(await exited(second), 0);
  });

  it('the todo panel of a resumed conversation starts from the tasks Claude Code kept', async () => {
    const dir = path.join(h.workspace, 'tasks-resumed');
    await fs.mkdir(dir);
    const first = h.spawnAgent();
    const sid = h.plugin.startSession('[[tasks: write tests; fix bug; ship]]', dir);
    await h.plugin.waitFor((o) => o.find((x) => x.session_id === sid && x.body.kind === 'text' && x.body.done && x.body.text === 'Tasks: 0/3 done'), 60_000, 'the tasks made');
    await h.plugin.waitFor((o) => o.find((x) => x.session_id === sid && x.body.status === 'idle'), 60_000, 'the turn over');
    first.kill('SIGTERM');
    assert.equal(await exited(first), 0);

    const second = h.spawnAgent();
    await h.plugin.waitFor((o) => o.find((x) => x.session_id === sid && x.body.kind === 'notice' && x.body.text.startsWith('Agent restarted')), 60_000, 'restart notice');
    const before = h.plugin.of(sid, 'todo').length;
    h.plugin.message(sid, '[[task-done: 2]]');
    await h.plugin.waitFor((o) => o.find((x) => x.session_id === sid && x.body.kind === 'text' && x.body.done && x.body.text === 'Task 2 done.'), 60_000, 'task 2 done');
    const after = h.plugin.of(sid, 'todo').slice(before);
    assert.equal(after.length, 1, 'one todo output for the one change');
    assert.deepEqual(
      after[0]!.body.todos.map((t: any) => `${t.content}:${t.status}`),
      ['write tests:in_progress', 'fix bug:completed', 'ship:pending'],
      'the whole list, not only the task touched after the restart',
    );
    second.kill('SIGTERM');
    assert.equal(await exited(second), 0);
  });
});
