import React, {useId} from 'react';

import {claudeOnly} from '../../components/ClaudePost';
import type {PostTypeProps} from '../../components/ClaudePost';
import Markdown from '../../components/Markdown';
import {readSession} from '../../props';

import {formatCost, statusLabels} from './status';

interface FieldProps {
    label: string;
    children: React.ReactNode;
    mono?: boolean;
    wide?: boolean;
}

function Field({label, children, mono = false, wide = false}: FieldProps) {
    return (
        <div className={wide ? 'cm-session__field cm-session__field--wide' : 'cm-session__field'}>
            <dt className='cm-label'>{label}</dt>
            <dd className={mono ? 'cm-mono' : undefined}>{children}</dd>
        </div>
    );
}

export function SessionHeaderView({post}: PostTypeProps) {
    const titleId = useId();
    const session = readSession(post.props);
    if (!session) {
        return <Markdown text={post.message}/>;
    }
    const participants = session.participants.length > 0 ? session.participants : [session.owner_username].filter(Boolean);
    return (
        <section
            className={`cm-card cm-session cm-session--${session.status}`}
            aria-labelledby={titleId}
        >
            <header className='cm-session__header'>
                <h4
                    id={titleId}
                    className='cm-session__title'
                >
                    {'Claude Code session'}
                </h4>
                <span className={`cm-pill cm-pill--${session.status}`}>
                    <span
                        className='cm-pill__dot'
                        aria-hidden='true'
                    />
                    {statusLabels[session.status]}
                </span>
            </header>
            <dl className='cm-session__fields'>
                {session.machine_name && <Field label='Machine'>{session.machine_name}</Field>}
                {session.cwd && (
                    <Field
                        label='Directory'
                        mono={true}
                        wide={true}
                    >
                        {session.cwd}
                    </Field>
                )}
                {session.owner_username && <Field label='Owner'>{`@${session.owner_username}`}</Field>}
                {participants.length > 0 && <Field label='Participants'>{participants.map((name) => `@${name}`).join(', ')}</Field>}
                {session.model && (
                    <Field
                        label='Model'
                        mono={true}
                    >
                        {session.model}
                    </Field>
                )}
                <Field label='Cost'>{formatCost(session.cost_usd)}</Field>
            </dl>
        </section>
    );
}

const SessionHeader = claudeOnly(SessionHeaderView);
export default SessionHeader;
