/** Rich-card mapping: tool results → todo / tool_output / diff, questions, attachments, events. Pure, one case per rule. */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {describe, it} from 'node:test';
import {isImage, safeFileName, saveUpload, uploadDir, withAttachments} from '../../src/claude/attachments.js';
import {recoveryPrompt, ANSWERED_AFTER_RESTART} from '../../src/claude/approvals.js';
import {planCommand} from '../../src/claude/commands.js';
import {claudeEnv} from '../../src/claude/session.js';
import {ToolCalls, answeredInput, appliedDiff, oneLine, questionsOf, resultOutputs, summaryOf, todoOutput, MAX_TODOS, type ToolResult} from '../../src/claude/tools.js';
import {formatBytes, resolveFileInRoots} from '../../src/config/roots.js';
import {agentEvent, MAX_TOOL_OUTPUT_CHARS} from '../../src/plugin/protocol.js';

const result = (name: string, input: Record<string, unknown>, content: string, isError = false): ToolResult => ({id: 't1', name, input, content, isError});

describe('tool results → posts', () => {
  const table: Array<[string, ToolResult, string[]]> = [
    ['Bash output → tool_output', result('Bash', {command: 'ls'}, 'a\nb'), ['tool_output']],
    ['an error is still posted, marked', result('Bash', {command: 'false'}, 'exit 1', true), ['tool_output']],
    ['Grep → tool_output', result('Grep', {pattern: 'x'}, 'a.ts:1:x'), ['tool_output']],
    ['MCP tools → tool_output', result('mcp__gh__list', {}, '[]'), ['tool_output']],
    ['empty output → nothing', result('Bash', {command: 'true'}, '  '), []],
    ['TodoWrite → todo', result('TodoWrite', {todos: [{content: 'a', status: 'pending', activeForm: 'A'}]}, 'ok'), ['todo']],
    ['a failed TodoWrite → nothing', result('TodoWrite', {todos: []}, 'bad', true), []],
    ['Edit → nothing here (its diff needs the file)', result('Edit', {file_path: 'a'}, 'updated'), []],
    ['Read → nothing (the text is on disk)', result('Read', {file_path: 'a'}, '1\tx'), []],
    ['AskUserQuestion → nothing (its own card)', result('AskUserQuestion', {}, 'answered'), []],
    ['ExitPlanMode → nothing (its own card)', result('ExitPlanMode', {}, 'approved'), []],
    ['ToolSearch → nothing', result('ToolSearch', {}, 'loaded'), []],
  ];
  for (const [rule, r, kinds] of table) it(rule, () => assert.deepEqual(resultOutputs(r).map((o) => o.kind), kinds));

  it('tool_output carries id, name, summary, output and is_error', () => {
    assert.deepEqual(resultOutputs(result('Bash', {command: 'ls -la', description: 'List'}, 'x', true)), [
      {kind: 'tool_output', tool_use_id: 't1', tool_name: 'Bash', summary: 'ls -la', output: 'x', is_error: true},
    ]);
  });
  it('output over 1 000 000 characters is cut, saying so', () => {
    const [o] = resultOutputs(result('Bash', {command: 'yes'}, 'y\n'.repeat(600_000))) as Array<{output: string}>;
    assert.ok(o!.output.length <= MAX_TOOL_OUTPUT_CHARS);
    assert.match(o!.output, /cut: the output had 1,200,000 characters\)$/);
  });
});

describe('summaries', () => {
  const table: Array<[string, Record<string, unknown>, string]> = [
    ['Bash', {command: 'npm test', description: 'Run tests'}, 'npm test'],
    ['Bash', {command: 'echo a\necho b'}, 'echo a…'],
    ['Grep', {pattern: 'TODO', path: 'src'}, 'TODO in src'],
    ['Glob', {pattern: '**/*.ts'}, '**/*.ts'],
    ['WebFetch', {url: 'https://x.test', prompt: 'p'}, 'https://x.test'],
    ['WebSearch', {query: 'mattermost plugins'}, 'mattermost plugins'],
    ['Task', {description: 'Explore auth', prompt: 'long'}, 'Explore auth'],
    ['mcp__s__t', {}, 'mcp__s__t'],
  ];
  for (const [tool, input, want] of table) it(`${tool} ${JSON.stringify(input)} → ${want}`, () => assert.equal(summaryOf(tool, input), want));
  it('one line is at most 200 characters', () => assert.equal(oneLine('x'.repeat(300)).length, 200));
});

describe('todos', () => {
  it('the whole list, statuses kept, an unknown status is pending, a missing activeForm is the content', () => {
    assert.deepEqual(todoOutput({todos: [{content: 'a', status: 'completed', activeForm: 'A'}, {content: 'b', status: 'weird'}]}), {
      kind: 'todo',
      todos: [
        {content: 'a', status: 'completed', activeForm: 'A'},
        {content: 'b', status: 'pending', activeForm: 'b'},
      ],
    });
  });
  it('at most 200 items, each at most 2 000 characters', () => {
    const out = todoOutput({todos: Array.from({length: 250}, () => ({content: 'c'.repeat(3000), status: 'pending', activeForm: 'x'}))})!;
    assert.equal(out.todos.length, MAX_TODOS);
    assert.equal(out.todos[0]!.content.length, 2000);
  });
  it('no list → no output', () => assert.equal(todoOutput({}), undefined));
});

describe('tool calls and their results', () => {
  it('a result is matched to its call once; unknown results are skipped', () => {
    const calls = new ToolCalls();
    calls.noteCalls([{type: 'text', text: 'x'}, {type: 'tool_use', id: 'a', name: 'Bash', input: {command: 'ls'}}]);
    const content = [
      {type: 'tool_result', tool_use_id: 'a', content: [{type: 'text', text: 'out'}, {type: 'image'}], is_error: false},
      {type: 'tool_result', tool_use_id: 'zzz', content: 'x'},
    ];
    assert.deepEqual(calls.takeResults(content), [{id: 'a', name: 'Bash', input: {command: 'ls'}, content: 'out\n[image]', isError: false}]);
    assert.deepEqual(calls.takeResults(content), []);
  });
});

describe('applied edits', () => {
  const call = (name: string, input: Record<string, unknown>) => ({id: 'e1', name, input});
  it('an Edit: the diff from the file before, the path made absolute', () => {
    const d = appliedDiff(call('Edit', {file_path: 'src/a.go', old_string: 'x', new_string: 'y'}), {state: 'text', content: 'x\n'}, '/repo');
    assert.deepEqual(d, {kind: 'diff', tool_use_id: 'e1', file_path: '/repo/src/a.go', diff: '--- a/src/a.go\n+++ b/src/a.go\n@@ -1,1 +1,1 @@\n-x\n+y\n', language: 'go', added: 1, removed: 1});
  });
  it('a Write of a new file: everything added', () => {
    const d = appliedDiff(call('Write', {file_path: '/repo/n.txt', content: 'a\nb\n'}), {state: 'missing'}, '/repo');
    assert.deepEqual([d?.added, d?.removed], [2, 0]);
  });
  it('no change → no post', () => assert.equal(appliedDiff(call('Write', {file_path: '/repo/a', content: 'same'}), {state: 'text', content: 'same'}, '/repo'), undefined));
  it('a binary file → no post', () => assert.equal(appliedDiff(call('Write', {file_path: '/repo/a', content: 'x'}), {state: 'binary'}, '/repo'), undefined));
  it('not an edit tool → no post', () => assert.equal(appliedDiff(call('Bash', {file_path: '/repo/a'}), {state: 'missing'}, '/repo'), undefined));
});

describe('questions', () => {
  const input = {questions: [{question: 'Q1?', header: 'H', multiSelect: true, options: [{label: 'a', description: 'A'}, {label: 'b', description: 'B'}]}]};
  it('the question output keeps question, header, multiSelect and options', () => {
    assert.deepEqual(questionsOf(input), [{question: 'Q1?', header: 'H', multiSelect: true, options: [{label: 'a', description: 'A'}, {label: 'b', description: 'B'}]}]);
  });
  it('answers go back keyed by question text beside the questions; unknown questions are dropped', () => {
    assert.deepEqual(answeredInput(input, {'Q1?': 'a, b', 'Other?': 'x'}), {...input, answers: {'Q1?': 'a, b'}});
  });
  it('a question answered while Claude Code was gone is told as the answer, not a denial', () => {
    const text = recoveryPrompt({tool_name: 'AskUserQuestion', input, decision: {decision: 'deny', by: {id: 'u', username: 'bob'}, reason: `${ANSWERED_AFTER_RESTART} "Q1?" → a`}});
    assert.match(text, /@bob has now answered: "Q1\?" → a\. Carry on with that answer/);
  });
});

describe('events', () => {
  const parse = (type: string, payload: unknown) => agentEvent.parse({seq: 1, type, session_id: 's', payload}).payload as Record<string, unknown>;
  it('Approve all: "approve" with approve_all true', () => {
    assert.deepEqual(parse('decision', {request_id: 'r', decision: 'approve', approve_all: true, reason: ''}), {request_id: 'r', decision: 'approve', reason: '', approve_all: true});
  });
  it('"approve_all" as the decision value is taken too', () => assert.equal(parse('decision', {request_id: 'r', decision: 'approve_all'}).approve_all, true));
  it('a deny never approves all', () => assert.equal(parse('decision', {request_id: 'r', decision: 'deny', approve_all: true}).approve_all, false));
  it('an answer; a list of labels is comma-joined', () => {
    assert.deepEqual(parse('answer', {request_id: 'r', answers: {'Q?': ['a', 'b'], 'R?': 'x'}}).answers, {'Q?': 'a, b', 'R?': 'x'});
  });
  it('a message without files has none', () => assert.deepEqual(parse('message', {text: 'hi'}).files, []));
  it('!file is a command', () => assert.deepEqual(planCommand('file', ' "my report.txt" '), {do: 'file', path: 'my report.txt'}));
  it('!file without a path is a usage notice', () => assert.equal(planCommand('file', '').do, 'refuse'));
});

describe('attachments', () => {
  const names: Array<[string, string]> = [
    ['report.pdf', 'report.pdf'],
    ['../../etc/passwd', 'passwd'],
    ['..\\..\\win.ini', 'win.ini'],
    ['.bashrc', 'bashrc'],
    ['..', 'file'],
    ['', 'file'],
    ['a\u0000b\nc.txt', 'a_b_c.txt'],
    ['what?.md', 'what_.md'],
  ];
  for (const [name, want] of names) it(`name ${JSON.stringify(name)} → ${want}`, () => assert.equal(safeFileName(name), want));
  it('a very long name keeps its extension and fits in 200 bytes', () => {
    const n = safeFileName('é'.repeat(300) + '.png');
    assert.ok(Buffer.byteLength(n) <= 200 && n.endsWith('.png'));
  });
  it('the upload directory is per post, under the session directory', () => assert.equal(uploadDir('/w', 'p1/../x'), '/w/.claude-mattermost/uploads/p1____x'));
  const images: Array<[string, string, string | undefined]> = [
    ['a.png', 'image/png', 'image/png'],
    ['a.jpg', 'image/jpeg', 'image/jpeg'],
    ['a.webp', '', 'image/webp'],
    ['a.gif', 'application/octet-stream', 'image/gif'],
    ['a.svg', 'image/svg+xml', undefined],
    ['a.png', 'text/plain', undefined],
  ];
  for (const [name, mime, want] of images) it(`${name} (${mime || 'no type'}) is ${want ?? 'not an image'}`, () => assert.equal(isImage({name, mime_type: mime}), want));

  it('saving never overwrites: a second file of the same name gets a suffix', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cmm-up-'));
    const a = await saveUpload(dir, 'x.txt', Buffer.from('1'));
    const b = await saveUpload(dir, '../x.txt', Buffer.from('2'));
    assert.deepEqual([path.basename(a), path.basename(b)], ['x.txt', 'x-1.txt']);
    await fs.rm(dir, {recursive: true});
  });
  it('the message names saved files relative to the session directory, and the ones that failed', () => {
    const text = withAttachments('look', [{name: 'a.png', path: '/w/.claude-mattermost/uploads/p/a.png', media_type: 'image/png'}], [{name: 'b.zip', reason: 'too large'}], '/w');
    assert.equal(text, 'look\n\nFiles attached to this message in Mattermost, saved on this machine:\n- .claude-mattermost/uploads/p/a.png (image, also attached to this message)\nFiles attached in Mattermost that could not be fetched:\n- b.zip: too large');
  });
});

describe('!file checks', () => {
  it('inside the roots, relative to the session directory: ok; outside, missing, a directory, too large: refused', async () => {
    const root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'cmm-file-')));
    await fs.mkdir(path.join(root, 'sub'));
    await fs.writeFile(path.join(root, 'sub', 'a.txt'), 'hello');
    await fs.symlink('/etc/hostname', path.join(root, 'link'));
    const check = (f: string, maxBytes = 100) => resolveFileInRoots(f, {allowedRoots: [root], base: path.join(root, 'sub'), maxBytes});
    assert.deepEqual(await check('a.txt'), {ok: true, file: path.join(root, 'sub', 'a.txt'), size: 5});
    assert.match(((await check('../link')) as {reason: string}).reason, /outside/);
    assert.match(((await check('nope.txt')) as {reason: string}).reason, /does not exist/);
    assert.match(((await check('.')) as {reason: string}).reason, /not a file/);
    assert.match(((await check('a.txt', 2)) as {reason: string}).reason, /up to 2 bytes/);
    await fs.rm(root, {recursive: true});
  });
  it('sizes read as people write them', () => assert.deepEqual([formatBytes(20 * 1024 * 1024), formatBytes(1536), formatBytes(7)], ['20 MB', '1.5 KB', '7 bytes']));
});

describe('Claude Code environment', () => {
  it('turns the todo tools on for every model, the task tools included', () => assert.deepEqual(claudeEnv({}), {CLAUDE_CODE_ENABLE_TODO_TOOLS: '1'}));
  it('a value the user set wins', () => assert.equal(claudeEnv({CLAUDE_CODE_ENABLE_TODO_TOOLS: '0'}).CLAUDE_CODE_ENABLE_TODO_TOOLS, '0'));
});
