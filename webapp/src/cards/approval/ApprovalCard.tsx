import React, {useId} from 'react';
import {useSelector} from 'react-redux';

import {claudeOnly} from '../../components/ClaudePost';
import type {PostTypeProps} from '../../components/ClaudePost';
import Markdown from '../../components/Markdown';
import {readApproval} from '../../props';
import {getDecidedApproval} from '../../store/selectors';
import type {HostState} from '../../store/selectors';

import DecisionButtons from './DecisionButtons';
import DecisionLine from './DecisionLine';
import {summarizeTool} from './tool';

export function ApprovalCardView({post}: PostTypeProps) {
    const titleId = useId();
    const fromPost = readApproval(post.props);

    // A decision made in this tab shows at once; the server's post edit follows. Only
    // the decision is taken from it: what was asked stays as the post shows it.
    const decided = useSelector((state: HostState) => (fromPost ? getDecidedApproval(state, fromPost.session_id, fromPost.request_id) : undefined));
    const approval = fromPost?.status === 'pending' && decided ? {
        ...fromPost,
        status: decided.status,
        decided_by: decided.decided_by,
        decided_at: decided.decided_at,
        reason: decided.reason,
    } : fromPost;

    if (!approval) {
        return <Markdown text={post.message}/>;
    }
    const tool = summarizeTool(approval);
    return (
        <section
            className={`cm-card cm-approval cm-approval--${approval.status}`}
            aria-labelledby={titleId}
        >
            <header className='cm-approval__header'>
                <span className='cm-approval__tool'>{approval.tool_name || 'Tool'}</span>
                <h4
                    id={titleId}
                    className='cm-approval__title'
                >
                    {tool.title}
                </h4>
            </header>
            {tool.description && <p className='cm-approval__description'>{tool.description}</p>}
            {approval.cwd && (
                <div className='cm-approval__cwd'>
                    <span className='cm-label'>{'Working directory'}</span>
                    <code>{approval.cwd}</code>
                </div>
            )}
            <pre
                className={`cm-code ${tool.isCommand ? 'cm-code--command' : 'cm-code--json'}`}
                aria-label={tool.isCommand ? 'Command' : 'Tool input'}
                tabIndex={0}
            >
                <code>{tool.body}</code>
            </pre>
            {approval.status === 'pending' ? <DecisionButtons approval={approval}/> : (
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
