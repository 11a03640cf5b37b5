/**
 * "Agent stopped while a card is pending, user clicks Approve, agent started
 * again: the decision arrives and the session goes on." The agent runs as the
 * real CLI in a child process and is stopped the way a user (or a crash) would.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import {after, before, describe, it} from 'node:test';
import {exists, exited, harness, type Harness} from '../helpers/harness.js';
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
