// Syntax highlighting: highlight.js core with the languages Claude edits most, so the
// bundle stays small (each language is a few KB; the whole library would be ~300 KB).
// highlight.js escapes the code it returns, so its HTML is safe to insert.
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import c from 'highlight.js/lib/languages/c';
import cpp from 'highlight.js/lib/languages/cpp';
import css from 'highlight.js/lib/languages/css';
import diff from 'highlight.js/lib/languages/diff';
import go from 'highlight.js/lib/languages/go';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import markdown from 'highlight.js/lib/languages/markdown';
import python from 'highlight.js/lib/languages/python';
import rust from 'highlight.js/lib/languages/rust';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';

const languages = {bash, c, cpp, css, diff, go, java, javascript, json, markdown, python, rust, sql, typescript, xml, yaml};
for (const [name, language] of Object.entries(languages)) {
    hljs.registerLanguage(name, language);
}
// The agent's names (from file extensions) that the grammars do not list as aliases.
hljs.registerAliases(['shell', 'zsh', 'console'], {languageName: 'bash'});
hljs.registerAliases(['jsonc', 'json5'], {languageName: 'json'});
hljs.registerAliases(['svg', 'vue'], {languageName: 'xml'});

/** Above this many characters the text is shown plain: highlighting it would hold up the page. */
export const HIGHLIGHT_LIMIT = 500_000;

const escapes: Record<string, string> = {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\'': '&#x27;'};

export function escapeHtml(text: string): string {
    return text.replace(/[&<>"']/g, (ch) => escapes[ch] ?? ch);
}

/** The registered grammar for the agent's `language` ("ts", "py", "sh", …), or '' for none. */
export function grammarFor(language: string): string {
    const name = language.trim().toLowerCase();
    if (name === '') {
        return '';
    }
    return hljs.getLanguage(name) ? name : '';
}

/** The grammar for a file: the agent's `language`, else the file's extension; '' for none. */
export function languageFor(language: string, path: string): string {
    const named = grammarFor(language);
    if (named !== '') {
        return named;
    }
    const ext = /\.([A-Za-z0-9+]+)$/.exec(path)?.[1] ?? '';
    return grammarFor(ext);
}

const TOKEN = /<span class="[^"]*">|<\/span>|\n|[^<\n]+/g;

/**
 * Cuts highlighted HTML into lines. A token can span lines (a block comment, a
 * template string), so each line closes the spans still open at its end and the
 * next line opens them again: every line is well-formed on its own.
 */
export function splitHtmlLines(html: string): string[] {
    const lines: string[] = [];
    const open: string[] = [];
    let line = '';
    for (const [token] of html.matchAll(TOKEN)) {
        if (token === '\n') {
            lines.push(line + '</span>'.repeat(open.length));
            line = open.join('');
        } else if (token === '</span>') {
            open.pop();
            line += token;
        } else {
            if (token.startsWith('<span')) {
                open.push(token);
            }
            line += token;
        }
    }
    lines.push(line + '</span>'.repeat(open.length));
    return lines;
}

/**
 * The lines of `code` as HTML, highlighted when `language` names a known grammar,
 * else escaped text. `code` is one piece (a file, one side of a hunk) so tokens that
 * span lines come out right.
 */
export function highlightLines(code: string, language: string): string[] {
    const grammar = grammarFor(language);
    if (grammar === '' || code.length > HIGHLIGHT_LIMIT) {
        return code.split('\n').map(escapeHtml);
    }
    return splitHtmlLines(hljs.highlight(code, {language: grammar, ignoreIllegals: true}).value);
}
