import assert from 'node:assert/strict';
import path from 'node:path';
import {describe, it} from 'node:test';
import {buildProgram, type LoginArgs, type StartArgs} from '../../src/cli/program.js';
import {normaliseUrl} from '../../src/cli/login.js';

async function parse(argv: string[]): Promise<{login?: LoginArgs; start?: StartArgs; out: string; err: string}> {
  const got: {login?: LoginArgs; start?: StartArgs; out: string; err: string} = {out: '', err: ''};
  const program = buildProgram({
    login: async (a) => void (got.login = a),
    start: async (a) => void (got.start = a),
  });
  program.exitOverride();
  program.configureOutput({writeOut: (s) => (got.out += s), writeErr: (s) => (got.err += s)});
  for (const c of program.commands) {
    c.exitOverride();
    c.configureOutput({writeOut: (s) => (got.out += s), writeErr: (s) => (got.err += s)});
  }
  await program.parseAsync(['node', 'claude-mattermost', ...argv]);
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

  it('--help lists login and start', async () => {
    const out: string[] = [];
    await parse(['--help']).catch((err: {code?: string}) => out.push(err.code ?? ''));
    assert.deepEqual(out, ['commander.helpDisplayed']);
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
