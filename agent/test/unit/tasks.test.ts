/** The todo panel from Claude Code's task tools: one case per rule, with the shapes the real binary gives. */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {describe, it} from 'node:test';
import {TaskBoard, readTaskStore, type TaskCall} from '../../src/claude/tasks.js';
import {ToolCalls} from '../../src/claude/tools.js';
import {Mirror} from '../../src/terminal/mirror.js';

const create = (id: string, subject: string, activeForm?: string): TaskCall => ({
  name: 'TaskCreate',
  input: {subject, description: `Do ${subject}`, ...(activeForm ? {activeForm} : {})},
  structured: {task: {id, subject, description: `Do ${subject}`}},
  content: `Task #${id} created successfully: ${subject}`,
  isError: false,
});
const update = (taskId: string, input: Record<string, unknown>, success = true): TaskCall => ({
  name: 'TaskUpdate',
  input: {taskId, ...input},
  structured: {success, taskId, updatedFields: Object.keys(input)},
  content: success ? `Updated task #${taskId} ${Object.keys(input).join(', ')}` : 'Task not found',
  isError: false,
});
const list = (tasks: Array<[string, string, string]>, structured = true): TaskCall => ({
  name: 'TaskList',
  input: {},
  ...(structured ? {structured: {tasks: tasks.map(([id, status, subject]) => ({id, subject, status, blockedBy: []}))}} : {}),
  content: tasks.map(([id, status, subject]) => `#${id} [${status}] ${subject}`).join('\n'),
  isError: false,
});

/** The board after the calls: what the last change sent (status per subject). */
function after(calls: TaskCall[], board = new TaskBoard()): {sent: number; last?: Array<[string, string, string]>} {
  let sent = 0;
  let last: Array<[string, string, string]> | undefined;
  for (const c of calls) {
    const out = board.apply(c);
    if (out) {
      sent++;
      last = out.todos.map((t) => [t.content, t.status, t.activeForm]);
    }
  }
  return {sent, last};
}

describe('task tools → todo panel', () => {
  it('TaskCreate adds a pending task, shown by its subject and activeForm', () => {
    assert.deepEqual(after([create('1', 'write tests', 'Writing tests')]).last, [['write tests', 'pending', 'Writing tests']]);
  });
  it('a task without activeForm shows its subject while in progress', () => {
    assert.deepEqual(after([create('1', 'a'), update('1', {status: 'in_progress'})]).last, [['a', 'in_progress', 'a']]);
  });
  it('TaskUpdate changes status, subject and activeForm', () => {
    assert.deepEqual(after([create('1', 'a'), create('2', 'b'), update('2', {status: 'completed', subject: 'b2', activeForm: 'B'})]).last, [
      ['a', 'pending', 'a'],
      ['b2', 'completed', 'B'],
    ]);
  });
  it('status "deleted" removes the task', () => {
    assert.deepEqual(after([create('1', 'a'), create('2', 'b'), update('1', {status: 'deleted'})]).last, [['b', 'pending', 'b']]);
  });
  it('a failed TaskUpdate changes nothing', () => {
    assert.deepEqual(after([create('1', 'a'), update('1', {status: 'completed'}, false)]), {sent: 1, last: [['a', 'pending', 'a']]});
  });
  it('an errored call changes nothing', () => {
    assert.equal(after([{...create('1', 'a'), isError: true}]).sent, 0);
  });
  it('an update of a task never seen, without a subject, sends nothing', () => {
    assert.equal(after([update('9', {status: 'completed'})]).sent, 0);
  });
  it('TaskList replaces the list, keeping what is known of each task', () => {
    assert.deepEqual(after([create('1', 'a', 'A'), create('5', 'gone'), list([['1', 'completed', 'a'], ['2', 'in_progress', 'b']])]).last, [
      ['a', 'completed', 'A'],
      ['b', 'in_progress', 'b'],
    ]);
  });
  it('TaskList is read from its text when no structured result came', () => {
    assert.deepEqual(after([list([['1', 'pending', 'a b c'], ['2', 'completed', 'd']], false)]).last, [
      ['a b c', 'pending', 'a b c'],
      ['d', 'completed', 'd'],
    ]);
  });
  it('TaskCreate is read from its text when no structured result came', () => {
    assert.deepEqual(after([{...create('3', 'x'), structured: undefined}]).last, [['x', 'pending', 'x']]);
  });
  it('TaskGet updates the one task', () => {
    const get: TaskCall = {name: 'TaskGet', input: {taskId: '1'}, structured: {task: {id: '1', subject: 'a', status: 'completed', blocks: [], blockedBy: []}}, content: '', isError: false};
    assert.deepEqual(after([create('1', 'a', 'A'), get]).last, [['a', 'completed', 'A']]);
  });
  it('a call that changes nothing sends nothing again', () => {
    assert.equal(after([create('1', 'a'), list([['1', 'pending', 'a']])]).sent, 1);
  });
  it('a resumed board starts from the seeded tasks and sends only changes', () => {
    const board = new TaskBoard();
    board.seed([{id: '1', subject: 'a', status: 'completed'}, {id: '2', subject: 'b', activeForm: 'B', status: 'pending'}]);
    assert.deepEqual(after([update('2', {status: 'in_progress'})], board).last, [
      ['a', 'completed', 'a'],
      ['b', 'in_progress', 'B'],
    ]);
  });
  it('seeding keeps what the board saw since', () => {
    const board = new TaskBoard();
    board.apply(create('2', 'b new'));
    board.seed([{id: '1', subject: 'a', status: 'pending'}, {id: '2', subject: 'b old', status: 'pending'}]);
    assert.deepEqual(after([update('1', {status: 'in_progress'})], board).last, [
      ['a', 'in_progress', 'a'],
      ['b new', 'pending', 'b new'],
    ]);
  });
  it('TodoWrite is not a task tool', () => {
    assert.equal(after([{name: 'TodoWrite', input: {todos: [{content: 'a', status: 'pending'}]}, content: '', isError: false}]).sent, 0);
  });
});

describe('tool results carry the structured result', () => {
  it('of a message with one result', () => {
    const calls = new ToolCalls();
    calls.noteCalls([{type: 'tool_use', id: 'u1', name: 'TaskCreate', input: {subject: 'a'}}]);
    const [r] = calls.takeResults([{type: 'tool_result', tool_use_id: 'u1', content: 'Task #1 created successfully: a'}], {task: {id: '1', subject: 'a'}});
    assert.deepEqual(r!.structured, {task: {id: '1', subject: 'a'}});
  });
  it('not of a message with several (it could be any of them)', () => {
    const calls = new ToolCalls();
    calls.noteCalls([{type: 'tool_use', id: 'u1', name: 'TaskGet', input: {}}, {type: 'tool_use', id: 'u2', name: 'TaskGet', input: {}}]);
    const rs = calls.takeResults([{type: 'tool_result', tool_use_id: 'u1', content: ''}, {type: 'tool_result', tool_use_id: 'u2', content: ''}], {task: null});
    assert.deepEqual(rs.map((r) => r.structured), [undefined, undefined]);
  });
});

describe('the tasks Claude Code keeps', () => {
  it('are read from <config dir>/tasks/<session id>, in id order, internal ones left out', async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'tasks-'));
    const dir = path.join(root, 'tasks', 'sess-1');
    await fs.mkdir(dir, {recursive: true});
    const write = (name: string, v: unknown) => fs.writeFile(path.join(dir, name), typeof v === 'string' ? v : JSON.stringify(v));
    await write('10.json', {id: '10', subject: 'ten', status: 'pending', blocks: [], blockedBy: []});
    await write('2.json', {id: '2', subject: 'two', activeForm: 'Doing two', status: 'in_progress', blocks: [], blockedBy: []});
    await write('3.json', {id: '3', subject: 'internal', status: 'pending', metadata: {_internal: true}});
    await write('4.json', '{not json');
    await write('.lock', '');
    assert.deepEqual(await readTaskStore('sess-1', {CLAUDE_CONFIG_DIR: root}), [
      {id: '2', subject: 'two', activeForm: 'Doing two', status: 'in_progress'},
      {id: '10', subject: 'ten', activeForm: undefined, status: 'pending'},
    ]);
    assert.deepEqual(await readTaskStore('missing', {CLAUDE_CONFIG_DIR: root}), []);
    assert.deepEqual(await readTaskStore('../tasks', {CLAUDE_CONFIG_DIR: root}), []);
    await fs.rm(root, {recursive: true, force: true});
  });
});

describe('a terminal session\'s transcript', () => {
  it('makes the todo panel from the task tools too', () => {
    const m = new Mirror();
    const use = (id: string, name: string, input: Record<string, unknown>) => m.step({kind: 'calls', content: [{type: 'tool_use', id, name, input}]}, '/src');
    const result = (id: string, content: string) => m.step({kind: 'results', content: [{type: 'tool_result', tool_use_id: id, content}], rejected: false}, '/src');
    use('u1', 'TaskCreate', {subject: 'a', description: 'do a', activeForm: 'Doing a'});
    use('u2', 'TaskCreate', {subject: 'b', description: 'do b'});
    result('u1', 'Task #1 created successfully: a');
    result('u2', 'Task #2 created successfully: b');
    use('u3', 'TaskUpdate', {taskId: '1', status: 'in_progress'});
    const steps = result('u3', 'Updated task #1 status');
    const todo = steps.find((s) => s.kind === 'output' && s.out.kind === 'todo');
    assert.deepEqual(todo && todo.kind === 'output' && todo.out.kind === 'todo' ? todo.out.todos : undefined, [
      {content: 'a', status: 'in_progress', activeForm: 'Doing a'},
      {content: 'b', status: 'pending', activeForm: 'b'},
    ]);
    assert.ok(!steps.some((s) => s.kind === 'output' && s.out.kind === 'tool_output'), 'no tool output post for a task tool');
  });
});
