/** Card previews and applied-edit diffs: pure functions, one case per rule. */
import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {parsePatch} from 'diff';
import {applyEdit, clipLines, unifiedDiff, contentAfter, displayPath, editPreview, languageOf, mcpPreview, MAX_PREVIEW_CHARS, previewFor, type FileSnapshot} from '../../src/claude/preview.js';
import {isBinary} from '../../src/claude/snapshot.js';

const cwd = '/repo';
const text = (content: string): FileSnapshot => ({state: 'text', content});

describe('language from the file name', () => {
  const table: Array<[string, string]> = [
    ['src/a.ts', 'ts'],
    ['App.TSX', 'tsx'],
    ['main.go', 'go'],
    ['x.py', 'py'],
    ['lib.rs', 'rs'],
    ['A.java', 'java'],
    ['m.c', 'c'],
    ['m.cpp', 'cpp'],
    ['s.css', 'css'],
    ['i.html', 'html'],
    ['p.json', 'json'],
    ['c.yml', 'yaml'],
    ['README.md', 'md'],
    ['run.sh', 'sh'],
    ['q.sql', 'sql'],
    ['Dockerfile', 'dockerfile'],
    ['Makefile', 'makefile'],
    ['LICENSE', ''],
    ['archive.xyz', ''],
  ];
  for (const [file, want] of table) it(`${file} → "${want}"`, () => assert.equal(languageOf(file), want));
});

describe('diff header paths', () => {
  it('inside the session directory: relative', () => assert.equal(displayPath('/repo/src/a.ts', cwd), 'src/a.ts'));
  it('a relative path is taken from the session directory', () => assert.equal(displayPath('src/a.ts', cwd), 'src/a.ts'));
  it('outside: the absolute path without its leading slash', () => assert.equal(displayPath('/etc/hosts', cwd), 'etc/hosts'));
});

describe('applying edits', () => {
  const table: Array<[string, string, string, string, boolean, string | RegExp]> = [
    ['replaces the one occurrence', 'a b c', 'b', 'B', false, 'a B c'],
    ['old_string missing fails', 'a b c', 'x', 'y', false, /not in the file/],
    ['more than one occurrence fails without replace_all', 'b b', 'b', 'B', false, /more than once/],
    ['replace_all replaces every occurrence', 'b b', 'b', 'B', true, 'B B'],
    ['an empty old_string creates an empty file', '', '', 'new', false, 'new'],
  ];
  for (const [rule, content, oldS, newS, all, want] of table) {
    it(rule, () => {
      const r = applyEdit(content, oldS, newS, all);
      if (typeof want === 'string') assert.deepEqual(r, {ok: true, content: want});
      else assert.ok(!r.ok && want.test(r.reason), JSON.stringify(r));
    });
  }

  it('MultiEdit applies its edits in order, each on the result of the one before', () => {
    const r = contentAfter('MultiEdit', {edits: [{old_string: 'a', new_string: 'b'}, {old_string: 'bb', new_string: 'c'}]}, 'ab');
    assert.deepEqual(r, {ok: true, content: 'c'});
  });
  it('MultiEdit fails as a whole when one edit does not apply, saying which', () => {
    const r = contentAfter('MultiEdit', {edits: [{old_string: 'a', new_string: 'b'}, {old_string: 'zz', new_string: 'c'}]}, 'ab');
    assert.ok(!r.ok && /edit 2/.test(r.reason));
  });
  it('Write replaces everything', () => assert.deepEqual(contentAfter('Write', {content: 'x'}, 'old'), {ok: true, content: 'x'}));
});

describe('edit previews', () => {
  it('Edit: a unified diff with 3 lines of context, a/ b/ headers, counts and language', () => {
    const before = 'l1\nl2\nl3\nl4\nl5\nl6\nl7\nl8\nl9\n';
    const p = editPreview('Edit', {file_path: '/repo/src/x.ts', old_string: 'l5', new_string: 'L5'}, text(before), cwd);
    assert.deepEqual(p, {
      kind: 'diff',
      file_path: '/repo/src/x.ts',
      diff: '--- a/src/x.ts\n+++ b/src/x.ts\n@@ -2,7 +2,7 @@\n l2\n l3\n l4\n-l5\n+L5\n l6\n l7\n l8\n',
      language: 'ts',
      added: 1,
      removed: 1,
    });
  });

  it('Write of a new file: its content, line count and language', () => {
    const p = editPreview('Write', {file_path: '/repo/new.py', content: 'a\nb\n'}, {state: 'missing'}, cwd);
    assert.deepEqual(p, {kind: 'new_file', file_path: '/repo/new.py', content: 'a\nb\n', language: 'py', lines: 2});
  });

  it('Write over an existing file: a diff against its current content', () => {
    const p = editPreview('Write', {file_path: '/repo/a.txt', content: 'new\n'}, text('old\n'), cwd);
    assert.equal(p?.kind, 'diff');
    assert.equal((p as {diff: string}).diff, '--- a/a.txt\n+++ b/a.txt\n@@ -1,1 +1,1 @@\n-old\n+new\n');
  });

  it('MultiEdit: the diff of all its edits together', () => {
    const p = editPreview('MultiEdit', {file_path: '/repo/m.go', edits: [{old_string: 'a', new_string: 'A'}, {old_string: 'c', new_string: 'C'}]}, text('a\nb\nc\n'), cwd);
    assert.deepEqual([p?.kind, (p as {added: number}).added, (p as {removed: number}).removed], ['diff', 2, 2]);
  });

  const noDiff: Array<[string, FileSnapshot, RegExp]> = [
    ['a binary file has no diff', {state: 'binary'}, /binary/],
    ['a file too large to read has no diff', {state: 'too_large', size: 9_000_000}, /too large.*9,000,000/],
    ['an unreadable file says why', {state: 'unreadable', reason: 'EACCES'}, /EACCES/],
    ['an edit that does not apply says so', text('nothing here'), /does not apply/],
  ];
  for (const [rule, before, note] of noDiff) {
    it(rule, () => {
      const p = editPreview('Edit', {file_path: '/repo/f.bin', old_string: 'x', new_string: 'y'}, before, cwd) as {diff: string; truncated: boolean; note: string};
      assert.equal(p.diff, '');
      assert.equal(p.truncated, true);
      assert.match(p.note, note);
    });
  }

  it('a diff over 400 000 characters is cut at a line end and marked truncated', () => {
    const big = Array.from({length: 30_000}, (_, i) => `line ${i} ${'x'.repeat(10)}`).join('\n') + '\n';
    const p = editPreview('Write', {file_path: '/repo/big.txt', content: big}, text(''), cwd) as {diff: string; truncated: boolean};
    assert.equal(p.truncated, true);
    assert.ok(p.diff.length <= MAX_PREVIEW_CHARS);
    assert.ok(p.diff.endsWith('\n'));
  });

  it('a new file over 400 000 characters is cut and marked truncated; lines count the whole file', () => {
    const content = 'z'.repeat(100) + '\n';
    const p = editPreview('Write', {file_path: '/repo/n.txt', content: content.repeat(5000)}, {state: 'missing'}, cwd) as {content: string; truncated: boolean; lines: number};
    assert.equal(p.truncated, true);
    assert.equal(p.lines, 5000);
    assert.ok(p.content.length <= MAX_PREVIEW_CHARS);
  });

  it('a line diff that takes too long shows the whole file rewritten', () => {
    const before = Array.from({length: 3000}, (_, i) => `a${i}`).join('\n') + '\n';
    const after = Array.from({length: 3000}, (_, i) => `b${i}`).join('\n');
    const d = unifiedDiff('f.txt', before, after, 0);
    assert.deepEqual([d.added, d.removed], [3000, 3000]);
    assert.ok(d.diff.startsWith('--- a/f.txt\n+++ b/f.txt\n@@ -1,3000 +1,3000 @@\n-a0\n'));
    assert.ok(d.diff.endsWith('+b2999\n\\ No newline at end of file\n'));
    assert.deepEqual(parsePatch(d.diff)[0]!.hunks[0]!.lines.length, 6001, 'a patch jsdiff itself reads back');
  });

  it('clipLines cuts one enormous line hard', () => assert.deepEqual(clipLines('a'.repeat(10), 4), {text: 'aaaa', truncated: true}));
});

describe('other tools', () => {
  const table: Array<[string, unknown]> = [
    ['mcp__github__create_issue', {kind: 'mcp', server: 'github', tool: 'create_issue'}],
    ['mcp__my_server__do__it', {kind: 'mcp', server: 'my_server', tool: 'do__it'}],
    ['Bash', undefined],
    ['Read', undefined],
    ['WebFetch', undefined],
    ['Task', undefined],
  ];
  for (const [tool, want] of table) it(`${tool} → ${JSON.stringify(want)}`, () => assert.deepEqual(previewFor(tool, {}, undefined, cwd), want));
  it('an mcp name without a tool part is not an MCP tool', () => assert.equal(mcpPreview('mcp__server'), undefined));
});

describe('binary detection', () => {
  it('a NUL byte is binary', () => assert.equal(isBinary(Buffer.from([0x61, 0, 0x62])), true));
  it('invalid UTF-8 is binary', () => assert.equal(isBinary(Buffer.from([0xff, 0xfe, 0xfd])), true));
  it('UTF-8 text is not', () => assert.equal(isBinary(Buffer.from('héllo ✓', 'utf8')), false));
});
