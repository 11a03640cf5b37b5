import React from 'react';

export interface ActionChoice<K extends string> {
    key: K;
    label: string;

    /** Shown beside the buttons while this one's request is in flight ("Stopping…"). */
    busyLabel: string;
    variant: 'primary' | 'secondary' | 'danger' | 'quiet';
}

interface Props<K extends string> {
    choices: readonly ActionChoice<K>[];
    pending: K | null;
    error: string;
    onChoose: (key: K) => void;

    /** Disables every button (besides while a request is in flight). */
    disabled?: boolean;

    /** Shown after the buttons when nothing is in flight. */
    note?: React.ReactNode;
}

/**
 * A card's row of buttons: real <button>s (Tab and Enter/Space work), all disabled
 * while one request is in flight, and the failure under them as an alert.
 */
export default function ActionBar<K extends string>({choices, pending, error, onChoose, disabled = false, note}: Props<K>) {
    const busy = choices.find((choice) => choice.key === pending);
    return (
        <div className='cm-actions'>
            {choices.map((choice) => (
                <button
                    key={choice.key}
                    type='button'
                    className={`cm-btn cm-btn--${choice.variant}`}
                    disabled={disabled || pending !== null}
                    aria-busy={pending === choice.key}
                    data-choice={choice.key}
                    onClick={() => onChoose(choice.key)}
                >
                    {choice.label}
                </button>
            ))}
            {busy ? <span className='cm-actions__note'>{busy.busyLabel}</span> : note}
            {error && <p role='alert' className='cm-error'>{error}</p>}
        </div>
    );
}
