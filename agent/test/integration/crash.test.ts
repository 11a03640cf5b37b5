/**
 * The agent killed (SIGKILL) at the points where a crash used to lose a turn:
 * mid-stream, mid-start, mid-approval (the tool running), mid-upload and
 * mid-download. The agent is the real CLI in a child process and only that
 * process is killed, as a crash or the OOM killer would: the Claude Code it
 * ran is left behind, so the next start also has to deal with it. The real
 * Claude Code binary talks to the fake model throughout.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import {after, before, describe, it} from 'node:test';
import {eventually, exists, exited, harness, type Harness} from '../helpers/harness.js';
import type {RecordedOutput} from '../helpers/fake-plugin.js';

const MARKER = '… (interrupted: the agent restarted)';

const doneText = (sid: string, test: (text: string) => boolean) => (o: RecordedOutput[]) =>
  o.find((x) => x.session_id === sid && x.body.kind === 'text' && x.body.done && test(x.body.text));
const notice = (sid: string, re: RegExp) => (o: RecordedOutput[]) => o.find((x) => x.session_id === sid && x.body.kind === 'notice' && re.test(x.body.text));
/** Whether the model got a main-loop request whose messages hold `text`. */
const modelGot = (h: Harness, text: string) => h.model.mainRequests().some((r) => JSON.stringify(r.body.messages).includes(text));

describe('agent killed mid-stream', () => {
  let h: Harness;
  before(async () => {
    h = await harness();
  });
  after(async () => {
    await h.close();
  });

  it('the cut post is finished with the marker, and the turn is resumed in the same conversation until it is answered', async () => {
    const prompt = `tell me about the sea ${'and the waves '.repeat(20).trim()}`;
    h.model.stallTextAfter(60);
    const first = h.spawnAgent();
    const sid = h.plugin.startSession(prompt);
    const cut = await h.plugin.waitFor((o) => o.find((x) => x.session_id === sid && x.body.kind === 'text' && !x.body.done && x.body.text.length > 0), 60_000, 'streamed text');
    await eventually(() => h.model.stalledStreams() === 1, 30_000, 'the model stalled mid-text');
    const claudeSession = h.plugin.of(sid, 'status').find((o) => o.body.claude_session_id)?.body.claude_session_id;
    first.kill('SIGKILL');
    await exited(first);
    h.model.stallTextAfter(undefined);

    const second = h.spawnAgent();
    const finished = await h.plugin.waitFor(
      (o) => o.find((x) => x.session_id === sid && x.body.kind === 'text' && x.body.message_id === cut.body.message_id && x.body.done),
      60_000,
      'the cut post finished',
    );
    assert.ok(finished.body.text.endsWith(`\n\n${MARKER}`), finished.body.text);
    assert.ok(finished.body.text.startsWith(cut.body.text.trimEnd()), 'it keeps the text that was shown');
    await h.plugin.waitFor(notice(sid, /^Agent restarted — session resumed\. Claude was interrupted in the middle of its turn/), 60_000, 'the thread says so');
    await h.plugin.waitFor(doneText(sid, (t) => t === `You said: ${prompt}`), 60_000, 'the answer of the resumed turn');
    assert.ok(second.logs.some((l) => /stopped the Claude Code process \(pid \d+\) the last run left running/.test(l)), 'the Claude Code the killed agent left was stopped');
    // The same conversation: Claude Code was resumed with the id it had.
    const resumed = h.plugin.of(sid, 'status').filter((o) => o.body.claude_session_id).at(-1)!;
    assert.equal(resumed.body.claude_session_id, claudeSession);
    await h.plugin.waitFor((o) => o.find((x) => x.session_id === sid && x.body.status === 'idle'), 30_000, 'idle');
    assert.deepEqual(h.plugin.unfinishedTexts(sid), [], 'no post is left being written');
    second.kill('SIGTERM');
    assert.equal(await exited(second), 0);
  });
});

describe('agent killed while a session is starting', () => {
  let h: Harness;
  let gate: string;
  before(async () => {
    h = await harness();
    // Claude Code runs SessionStart hooks before it takes its first message: this one
    // holds every Claude Code of this test there until the gate file exists.
    gate = path.join(h.root, 'gate');
    const started = path.join(h.root, 'claude-starting');
    await fs.mkdir(path.join(h.home, '.claude'), {recursive: true});
    const hook = `sh -c 'touch ${started}; while [ ! -e ${gate} ]; do sleep 0.05; done'`;
    await fs.writeFile(path.join(h.home, '.claude', 'settings.json'), JSON.stringify({hooks: {SessionStart: [{hooks: [{type: 'command', command: hook}]}]}}));
  });
  after(async () => {
    await fs.writeFile(gate, '').catch(() => undefined);
    await h.close();
  });

  it('the start is retried on the next run and the first prompt reaches the model', async () => {
    const first = h.spawnAgent();
    const sid = h.plugin.startSession('the very first prompt');
    await eventually(() => exists(path.join(h.root, 'claude-starting')), 60_000, 'Claude Code starting');
    first.kill('SIGKILL');
    await exited(first);
    assert.equal(modelGot(h, 'the very first prompt'), false);

    const second = h.spawnAgent();
    // The Claude Code the killed agent left (still in its hook) is stopped before the new one starts…
    await eventually(() => second.logs.some((l) => /stopped the Claude Code process \(pid \d+\) the last run left running/.test(l)), 60_000, 'the leftover Claude Code stopped');
    // …so the prompt that reaches the model now comes from the retried start.
    await fs.writeFile(gate, '');
    await h.plugin.waitFor(notice(sid, /^Agent restarted — session resumed\. Claude Code had not started yet/), 60_000, 'the thread says so');
    await h.plugin.waitFor(doneText(sid, (t) => t === 'You said: the very first prompt'), 60_000, 'the answer');
    assert.equal(modelGot(h, 'the very first prompt'), true);
    second.kill('SIGTERM');
    assert.equal(await exited(second), 0);
  });
});

describe('agent killed while an approved tool runs', () => {
  let h: Harness;
  before(async () => {
    h = await harness();
  });
  after(async () => {
    await h.close();
  });

  it('the decision is not lost: the resumed session runs the call again without a second card, and answers', async () => {
    const first = h.spawnAgent();
    // The first run waits (the kill lands during it); the run after the restart finds `go` and finishes.
    const command = 'touch started; if [ -e go ]; then touch finished; else sleep 60; fi';
    const sid = h.plugin.startSession(`[[bash: ${command}]]`);
    const approval = await h.plugin.waitFor((o) => o.find((x) => x.session_id === sid && x.body.kind === 'approval'), 60_000, 'approval');
    h.plugin.decide(sid, approval.body.request_id, 'approve');
    await eventually(() => exists(path.join(h.workspace, 'started')), 60_000, 'the approved command running');
    first.kill('SIGKILL');
    await exited(first);
    await fs.writeFile(path.join(h.workspace, 'go'), '');

    const second = h.spawnAgent();
    await h.plugin.waitFor(doneText(sid, (t) => /^Done\. Output:/.test(t)), 60_000, 'the answer after the restart');
    assert.equal(await exists(path.join(h.workspace, 'finished')), true, 'the approved call ran to its end');
    assert.equal(h.plugin.of(sid, 'approval').length, 1, 'no second card');
    assert.ok(second.logs.some((l) => /Bash was approved by @bob while Claude Code was not running; resuming/.test(l)), second.logs.join('\n'));
    second.kill('SIGTERM');
    assert.equal(await exited(second), 0);
  });
});

describe('agent killed mid-upload and mid-download', () => {
  let h: Harness;
  before(async () => {
    h = await harness();
  });
  after(async () => {
    await h.close();
  });

  it('a !file upload in flight goes out once, after the restart, with its key', async () => {
    await fs.writeFile(path.join(h.workspace, 'report.txt'), 'the report');
    const first = h.spawnAgent();
    const sid = h.plugin.startSession('hello');
    await h.plugin.waitFor(doneText(sid, (t) => t === 'You said: hello'), 60_000, 'the first answer');
    let release!: () => void;
    h.plugin.hold = {kinds: new Set(['file_upload']), until: new Promise<void>((r) => (release = r))};
    h.plugin.command(sid, 'file', 'report.txt');
    await eventually(() => h.plugin.heldRequests === 1, 30_000, 'the upload in flight');
    first.kill('SIGKILL');
    await exited(first);
    // The plugin had the upload: it finishes it although the agent is gone.
    h.plugin.hold = undefined;
    release();
    await eventually(() => h.plugin.uploads.length === 1, 10_000, 'the plugin took the first try');

    const second = h.spawnAgent();
    await eventually(() => h.plugin.duplicateKeys === 1, 60_000, 'the agent sent it again with the same key');
    assert.deepEqual(
      h.plugin.uploads.map((u) => [u.name, u.bytes.toString()]),
      [['report.txt', 'the report']],
    );
    second.kill('SIGTERM');
    assert.equal(await exited(second), 0);
  });

  it('a message whose attachment was downloading reaches Claude with the file after the restart', async () => {
    const first = h.spawnAgent();
    const sid = h.plugin.startSession('hi');
    await h.plugin.waitFor(doneText(sid, (t) => t === 'You said: hi'), 60_000, 'the first answer');
    let release!: () => void;
    h.plugin.hold = {kinds: new Set(['file_download']), until: new Promise<void>((r) => (release = r))};
    const held = h.plugin.heldRequests;
    h.plugin.message(sid, 'read the notes', [{name: 'notes.txt', mime_type: 'text/plain', bytes: Buffer.from('remember the lighthouse')}]);
    await eventually(() => h.plugin.heldRequests === held + 1, 30_000, 'the download in flight');
    first.kill('SIGKILL');
    await exited(first);
    h.plugin.hold = undefined;
    release();

    const second = h.spawnAgent();
    await h.plugin.waitFor(doneText(sid, (t) => t.startsWith('You said: read the notes') && t.includes('notes.txt')), 60_000, 'the message with its file');
    const saved = await fs.readdir(path.join(h.workspace, '.claude-mattermost', 'uploads'));
    assert.equal(saved.length, 1);
    second.kill('SIGTERM');
    assert.equal(await exited(second), 0);
  });
});

describe('a tool input too large for a card, next to another session', () => {
  let h: Harness;
  let run: Promise<void>;
  before(async () => {
    h = await harness();
    run = h.daemon().run();
  });
  after(async () => {
    await h.close();
    await run.catch(() => undefined);
  });

  it('the plugin refuses the card: the tool is denied, the thread says so, and the other session goes on', async () => {
    const big = h.plugin.startSession('[[write-big: big.txt | 1100000]]');
    const other = h.plugin.startSession('meanwhile, hello');
    await h.plugin.waitFor(doneText(other, (t) => t === 'You said: meanwhile, hello'), 60_000, "the other session's answer");
    await h.plugin.waitFor(notice(big, /^Could not post the approval request for `Write`: Mattermost refused it \(HTTP 400: tool input is too large for an approval card\)\. The tool call was denied/), 60_000, 'the note');
    const answer = await h.plugin.waitFor(doneText(big, (t) => t.startsWith('The command was denied:')), 60_000, "Claude's answer");
    assert.match(answer.body.text, /Mattermost refused the approval request/);
    assert.equal(await exists(path.join(h.workspace, 'big.txt')), false);
  });
});
