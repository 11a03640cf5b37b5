import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import type {SDKMessage} from '@anthropic-ai/claude-agent-sdk';
import {contextUsage, OutputMapper, statusFromResult} from '../../src/claude/mapping.js';
import type {Output} from '../../src/plugin/protocol.js';

// Minimal SDK messages: only the fields the mapping reads.
const ev = (event: Record<string, unknown>, parent: string | null = null) => ({type: 'stream_event', event, parent_tool_use_id: parent}) as unknown as SDKMessage;
const start = (id = 'msg_1') => ev({type: 'message_start', message: {id}});
const textStart = (index = 0) => ev({type: 'content_block_start', index, content_block: {type: 'text', text: ''}});
const toolStart = (index = 1) => ev({type: 'content_block_start', index, content_block: {type: 'tool_use', id: 't', name: 'Bash', input: {}}});
const delta = (text: string, index = 0) => ev({type: 'content_block_delta', index, delta: {type: 'text_delta', text}});
const jsonDelta = (partial: string, index = 1) => ev({type: 'content_block_delta', index, delta: {type: 'input_json_delta', partial_json: partial}});
const stop = (index = 0) => ev({type: 'content_block_stop', index});
const assistant = (id: string, text: string, parent: string | null = null) =>
  ({type: 'assistant', message: {id, content: [{type: 'text', text}]}, parent_tool_use_id: parent}) as unknown as SDKMessage;
const result = (over: Record<string, unknown> = {}) =>
  ({
    type: 'result',
    subtype: 'success',
    is_error: false,
    session_id: 'cs1',
    total_cost_usd: 0.5,
    usage: {input_tokens: 1, output_tokens: 2},
    modelUsage: {a: {inputTokens: 10, outputTokens: 5, cacheReadInputTokens: 3, cacheCreationInputTokens: 2}, b: {inputTokens: 1, outputTokens: 1, cacheReadInputTokens: 0, cacheCreationInputTokens: 0}},
    errors: [],
    ...over,
  }) as unknown as SDKMessage;
const usageOf = (model: string, usage: Record<string, number>, parent: string | null = null) =>
  ({type: 'assistant', message: {id: 'u' + Math.random(), model, content: [], usage}, parent_tool_use_id: parent}) as unknown as SDKMessage;
const init = {type: 'system', subtype: 'init', session_id: 'cs1', cwd: '/w', model: 'claude-x'} as unknown as SDKMessage;

type Step = [SDKMessage, number];
const cases: Array<{name: string; steps: Step[]; want: Output[]}> = [
  {
    name: 'init reports working with the Claude session id, cwd and model',
    steps: [[init, 0]],
    want: [{kind: 'status', status: 'working', claude_session_id: 'cs1', cwd: '/w', model: 'claude-x'}],
  },
  {
    name: 'first delta is sent at once, later ones wait for the throttle window',
    steps: [
      [start(), 0],
      [textStart(), 0],
      [delta('Hel'), 0],
      [delta('lo'), 100],
      [delta(' you'), 300],
    ],
    want: [
      {kind: 'text', message_id: 'p-1', text: 'Hel', done: false},
      {kind: 'text', message_id: 'p-1', text: 'Hello you', done: false},
    ],
  },
  {
    name: 'block stop sends the whole text with done',
    steps: [
      [start(), 0],
      [textStart(), 0],
      [delta('a'), 0],
      [delta('b'), 10],
      [stop(), 20],
    ],
    want: [
      {kind: 'text', message_id: 'p-1', text: 'a', done: false},
      {kind: 'text', message_id: 'p-1', text: 'ab', done: true},
    ],
  },
  {
    name: 'each text block gets its own message_id; tool_use deltas send nothing',
    steps: [
      [start(), 0],
      [textStart(0), 0],
      [delta('one', 0), 0],
      [stop(0), 0],
      [toolStart(1), 0],
      [jsonDelta('{"command":"ls"}', 1), 0],
      [stop(1), 0],
      [start('msg_2'), 1000],
      [textStart(0), 1000],
      [delta('two', 0), 1000],
      [stop(0), 1000],
    ],
    want: [
      {kind: 'text', message_id: 'p-1', text: 'one', done: false},
      {kind: 'text', message_id: 'p-1', text: 'one', done: true},
      {kind: 'text', message_id: 'p-2', text: 'two', done: false},
      {kind: 'text', message_id: 'p-2', text: 'two', done: true},
    ],
  },
  {
    name: 'an empty text block sends nothing',
    steps: [
      [start(), 0],
      [textStart(), 0],
      [stop(), 0],
    ],
    want: [],
  },
  {
    name: 'subagent stream events are not shown',
    steps: [
      [ev({type: 'message_start', message: {id: 'x'}}, 'toolu_1'), 0],
      [ev({type: 'content_block_start', index: 0, content_block: {type: 'text', text: ''}}, 'toolu_1'), 0],
      [ev({type: 'content_block_delta', index: 0, delta: {type: 'text_delta', text: 'inner'}}, 'toolu_1'), 0],
    ],
    want: [],
  },
  {
    name: 'a whole assistant message already streamed is not sent again',
    steps: [
      [start('msg_9'), 0],
      [textStart(), 0],
      [delta('hi'), 0],
      [assistant('msg_9', 'hi'), 0],
      [stop(), 0],
    ],
    want: [
      {kind: 'text', message_id: 'p-1', text: 'hi', done: false},
      {kind: 'text', message_id: 'p-1', text: 'hi', done: true},
    ],
  },
  {
    name: 'an assistant message that did not stream is sent whole',
    steps: [[assistant('msg_7', 'whole'), 0]],
    want: [{kind: 'text', message_id: 'p-1', text: 'whole', done: true}],
  },
  {
    name: 'result closes open text, then reports idle with cumulative cost and tokens',
    steps: [
      [start(), 0],
      [textStart(), 0],
      [delta('cut'), 0],
      [delta(' off'), 10],
      [result(), 20],
    ],
    want: [
      {kind: 'text', message_id: 'p-1', text: 'cut', done: false},
      {kind: 'text', message_id: 'p-1', text: 'cut off', done: true},
      {kind: 'status', status: 'idle', claude_session_id: 'cs1', cost_usd: 0.5, input_tokens: 16, output_tokens: 6, context_tokens: 1, context_window: 200_000},
    ],
  },
  {
    name: 'context is the latest main-loop call: its input plus cache tokens, in its model\'s window',
    steps: [
      [usageOf('claude-x', {input_tokens: 100, cache_read_input_tokens: 900, cache_creation_input_tokens: 20}), 0],
      [usageOf('claude-x', {input_tokens: 50, cache_read_input_tokens: 1200, cache_creation_input_tokens: 30}), 0],
      [usageOf('claude-haiku', {input_tokens: 9999}, 'toolu_sub'), 0],
      [result({modelUsage: {'claude-x': {inputTokens: 1, outputTokens: 1, contextWindow: 1_000_000}, 'claude-haiku': {inputTokens: 1, outputTokens: 1, contextWindow: 200_000}}}), 0],
    ],
    want: [{kind: 'status', status: 'idle', claude_session_id: 'cs1', cost_usd: 0.5, input_tokens: 2, output_tokens: 2, context_tokens: 1280, context_window: 1_000_000}],
  },
];

describe('SDK message → plugin output', () => {
  for (const c of cases) {
    it(c.name, () => {
      const m = new OutputMapper('p', 250);
      const got = c.steps.flatMap(([msg, now]) => m.map(msg, now));
      assert.deepEqual(got, c.want);
    });
  }

  it('due() sends held-back text once the throttle window has passed, and only then', () => {
    const m = new OutputMapper('p', 250);
    m.map(start(), 0);
    m.map(textStart(), 0);
    m.map(delta('a'), 0);
    m.map(delta('b'), 50);
    assert.equal(m.hasUnsent(), true);
    assert.deepEqual(m.due(100), []);
    assert.deepEqual(m.due(260), [{kind: 'text', message_id: 'p-1', text: 'ab', done: false}]);
    assert.equal(m.hasUnsent(), false);
  });
});

describe('result → status', () => {
  const table: Array<[string, Record<string, unknown>, Partial<Record<string, unknown>>]> = [
    ['success is idle', {}, {status: 'idle'}],
    ['an API error turn is error with its text', {is_error: true, result: 'API Error: 500'}, {status: 'error', error: 'API Error: 500'}],
    ['max turns is error with its reason', {subtype: 'error_max_turns', errors: []}, {status: 'error', error: 'Claude Code stopped: too many turns'}],
    ['execution errors are listed', {subtype: 'error_during_execution', errors: ['boom', 'bang']}, {status: 'error', error: 'boom; bang'}],
    ['without modelUsage, per-turn usage counts', {modelUsage: {}, usage: {input_tokens: 4, output_tokens: 2, cache_read_input_tokens: 1}}, {input_tokens: 5, output_tokens: 2}],
  ];
  for (const [name, over, want] of table) {
    it(name, () => {
      const got = statusFromResult(result(over) as Extract<SDKMessage, {type: 'result'}>);
      for (const [k, v] of Object.entries(want)) assert.deepEqual((got as Record<string, unknown>)[k], v, k);
    });
  }
});

describe('context usage', () => {
  type R = Extract<SDKMessage, {type: 'result'}>;
  const table: Array<[string, Record<string, unknown>, {tokens: number; model?: string} | undefined, {context_tokens?: number; context_window: number}]> = [
    ['without a sample, the turn\'s own input and cache tokens count', {usage: {input_tokens: 7, cache_read_input_tokens: 3, cache_creation_input_tokens: 1, output_tokens: 9}}, undefined, {context_tokens: 11, context_window: 200_000}],
    ['the sampled model\'s window wins', {modelUsage: {m1: {contextWindow: 1_000_000}, m2: {contextWindow: 300_000}}}, {tokens: 5, model: 'm2'}, {context_tokens: 5, context_window: 300_000}],
    ['an unknown model takes the largest window reported', {modelUsage: {m1: {contextWindow: 1_000_000}, m2: {contextWindow: 300_000}}}, {tokens: 5, model: 'zz'}, {context_tokens: 5, context_window: 1_000_000}],
    ['no window anywhere → 200 000', {modelUsage: {}}, {tokens: 5}, {context_tokens: 5, context_window: 200_000}],
    ['no usage at all → window only', {usage: undefined, modelUsage: {}}, undefined, {context_window: 200_000}],
  ];
  for (const [name, over, sample, want] of table) {
    it(name, () => assert.deepEqual(contextUsage(result(over) as R, sample), want));
  }
});
