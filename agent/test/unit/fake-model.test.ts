import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import {script, startFakeModel, type FakeModel} from '../fake-model/index.mjs';

const tools = [{name: 'Bash'}];
const user = (content: unknown) => ({role: 'user', content});

describe('fake model script', () => {
  it('[[bash: cmd]] → text and a Bash tool_use', () => {
    const r = script({tools, messages: [user([{type: 'text', text: '<system-reminder>x</system-reminder>'}, {type: 'text', text: 'go [[bash: touch x]]'}])]});
    assert.equal(r.stopReason, 'tool_use');
    assert.deepEqual(r.blocks[0], {type: 'text', text: "I'll run `touch x`."});
    assert.equal(r.blocks[1]!.type, 'tool_use');
    assert.deepEqual((r.blocks[1] as {input: unknown}).input, {command: 'touch x', description: 'Run touch x'});
  });

  it('the same conversation gets the same tool_use id', () => {
    const body = {tools, messages: [user('[[bash: ls]]')]};
    assert.deepEqual(script(body), script(body));
  });

  const results: Array<[string, Record<string, unknown>, string]> = [
    ['success quotes the output', {content: 'hello', is_error: false}, 'Done. Output: hello'],
    ['denial is reported as denied', {content: 'Denied by @bob: no', is_error: true}, 'The command was denied: Denied by @bob: no'],
    ['other errors are failures', {content: [{type: 'text', text: 'exit 1'}], is_error: true}, 'The command failed: exit 1'],
  ];
  for (const [name, result, want] of results) {
    it(`tool_result: ${name}`, () => {
      const r = script({tools, messages: [user('[[bash: ls]]'), {role: 'assistant', content: []}, user([{type: 'tool_result', tool_use_id: 't', ...result}]), {role: 'system', content: 'x'}]});
      assert.deepEqual(r.blocks, [{type: 'text', text: want}]);
    });
  }

  const text = (body: unknown) => (script(body).blocks[0] as {text: string}).text;
  const triggers: Array<[string, unknown[], string]> = [
    [
      '[[recall]] lists every earlier user turn, one per line, without what Claude Code adds',
      [
        user([{type: 'text', text: '<system-reminder>attribution</system-reminder>'}, {type: 'text', text: 'first\nturn'}]),
        {role: 'assistant', content: [{type: 'text', text: 'You said: first'}]},
        user([{type: 'tool_result', tool_use_id: 't', content: 'ok'}]),
        user([{type: 'text', text: '<local-command-caveat>c</local-command-caveat>'}, {type: 'text', text: 'second'}]),
        user('[[recall]]'),
      ],
      'Recall:\nfirst turn\nsecond',
    ],
    ['[[recall]] in the first turn has nothing to recall', [user('[[recall]]')], 'Recall:\n(nothing)'],
    [
      '[[recall]] counts thread context, also the one given with the recall turn itself',
      [user('Earlier messages in this thread:\n<thread_context>\n@alice: blocked\n@bob: timezone maybe\n</thread_context>\n\nwhat do we know? [[recall]]')],
      'Recall:\n@alice: blocked\n@bob: timezone maybe',
    ],
    [
      'an earlier turn with thread context gives its messages, then its own text',
      [user('Intro:\n<thread_context>\n@bob: red\n</thread_context>\n\nfix it'), {role: 'assistant', content: [{type: 'text', text: 'ok'}]}, user('[[recall]]')],
      'Recall:\n@bob: red\nfix it',
    ],
    [
      'a prompt after an interrupted tool call wins over its tool_result',
      [
        user('[[bash: sleep 30]]'),
        user([
          {type: 'tool_result', tool_use_id: 't', content: 'rejected', is_error: true},
          {type: 'text', text: '[Request interrupted by user for tool use]'},
          {type: 'text', text: 'next question'},
        ]),
      ],
      'You said: next question',
    ],
    [
      'a compaction request gets a summary listing the user turns',
      [user('alpha'), {role: 'assistant', content: [{type: 'text', text: 'x'}]}, user('CRITICAL: text only.\n\nYour task is to create a detailed summary of the conversation so far, …')],
      '<analysis>Fake analysis.</analysis>\n<summary>The user said, in order:\nalpha</summary>',
    ],
  ];
  for (const [name, messages, want] of triggers) {
    it(name, () => assert.equal(text({tools, messages}), want));
  }

  it('[[bash: sleep N]] runs as `echo started && sleep N` (Claude Code blocks a leading long sleep)', () => {
    const r = script({tools, messages: [user('[[bash: sleep 30]]')]});
    assert.deepEqual((r.blocks[1] as {input: unknown}).input, {command: 'echo started && sleep 30', description: 'Run echo started && sleep 30'});
  });

  it('"make the same Bash call again" repeats the last tool_use', () => {
    const r = script({
      tools,
      messages: [
        user('[[bash: touch y]]'),
        {role: 'assistant', content: [{type: 'tool_use', id: 't1', name: 'Bash', input: {command: 'touch y'}}]},
        user([{type: 'tool_result', tool_use_id: 't1', content: 'stream closed', is_error: true}]),
        {role: 'assistant', content: [{type: 'text', text: 'failed'}]},
        user('Please make the same Bash call again, with the same input.'),
      ],
    });
    assert.equal(r.stopReason, 'tool_use');
    assert.deepEqual((r.blocks[1] as {input: unknown}).input, {command: 'touch y'});
  });

  it('a turn the agent resumes after a restart is answered as the message it carries', () => {
    const wrapped = (m: string) => `(Message from the Mattermost agent) … cut off. The message was:\n<interrupted_message>\n${m}\n</interrupted_message>`;
    assert.deepEqual(script({tools, messages: [user(wrapped('hello there'))]}).blocks, [{type: 'text', text: 'You said: hello there'}]);
    const r = script({tools, messages: [user('[[bash: ls]]'), {role: 'assistant', content: []}, user(wrapped('[[bash: touch y]]'))]});
    assert.deepEqual((r.blocks[1] as {input: unknown}).input, {command: 'touch y', description: 'Run touch y'});
  });

  it('[[write-big: path | n]] writes n bytes (after reading the file)', () => {
    const read = script({tools: [{name: 'Read'}, {name: 'Write'}], messages: [user('[[write-big: big.txt | 1000]]')]});
    assert.equal((read.blocks.at(-1) as {name: string}).name, 'Read');
    const messages = [user('[[write-big: big.txt | 1000]]'), {role: 'assistant', content: [read.blocks.at(-1)]}, user([{type: 'tool_result', tool_use_id: 't', content: 'missing', is_error: true}])];
    const write = script({tools: [{name: 'Read'}, {name: 'Write'}], messages}).blocks.at(-1) as unknown as {name: string; input: {content: string}};
    assert.equal(write.name, 'Write');
    assert.equal(write.input.content.length, 1000);
  });

  it('anything else is echoed', () => {
    assert.deepEqual(script({tools, messages: [user('hi there')]}).blocks, [{type: 'text', text: 'You said: hi there'}]);
  });

  it('side requests without tools get a short text', () => {
    assert.deepEqual(script({messages: [user('[[bash: ls]]')]}).blocks, [{type: 'text', text: 'Fake reply'}]);
  });
});

describe('fake model tool flows', () => {
  const deferred = [{name: 'Bash'}, {name: 'Read'}, {name: 'Edit'}, {name: 'Write'}, {name: 'AskUserQuestion'}, {name: 'ToolSearch'}, {name: 'DeferredToolPlaceholder', defer_loading: true}];
  const asst = (...content: unknown[]) => ({role: 'assistant', content});
  const use = (name: string, input: unknown = {}, id = 'tu') => ({type: 'tool_use', id, name, input});
  const result = (content: string, is_error = false, id = 'tu') => user([{type: 'tool_result', tool_use_id: id, content, is_error}]);
  const loaded = (name: string) => [asst(use('ToolSearch', {query: `select:${name}`})), user([{type: 'tool_result', tool_use_id: 'tu', content: [{type: 'tool_reference', tool_name: name}]}, {type: 'text', text: 'Tool loaded.'}])];
  const calls = (messages: unknown[]) => script({tools: deferred, messages}).blocks.filter((b) => b.type === 'tool_use').map((b) => [(b as {name: string}).name, (b as {input: unknown}).input]);
  const answer = (messages: unknown[]) => (script({tools: deferred, messages}).blocks.find((b) => b.type === 'text') as {text: string} | undefined)?.text;
  const planMode = {role: 'system', content: 'Plan mode is active. … No plan file exists yet. You should create your plan at /h/.claude/plans/p.md using the Write tool.'};

  const table: Array<[string, unknown[], unknown]> = [
    ['a deferred tool is loaded with ToolSearch first', [user('[[todos: a; b]]')], [['ToolSearch', {query: 'select:TodoWrite', max_results: 5}]]],
    [
      '[[todos: …]] → TodoWrite with the first item in progress',
      [user('[[todos: a; b]]'), ...loaded('TodoWrite')],
      [['TodoWrite', {todos: [{content: 'a', status: 'in_progress', activeForm: 'Working on a'}, {content: 'b', status: 'pending', activeForm: 'Working on b'}]}]],
    ],
    [
      '[[todos-advance]] completes the current item and starts the next',
      [user('x'), asst(use('TodoWrite', {todos: [{content: 'a', status: 'in_progress', activeForm: 'A'}, {content: 'b', status: 'pending', activeForm: 'B'}]})), result('ok'), asst({type: 'text', text: 'ok'}), user('[[todos-advance]]')],
      [['TodoWrite', {todos: [{content: 'a', status: 'completed', activeForm: 'A'}, {content: 'b', status: 'in_progress', activeForm: 'B'}]}]],
    ],
    ['[[tasks: …]] loads TaskCreate first', [user('[[tasks: a; b]]')], [['ToolSearch', {query: 'select:TaskCreate', max_results: 5}]]],
    ['[[tasks: …]] → TaskCreate for the first', [user('[[tasks: a; b]]'), ...loaded('TaskCreate')], [['TaskCreate', {subject: 'a', description: 'Do a', activeForm: 'Working on a'}]]],
    [
      '… then for the next',
      [user('[[tasks: a; b]]'), asst(use('TaskCreate', {}, 't1')), result('Task #1 created successfully: a', false, 't1')],
      [['TaskCreate', {subject: 'b', description: 'Do b', activeForm: 'Working on b'}]],
    ],
    [
      '… then starts the first, by the id Claude Code gave it',
      [user('[[tasks: a; b]]'), asst(use('TaskCreate', {}, 't1')), result('Task #7 created successfully: a', false, 't1'), asst(use('TaskCreate', {}, 't2')), result('Task #8 created successfully: b', false, 't2'), ...loaded('TaskUpdate')],
      [['TaskUpdate', {taskId: '7', status: 'in_progress'}]],
    ],
    ['[[task-done: N]] completes task N, nothing listed first', [user('[[task-done: 2]]'), ...loaded('TaskUpdate')], [['TaskUpdate', {taskId: '2', status: 'completed'}]]],
    ['[[tasks-advance]] lists the tasks first', [user('[[tasks-advance]]'), ...loaded('TaskList')], [['TaskList', {}]]],
    [
      '… then completes the task in progress',
      [user('[[tasks-advance]]'), asst(use('TaskList', {}, 'l')), result('#1 [completed] a\n#2 [in_progress] b\n#3 [pending] c', false, 'l'), ...loaded('TaskUpdate')],
      [['TaskUpdate', {taskId: '2', status: 'completed'}]],
    ],
    [
      '… and starts the next pending one',
      [user('[[tasks-advance]]'), asst(use('TaskList', {}, 'l')), result('#1 [completed] a\n#2 [in_progress] b\n#3 [pending] c', false, 'l'), ...loaded('TaskUpdate'), asst(use('TaskUpdate', {}, 'u')), result('Updated task #2 status', false, 'u')],
      [['TaskUpdate', {taskId: '3', status: 'in_progress'}]],
    ],
    [
      '[[ask-multi: …]] → one multi-select question',
      [user('[[ask-multi: Which? | x, y, z]]')],
      [['AskUserQuestion', {questions: [{question: 'Which?', header: 'Choices', multiSelect: true, options: ['x', 'y', 'z'].map((l) => ({label: l, description: `Pick ${l}`}))}]}]],
    ],
    [
      '[[ask: …]] → one single-select question',
      [user('[[ask: Which? | x, y]]')],
      [['AskUserQuestion', {questions: [{question: 'Which?', header: 'Choice', multiSelect: false, options: ['x', 'y'].map((l) => ({label: l, description: `Pick ${l}`}))}]}]],
    ],
    ['[[edit: …]] reads the file first', [user('[[edit: a.ts | one => two]]')], [['Read', {file_path: 'a.ts'}]]],
    ['… then edits it', [user('[[edit: a.ts | one => two]]'), asst(use('Read')), result('1\tone')], [['Edit', {file_path: 'a.ts', old_string: 'one', new_string: 'two'}]]],
    ['[[write: …]] writes even when the read found no file', [user('[[write: n.txt | hi there]]'), asst(use('Read')), result('File does not exist.', true)], [['Write', {file_path: 'n.txt', content: 'hi there'}]]],
    ['[[plan: …]] in plan mode writes the plan file named by Claude Code', [user('[[plan: add X]]'), planMode], [['Write', {file_path: '/h/.claude/plans/p.md', content: '# Plan\n\n1. add X'}]]],
    [
      '… then calls ExitPlanMode',
      [user('[[plan: add X]]'), planMode, asst(use('Write')), result('created'), ...loaded('ExitPlanMode')],
      [['ExitPlanMode', {}]],
    ],
    ['[[plan: …]] outside plan mode enters it first', [user('[[plan: add X]]'), ...loaded('EnterPlanMode')], [['EnterPlanMode', {}]]],
  ];
  for (const [rule, messages, want] of table) it(rule, () => assert.deepEqual(calls(messages), want));

  const finals: Array<[string, unknown[], string]> = [
    ['after the answer: "You chose: …"', [user('[[ask-multi: Which? | x, y]]'), asst(use('AskUserQuestion')), result('The user answered: "Which?"="x, y". Read the answers…')], 'You chose: x, y'],
    [
      'a denied plan is revised with the reviewer\'s words',
      [user('[[plan: add X]]'), planMode, asst(use('Write')), result('created'), asst(use('ExitPlanMode')), result('Denied by @bob: smaller please', true)],
      'Revised plan: add X, changed as asked: smaller please',
    ],
    ['an approved plan goes ahead', [user('[[plan: add X]]'), planMode, asst(use('Write')), result('created'), asst(use('ExitPlanMode')), result('User has approved your plan.')], 'Plan approved. Working on: add X'],
    ['a denied edit says so', [user('[[edit: a | x => y]]'), asst(use('Read')), result('x'), asst(use('Edit')), result('Denied by @bob: no', true)], 'The command was denied: Denied by @bob: no'],
    ['todos: the progress', [user('[[todos: a; b]]'), asst(use('TodoWrite')), result('ok')], 'Tasks: 0/2 done'],
    [
      'tasks: the count once the first is started',
      [user('[[tasks: a]]'), asst(use('TaskCreate', {}, 't1')), result('Task #1 created successfully: a', false, 't1'), asst(use('TaskUpdate', {}, 'u')), result('Updated task #1 status', false, 'u')],
      'Tasks: 0/1 done',
    ],
    [
      'tasks-advance: done when the last one completed',
      [user('[[tasks-advance]]'), asst(use('TaskList', {}, 'l')), result('#1 [in_progress] a', false, 'l'), asst(use('TaskUpdate', {}, 'u')), result('Updated task #1 status', false, 'u')],
      'Tasks advanced.',
    ],
    [
      '[[image?]] counts the image blocks of the latest user turn',
      [user([{type: 'text', text: 'look [[image?]]'}, {type: 'image', source: {type: 'base64', media_type: 'image/png', data: 'AA=='}}, {type: 'image', source: {type: 'base64', media_type: 'image/png', data: 'AQ=='}}])],
      'I see 2 image(s).',
    ],
  ];
  for (const [rule, messages, want] of finals) it(rule, () => assert.equal(answer(messages), want));
});

describe('fake model server', () => {
  let fake: FakeModel;
  before(async () => {
    fake = await startFakeModel({chunkDelayMs: 0});
  });
  after(() => fake.close());

  it('streams SSE events in the Messages API order', async () => {
    const res = await fetch(`${fake.url}/v1/messages?beta=true`, {method: 'POST', body: JSON.stringify({stream: true, tools, messages: [user('[[bash: ls]]')]})});
    assert.equal(res.headers.get('content-type'), 'text/event-stream');
    const events = (await res.text()).split('\n').filter((l) => l.startsWith('event: ')).map((l) => l.slice(7));
    const compact = events.filter((e, i) => e !== events[i - 1]);
    assert.deepEqual(compact, [
      'message_start', 'ping',
      'content_block_start', 'content_block_delta', 'content_block_stop',
      'content_block_start', 'content_block_delta', 'content_block_stop',
      'message_delta', 'message_stop',
    ]);
  });

  it('stalls streams started while asked to, after that much text, until the client goes away', async () => {
    fake.stallTextAfter(24);
    const ctl = new AbortController();
    const res = await fetch(`${fake.url}/v1/messages?beta=true`, {method: 'POST', signal: ctl.signal, body: JSON.stringify({stream: true, tools, messages: [user('x'.repeat(200))]})});
    fake.stallTextAfter(undefined);
    const reader = res.body!.getReader();
    let got = '';
    while (fake.stalledStreams() === 0) got += new TextDecoder().decode((await reader.read()).value ?? new Uint8Array());
    // A stream started afterwards is not stalled.
    const other = await (await fetch(`${fake.url}/v1/messages?beta=true`, {method: 'POST', body: JSON.stringify({stream: true, tools, messages: [user('y')]})})).text();
    assert.match(other, /message_stop/);
    assert.doesNotMatch(got, /message_stop/);
    ctl.abort();
    await reader.cancel().catch(() => undefined);
    while (fake.stalledStreams() > 0) await new Promise((r) => setTimeout(r, 5));
  });

  it('answers non-streaming requests, count_tokens and other paths, and records them', async () => {
    fake.reset();
    const msg: any = await (await fetch(`${fake.url}/v1/messages`, {method: 'POST', body: JSON.stringify({tools, messages: [user('yo')]})})).json();
    assert.equal(msg.stop_reason, 'end_turn');
    assert.deepEqual(msg.content, [{type: 'text', text: 'You said: yo'}]);
    const count: any = await (await fetch(`${fake.url}/v1/messages/count_tokens`, {method: 'POST', body: '{"messages":[]}'})).json();
    assert.equal(typeof count.input_tokens, 'number');
    assert.equal((await fetch(`${fake.url}/api/anything`)).status, 200);
    const recorded: any = await (await fetch(`${fake.url}/_requests`)).json();
    assert.equal(recorded.length, 3);
    await fetch(`${fake.url}/_reset`, {method: 'POST'});
    assert.equal(fake.requests.length, 0);
  });
});
