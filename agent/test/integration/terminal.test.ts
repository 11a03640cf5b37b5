/**
 * Sessions started in a terminal, with the real Claude Code binary in
 * `claude -p` mode, its hooks installed by `claude-mattermost hooks install`
 * into a temporary HOME, and the agent's fake plugin.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {after, before, describe, it} from 'node:test';
import type {RecordedOutput} from '../helpers/fake-plugin.js';
import {eventually} from '../helpers/harness.js';
import {CLAUDE_BIN, terminalHarness, type TerminalHarness} from '../helpers/terminal.js';

describe('terminal sessions with real Claude Code (claude -p)', () => {
  let t: TerminalHarness;

  before(async () => {
    t = await terminalHarness();
  });
  after(async () => {
    await t.close();
  });

  const texts = (sid: string) => t.outs(sid, 'text').map((o) => String(o.body.text));
  const found = (sid: string, kind: string, test: (o: RecordedOutput) => boolean) => (outs: RecordedOutput[]) =>
    outs.find((o) => o.session_id === sid && o.body.kind === kind && test(o));

  it('mirrors the prompt, the text and the tool output into a new thread', async () => {
    const run = t.claude('[[bash: echo mirrored-output]]');
    const sid = await t.opened(0);
    const res = await run.done;
    assert.equal(res.code, 0, res.stderr);
    const open = t.plugin.opened[0]!.body;
    assert.equal(open.origin, 'terminal');
    assert.equal(open.cwd, t.workspace);
    assert.match(open.claude_session_id, /^[0-9a-f-]{36}$/);
    await t.plugin.waitFor(found(sid, 'notice', (o) => /terminal session ended/.test(o.body.text)), 30_000, 'the end of the terminal session');
    assert.deepEqual(
      t.outs(sid, 'prompt').map((o) => o.body.text),
      ['[[bash: echo mirrored-output]]'],
    );
    assert.deepEqual(texts(sid), ["I'll run `echo mirrored-output`.", 'Done. Output: mirrored-output']);
    const out = t.outs(sid, 'tool_output');
    assert.equal(out.length, 1);
    assert.equal(out[0]!.body.summary, 'echo mirrored-output');
    assert.match(out[0]!.body.output, /mirrored-output/);
    const statuses = t.outs(sid, 'status');
    assert.ok(statuses.every((s) => s.body.runs_in === 'terminal'), 'every status says it runs in the terminal');
    assert.ok(statuses.some((s) => s.body.status === 'idle'));
    // Order: prompt, first text, tool output, final text.
    const order = t.plugin.outputs.filter((o) => o.session_id === sid && ['prompt', 'text', 'tool_output'].includes(o.body.kind)).map((o) => o.body.kind);
    assert.deepEqual(order, ['prompt', 'text', 'tool_output', 'text']);
  });

  it('asks in Mattermost; Approve lets the command run', async () => {
    const before = t.plugin.opened.length;
    const run = t.claude('[[bash: touch approved.txt]]');
    const sid = await t.opened(before);
    const card = await t.plugin.waitFor(found(sid, 'approval', () => true), 60_000, 'the approval card');
    assert.equal(card.body.terminal, true);
    assert.equal(card.body.tool_name, 'Bash');
    assert.equal(card.body.input.command, 'touch approved.txt');
    assert.equal(card.body.cwd, t.workspace);
    await t.plugin.waitFor(found(sid, 'status', (o) => o.body.status === 'waiting'), 10_000, 'status waiting');
    assert.equal(fs.existsSync(path.join(t.workspace, 'approved.txt')), false, 'nothing runs before the decision');
    t.plugin.decide(sid, card.body.request_id, 'approve');
    const res = await run.done;
    assert.equal(res.code, 0, res.stderr);
    assert.equal(fs.existsSync(path.join(t.workspace, 'approved.txt')), true);
    await t.plugin.waitFor(found(sid, 'text', (o) => /^Done\. Output:/.test(o.body.text)), 30_000, 'the final text');
    assert.equal(t.outs(sid, 'resolved').length, 0, 'a card decided in Mattermost is not "resolved" by the terminal');
  });

  it('Deny with reason: the command does not run and Claude is told why', async () => {
    const before = t.plugin.opened.length;
    const run = t.claude('[[bash: touch denied.txt]]');
    const sid = await t.opened(before);
    const card = await t.plugin.waitFor(found(sid, 'approval', () => true), 60_000, 'the approval card');
    t.plugin.decide(sid, card.body.request_id, 'deny', 'not on main');
    const res = await run.done;
    assert.equal(res.code, 0, res.stderr);
    assert.equal(fs.existsSync(path.join(t.workspace, 'denied.txt')), false);
    await t.plugin.waitFor(found(sid, 'text', (o) => o.body.text === 'The command was denied: Denied by @bob: not on main'), 30_000, 'the denial reaching Claude');
  });

  it('a reply from the thread continues the session at its Stop, and while away the turn waits for the next one', async () => {
    const before = t.plugin.opened.length;
    const run = t.claude('[[bash: touch reply.txt]]');
    const sid = await t.opened(before);
    const card = await t.plugin.waitFor(found(sid, 'approval', () => true), 60_000, 'the approval card');
    // Sent while Claude waits for the card: queued until its turn ends.
    t.plugin.message(sid, 'please say queued-reply');
    t.plugin.command(sid, 'away');
    // The plugin answers `!away` itself; the agent has it once the event is acknowledged.
    await eventually(() => t.plugin.pendingEvents() === 0, 10_000, 'the agent took the away command');
    t.plugin.decide(sid, card.body.request_id, 'approve');
    await t.plugin.waitFor(found(sid, 'text', (o) => /Message from @alice in Mattermost: please say queued-reply/.test(o.body.text)), 60_000, 'Claude answering the queued reply');
    // Away: the next Stop waits for a reply instead of ending the turn.
    await t.plugin.waitFor(found(sid, 'attention', (o) => o.body.reason === 'turn_ended'), 30_000, 'attention: turn ended');
    t.plugin.message(sid, 'please say while-away');
    await t.plugin.waitFor(found(sid, 'text', (o) => /please say while-away/.test(o.body.text)), 60_000, 'Claude answering the reply sent while away');
    await t.plugin.waitFor((outs) => outs.filter((o) => o.session_id === sid && o.body.kind === 'attention' && o.body.reason === 'turn_ended').length >= 2 && outs, 30_000, 'waiting again');
    t.plugin.command(sid, 'back');
    const res = await run.done;
    assert.equal(res.code, 0, res.stderr);
  });

  it('Continue here ends the terminal\'s Claude Code and resumes the conversation in the agent; resume takes it back', async () => {
    const before = t.plugin.opened.length;
    const run = t.claude('[[bash: touch handover.txt]]');
    const sid = await t.opened(before);
    const card = await t.plugin.waitFor(found(sid, 'approval', () => true), 60_000, 'the approval card');
    const claudeId = t.plugin.opened[before]!.body.claude_session_id as string;
    t.plugin.command(sid, 'handover');
    const res = await run.done;
    assert.notEqual(res.code, null, 'the terminal Claude Code exited');
    await t.plugin.waitFor(found(sid, 'resolved', (o) => o.body.request_id === card.body.request_id && o.body.outcome === 'terminal_asks'), 30_000, 'the card left to the terminal');
    await t.plugin.waitFor(found(sid, 'status', (o) => o.body.runs_in === 'agent'), 30_000, 'status runs_in agent');
    await t.plugin.waitFor(found(sid, 'notice', (o) => /^Continuing here/.test(o.body.text)), 30_000, 'the handover notice');
    // The same conversation goes on in the agent: Claude has the terminal's turn.
    t.plugin.message(sid, 'what did I ask? [[recall]]');
    await t.plugin.waitFor(found(sid, 'text', (o) => /^Recall:\n\[\[bash: touch handover\.txt\]\]/.test(o.body.text)), 60_000, 'the agent resuming the same conversation');
    const init = t.outs(sid, 'status').find((o) => o.body.runs_in === undefined && o.body.claude_session_id);
    assert.equal(init?.body.claude_session_id, claudeId, 'the same Claude session id');
    assert.equal(t.plugin.opened.length, before + 1, "the agent's own Claude Code is not mirrored a second time by the hooks");
    await t.plugin.waitFor(found(sid, 'status', (o) => o.body.status === 'idle' && o.body.runs_in === undefined), 30_000, 'the agent turn ends');

    // Back to the terminal: `claude-mattermost resume <session id>` runs `claude --resume <id>` there.
    const wrapper = path.join(t.root, 'claude-wrapper.sh');
    fs.writeFileSync(wrapper, `#!/bin/sh\nexec '${CLAUDE_BIN}' -p 'please say back-in-terminal' --permission-mode default "$@"\n`, {mode: 0o755});
    const resumed = await t.cli(['resume', sid], {CLAUDE_MATTERMOST_CLAUDE: wrapper});
    assert.equal(resumed.code, 0, resumed.stderr);
    await t.plugin.waitFor(found(sid, 'status', (o) => o.body.runs_in === 'terminal' && o.body.status === 'idle'), 30_000, 'status runs_in terminal');
    await t.plugin.waitFor(found(sid, 'prompt', (o) => o.body.text === 'please say back-in-terminal'), 60_000, 'the terminal prompt in the same thread');
    await t.plugin.waitFor(found(sid, 'text', (o) => o.body.text === 'You said: please say back-in-terminal'), 60_000, 'the answer in the same thread');
    assert.equal(t.plugin.opened.length, before + 1, 'no second thread');
  });

  it('resume takes a session started in Mattermost to the terminal, in the same thread', async () => {
    const sid = t.plugin.startSession('please say started-in-mattermost', t.workspace);
    await t.plugin.waitFor(found(sid, 'text', (o) => o.body.text === 'You said: please say started-in-mattermost'), 60_000, 'the agent session answering');
    await t.plugin.waitFor(found(sid, 'status', (o) => o.body.status === 'idle'), 30_000, 'idle');
    const opened = t.plugin.opened.length;
    const wrapper = path.join(t.root, 'claude-wrapper-2.sh');
    fs.writeFileSync(wrapper, `#!/bin/sh\nexec '${CLAUDE_BIN}' -p 'what came first? [[recall]]' --permission-mode default "$@"\n`, {mode: 0o755});
    const resumed = await t.cli(['resume', sid], {CLAUDE_MATTERMOST_CLAUDE: wrapper});
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stdout, /Taking the conversation back from Mattermost/);
    const reopen = t.plugin.reopened.at(-1)!;
    assert.equal(reopen.session_id, sid, 'the plugin was asked to continue the same session in the terminal');
    assert.equal(reopen.body.origin, 'terminal');
    assert.equal(t.plugin.opened.length, opened, 'no new thread');
    await t.plugin.waitFor(found(sid, 'prompt', (o) => o.body.text === 'what came first? [[recall]]'), 60_000, 'the terminal prompt in the same thread');
    await t.plugin.waitFor(found(sid, 'text', (o) => /^Recall:\nplease say started-in-mattermost/.test(o.body.text)), 60_000, 'the same conversation');
    assert.ok(t.outs(sid, 'status').some((o) => o.body.runs_in === 'terminal'));
  });

  it('plugin down: the hooks step aside, and the thread catches up when it is back', async () => {
    t.plugin.down = true;
    const before = t.plugin.opened.length;
    const run = t.claude('[[bash: touch down.txt]]');
    const res = await run.done;
    assert.equal(res.code, 0, res.stderr);
    assert.equal(fs.existsSync(path.join(t.workspace, 'down.txt')), false, 'never allowed on an error');
    assert.match(res.stdout, /needs approval|denied|permission/i, 'Claude Code asked as usual (in -p mode: refused)');
    t.plugin.down = false;
    const sid = await t.opened(before);
    await t.plugin.waitFor(found(sid, 'prompt', (o) => o.body.text === '[[bash: touch down.txt]]'), 60_000, 'the prompt mirrored after the outage');
    await t.plugin.waitFor(found(sid, 'text', (o) => /^The command failed/.test(o.body.text)), 60_000, 'the final text mirrored after the outage');
    assert.equal(t.outs(sid, 'approval').length, 0, 'no card for a call the terminal already answered');
  });
});
