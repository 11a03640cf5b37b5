import React, {useEffect, useMemo, useRef, useState} from 'react';

import {ChunkedRows, COLLAPSE_OVER, COLLAPSED_LINES, rowHtml} from '../code/rows';
import type {Cell} from '../code/rows';
import {useContainerWidth} from '../code/useContainerWidth';
import {plural} from '../components/format';

import {highlightDiff} from './highlight';
import type {ShownFile, ShownLine} from './highlight';
import {diffStats, parseDiff, splitRows} from './parse';
import type {Hunk} from './parse';

/** From this container width the diff can show old and new side by side. */
export const SPLIT_MIN_WIDTH = 900;

/**
 * Lines highlighted at once when the whole diff opens; the rest show as plain text and
 * are highlighted HIGHLIGHT_STEP lines at a time after it is on screen, so "Show all"
 * on a 2,000-line diff answers within a frame or two instead of a fifth of a second.
 */
export const HIGHLIGHT_FIRST = 300;
export const HIGHLIGHT_STEP = 200;

type Layout = 'unified' | 'split';

interface Props {
    diff: string;
    language: string;

    /** Accessible name of the lines ("Changes to src/auth.ts"). */
    label: string;

    /** Shown above the lines (full path in its tooltip); omit when the card's title names the file. */
    path?: string;
    fullPath?: string;

    /** The agent's counts; counted from the diff when absent. */
    added?: number;
    removed?: number;

    /** Show "+N −M" above the lines (off when the card's title has them). */
    showStats?: boolean;

    /** The agent cut the diff at its size limit. */
    truncated?: boolean;
}

/** "+3 −2", read out as "3 lines added, 2 removed". */
export function DiffStat({added, removed}: {added: number; removed: number}) {
    return (
        <span className='cm-diffstat'>
            <span aria-hidden='true'>
                <span className='cm-diffstat__add'>{`+${added}`}</span>
                {' '}
                <span className='cm-diffstat__del'>{`−${removed}`}</span>
            </span>
            <span className='cm-visually-hidden'>{`${plural(added, 'line')} added, ${removed} removed`}</span>
        </span>
    );
}

const signs = {add: '+', del: '−', context: ' '} as const;

function hunkHeader(hunk: Hunk): string {
    return `@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@${hunk.section ? ` ${hunk.section}` : ''}`;
}

function fileRow(path: string): string {
    return rowHtml('file', [{type: 'text', text: path}]);
}

// The rows of a hunk's lines, kept while the lines are (highlightDiff returns the same
// array for a hunk it highlighted before), so a slice of background highlighting
// rebuilds only the rows it coloured.
const unifiedCache = new WeakMap<readonly ShownLine[], string[]>();
const splitCache = new WeakMap<readonly ShownLine[], string[]>();

function cached(cache: WeakMap<readonly ShownLine[], string[]>, lines: readonly ShownLine[], build: () => string[]): string[] {
    let rows = cache.get(lines);
    if (!rows) {
        rows = build();
        cache.set(lines, rows);
    }
    return rows;
}

function unifiedRows(files: readonly ShownFile[], several: boolean): string[] {
    const rows: string[] = [];
    for (const {file, hunks} of files) {
        if (several) {
            rows.push(fileRow(file.newPath || file.oldPath || 'file'));
        }
        for (const {hunk, lines} of hunks) {
            rows.push(rowHtml('hunk', [{type: 'gap', text: '⋯'}, {type: 'text', text: hunkHeader(hunk)}]));
            rows.push(...cached(unifiedCache, lines, () => lines.map((line) => rowHtml(line.kind, [
                {type: 'no', text: line.oldNo ? String(line.oldNo) : ''},
                {type: 'no', text: line.newNo ? String(line.newNo) : ''},
                {type: 'sign', text: signs[line.kind]},
                {type: 'code', html: line.html},
            ]))));
        }
    }
    return rows;
}

function splitSide(line: ShownLine | null, side: 'old' | 'new'): Cell[] {
    if (!line) {
        const extra = 'cm-split--empty';
        return [{type: 'no', text: '', extra}, {type: 'sign', text: '', extra}, {type: 'code', html: '', extra}];
    }
    const extra = `cm-split--${line.kind}`;
    return [
        {type: 'no', text: String(side === 'old' ? line.oldNo : line.newNo), extra},
        {type: 'sign', text: signs[line.kind], extra},
        {type: 'code', html: line.html, extra},
    ];
}

function splitViewRows(files: readonly ShownFile[], several: boolean): string[] {
    const rows: string[] = [];
    for (const {file, hunks} of files) {
        if (several) {
            rows.push(fileRow(file.newPath || file.oldPath || 'file'));
        }
        for (const {hunk, lines} of hunks) {
            rows.push(rowHtml('hunk cm-code-line--split', [{type: 'gap', text: '⋯'}, {type: 'text', text: hunkHeader(hunk)}]));
            rows.push(...cached(splitCache, lines, () => splitRows(lines).map(({left, right}) => rowHtml('split', [...splitSide(left, 'old'), ...splitSide(right, 'new')]))));
        }
    }
    return rows;
}

/** Widest line number, for the number columns' width. */
function numberWidth(files: readonly ShownFile[]): number {
    let max = 1;
    for (const {hunks} of files) {
        for (const {hunk} of hunks) {
            max = Math.max(max, hunk.oldStart + hunk.oldLines, hunk.newStart + hunk.newLines);
        }
    }
    return String(max).length;
}

/**
 * A unified diff with old and new line numbers, highlighted by language; side by side
 * when its container is at least 900px wide (a toggle switches back). A long diff
 * shows its first 40 lines and a "Show all N lines" button.
 */
export default function DiffView({diff, language, label, path, fullPath, added, removed, showStats = true, truncated = false}: Props) {
    const ref = useRef<HTMLDivElement>(null);
    const width = useContainerWidth(ref);
    const [expanded, setExpanded] = useState(false);
    const [chosen, setChosen] = useState<Layout | null>(null);

    const files = useMemo(() => parseDiff(diff), [diff]);
    const stats = useMemo(() => diffStats(files), [files]);
    const collapsible = stats.lines > COLLAPSE_OVER;
    const limit = collapsible && !expanded ? COLLAPSED_LINES : stats.lines;
    const [colourUpTo, setColourUpTo] = useState(HIGHLIGHT_FIRST);
    const coloured = Math.min(limit, colourUpTo);
    const shown = useMemo(() => highlightDiff(files, language, limit, coloured), [files, language, limit, coloured]);
    useEffect(() => {
        if (coloured >= limit) {
            return undefined;
        }
        const timer = window.setTimeout(() => setColourUpTo(coloured + HIGHLIGHT_STEP), 0);
        return () => window.clearTimeout(timer);
    }, [coloured, limit]);

    const wide = width >= SPLIT_MIN_WIDTH;
    const layout: Layout = wide ? chosen ?? 'split' : 'unified';
    const several = files.length > 1;
    const rows = useMemo(() => (layout === 'split' ? splitViewRows(shown, several) : unifiedRows(shown, several)), [layout, shown, several]);
    const binary = files.some((f) => f.binary);
    const showBar = path !== undefined || showStats || wide;

    return (
        <div
            ref={ref}
            className='cm-diff'
        >
            {showBar && (
                <div className='cm-code-bar'>
                    {path !== undefined && (
                        <span
                            className='cm-code-bar__path'
                            title={fullPath ?? path}
                        >
                            {path}
                        </span>
                    )}
                    {showStats && (
                        <DiffStat
                            added={added ?? stats.added}
                            removed={removed ?? stats.removed}
                        />
                    )}
                    {wide && (
                        <div
                            className='cm-segmented'
                            role='group'
                            aria-label='Diff layout'
                        >
                            {(['unified', 'split'] as const).map((option) => (
                                <button
                                    key={option}
                                    type='button'
                                    className='cm-segmented__option'
                                    aria-pressed={layout === option}
                                    onClick={() => setChosen(option)}
                                >
                                    {option === 'unified' ? 'Unified' : 'Split'}
                                </button>
                            ))}
                        </div>
                    )}
                </div>
            )}
            {rows.length > 0 ? (
                <div
                    className={`cm-code cm-code--lines cm-diff--${layout}${expanded ? ' cm-code--expanded' : ''}`}
                    style={{'--cm-num': `${numberWidth(shown) + 1}ch`} as React.CSSProperties}
                    role='region'
                    aria-label={label}
                    tabIndex={0}
                >
                    <ChunkedRows rows={rows}/>
                </div>
            ) : (
                <p className='cm-muted'>{binary ? 'Binary file: no lines to show.' : 'No changed lines to show.'}</p>
            )}
            {collapsible && (
                <button
                    type='button'
                    className='cm-link-btn cm-code-more'
                    aria-expanded={expanded}
                    onClick={() => setExpanded(!expanded)}
                >
                    {expanded ? 'Show fewer lines' : `Show all ${stats.lines.toLocaleString('en-US')} lines`}
                </button>
            )}
            {truncated && <p className='cm-muted cm-code-note'>{'The diff was too long and is cut short here.'}</p>}
        </div>
    );
}
