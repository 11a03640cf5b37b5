import React, {useMemo, useRef, useState} from 'react';

import {chunked, COLLAPSE_OVER, COLLAPSED_LINES} from '../code/rows';
import {useContainerWidth} from '../code/useContainerWidth';
import {plural} from '../components/format';

import {highlightDiff} from './highlight';
import type {ShownFile, ShownLine} from './highlight';
import {diffStats, parseDiff, splitRows} from './parse';
import type {Hunk} from './parse';

/** From this container width the diff can show old and new side by side. */
export const SPLIT_MIN_WIDTH = 900;

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

function Code({html}: {html: string}) {
    // highlight.js (or escapeHtml) escaped the text: the only markup is its spans.
    return (
        <span
            className='cm-code-line__text'
            dangerouslySetInnerHTML={{__html: html}}
        />
    );
}

function hunkHeader(hunk: Hunk): string {
    return `@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@${hunk.section ? ` ${hunk.section}` : ''}`;
}

function unifiedRows(files: readonly ShownFile[], several: boolean): React.ReactNode[] {
    const rows: React.ReactNode[] = [];
    files.forEach(({file, hunks}, f) => {
        if (several) {
            rows.push(
                <div
                    key={`f${f}`}
                    className='cm-code-line cm-code-line--file'
                >
                    {file.newPath || file.oldPath || 'file'}
                </div>,
            );
        }
        hunks.forEach(({hunk, lines}, h) => {
            rows.push(
                <div
                    key={`f${f}h${h}`}
                    className='cm-code-line cm-code-line--hunk'
                >
                    <span className='cm-code-line__gap'>{'⋯'}</span>
                    <span className='cm-code-line__text'>{hunkHeader(hunk)}</span>
                </div>,
            );
            lines.forEach((line, i) => {
                rows.push(
                    <div
                        key={`f${f}h${h}l${i}`}
                        className={`cm-code-line cm-code-line--${line.kind}`}
                    >
                        <span className='cm-code-line__no'>{line.oldNo || ''}</span>
                        <span className='cm-code-line__no'>{line.newNo || ''}</span>
                        <span className='cm-code-line__sign'>{signs[line.kind]}</span>
                        <Code html={line.html}/>
                    </div>,
                );
            });
        });
    });
    return rows;
}

function SplitSide({line, side}: {line: ShownLine | null; side: 'old' | 'new'}) {
    if (!line) {
        return (
            <>
                <span className='cm-code-line__no cm-split--empty'/>
                <span className='cm-code-line__sign cm-split--empty'/>
                <span className='cm-code-line__text cm-split--empty'/>
            </>
        );
    }
    const kind = line.kind === 'context' ? 'context' : line.kind;
    return (
        <>
            <span className={`cm-code-line__no cm-split--${kind}`}>{side === 'old' ? line.oldNo : line.newNo}</span>
            <span className={`cm-code-line__sign cm-split--${kind}`}>{signs[line.kind]}</span>
            <span
                className={`cm-code-line__text cm-split--${kind}`}
                dangerouslySetInnerHTML={{__html: line.html}}
            />
        </>
    );
}

function splitViewRows(files: readonly ShownFile[], several: boolean): React.ReactNode[] {
    const rows: React.ReactNode[] = [];
    files.forEach(({file, hunks}, f) => {
        if (several) {
            rows.push(
                <div
                    key={`f${f}`}
                    className='cm-code-line cm-code-line--file'
                >
                    {file.newPath || file.oldPath || 'file'}
                </div>,
            );
        }
        hunks.forEach(({hunk, lines}, h) => {
            rows.push(
                <div
                    key={`f${f}h${h}`}
                    className='cm-code-line cm-code-line--hunk cm-code-line--split'
                >
                    <span className='cm-code-line__gap'>{'⋯'}</span>
                    <span className='cm-code-line__text'>{hunkHeader(hunk)}</span>
                </div>,
            );
            splitRows(lines).forEach(({left, right}, i) => {
                rows.push(
                    <div
                        key={`f${f}h${h}r${i}`}
                        className='cm-code-line cm-code-line--split'
                    >
                        <SplitSide
                            line={left}
                            side='old'
                        />
                        <SplitSide
                            line={right}
                            side='new'
                        />
                    </div>,
                );
            });
        });
    });
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
    const limit = collapsible && !expanded ? COLLAPSED_LINES : Infinity;
    const shown = useMemo(() => highlightDiff(files, language, limit), [files, language, limit]);

    const wide = width >= SPLIT_MIN_WIDTH;
    const layout: Layout = wide ? chosen ?? 'split' : 'unified';
    const several = files.length > 1;
    const rows = layout === 'split' ? splitViewRows(shown, several) : unifiedRows(shown, several);
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
                    {chunked(rows)}
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
