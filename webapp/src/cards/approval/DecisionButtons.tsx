import React, {useState} from 'react';
import {useDispatch} from 'react-redux';

import {client, PluginClientError} from '../../client';
import type {Decision} from '../../constants';
import {approvalUpdated} from '../../store/actions';
import type {ApprovalInfo} from '../../types';

interface Props {
    approval: ApprovalInfo;
}

export default function DecisionButtons({approval}: Props) {
    const dispatch = useDispatch();
    const [pending, setPending] = useState<Decision | null>(null);
    const [error, setError] = useState('');

    const decide = async (decision: Decision) => {
        setPending(decision);
        setError('');
        try {
            dispatch(approvalUpdated(await client.decide(approval.session_id, approval.request_id, decision)));
        } catch (err) {
            if (err instanceof PluginClientError && err.approval) {
                // Already decided by someone else: show their decision instead of the buttons.
                dispatch(approvalUpdated(err.approval));
            }
            setError(err instanceof Error ? err.message : 'Something went wrong. Try again.');
        } finally {
            setPending(null);
        }
    };

    return (
        <div className='cm-approval__actions'>
            <button
                type='button'
                className='cm-btn cm-btn--primary'
                disabled={pending !== null}
                aria-busy={pending === 'approve'}
                onClick={() => decide('approve')}
            >
                {'Approve'}
            </button>
            <button
                type='button'
                className='cm-btn cm-btn--danger'
                disabled={pending !== null}
                aria-busy={pending === 'deny'}
                onClick={() => decide('deny')}
            >
                {'Deny'}
            </button>
            {pending && <span className='cm-approval__sending'>{pending === 'approve' ? 'Approving…' : 'Denying…'}</span>}
            {error && <p role='alert' className='cm-error'>{error}</p>}
        </div>
    );
}
