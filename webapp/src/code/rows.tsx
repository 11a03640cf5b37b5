import React, {useMemo} from 'react';

import {escapeHtml} from './highlight';

/** Code longer than this many lines is shown cut to its first COLLAPSED_LINES lines. */
export const COLLAPSE_OVER = 50;
export const COLLAPSED_LINES = 40;

/**
 * Rows are grouped so the browser can skip laying out the groups scrolled out of
 * sight (`content-visibility: auto`).
 */
const CHUNK = 100;

/**
 * One row of a code or diff block as HTML. The rows of a 2,000-line diff are built as
 * strings, not React elements: React would make ~10,000 elements for them, the
 * browser's parser makes the same nodes several times faster. Every piece is escaped
 * here or already escaped (`code` comes from highlightLines).
 */
export function rowHtml(kind: string, cells: readonly Cell[]): string {
    return `<div class="cm-code-line cm-code-line--${kind}">${cells.map(cellHtml).join('')}</div>`;
}

/** A cell of a row: a gutter number, a +/− sign, highlighted code, or plain text. */
export type Cell =
    | {type: 'no' | 'sign' | 'gap'; text: string; extra?: string}
    | {type: 'code'; html: string; extra?: string}
    | {type: 'text'; text: string; extra?: string};

const cellClass = {no: 'cm-code-line__no', sign: 'cm-code-line__sign', gap: 'cm-code-line__gap', code: 'cm-code-line__text', text: 'cm-code-line__text'};

function cellHtml(cell: Cell): string {
    const classes = cell.extra ? `${cellClass[cell.type]} ${cell.extra}` : cellClass[cell.type];
    const content = cell.type === 'code' ? cell.html : escapeHtml(cell.text);
    return `<span class="${classes}">${content}</span>`;
}

/** The rows, in groups of CHUNK, each group one element. */
export function ChunkedRows({rows}: {rows: readonly string[]}) {
    const chunks = useMemo(() => {
        const joined: string[] = [];
        for (let i = 0; i < rows.length; i += CHUNK) {
            joined.push(rows.slice(i, i + CHUNK).join(''));
        }
        return joined;
    }, [rows]);
    return (
        <div className='cm-code__inner'>
            {chunks.map((html, i) => (
                <div
                    key={i}
                    className={chunks.length > 1 ? 'cm-code__chunk' : undefined}
                    dangerouslySetInnerHTML={{__html: html}}
                />
            ))}
        </div>
    );
}
