import React from 'react';

/** Code longer than this many lines is shown cut to its first COLLAPSED_LINES lines. */
export const COLLAPSE_OVER = 50;
export const COLLAPSED_LINES = 40;

/**
 * Rows are grouped so the browser can skip laying out the groups scrolled out of
 * sight (`content-visibility: auto`): a 2,000-line diff lays out like a short one.
 */
const CHUNK = 100;

export function chunked(rows: React.ReactNode[]): React.ReactNode {
    if (rows.length <= CHUNK) {
        return rows;
    }
    const chunks: React.ReactNode[] = [];
    for (let i = 0; i < rows.length; i += CHUNK) {
        chunks.push(
            <div
                key={i}
                className='cm-code__chunk'
            >
                {rows.slice(i, i + CHUNK)}
            </div>,
        );
    }
    return chunks;
}
