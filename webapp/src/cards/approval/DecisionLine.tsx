import React from 'react';
import {useSelector} from 'react-redux';

import {formatDuration} from '../../components/format';
import {formatClock, formatFull} from '../../components/time';
import {getDisplayUsername, prefersMilitaryTime} from '../../store/selectors';
import type {HostState} from '../../store/selectors';
import type {ApprovalInfo} from '../../types';

/** A plan's card says "Plan approved by …" / "Changes requested by …". */
export interface OutcomeWords {
    approved: string;
    denied: string;
    reason: string;
}

const toolOutcome: OutcomeWords = {approved: 'Approved', denied: 'Denied', reason: 'Reason'};

interface Props {
    approval: ApprovalInfo;
    words?: OutcomeWords;

    /** When the card was posted (unix ms), to say how long an expired request waited. */
    askedAt: number;
}

/** A clock drawn in the text colour: the ⏱ emoji is missing from many fonts. */
function ClockIcon() {
    return (
        <svg
            className='cm-icon'
            viewBox='0 0 16 16'
            width='12'
            height='12'
            aria-hidden='true'
            focusable='false'
        >
            <circle
                cx='8'
                cy='8'
                r='6.5'
                fill='none'
                stroke='currentColor'
                strokeWidth='1.5'
            />
            <path
                d='M8 4.5V8l2.5 1.5'
                fill='none'
                stroke='currentColor'
                strokeWidth='1.5'
                strokeLinecap='round'
            />
        </svg>
    );
}

const icons = {approved: '✓', denied: '✕', expired: <ClockIcon/>, resolved: '›'} as const;

/** How a request Claude Code also asked in the terminal was settled there. */
export function resolvedText(resolution: string, expiredAfter = ''): string {
    switch (resolution) {
    case 'terminal_allowed':
        return 'Answered in the terminal: allowed';
    case 'terminal_denied':
        return 'Answered in the terminal: denied';
    }
    return expiredAfter ? `Nobody answered here within ${expiredAfter} — left to the terminal, which asks there` : 'Left to the terminal, which asks there';
}

/** "Approved by @alice · 10:42 AM" once a request is decided. */
export default function DecisionLine({approval, askedAt, words = toolOutcome}: Props) {
    const username = useSelector((state: HostState) => getDisplayUsername(state, approval.decided_by));
    const military = useSelector(prefersMilitaryTime);
    if (approval.status === 'pending') {
        return null;
    }
    let text: string;
    if (approval.status === 'resolved') {
        text = resolvedText(approval.resolution ?? '', approval.expired_after);
    } else if (approval.status === 'expired') {
        // Nobody answered within the admin's timeout: the plugin denied it (fail closed).
        // The server says how long; else the card's age at the decision tells.
        let waited = approval.expired_after ? ` after ${approval.expired_after}` : '';
        if (!waited && approval.decided_at > askedAt && askedAt > 0) {
            waited = ` after ${formatDuration(approval.decided_at - askedAt)}`;
        }
        text = `Expired — denied${waited} without an answer`;
    } else {
        const verb = approval.status === 'approved' ? words.approved : words.denied;
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
            {approval.status === 'approved' && approval.approve_all && (
                <span className='cm-approval__reason'>{'Approve all: Claude now runs every tool in this session without asking.'}</span>
            )}
            {approval.reason && approval.status !== 'expired' && approval.status !== 'resolved' && <span className='cm-approval__reason'>{`${words.reason}: ${approval.reason}`}</span>}
        </div>
    );
}
