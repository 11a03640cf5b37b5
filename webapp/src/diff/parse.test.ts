import {diffStats, parseDiff, splitRows} from './parse';

/** The item at `index`, failing the test when there is none. */
function at<T>(items: readonly T[], index = 0): T {
    const item = items[index];
    if (item === undefined) {
        throw new Error(`no item ${index} in ${JSON.stringify(items)}`);
    }
    return item;
}

const EDIT = `--- a/src/auth/session.ts
+++ b/src/auth/session.ts
@@ -10,7 +10,8 @@ export function login(user: User) {
   const agent = request.agent(app);
-  const jar = shared;
+  const jar = new CookieJar();
+  jar.reset();
   await agent.post('/login');
 
   return agent;
 }
@@ -40,3 +41,3 @@ function logout() {
-  shared.clear();
+  jar.clear();
   done();
 }
`;

describe('unified diff parser', () => {
    it('reads the paths without their a/ and b/ prefixes', () => {
        const file = at(parseDiff(EDIT));
        expect(file).toMatchObject({oldPath: 'src/auth/session.ts', newPath: 'src/auth/session.ts', binary: false});
    });

    it('numbers context lines on both sides and changed lines on their own side', () => {
        const file = at(parseDiff(EDIT));
        const first = at(file.hunks);
        expect(first).toMatchObject({oldStart: 10, oldLines: 7, newStart: 10, newLines: 8, section: 'export function login(user: User) {'});
        expect(first.lines.map((l) => [l.kind, l.oldNo, l.newNo, l.text])).toEqual([
            ['context', 10, 10, '  const agent = request.agent(app);'],
            ['del', 11, 0, '  const jar = shared;'],
            ['add', 0, 11, '  const jar = new CookieJar();'],
            ['add', 0, 12, '  jar.reset();'],
            ['context', 12, 13, '  await agent.post(\'/login\');'],
            ['context', 13, 14, ''],
            ['context', 14, 15, '  return agent;'],
            ['context', 15, 16, '}'],
        ]);
        expect(at(file.hunks, 1).lines.slice(0, 2)).toMatchObject([{kind: 'del', oldNo: 40}, {kind: 'add', newNo: 41}]);
    });

    it('counts added, removed and shown lines', () => {
        expect(diffStats(parseDiff(EDIT))).toEqual({added: 3, removed: 2, lines: 12});
    });

    it('takes a line starting with "---" inside a hunk as a removed line, not a header', () => {
        const file = at(parseDiff('--- a/notes.md\n+++ b/notes.md\n@@ -1,2 +1,2 @@\n--- old rule\n+--- new rule\n keep\n'));
        expect(at(file.hunks, 0).lines.map((l) => [l.kind, l.text])).toEqual([['del', '-- old rule'], ['add', '--- new rule'], ['context', 'keep']]);
    });

    it('reads a new file against /dev/null with a one-number hunk header', () => {
        const file = at(parseDiff('--- /dev/null\n+++ b/hello.go\n@@ -0,0 +1 @@\n+package main\n'));
        expect(file.oldPath).toBe('');
        expect(file.newPath).toBe('hello.go');
        expect(at(file.hunks, 0).lines).toEqual([{kind: 'add', text: 'package main', oldNo: 0, newNo: 1}]);
    });

    it('marks the line that has no newline at the end of the file', () => {
        const file = at(parseDiff('--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n\\ No newline at end of file\n+b\n\\ No newline at end of file\n'));
        expect(at(file.hunks, 0).lines.map((l) => l.noNewline === true)).toEqual([true, true]);
    });

    it('reads several files of a git diff, with their headers and CRLF line ends', () => {
        const text = [
            'diff --git a/a.ts b/a.ts', 'index 1..2 100644', '--- a/a.ts', '+++ b/a.ts', '@@ -1 +1 @@', '-x', '+y',
            'diff --git a/logo.png b/logo.png', 'Binary files a/logo.png and b/logo.png differ',
            'diff --git a/b.ts b/b.ts', '--- a/b.ts', '+++ b/b.ts', '@@ -3,0 +4 @@', '+z',
        ].join('\r\n');
        const files = parseDiff(text);
        expect(files.map((f) => [f.newPath || f.oldPath, f.binary, f.hunks.length])).toEqual([['a.ts', false, 1], ['', true, 0], ['b.ts', false, 1]]);
        expect(at(at(files, 2).hunks).lines).toMatchObject([{kind: 'add', text: 'z', newNo: 4}]);
    });

    it('reads a hunk that has no file header', () => {
        expect(at(at(parseDiff('@@ -1,2 +1,2 @@\n a\n-b\n+c\n')).hunks).lines).toHaveLength(3);
    });

    it('keeps the lines of a diff that was cut short', () => {
        const file = at(parseDiff('--- a/x\n+++ b/x\n@@ -1,100 +1,100 @@\n a\n-b\n+c'));
        expect(at(file.hunks, 0).lines.map((l) => l.kind)).toEqual(['context', 'del', 'add']);
    });

    it('reads nothing from text that is not a diff', () => {
        expect(parseDiff('hello\nworld\n')).toEqual([]);
        expect(parseDiff('')).toEqual([]);
    });

    it('keeps plain `diff -u` files apart', () => {
        const files = parseDiff('--- a/one\n+++ b/one\n@@ -1 +1 @@\n-1\n+2\n--- a/two\n+++ b/two\n@@ -1 +1 @@\n-3\n+4\n');
        expect(files.map((f) => f.newPath)).toEqual(['one', 'two']);
    });
});

describe('split rows', () => {
    it('pairs removed lines with the added lines after them, and leaves blanks for the longer run', () => {
        const file = at(parseDiff(EDIT));
        const rows = splitRows(at(file.hunks, 0).lines).map(({left, right}) => [left?.oldNo ?? null, right?.newNo ?? null]);
        expect(rows).toEqual([[10, 10], [11, 11], [null, 12], [12, 13], [13, 14], [14, 15], [15, 16]]);
    });

    it('puts a removal with nothing added beside a blank', () => {
        const file = at(parseDiff('@@ -1,3 +1,1 @@\n-a\n-b\n c\n'));
        expect(splitRows(at(file.hunks, 0).lines).map(({left, right}) => [left?.text ?? null, right?.text ?? null])).toEqual([['a', null], ['b', null], ['c', 'c']]);
    });
});
