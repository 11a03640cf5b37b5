import React, {useId} from 'react';

import {claudeOnly} from '../../components/ClaudePost';
import type {PostTypeProps} from '../../components/ClaudePost';
import {PostMessage} from '../../components/Boundary';
import Markdown from '../../components/Markdown';
import {useApproval} from '../approval/ApprovalCard';
import DecisionButtons from '../approval/DecisionButtons';
import type {DecisionWords} from '../approval/DecisionButtons';
import DecisionLine from '../approval/DecisionLine';
import type {OutcomeWords} from '../approval/DecisionLine';

const planWords: DecisionWords = {
    approve: 'Approve plan',
    approving: 'Approving…',
    denyWithReason: 'Request changes…',
    reasonLabel: 'What should change?',
    reasonPlaceholder: 'Claude revises the plan with what you write here.',
    reasonSubmit: 'Request changes',
    reasonBusy: 'Sending…',
    reasonTone: 'primary',
};

const planOutcome: OutcomeWords = {approved: 'Plan approved', denied: 'Changes requested', reason: 'Requested'};

/**
 * `custom_claude_plan`: Claude's plan (ExitPlanMode) as markdown. Approve plan lets it
 * start; Request changes sends the reviewer's words back (a deny with that reason),
 * and Claude revises the plan.
 */
export function PlanCardView({post}: PostTypeProps) {
    const titleId = useId();
    const approval = useApproval(post);
    if (!approval) {
        return <PostMessage message={post.message}/>;
    }
    const plan = typeof approval.input.plan === 'string' ? approval.input.plan : '';
    return (
        <section
            className={`cm-card cm-approval cm-plan cm-approval--${approval.status}`}
            aria-labelledby={titleId}
        >
            <header className='cm-approval__header'>
                <span className='cm-approval__tool'>{'Plan'}</span>
                <h4
                    id={titleId}
                    className='cm-approval__title'
                >
                    {approval.status === 'pending' ? 'Claude has a plan and waits for your go-ahead' : 'Claude\'s plan'}
                </h4>
            </header>
            <div
                className='cm-plan__body'
                role='region'
                aria-label='Plan'
                tabIndex={0} // it scrolls when long
            >
                {plan ? <Markdown text={plan}/> : <p className='cm-muted'>{'The plan is empty.'}</p>}
            </div>
            {approval.status === 'pending' ? (
                <DecisionButtons
                    approval={approval}
                    words={planWords}
                    plainDeny={false}
                />
            ) : (
                <DecisionLine
                    approval={approval}
                    askedAt={post.create_at}
                    words={planOutcome}
                />
            )}
        </section>
    );
}

const PlanCard = claudeOnly(PlanCardView);
export default PlanCard;
