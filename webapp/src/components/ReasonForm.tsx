import React, {useEffect, useId, useRef, useState} from 'react';

interface Props {
    /** The text box's label ("Why deny? Claude reads this."). */
    label: string;
    placeholder?: string;
    submitLabel: string;
    busyLabel: string;
    busy: boolean;
    error: string;

    /** The send button's colour: red for a denial, the theme's for a request. */
    tone?: 'danger' | 'primary';
    onSubmit: (reason: string) => void;
    onCancel: () => void;
}

/**
 * An inline text box in place of a card's buttons ("Deny with reason", "Request
 * changes"). It takes the focus when it opens; Escape cancels, Ctrl/⌘+Enter sends.
 */
export default function ReasonForm({label, placeholder, submitLabel, busyLabel, busy, error, tone = 'danger', onSubmit, onCancel}: Props) {
    const id = useId();
    const [reason, setReason] = useState('');
    const box = useRef<HTMLTextAreaElement>(null);
    useEffect(() => {
        box.current?.focus();
    }, []);
    const text = reason.trim();
    const submit = () => {
        if (text !== '' && !busy) {
            onSubmit(text);
        }
    };
    return (
        <form
            className='cm-reason'
            onSubmit={(e) => {
                e.preventDefault();
                submit();
            }}
            onKeyDown={(e) => {
                if (e.key === 'Escape' && !busy) {
                    e.preventDefault();
                    e.stopPropagation();
                    onCancel();
                } else if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                    e.preventDefault();
                    submit();
                }
            }}
        >
            <label
                htmlFor={id}
                className='cm-reason__label'
            >
                {label}
            </label>
            <textarea
                id={id}
                ref={box}
                className='cm-input cm-reason__box'
                rows={2}
                value={reason}
                placeholder={placeholder}
                disabled={busy}
                onChange={(e) => setReason(e.target.value)}
            />
            <div className='cm-actions'>
                <button
                    type='submit'
                    className={`cm-btn ${tone === 'danger' ? 'cm-btn--danger-filled' : 'cm-btn--primary'}`}
                    disabled={busy || text === ''}
                    aria-busy={busy}
                >
                    {submitLabel}
                </button>
                <button
                    type='button'
                    className='cm-btn cm-btn--secondary'
                    disabled={busy}
                    onClick={onCancel}
                >
                    {'Cancel'}
                </button>
                {busy && <span className='cm-actions__note'>{busyLabel}</span>}
                {error && <p role='alert' className='cm-error'>{error}</p>}
            </div>
        </form>
    );
}
