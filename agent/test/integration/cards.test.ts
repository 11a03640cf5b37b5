/**
 * Rich cards (issue 4) with the real Claude Code binary against the fake
 * model: previews, approve all, plans, questions, todos, applied diffs, tool
 * output, attachments and `!file`.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import {after, before, describe, it} from 'node:test';
import {harness, type Harness} from '../helpers/harness.js';
import type {RecordedOutput} from '../helpers/fake-plugin.js';

describe('rich cards with real Claude Code', () => {
  let h: Harness;
  let run: Promise<void>;

  before(async () => {
    h = await harness({chunkDelayMs: 1});
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
  const kindOf = (sid: string, kind: string, from = 0) => (outs: RecordedOutput[]) => outs.slice(from).find((o) => o.session_id === sid && o.body.kind === kind);
  const mark = () => h.plugin.outputs.length;
  const dirFor = async (name: string, files: Record<string, string> = {}) => {
    const d = path.join(h.workspace, name);
    await fs.mkdir(d, {recursive: true});
    for (const [f, content] of Object.entries(files)) await fs.writeFile(path.join(d, f), content);
    return d;
  };
  /** The tool_result Claude Code sent to the model last. */
  const lastToolResult = () => {
    const lastMain = h.model.mainRequests().at(-1)!;
    const lastUser = [...lastMain.body.messages].reverse().find((m: any) => m.role === 'user');
    return (lastUser.content as any[]).find((b) => b.type === 'tool_result');
  };

  it('an Edit card carries a unified diff preview; approved, the file changes and no second diff is posted', async () => {
    const dir = await dirFor('edit-card', {'app.ts': 'one\ntwo\nthree\n'});
    const sid = h.plugin.startSession('[[edit: app.ts | two => TWO]]', dir);
    const card = await h.plugin.waitFor(kindOf(sid, 'approval'), 60_000, 'approval');
    assert.equal(card.body.tool_name, 'Edit');
    assert.deepEqual(card.body.preview, {
      kind: 'diff',
      file_path: path.join(dir, 'app.ts'),
      diff: '--- a/app.ts\n+++ b/app.ts\n@@ -1,3 +1,3 @@\n one\n-two\n+TWO\n three\n',
      language: 'ts',
      added: 1,
      removed: 1,
    });
    h.plugin.decide(sid, card.body.request_id, 'approve');
    await h.plugin.waitFor(status(sid, 'idle'), 60_000, 'idle');
    assert.equal(await fs.readFile(path.join(dir, 'app.ts'), 'utf8'), 'one\nTWO\nthree\n');
    assert.equal(h.plugin.of(sid, 'diff').length, 0, 'the card showed the diff already');
  });

  it('Approve all approves the card, switches to bypassPermissions and says so; the next tool runs without a card', async () => {
    const dir = await dirFor('approve-all');
    const sid = h.plugin.startSession('[[bash: touch first.txt]]', dir);
    const card = await h.plugin.waitFor(kindOf(sid, 'approval'), 60_000, 'approval');
    h.plugin.decide(sid, card.body.request_id, 'approve_all');
    await h.plugin.waitFor((o) => o.find((x) => x.session_id === sid && x.body.kind === 'status' && x.body.permission_mode === 'bypassPermissions'), 30_000, 'status with the mode');
    await h.plugin.waitFor((o) => o.find((x) => x.session_id === sid && x.body.kind === 'notice' && /approve-all/.test(x.body.text) && /@bob/.test(x.body.text)), 5_000, 'notice');
    await h.plugin.waitFor(status(sid, 'idle'), 60_000, 'idle');
    assert.ok(await fs.stat(path.join(dir, 'first.txt')));

    const from = mark();
    h.plugin.message(sid, '[[bash: touch second.txt]]');
    await h.plugin.waitFor(status(sid, 'idle', from + 1), 60_000, 'second turn idle');
    assert.ok(await fs.stat(path.join(dir, 'second.txt')));
    assert.equal(h.plugin.of(sid, 'approval').length, 1, 'no second card');
  });

  it('a Bash result is posted as tool_output with the command as its summary', async () => {
    // echo is read-only for Claude Code: it runs without a card.
    const sid = h.plugin.startSession('[[bash: echo hello-output]]', await dirFor('tool-output'));
    const out = await h.plugin.waitFor(kindOf(sid, 'tool_output'), 60_000, 'tool_output');
    assert.equal(out.body.tool_name, 'Bash');
    assert.equal(out.body.summary, 'echo hello-output');
    assert.equal(out.body.output.trim(), 'hello-output');
    assert.equal(out.body.is_error, false);
    assert.ok(out.body.tool_use_id);
  });

  it('plan mode: ExitPlanMode is a card with the plan; Request changes reaches Claude, Approve ends plan mode', async () => {
    const sid = h.plugin.startSession('[[plan: add a README]]', await dirFor('plan'), {permission_mode: 'plan'});
    const card = await h.plugin.waitFor(kindOf(sid, 'approval'), 60_000, 'plan card');
    assert.equal(card.body.tool_name, 'ExitPlanMode');
    assert.match(card.body.input.plan, /add a README/);
    h.plugin.decide(sid, card.body.request_id, 'deny', 'also add a licence');
    await h.plugin.waitFor(finalText(sid, /^Revised plan: add a README, changed as asked: also add a licence$/), 60_000, 'revised plan');
    assert.match(JSON.stringify(lastToolResult().content), /Denied by @bob: also add a licence/);

    const from = mark();
    h.plugin.message(sid, '[[plan: add a README and a licence]]');
    const second = await h.plugin.waitFor(kindOf(sid, 'approval', from), 60_000, 'second plan card');
    assert.match(second.body.input.plan, /add a README and a licence/);
    h.plugin.decide(sid, second.body.request_id, 'approve');
    await h.plugin.waitFor(finalText(sid, /^Plan approved\. Working on: add a README and a licence$/), 60_000, 'approved');
    assert.ok(
      h.plugin.outputs.slice(from).some((o) => o.session_id === sid && o.body.kind === 'status' && o.body.permission_mode === 'default'),
      'the header leaves plan mode',
    );
  });

  it('outside plan mode, [[plan: …]] enters plan mode first (the header follows), then asks for approval', async () => {
    const sid = h.plugin.startSession('[[plan: tidy up]]', await dirFor('plan-enter'));
    const card = await h.plugin.waitFor(kindOf(sid, 'approval'), 60_000, 'plan card');
    assert.equal(card.body.tool_name, 'ExitPlanMode');
    assert.match(card.body.input.plan, /tidy up/);
    assert.ok(h.plugin.of(sid, 'status').some((o) => o.body.permission_mode === 'plan'), 'the header shows plan mode');
    h.plugin.decide(sid, card.body.request_id, 'approve');
    await h.plugin.waitFor(finalText(sid, /^Plan approved\. Working on: tidy up$/), 60_000, 'approved');
    assert.equal(h.plugin.of(sid, 'status').filter((o) => o.body.permission_mode).at(-1)!.body.permission_mode, 'default');
  });

  it('AskUserQuestion: a question card; the multi-select answer reaches Claude', async () => {
    const sid = h.plugin.startSession('[[ask-multi: Which colours? | red, green, blue]]', await dirFor('ask'));
    const q = await h.plugin.waitFor(kindOf(sid, 'question'), 60_000, 'question');
    assert.deepEqual(q.body.questions, [
      {
        question: 'Which colours?',
        header: 'Choices',
        multiSelect: true,
        options: [
          {label: 'red', description: 'Pick red'},
          {label: 'green', description: 'Pick green'},
          {label: 'blue', description: 'Pick blue'},
        ],
      },
    ]);
    await h.plugin.waitFor(status(sid, 'waiting'), 5_000, 'waiting');
    h.plugin.answer(sid, q.body.request_id, {'Which colours?': 'red, blue'});
    await h.plugin.waitFor(finalText(sid, /^You chose: red, blue$/), 60_000, 'answer reached Claude');
    assert.equal(h.plugin.of(sid, 'approval').length, 0);
    assert.equal(h.plugin.of(sid, 'tool_output').length, 0, 'a question has its own card');
  });

  it('the task tools (TaskCreate, TaskUpdate, TaskList) → the whole list as a todo output after each change', async () => {
    const sid = h.plugin.startSession('[[tasks: write tests; fix bug; ship]]', await dirFor('tasks'));
    await h.plugin.waitFor(finalText(sid, /^Tasks: 0\/3 done$/), 60_000, 'the tasks made');
    const todos = () => h.plugin.of(sid, 'todo').map((o) => o.body.todos.map((t: any) => `${t.content}:${t.status}`).join(' '));
    assert.deepEqual(todos(), [
      'write tests:pending',
      'write tests:pending fix bug:pending',
      'write tests:pending fix bug:pending ship:pending',
      'write tests:in_progress fix bug:pending ship:pending',
    ]);
    assert.deepEqual(h.plugin.of(sid, 'todo').at(-1)!.body.todos[0], {content: 'write tests', status: 'in_progress', activeForm: 'Working on write tests'});
    await h.plugin.waitFor(status(sid, 'idle'), 60_000, 'idle');
    h.plugin.message(sid, '[[tasks-advance]]');
    await h.plugin.waitFor(finalText(sid, /^Tasks advanced\.$/), 60_000, 'the tasks advanced');
    // TaskList changes nothing the panel shows; each TaskUpdate does.
    assert.deepEqual(todos().slice(4), [
      'write tests:completed fix bug:pending ship:pending',
      'write tests:completed fix bug:in_progress ship:pending',
    ]);
    assert.equal(h.plugin.of(sid, 'approval').length, 0, 'the task tools need no card');
    assert.equal(h.plugin.of(sid, 'tool_output').length, 0, 'the task tools make no output post');
  });

  const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

  it('an attached image reaches the model as an image block; another file is saved and named in the message', async () => {
    const dir = await dirFor('attach');
    const sid = h.plugin.startSession('hello', dir);
    await h.plugin.waitFor(status(sid, 'idle'), 60_000, 'idle');
    h.model.reset();
    h.plugin.message(sid, 'what is this? [[image?]]', [
      {name: 'shot.png', mime_type: 'image/png', bytes: PNG},
      {name: '../../evil name.txt', mime_type: 'text/plain', bytes: Buffer.from('notes\n')},
    ]);
    await h.plugin.waitFor(finalText(sid, /^I see 1 image\(s\)\.$/), 60_000, 'the model saw one image');
    assert.equal(h.model.images.length, 1);
    assert.equal(h.model.images[0]!.media_type, 'image/png');
    assert.equal(h.model.images[0]!.bytes, PNG.length);
    const uploads = path.join(dir, '.claude-mattermost', 'uploads');
    const [postDir] = await fs.readdir(uploads);
    assert.deepEqual((await fs.readdir(path.join(uploads, postDir!))).sort(), ['evil name.txt', 'shot.png']);
    const prompt = JSON.stringify(h.model.mainRequests().at(-1)!.body.messages);
    assert.ok(prompt.includes(`.claude-mattermost/uploads/${postDir}/evil name.txt`), 'Claude is told where the file is');
  });

  it('!file posts a file from the session directory; a file outside the allowed roots is refused with a notice', async () => {
    const dir = await dirFor('send-file', {'report.txt': 'all green\n'});
    const sid = h.plugin.startSession('hello', dir);
    await h.plugin.waitFor(status(sid, 'idle'), 60_000, 'idle');
    h.plugin.command(sid, 'file', 'report.txt');
    await h.plugin.waitFor(() => h.plugin.uploads.find((u) => u.session_id === sid), 10_000, 'upload');
    const up = h.plugin.uploads.find((u) => u.session_id === sid)!;
    assert.equal(up.name, 'report.txt');
    assert.equal(up.bytes.toString(), 'all green\n');
    h.plugin.command(sid, 'file', '/etc/hostname');
    await h.plugin.waitFor((o) => o.find((x) => x.session_id === sid && x.body.kind === 'notice' && /^Cannot send `\/etc\/hostname`: .*outside/.test(x.body.text)), 10_000, 'refusal');
    assert.equal(h.plugin.uploads.filter((u) => u.session_id === sid).length, 1);
  });

  it('accept-edits: an Edit runs without a card and its diff is posted after it succeeded', async () => {
    const dir = await dirFor('accept-edits', {'notes.md': '# Notes\n\nold line\n'});
    const sid = h.plugin.startSession('[[edit: notes.md | old line => new line]]', dir, {permission_mode: 'acceptEdits'});
    const diff = await h.plugin.waitFor(kindOf(sid, 'diff'), 60_000, 'diff');
    assert.equal(diff.body.file_path, path.join(dir, 'notes.md'));
    assert.equal(diff.body.diff, '--- a/notes.md\n+++ b/notes.md\n@@ -1,3 +1,3 @@\n # Notes\n \n-old line\n+new line\n');
    assert.equal(diff.body.language, 'md');
    assert.deepEqual([diff.body.added, diff.body.removed], [1, 1]);
    assert.ok(diff.body.tool_use_id);
    assert.equal(h.plugin.of(sid, 'approval').length, 0);
    assert.equal(await fs.readFile(path.join(dir, 'notes.md'), 'utf8'), '# Notes\n\nnew line\n');
  });
});

describe('the todo panel from TodoWrite, where Claude Code uses it (task tools off)', () => {
  let h: Harness;
  let run: Promise<void>;

  before(async () => {
    h = await harness({chunkDelayMs: 1, env: {CLAUDE_CODE_ENABLE_TASKS: '0'}});
    run = h.daemon().run();
  });
  after(async () => {
    await h.close();
    await run.catch(() => undefined);
  });

  const kindOf = (sid: string, kind: string, from = 0) => (outs: RecordedOutput[]) => outs.slice(from).find((o) => o.session_id === sid && o.body.kind === kind);

  it('TodoWrite → the whole list as a todo output, every time', async () => {
    const dir = path.join(h.workspace, 'todos');
    await fs.mkdir(dir, {recursive: true});
    const sid = h.plugin.startSession('[[todos: write tests; fix bug; ship]]', dir);
    const first = await h.plugin.waitFor(kindOf(sid, 'todo'), 60_000, 'todo');
    assert.deepEqual(first.body.todos, [
      {content: 'write tests', status: 'in_progress', activeForm: 'Working on write tests'},
      {content: 'fix bug', status: 'pending', activeForm: 'Working on fix bug'},
      {content: 'ship', status: 'pending', activeForm: 'Working on ship'},
    ]);
    await h.plugin.waitFor((outs) => outs.find((o) => o.session_id === sid && o.body.kind === 'status' && o.body.status === 'idle'), 60_000, 'idle');
    const from = h.plugin.outputs.length;
    h.plugin.message(sid, '[[todos-advance]]');
    const second = await h.plugin.waitFor(kindOf(sid, 'todo', from), 60_000, 'second todo');
    assert.deepEqual(
      second.body.todos.map((t: any) => t.status),
      ['completed', 'in_progress', 'pending'],
    );
    assert.equal(h.plugin.of(sid, 'approval').length, 0, 'TodoWrite needs no card');
  });
});
