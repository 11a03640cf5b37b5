import React, {useId} from 'react';

import {claudeOnly} from '../../components/ClaudePost';
import type {PostTypeProps} from '../../components/ClaudePost';
import {PostMessage} from '../../components/Boundary';
import DiffView, {DiffStat} from '../../diff/DiffView';
import {readAppliedDiff} from '../../props';

/** `custom_claude_diff`: an edit Claude made without asking (accept-edits or approve-all mode). */
export function AppliedDiffCardView({post}: PostTypeProps) {
    const titleId = useId();
    const diff = readAppliedDiff(post.props);
    if (!diff) {
        return <PostMessage message={post.message}/>;
    }
    const path = diff.file_path || 'a file';
    return (
        <section
            className='cm-card cm-card--wide cm-applied'
            aria-labelledby={titleId}
        >
            <h4 id={titleId}>
                {'Edited '}
                <code className='cm-applied__path'>{path}</code>
                {' '}
                <DiffStat
                    added={diff.added}
                    removed={diff.removed}
                />
            </h4>
            <DiffView
                diff={diff.diff}
                language={diff.language}
                label={`Changes to ${path}`}
                showStats={false}
                truncated={diff.truncated}
            />
        </section>
    );
}

const AppliedDiffCard = claudeOnly(AppliedDiffCardView);
export default AppliedDiffCard;
