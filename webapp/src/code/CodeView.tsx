import React, {useMemo, useState} from 'react';

import {highlightLines, languageFor} from './highlight';
import {ChunkedRows, COLLAPSE_OVER, COLLAPSED_LINES, rowHtml} from './rows';

interface Props {
    code: string;
    language: string;

    /** Accessible name of the block ("Content of src/new.ts"). */
    label: string;

    /** Shown above the code, with `meta` ("42 lines") beside it. */
    path?: string;
    fullPath?: string;
    meta?: string;

    /** Line numbers in a gutter (off for JSON input). */
    numbers?: boolean;

    /** The agent cut the content at its size limit. */
    truncated?: boolean;
}

/** Highlighted code with line numbers; long code shows its first 40 lines and "Show all N lines". */
export default function CodeView({code, language, label, path, fullPath, meta, numbers = true, truncated = false}: Props) {
    const [expanded, setExpanded] = useState(false);
    const text = code.endsWith('\n') ? code.slice(0, -1) : code;
    const total = useMemo(() => (text === '' ? 0 : text.split('\n').length), [text]);
    const collapsible = total > COLLAPSE_OVER;
    const limit = collapsible && !expanded ? COLLAPSED_LINES : total;
    const grammar = languageFor(language, path ?? '');
    const lines = useMemo(() => {
        // Only what is shown gets highlighted; a prefix highlights the same as the whole.
        const shown = limit < total ? text.split('\n', limit).join('\n') : text;
        return highlightLines(shown, grammar);
    }, [text, grammar, limit, total]);

    const rows = useMemo(() => lines.map((html, i) => rowHtml('context', numbers ? [{type: 'no', text: String(i + 1)}, {type: 'code', html}] : [{type: 'code', html}])), [lines, numbers]);
    return (
        <div className='cm-codeview'>
            {path !== undefined && (
                <div className='cm-code-bar'>
                    <span
                        className='cm-code-bar__path'
                        title={fullPath ?? path}
                    >
                        {path}
                    </span>
                    {meta && <span className='cm-code-bar__meta'>{meta}</span>}
                </div>
            )}
            <div
                className={`cm-code cm-code--lines${numbers ? '' : ' cm-code--bare'}${expanded ? ' cm-code--expanded' : ''}`}
                style={{'--cm-num': `${String(total).length + 1}ch`} as React.CSSProperties}
                role='region'
                aria-label={label}
                tabIndex={0}
            >
                <ChunkedRows rows={rows}/>
            </div>
            {collapsible && (
                <button
                    type='button'
                    className='cm-link-btn cm-code-more'
                    aria-expanded={expanded}
                    onClick={() => setExpanded(!expanded)}
                >
                    {expanded ? 'Show fewer lines' : `Show all ${total.toLocaleString('en-US')} lines`}
                </button>
            )}
            {truncated && <p className='cm-muted cm-code-note'>{'The content was too long and is cut short here.'}</p>}
        </div>
    );
}
