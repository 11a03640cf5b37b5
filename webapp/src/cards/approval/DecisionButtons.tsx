import React from 'react';
import {useDispatch} from 'react-redux';

import ActionBar from '../../components/ActionBar';
import type {ActionChoice} from '../../components/ActionBar';
import {useRequest} from '../../components/useRequest';
import {client, PluginClientError} from '../../client';
import type {Decision} from '../../constants';
import {approvalUpdated} from '../../store/actions';
import type {ApprovalInfo} from '../../types';

interface Props {
    approval: ApprovalInfo;
}

const choices: readonly ActionChoice<Decision>[] = [
    {key: 'approve', label: 'Approve', busyLabel: 'Approving…', variant: 'primary'},
    {key: 'deny', label: 'Deny', busyLabel: 'Denying…', variant: 'danger'},
];

export default function DecisionButtons({approval}: Props) {
    const dispatch = useDispatch();
    const {pending, error, run} = useRequest<Decision>();

    const decide = (decision: Decision) => run(decision, async () => {
        dispatch(approvalUpdated(await client.decide(approval.session_id, approval.request_id, decision)));
    }, (err) => {
        if (err instanceof PluginClientError && err.approval) {
            // Already decided by someone else: show their decision instead of the buttons.
            dispatch(approvalUpdated(err.approval));
        }
    });

    return (
        <ActionBar
            choices={choices}
            pending={pending}
            error={error}
            onChoose={(decision) => void decide(decision)}
        />
    );
}
