import {escapeHtml, grammarFor, highlightLines, splitHtmlLines} from './highlight';

describe('highlighting', () => {
    it.each([
        ['ts', 'ts'], ['tsx', 'tsx'], ['js', 'js'], ['jsx', 'jsx'], ['go', 'go'], ['py', 'py'], ['rs', 'rs'], ['java', 'java'],
        ['c', 'c'], ['cpp', 'cpp'], ['css', 'css'], ['html', 'html'], ['json', 'json'], ['yaml', 'yaml'], ['md', 'md'],
        ['sh', 'sh'], ['sql', 'sql'], ['diff', 'diff'], ['TS', 'ts'],
    ])('knows the agent\'s language name %s', (name, grammar) => {
        expect(grammarFor(name)).toBe(grammar);
    });

    it.each(['', 'brainfuck', 'unknown'])('shows %p as plain text', (name) => {
        expect(grammarFor(name)).toBe('');
        expect(highlightLines('a < b\nc', name)).toEqual(['a &lt; b', 'c']);
    });

    it('marks keywords and strings and escapes the code', () => {
        const [line] = highlightLines('const a = "<b>";', 'ts');
        expect(line).toContain('<span class="hljs-keyword">const</span>');
        expect(line).toContain('&lt;b&gt;');
        expect(line).not.toContain('<b>');
    });

    it('gives one entry per line, blank lines included', () => {
        expect(highlightLines('package main\n\nfunc main() {}\n', 'go')).toHaveLength(4);
    });

    it('closes and reopens a token that spans lines, so each line stands alone', () => {
        const lines = highlightLines('/* one\ntwo */ x', 'ts');
        expect(lines[0]).toBe('<span class="hljs-comment">/* one</span>');
        expect(lines[1]).toBe('<span class="hljs-comment">two */</span> x');
    });

    it('splits nested spans', () => {
        expect(splitHtmlLines('<span class="a">x<span class="b">y\nz</span>w</span>')).toEqual([
            '<span class="a">x<span class="b">y</span></span>',
            '<span class="a"><span class="b">z</span>w</span>',
        ]);
    });

    it('escapes every character HTML gives meaning to', () => {
        expect(escapeHtml('<a href="x" title=\'y\'>&</a>')).toBe('&lt;a href=&quot;x&quot; title=&#x27;y&#x27;&gt;&amp;&lt;/a&gt;');
    });
});
