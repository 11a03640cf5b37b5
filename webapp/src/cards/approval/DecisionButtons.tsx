import React, {useEffect, useRef, useState} from 'react';
import {useDispatch} from 'react-redux';

import ActionBar from '../../components/ActionBar';
import type {ActionChoice} from '../../components/ActionBar';
import ReasonForm from '../../components/ReasonForm';
import {useRequest} from '../../components/useRequest';
import {client, PluginClientError} from '../../client';
import type {Decision} from '../../constants';
import {approvalUpdated} from '../../store/actions';
import type {ApprovalInfo} from '../../types';

type Choice = Decision | 'deny_reason';

/** The words of a card's buttons: a tool approval's, or a plan's ("Approve plan", "Request changes…"). */
export interface DecisionWords {
    approve: string;
    approving: string;
    denyWithReason: string;

    /** The reason box's label and its send button. */
    reasonLabel: string;
    reasonPlaceholder: string;
    reasonSubmit: string;
    reasonBusy: string;
    reasonTone: 'danger' | 'primary';
}

export const toolWords: DecisionWords = {
    approve: 'Approve',
    approving: 'Approving…',
    denyWithReason: 'Deny with reason…',
    reasonLabel: 'Why deny? Claude reads this and tries another way.',
    reasonPlaceholder: 'e.g. Run only the session tests, not the whole suite.',
    reasonSubmit: 'Deny',
    reasonBusy: 'Denying…',
    reasonTone: 'danger',
};

interface Props {
    approval: ApprovalInfo;
    words?: DecisionWords;

    /** Offer Approve all: the server put that button on the post (the admin allows it). */
    allowApproveAll?: boolean;

    /** Offer a plain Deny beside "Deny with reason…" (plans ask for the change instead). */
    plainDeny?: boolean;
}

/**
 * Approve, Approve all, Deny and Deny with reason. Approve all asks once more in the
 * buttons' place (it lets Claude run every later tool in the session without asking);
 * Deny with reason opens a text box there, and the reason goes with the decision.
 */
export default function DecisionButtons({approval, words = toolWords, allowApproveAll = false, plainDeny = true}: Props) {
    const dispatch = useDispatch();
    const {pending, error, run} = useRequest<Choice>();
    const [mode, setMode] = useState<'buttons' | 'confirm_all' | 'reason'>('buttons');
    const rowRef = useRef<HTMLDivElement>(null);
    const confirmRef = useRef<HTMLButtonElement>(null);

    useEffect(() => {
        if (mode === 'confirm_all') {
            confirmRef.current?.focus();
        }
    }, [mode]);

    const decide = (decision: Decision, reason = '', key: Choice = decision) => run(key, async () => {
        const recorded = await (reason === '' ? client.decide(approval.session_id, approval.request_id, decision) : client.decide(approval.session_id, approval.request_id, decision, reason));
        // The route's answer need not say it was Approve all; this click knows.
        dispatch(approvalUpdated(decision === 'approve_all' && recorded.status === 'approved' ? {...recorded, approve_all: true} : recorded));
    }, (err) => {
        if (err instanceof PluginClientError && err.approval) {
            // Already decided by someone else: show their decision instead of the buttons.
            dispatch(approvalUpdated(err.approval));
        }
    });

    const back = (selector: string) => {
        setMode('buttons');
        // Back to the button the person came from.
        requestAnimationFrame(() => rowRef.current?.querySelector<HTMLButtonElement>(selector)?.focus());
    };

    if (mode === 'reason') {
        return (
            <ReasonForm
                label={words.reasonLabel}
                placeholder={words.reasonPlaceholder}
                submitLabel={words.reasonSubmit}
                busyLabel={words.reasonBusy}
                tone={words.reasonTone}
                busy={pending !== null}
                error={error}
                onSubmit={(reason) => void decide('deny', reason, 'deny_reason')}
                onCancel={() => back('[data-choice="deny_reason"]')}
            />
        );
    }

    if (mode === 'confirm_all') {
        return (
            <div
                ref={rowRef}
                className='cm-actions'
                role='group'
                aria-label='Approve all requests in this session?'
            >
                <span className='cm-actions__question'>{'Approve this and every later request in this session?'}</span>
                <button
                    ref={confirmRef}
                    type='button'
                    className='cm-btn cm-btn--primary'
                    disabled={pending !== null}
                    aria-busy={pending === 'approve_all'}
                    onClick={() => void decide('approve_all')}
                    onKeyDown={(e) => {
                        if (e.key === 'Escape') {
                            back('[data-choice="approve_all"]');
                        }
                    }}
                >
                    {'Approve all'}
                </button>
                <button
                    type='button'
                    className='cm-btn cm-btn--secondary'
                    disabled={pending !== null}
                    onClick={() => back('[data-choice="approve_all"]')}
                >
                    {'Cancel'}
                </button>
                {pending === 'approve_all' && <span className='cm-actions__note'>{'Approving…'}</span>}
                {error && <p role='alert' className='cm-error'>{error}</p>}
            </div>
        );
    }

    const choices: ActionChoice<Choice>[] = [{key: 'approve', label: words.approve, busyLabel: words.approving, variant: 'primary'}];
    if (allowApproveAll) {
        choices.push({key: 'approve_all', label: 'Approve all', busyLabel: 'Approving…', variant: 'secondary'});
    }
    if (plainDeny) {
        choices.push({key: 'deny', label: 'Deny', busyLabel: 'Denying…', variant: 'danger'});
    }
    choices.push({key: 'deny_reason', label: words.denyWithReason, busyLabel: words.reasonBusy, variant: plainDeny ? 'quiet' : 'secondary'});

    return (
        <div ref={rowRef}>
            <ActionBar
                choices={choices}
                pending={pending}
                error={error}
                onChoose={(choice) => {
                    if (choice === 'approve_all') {
                        setMode('confirm_all');
                    } else if (choice === 'deny_reason') {
                        setMode('reason');
                    } else {
                        void decide(choice);
                    }
                }}
            />
        </div>
    );
}
