import assert from 'node:assert/strict';
import path from 'node:path';
import {describe, it} from 'node:test';
import {buildProgram, type LogsArgs, type LoginArgs, type StartArgs} from '../../src/cli/program.js';
import {normaliseUrl} from '../../src/cli/login.js';

interface Got {
  login?: LoginArgs;
  start?: StartArgs;
  logs?: LogsArgs;
  sessions?: {all: boolean};
  setup?: {url?: string};
  ran: string[];
  out: string;
  err: string;
}

const ENV_NAMES = [
  'CLAUDE_MATTERMOST_URL',
  'CLAUDE_MATTERMOST_CODE',
  'CLAUDE_MATTERMOST_MACHINE_NAME',
  'CLAUDE_MATTERMOST_ALLOWED_ROOTS',
  'CLAUDE_MATTERMOST_DEFAULT_DIR',
  'CLAUDE_MATTERMOST_PERMISSION_MODE',
  'CLAUDE_MATTERMOST_MODEL',
  'CLAUDE_MATTERMOST_VERBOSE',
];

async function parse(argv: string[], env: Record<string, string> = {}): Promise<Got> {
  const got: Got = {ran: [], out: '', err: ''};
  const saved = Object.fromEntries(ENV_NAMES.map((n) => [n, process.env[n]]));
  for (const n of ENV_NAMES) delete process.env[n];
  Object.assign(process.env, env);
  const program = buildProgram({
    login: async (a) => void (got.login = a),
    start: async (a) => void (got.start = a),
    setup: async (a) => void (got.setup = a),
    status: async () => void got.ran.push('status'),
    sessions: async (a) => void (got.sessions = a),
    logs: async (a) => void (got.logs = a),
    doctor: async () => void got.ran.push('doctor'),
  });
  program.exitOverride();
  program.configureOutput({writeOut: (s) => (got.out += s), writeErr: (s) => (got.err += s)});
  for (const c of program.commands) {
    c.exitOverride();
    c.configureOutput({writeOut: (s) => (got.out += s), writeErr: (s) => (got.err += s)});
  }
  try {
    await program.parseAsync(['node', 'claude-mattermost', ...argv]);
  } finally {
    for (const n of ENV_NAMES) {
      if (saved[n] === undefined) delete process.env[n];
      else process.env[n] = saved[n];
    }
  }
  return got;
}

describe('command line', () => {
  it('login takes url, code and name', async () => {
    const {login} = await parse(['login', '--url', 'https://chat.example.com', '--code', 'ABCD-1234', '--name', 'laptop']);
    assert.deepEqual(login, {url: 'https://chat.example.com', code: 'ABCD-1234', name: 'laptop', allowedRoots: [], defaultDir: undefined});
  });

  it('--allowed-root repeats and resolves relative paths', async () => {
    const {start} = await parse(['start', '--allowed-root', '/a', '--allowed-root', 'rel', '--default-dir', 'dd']);
    assert.deepEqual(start, {allowedRoots: ['/a', path.resolve('rel')], defaultDir: path.resolve('dd'), verbose: false});
  });

  it('start needs no flags', async () => {
    const {start} = await parse(['start']);
    assert.deepEqual(start, {allowedRoots: [], defaultDir: undefined, verbose: false});
  });

  it('login without --url is a usage error', async () => {
    await assert.rejects(parse(['login', '--code', 'x']), (err: {code?: string}) => err.code === 'commander.missingMandatoryOptionValue');
  });

  it('an unknown command is a usage error', async () => {
    await assert.rejects(parse(['frobnicate']), (err: {code?: string}) => err.code === 'commander.unknownCommand');
  });

  it('--version prints the package version', async () => {
    await assert.rejects(parse(['--version']), (err: {code?: string}) => err.code === 'commander.version');
  });

  it('--help lists every command and every environment variable', async () => {
    const codes: string[] = [];
    let help = '';
    const program = buildProgram({} as never);
    program.exitOverride();
    program.configureOutput({writeOut: (s) => (help += s)});
    await program.parseAsync(['node', 'claude-mattermost', '--help']).catch((err: {code?: string}) => codes.push(err.code ?? ''));
    assert.deepEqual(codes, ['commander.helpDisplayed']);
    for (const cmd of ['setup', 'login', 'start', 'status', 'sessions', 'logs', 'doctor']) assert.match(help, new RegExp(`\\n  ${cmd}\\b`), cmd);
    for (const name of [...ENV_NAMES, 'CLAUDE_MATTERMOST_CONFIG_DIR']) assert.ok(help.includes(name), name);
  });

  const envTable: Array<[string, string[], Record<string, string>, Partial<StartArgs>]> = [
    ['CLAUDE_MATTERMOST_ALLOWED_ROOTS is a path list', ['start'], {CLAUDE_MATTERMOST_ALLOWED_ROOTS: `/a${path.delimiter}/b`}, {allowedRoots: ['/a', '/b']}],
    ['a flag wins over its environment variable', ['start', '--allowed-root', '/c'], {CLAUDE_MATTERMOST_ALLOWED_ROOTS: '/a'}, {allowedRoots: ['/c']}],
    ['CLAUDE_MATTERMOST_DEFAULT_DIR', ['start'], {CLAUDE_MATTERMOST_DEFAULT_DIR: '/d'}, {defaultDir: '/d'}],
    ['CLAUDE_MATTERMOST_URL on start', ['start'], {CLAUDE_MATTERMOST_URL: 'https://x'}, {url: 'https://x'}],
    ['CLAUDE_MATTERMOST_PERMISSION_MODE', ['start'], {CLAUDE_MATTERMOST_PERMISSION_MODE: 'plan'}, {permissionMode: 'plan'}],
    ['--permission-mode', ['start', '--permission-mode', 'acceptEdits'], {}, {permissionMode: 'acceptEdits'}],
    ['CLAUDE_MATTERMOST_MODEL', ['start'], {CLAUDE_MATTERMOST_MODEL: 'claude-x'}, {model: 'claude-x'}],
    ['CLAUDE_MATTERMOST_VERBOSE=1', ['start'], {CLAUDE_MATTERMOST_VERBOSE: '1'}, {verbose: true}],
  ];
  for (const [rule, argv, env, want] of envTable) {
    it(rule, async () => {
      const {start} = await parse(argv, env);
      for (const [k, v] of Object.entries(want)) assert.deepEqual((start as unknown as Record<string, unknown>)[k], v, k);
    });
  }

  it('an unknown permission mode is a usage error', async () => {
    await assert.rejects(parse(['start', '--permission-mode', 'yolo']), (err: {code?: string}) => err.code === 'commander.invalidArgument');
  });

  it('login takes its url, code and name from the environment', async () => {
    const {login} = await parse(['login'], {CLAUDE_MATTERMOST_URL: 'https://chat', CLAUDE_MATTERMOST_CODE: 'C0DE', CLAUDE_MATTERMOST_MACHINE_NAME: 'box'});
    assert.deepEqual(login, {url: 'https://chat', code: 'C0DE', name: 'box', allowedRoots: [], defaultDir: undefined});
  });

  it('logs takes -f and -n', async () => {
    assert.deepEqual((await parse(['logs'])).logs, {follow: false, lines: 50});
    assert.deepEqual((await parse(['logs', '-f', '-n', '5'])).logs, {follow: true, lines: 5});
    await assert.rejects(parse(['logs', '-n', 'many']), (err: {code?: string}) => err.code === 'commander.invalidArgument');
  });

  it('status, sessions, doctor and setup run their actions', async () => {
    assert.deepEqual((await parse(['status'])).ran, ['status']);
    assert.deepEqual((await parse(['doctor'])).ran, ['doctor']);
    assert.deepEqual((await parse(['sessions', '--all'])).sessions, {all: true});
    assert.deepEqual((await parse(['setup'], {CLAUDE_MATTERMOST_URL: 'https://chat'})).setup, {url: 'https://chat'});
  });
});

describe('site URL', () => {
  const table: Array<[string, string]> = [
    ['https://chat.example.com/', 'https://chat.example.com'],
    [' http://localhost:8065 ', 'http://localhost:8065'],
    ['https://example.com/mattermost/', 'https://example.com/mattermost'],
  ];
  for (const [raw, want] of table) it(`${raw.trim()} → ${want}`, () => assert.equal(normaliseUrl(raw), want));
  it('rejects a non-URL', () => assert.throws(() => normaliseUrl('chat.example.com'), /--url must be/));
  it('rejects other schemes', () => assert.throws(() => normaliseUrl('ftp://x'), /http/));
});
