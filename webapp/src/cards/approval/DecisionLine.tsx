import React from 'react';
import {useSelector} from 'react-redux';

import {formatClock, formatFull} from '../../components/time';
import {getDisplayUsername, prefersMilitaryTime} from '../../store/selectors';
import type {HostState} from '../../store/selectors';
import type {ApprovalInfo} from '../../types';

interface Props {
    approval: ApprovalInfo;
}

/** "Approved by @alice · 10:42 AM" once a request is decided. */
export default function DecisionLine({approval}: Props) {
    const username = useSelector((state: HostState) => getDisplayUsername(state, approval.decided_by));
    const military = useSelector(prefersMilitaryTime);
    const approved = approval.status === 'approved';
    const verb = approved ? 'Approved' : 'Denied';
    return (
        <div className={`cm-approval__decision cm-approval__decision--${approval.status}`}>
            <span aria-hidden='true' className='cm-approval__decision-icon'>{approved ? '✓' : '✕'}</span>
            <span title={approval.decided_at > 0 ? formatFull(approval.decided_at) : undefined}>
                {[username ? `${verb} by @${username}` : verb, approval.decided_at > 0 ? formatClock(approval.decided_at, military) : ''].filter(Boolean).join(' · ')}
            </span>
            {approval.reason && <span className='cm-approval__reason'>{`Reason: ${approval.reason}`}</span>}
        </div>
    );
}
