import React from 'react';
import {useSelector} from 'react-redux';

import {formatDuration} from '../../components/format';
import {formatClock, formatFull} from '../../components/time';
import {getDisplayUsername, prefersMilitaryTime} from '../../store/selectors';
import type {HostState} from '../../store/selectors';
import type {ApprovalInfo} from '../../types';

interface Props {
    approval: ApprovalInfo;

    /** When the card was posted (unix ms), to say how long an expired request waited. */
    askedAt: number;
}

const icons = {approved: '✓', denied: '✕', expired: '⏱'} as const;

/** "Approved by @alice · 10:42 AM" once a request is decided. */
export default function DecisionLine({approval, askedAt}: Props) {
    const username = useSelector((state: HostState) => getDisplayUsername(state, approval.decided_by));
    const military = useSelector(prefersMilitaryTime);
    if (approval.status === 'pending') {
        return null;
    }
    let text: string;
    if (approval.status === 'expired') {
        // Nobody answered within the admin's timeout: the plugin denied it (fail closed).
        const waited = approval.decided_at > 0 && askedAt > 0 && approval.decided_at > askedAt ? ` after ${formatDuration(approval.decided_at - askedAt)}` : '';
        text = `Expired — denied${waited} without an answer`;
    } else {
        const verb = approval.status === 'approved' ? 'Approved' : 'Denied';
        text = [username ? `${verb} by @${username}` : verb, approval.decided_at > 0 ? formatClock(approval.decided_at, military) : ''].filter(Boolean).join(' · ');
    }
    return (
        <div className={`cm-approval__decision cm-approval__decision--${approval.status}`}>
            <span
                aria-hidden='true'
                className='cm-approval__decision-icon'
            >
                {icons[approval.status]}
            </span>
            <span title={approval.decided_at > 0 ? formatFull(approval.decided_at) : undefined}>{text}</span>
            {approval.reason && approval.status !== 'expired' && <span className='cm-approval__reason'>{`Reason: ${approval.reason}`}</span>}
        </div>
    );
}
