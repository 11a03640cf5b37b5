import React, {useId} from 'react';
import {useSelector} from 'react-redux';

import {claudeOnly} from '../../components/ClaudePost';
import type {PostTypeProps} from '../../components/ClaudePost';
import {formatTokens} from '../../components/format';
import {formatFull} from '../../components/time';
import type {SessionInfo} from '../../types';
import {PostMessage} from '../../components/Boundary';
import {breakable} from '../../components/paths';
import {readSession} from '../../props';
import {getCurrentUserId, getCurrentUsername} from '../../store/selectors';

import ContextMeter from './ContextMeter';
import SessionControls from './SessionControls';
import {contextUse, formatCost, isParticipant, orderedParticipants, permissionLabels, runsIn, statusLabel} from './status';

/** Shown for what the session does not know yet, so fields keep their place as values arrive. */
const UNKNOWN = '—';

interface FieldProps {
    label: string;

    /** '' shows the dash for "not known yet". */
    value: string;
    mono?: boolean;

    /** Spans two columns: always, only in the wide layout ('lg'), or only in the sidebar's two columns ('sm'). */
    wide?: boolean | 'lg' | 'sm';

    /**
     * Long values wrap. Only for values that change by a deliberate act (`!cd`,
     * `!worktree`, `!invite`); the rest stay on one line, cut with an ellipsis (the whole value
     * in the tooltip), so the live updates never move the card's layout.
     */
    wrap?: boolean;
    className?: string;
    children?: React.ReactNode;
}

function Field({label, value, mono = false, wide = false, wrap = false, className = '', children}: FieldProps) {
    const span = wide === true ? 'cm-session__field--wide' : wide ? `cm-session__field--wide-${wide}` : '';
    const classes = ['cm-session__field', span, className].filter(Boolean).join(' ');
    const valueClasses = [value === '' ? 'cm-unknown' : mono ? 'cm-mono' : '', wrap ? 'cm-wrap' : 'cm-ellipsis'].filter(Boolean).join(' ');
    return (
        <div className={classes}>
            <dt className='cm-label'>{label}</dt>
            <dd>
                <span
                    className={valueClasses}
                    title={!wrap && value !== '' ? value : undefined}
                >
                    {value === '' ? UNKNOWN : wrap && mono ? breakable(value) : value}
                </span>
                {children}
            </dd>
        </div>
    );
}

/** Why a session that waits for its offline machine has not started (the pill's tooltip); undefined otherwise. */
function waitingNote(session: SessionInfo): string | undefined {
    if (!session.waiting_for_machine || session.status !== 'starting') {
        return undefined;
    }
    const since = session.machine_last_seen > 0 ? `offline since ${formatFull(session.machine_last_seen)}` : 'not connected yet';
    return `${session.machine_name} is ${since}: Claude starts when its agent connects; the request keeps its place until then.`;
}

export function SessionHeaderView({post}: PostTypeProps) {
    const titleId = useId();
    const viewerId = useSelector(getCurrentUserId);
    const viewerName = useSelector(getCurrentUsername);
    const session = readSession(post.props);
    if (!session) {
        return <PostMessage message={post.message}/>;
    }
    const participants = orderedParticipants(session);
    const context = contextUse(session);
    const tokens = session.input_tokens > 0 || session.output_tokens > 0 ? `${formatTokens(session.input_tokens)} in · ${formatTokens(session.output_tokens)} out` : '';
    const mode = session.permission_mode;
    const ended = session.status === 'ended';
    const where = runsIn(session);
    const inTerminal = session.runs_in === 'terminal' && !ended;
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
                <span>
                    {inTerminal && session.away && <span className='cm-chip'>{'Away'}</span>}
                    <span
                        className={`cm-pill cm-pill--${session.status}`}
                        role='status'
                        title={waitingNote(session)}
                    >
                        <span
                            className='cm-pill__dot'
                            aria-hidden='true'
                        />
                        {statusLabel(session)}
                    </span>
                </span>
            </header>
            {session.status === 'error' && session.error && <p className='cm-session__error'>{session.error}</p>}
            {session.prompt && (
                <blockquote
                    className='cm-session__prompt'
                    aria-label='Prompt'
                >
                    {session.prompt}
                </blockquote>
            )}

            <dl className='cm-session__fields'>
                {session.title && (
                    <Field
                        label='Title'
                        value={session.title}
                        wide={true}
                    />
                )}
                <Field
                    label={where ? 'Runs in' : 'Machine'}
                    value={where || session.machine_name}
                    wrap={where !== ''}
                />
                <Field
                    label='Directory'
                    value={session.cwd}
                    mono={true}
                    wide={true}
                    wrap={true}
                />
                <Field
                    label='Branch'
                    value={session.branch}
                    mono={true}
                    wrap={true}
                />
                <Field
                    label='Owner'
                    value={session.owner_username ? `@${session.owner_username}` : ''}
                />
                <Field
                    label='Participants'
                    value={participants.map((name) => `@${name}`).join(', ')}
                    wide='lg'
                    wrap={true}
                />
                <Field
                    label='Permissions'
                    value={mode ? permissionLabels[mode] : ''}
                    className={mode === 'bypassPermissions' ? 'cm-session__field--warn' : ''}
                />
                <Field
                    label='Model'
                    value={session.model}
                    mono={true}
                />
                <Field
                    label='Tokens'
                    value={tokens}
                />
                <Field
                    label='Cost'
                    value={formatCost(session.cost_usd)}
                />
                <Field
                    label='Context'
                    value={context ? context.text : ''}
                    wide='sm'
                >
                    <ContextMeter percent={context?.percent ?? null}/>
                </Field>
            </dl>
            {ended && <p className='cm-session__hint'>{'Reply in this thread to resume the session.'}</p>}
            {inTerminal && (
                <p className='cm-session__hint'>
                    {session.away ? 'Away: when Claude ends a turn it waits for a reply here, and the terminal\'s approvals wait for this thread.' : 'Claude runs in a terminal: replies here reach it when its turn ends.'}
                </p>
            )}
            {isParticipant(session, viewerId, viewerName) && <SessionControls session={session}/>}
        </section>
    );
}

const SessionHeader = claudeOnly(SessionHeaderView);
export default SessionHeader;
