import React from 'react';

interface Props {

    /** 0–100; null draws an empty track, so the field keeps its height before the first report. */
    percent: number | null;
}

/** The thin bar under "41k of 200k · 21%"; amber from 80 %, red from 95 % (Claude compacts near the end). */
export default function ContextMeter({percent}: Props) {
    if (percent === null) {
        return (
            <span
                className='cm-meter'
                aria-hidden='true'
            />
        );
    }
    const level = percent >= 95 ? 'full' : percent >= 80 ? 'high' : 'ok';
    return (
        <span
            className={`cm-meter cm-meter--${level}`}
            role='meter'
            aria-label='Context used'
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={percent}
        >
            <span
                className='cm-meter__fill'
                style={{width: `${percent}%`}}
            />
        </span>
    );
}
