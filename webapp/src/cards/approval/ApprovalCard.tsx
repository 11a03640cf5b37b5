import React, {useId} from 'react';
import {useSelector} from 'react-redux';

import {claudeOnly} from '../../components/ClaudePost';
import type {PostTypeProps} from '../../components/ClaudePost';
import {PostMessage} from '../../components/Boundary';
import {ApprovalActionIds} from '../../constants';
import {readApproval, readPostActions} from '../../props';
import {getDecidedApproval} from '../../store/selectors';
import type {HostState} from '../../store/selectors';
import type {ApprovalInfo} from '../../types';

import DecisionButtons from './DecisionButtons';
import DecisionLine from './DecisionLine';
import {describeTool} from './tool';
import {ToolBodyView, ToolFields} from './ToolDetails';

/**
 * The approval as posted, with the decision made in this tab (or told by a 409) laid
 * over it at once; the server's post edit follows. Only the decision is taken from
 * it: what was asked stays as the post shows it.
 */
export function useApproval(post: PostTypeProps['post']): ApprovalInfo | null {
    const fromPost = readApproval(post.props);
    const decided = useSelector((state: HostState) => (fromPost ? getDecidedApproval(state, fromPost.session_id, fromPost.request_id) : undefined));
    if (fromPost?.status === 'pending' && decided) {
        return {
            ...fromPost,
            status: decided.status,
            decided_by: decided.decided_by,
            decided_at: decided.decided_at,
            reason: decided.reason,
            approve_all: decided.approve_all,
        };
    }
    return fromPost;
}

export function ApprovalCardView({post}: PostTypeProps) {
    const titleId = useId();
    const approval = useApproval(post);
    if (!approval) {
        return <PostMessage message={post.message}/>;
    }
    const view = describeTool(approval);
    const wide = view.body.kind === 'diff' || view.body.kind === 'new_file';
    const allowApproveAll = readPostActions(post.props).some((action) => action.id === ApprovalActionIds.ApproveAll);
    return (
        <section
            className={`cm-card cm-approval cm-approval--${approval.status}${wide ? ' cm-card--wide' : ''}`}
            aria-labelledby={titleId}
        >
            <header className='cm-approval__header'>
                <span className='cm-approval__tool'>{view.tag}</span>
                <h4
                    id={titleId}
                    className='cm-approval__title'
                >
                    {view.title}
                </h4>
            </header>
            {view.description && <p className='cm-approval__description'>{view.description}</p>}
            <ToolFields
                fields={view.fields}
                cwd={approval.cwd}
            />
            <ToolBodyView
                view={view}
                cwd={approval.cwd}
            />
            {approval.status === 'pending' ? (
                <DecisionButtons
                    approval={approval}
                    allowApproveAll={allowApproveAll}
                />
            ) : (
                <DecisionLine
                    approval={approval}
                    askedAt={post.create_at}
                />
            )}
        </section>
    );
}

const ApprovalCard = claudeOnly(ApprovalCardView);
export default ApprovalCard;
