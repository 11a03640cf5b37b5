import {escapeHtml, highlightLines, languageFor} from '../code/highlight';

import type {DiffFile, DiffLine, Hunk} from './parse';

export interface ShownLine extends DiffLine {
    /** The line's text as escaped HTML, highlighted when it is within the highlight limit. */
    html: string;
}

export interface ShownHunk {
    hunk: Hunk;
    lines: ShownLine[];
}

export interface ShownFile {
    file: DiffFile;
    hunks: ShownHunk[];
}

/** Whole hunks already highlighted, by grammar: later, longer passes reuse them. */
const highlighted = new WeakMap<Hunk, Map<string, ShownLine[]>>();

/**
 * The first `limit` lines of a diff, of which the first `highlightLimit` are
 * highlighted and the rest escaped plain text (a caller highlights the rest later, a
 * slice at a time, so a long diff shows at once). Each side of a hunk (old: context and
 * removed lines; new: context and added lines) is highlighted as one piece so that a
 * comment or string over several lines reads right.
 */
export function highlightDiff(files: readonly DiffFile[], language: string, limit = Infinity, highlightLimit = limit): ShownFile[] {
    const shown: ShownFile[] = [];
    let left = limit;
    let colour = highlightLimit;
    for (const file of files) {
        if (left <= 0) {
            break;
        }
        const grammar = languageFor(language, file.newPath || file.oldPath);
        const hunks: ShownHunk[] = [];
        for (const hunk of file.hunks) {
            if (left <= 0) {
                break;
            }
            const count = Math.min(hunk.lines.length, left);
            left -= count;
            const coloured = Math.min(count, Math.max(0, colour));
            colour -= coloured;
            hunks.push({hunk, lines: showHunk(hunk, count, coloured, grammar)});
        }
        shown.push({file, hunks});
    }
    return shown;
}

function showHunk(hunk: Hunk, count: number, coloured: number, grammar: string): ShownLine[] {
    if (coloured === hunk.lines.length) {
        const cached = highlighted.get(hunk)?.get(grammar);
        if (cached) {
            return cached;
        }
    }
    const head = highlightHunk(hunk.lines.slice(0, coloured), grammar);
    const tail = hunk.lines.slice(coloured, count).map((line) => ({...line, html: escapeHtml(line.text)}));
    const lines = tail.length > 0 ? head.concat(tail) : head;
    if (coloured === hunk.lines.length) {
        const byGrammar = highlighted.get(hunk) ?? new Map<string, ShownLine[]>();
        byGrammar.set(grammar, lines);
        highlighted.set(hunk, byGrammar);
    }
    return lines;
}

function highlightHunk(lines: readonly DiffLine[], grammar: string): ShownLine[] {
    if (lines.length === 0) {
        return [];
    }
    const oldSide = lines.filter((l) => l.kind !== 'add');
    const newSide = lines.filter((l) => l.kind !== 'del');
    const oldHtml = highlightLines(oldSide.map((l) => l.text).join('\n'), grammar);
    const newHtml = highlightLines(newSide.map((l) => l.text).join('\n'), grammar);
    let o = 0;
    let n = 0;
    return lines.map((line) => {
        let html: string;
        if (line.kind === 'del') {
            html = oldHtml[o++] ?? '';
        } else if (line.kind === 'add') {
            html = newHtml[n++] ?? '';
        } else {
            html = newHtml[n++] ?? '';
            o++;
        }
        return {...line, html};
    });
}
