/** Reading Claude Code's transcript, the `resume` target, and the terminal commands' parsing. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, it} from 'node:test';
import {Command} from 'commander';
import {addTerminalCommands, type TerminalActions} from '../../src/cli/terminal.js';
import {looksLikeClaude} from '../../src/terminal/process.js';
import {findTarget, transcriptPathFor, type Known} from '../../src/terminal/target.js';
import {itemsOf, readFrom} from '../../src/terminal/transcript.js';

describe('transcript lines → what the thread shows', () => {
  const cases: Array<[string, unknown, unknown[]]> = [
    ['a typed prompt', {type: 'user', uuid: 'u1', message: {role: 'user', content: 'fix it'}}, [{kind: 'prompt', text: 'fix it'}]],
    ['a prompt with an image', {type: 'user', message: {content: [{type: 'text', text: 'look'}, {type: 'image', source: {}}]}}, [{kind: 'prompt', text: 'look\n(1 image)'}]],
    ["Claude Code's own user lines (isMeta: a Stop hook's feedback)", {type: 'user', isMeta: true, message: {content: 'Stop hook feedback:\nx'}}, []],
    ['a compaction summary', {type: 'user', isCompactSummary: true, message: {content: 'summary'}}, []],
    ['an interruption marker', {type: 'user', message: {content: [{type: 'text', text: '[Request interrupted by user for tool use]'}]}}, [{kind: 'interrupted'}]],
    ['system reminders only', {type: 'user', message: {content: '<system-reminder>x</system-reminder>'}}, []],
    ['a slash command, as typed', {type: 'user', message: {content: '<command-name>/compact</command-name><command-message>compact</command-message><command-args></command-args>'}}, [{kind: 'prompt', text: '/compact'}]],
    ["a slash command's output", {type: 'user', message: {content: '<local-command-stdout>Compacted</local-command-stdout>'}}, []],
    ['bash mode', {type: 'user', message: {content: '<bash-input>ls -la</bash-input>'}}, [{kind: 'prompt', text: '! ls -la'}]],
    ['a subagent (sidechain) line', {type: 'assistant', isSidechain: true, uuid: 'a1', message: {content: [{type: 'text', text: 'x'}]}}, []],
    [
      'assistant text, with its model and context',
      {type: 'assistant', uuid: 'a2', message: {id: 'm', model: 'claude-x', content: [{type: 'text', text: 'Hi'}], usage: {input_tokens: 10, cache_read_input_tokens: 5}}},
      [{kind: 'text', id: 'a2', text: 'Hi'}, {kind: 'usage', model: 'claude-x', context_tokens: 15}],
    ],
    ['a synthetic message has no model to report', {type: 'assistant', uuid: 'a3', message: {model: '<synthetic>', content: [{type: 'text', text: 'No response requested.'}], usage: {input_tokens: 0}}}, [{kind: 'text', id: 'a3', text: 'No response requested.'}]],
    ['a tool call', {type: 'assistant', uuid: 'a4', message: {content: [{type: 'tool_use', id: 't1', name: 'Bash', input: {}}]}}, [{kind: 'calls', content: [{type: 'tool_use', id: 't1', name: 'Bash', input: {}}]}]],
    [
      'a call refused in the terminal',
      {type: 'user', toolDenialKind: 'user-rejected', message: {content: [{type: 'tool_result', tool_use_id: 't1', content: 'no', is_error: true}]}},
      [{kind: 'results', content: [{type: 'tool_result', tool_use_id: 't1', content: 'no', is_error: true}], rejected: true}],
    ],
    ['the cost', {type: 'cost-state', totalCostUSD: 0.25, modelUsage: {a: {inputTokens: 1, outputTokens: 2, cacheCreationInputTokens: 3}}}, [{kind: 'cost', cost_usd: 0.25, input_tokens: 4, output_tokens: 2}]],
    ['a compaction', {type: 'system', subtype: 'compact_boundary', compactMetadata: {preTokens: 1000}}, [{kind: 'compacted', pre_tokens: 1000}]],
    ['an API request record', {type: 'api-request', params: {}}, []],
    ['not an object', 'hello', []],
  ];
  for (const [name, line, want] of cases) {
    it(name, () => assert.deepEqual(itemsOf(line), want));
  }

  it('reads complete lines from an offset and leaves a line still being written for the next read', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cmm-tr-')), 't.jsonl');
    fs.writeFileSync(file, '{"a":1}\nnot json\n{"b":');
    const first = await readFrom(file, 0);
    assert.deepEqual(first.lines, [{a: 1}]);
    assert.equal(first.offset, Buffer.byteLength('{"a":1}\nnot json\n'));
    fs.appendFileSync(file, '2}\n{"c":"é"}\n');
    const second = await readFrom(file, first.offset);
    assert.deepEqual(second.lines, [{b: 2}, {c: 'é'}]);
    assert.equal(second.offset, fs.statSync(file).size);
    assert.deepEqual(await readFrom(file, second.offset), {lines: [], offset: second.offset});
    assert.deepEqual(await readFrom(file + '.missing', 7), {lines: [], offset: 7});
    assert.deepEqual(await readFrom(file, second.offset + 100), {lines: [], offset: second.offset}, 'a file that shrank is read from its end');
  });
});

describe('which conversation `resume` means', () => {
  const known: Known[] = [
    {session_id: 'sabc1234', claude_session_id: 'c-1111', cwd: '/w/app', root_id: 'abcdefghijklmnopqrstuvwxyz', updated_at: 10},
    {session_id: 'sdef5678', claude_session_id: 'c-2222', cwd: '/w/app', root_id: 'zyxwvutsrqponmlkjihgfedcba', updated_at: 20},
    {session_id: 'sdef9999', claude_session_id: 'c-3333', cwd: '/w/lib', updated_at: 30},
  ];
  const cases: Array<[string, string, string, string | RegExp]> = [
    ['nothing: the latest of this directory', '', '/w/app', 'c-2222'],
    ['a thread link', 'https://chat.example.com/team/pl/abcdefghijklmnopqrstuvwxyz', '/', 'c-1111'],
    ['a _redirect link', 'https://chat.example.com/_redirect/pl/zyxwvutsrqponmlkjihgfedcba', '/', 'c-2222'],
    ['a Mattermost session id', 'sabc1234', '/', 'c-1111'],
    ['a Claude session id', 'c-3333', '/', 'c-3333'],
    ['a unique prefix', 'sdef99', '/', 'c-3333'],
    ['an ambiguous prefix', 'sdef', '/', /sdef matches 2 sessions/],
    ['a longer prefix', 'sdef5', '/', 'c-2222'],
    ['a prefix too short to mean anything', 'sd', '/', /no session of this machine matches sd/],
    ['a directory with no session', '', '/elsewhere', /no session of this machine ran in \/elsewhere/],
    ['an unknown link', 'https://x/team/pl/00000000000000000000000000', '/', /no session of this machine has the thread/],
  ];
  for (const [name, target, cwd, want] of cases) {
    it(name, () => {
      const got = findTarget(target, cwd, known);
      if (typeof want === 'string') assert.equal(got.ok && got.session.claude_session_id, want);
      else assert.match(got.ok ? 'ok' : got.reason, want);
    });
  }

  it("finds a session's transcript where Claude Code keeps it", () => {
    assert.equal(transcriptPathFor('/home/me/src/my.app', 'c-1', {HOME: '/home/me'}), '/home/me/.claude/projects/-home-me-src-my-app/c-1.jsonl');
    assert.equal(transcriptPathFor('/w', 'c-1', {CLAUDE_CONFIG_DIR: '/cfg', HOME: '/h'}), '/cfg/projects/-w/c-1.jsonl');
  });
});

describe('recognising the terminal\'s Claude Code process', () => {
  const cases: Array<[string, boolean]> = [
    ['/usr/local/bin/claude --permission-mode default', true],
    ['claude', true],
    ['/home/me/.nvm/versions/node/v22/bin/node /home/me/.npm/lib/node_modules/@anthropic-ai/claude-code/cli.js', true],
    ['/bin/sh -c node hook.js claude-mattermost-hook', false],
    ['/usr/bin/node /opt/claude-mattermost/dist/hook.js claude-mattermost-hook', false],
    ['vim claude.txt', false],
  ];
  for (const [command, want] of cases) it(`${want ? 'is' : 'is not'}: ${command}`, () => assert.equal(looksLikeClaude(command), want));
});

describe('terminal commands (parsing)', () => {
  async function parse(argv: string[]) {
    const got: Record<string, unknown> = {};
    const record = (name: string) => async (a?: unknown) => void (got[name] = a ?? true);
    const actions: TerminalActions = {
      hooksInstall: record('hooksInstall'),
      hooksUninstall: record('hooksUninstall'),
      hooksStatus: record('hooksStatus'),
      follow: record('follow'),
      unfollow: record('unfollow'),
      resume: record('resume'),
      newSession: record('newSession'),
      hook: record('hook'),
    };
    const program = new Command().exitOverride();
    addTerminalCommands(program, actions);
    await program.parseAsync(['node', 'claude-mattermost', ...argv]);
    return got;
  }
  const cases: Array<[string[], Record<string, unknown>]> = [
    [['hooks', 'install'], {hooksInstall: {project: false}}],
    [['hooks', 'install', '--project'], {hooksInstall: {project: true}}],
    [['hooks', 'uninstall', '--project'], {hooksUninstall: {project: true}}],
    [['hooks', 'status'], {hooksStatus: true}],
    [['follow'], {follow: {dir: undefined, channel: undefined, list: false}}],
    [['follow', '~/src/app', '--channel', 'team/dev'], {follow: {dir: '~/src/app', channel: 'team/dev', list: false}}],
    [['follow', '--list'], {follow: {dir: undefined, channel: undefined, list: true}}],
    [['unfollow', 'x'], {unfollow: {dir: 'x'}}],
    [['resume'], {resume: {target: undefined}}],
    [['resume', 'https://chat/team/pl/abc'], {resume: {target: 'https://chat/team/pl/abc'}}],
    [['new', '--dir', '/w', '--channel', 'dev', 'fix', 'the', 'tests'], {newSession: {prompt: 'fix the tests', dir: '/w', channel: 'dev'}}],
    [['hook', 'claude-mattermost-hook'], {hook: true}],
  ];
  for (const [argv, want] of cases) it(argv.join(' '), async () => assert.deepEqual(await parse(argv), want));
});
