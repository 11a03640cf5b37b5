import {highlightLines, languageFor} from '../code/highlight';

import type {DiffFile, DiffLine, Hunk} from './parse';

export interface ShownLine extends DiffLine {
    /** The line's text as highlighted (escaped) HTML. */
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

/**
 * Highlights the first `limit` lines of a diff. Each side of a hunk (old: context and
 * removed lines; new: context and added lines) is highlighted as one piece so that a
 * comment or string over several lines reads right; only the lines on screen are
 * highlighted, so a collapsed 2,000-line diff costs what 40 lines cost.
 */
export function highlightDiff(files: readonly DiffFile[], language: string, limit = Infinity): ShownFile[] {
    const shown: ShownFile[] = [];
    let left = limit;
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
            const lines = hunk.lines.length > left ? hunk.lines.slice(0, left) : hunk.lines;
            left -= lines.length;
            hunks.push({hunk, lines: highlightHunk(lines, grammar)});
        }
        shown.push({file, hunks});
    }
    return shown;
}

function highlightHunk(lines: readonly DiffLine[], grammar: string): ShownLine[] {
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
