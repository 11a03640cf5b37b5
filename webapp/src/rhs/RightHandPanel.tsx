import React, {useEffect, useId, useState} from 'react';
import {useDispatch, useSelector} from 'react-redux';

import {statusLabels} from '../cards/session/status';
import {formatAgo, formatFull} from '../components/time';
import {errorMessage} from '../components/useRequest';
import {client, PluginClientError} from '../client';
import {PLAN_TOOL, RefreshTargets} from '../constants';
import type {RefreshTarget} from '../constants';
import type {ListState} from '../store/reducer';
import {approvalUpdated, panelClosed, panelOpened} from '../store/actions';
import {getAnsweredQuestions, getCurrentTeamName, getDecidedApprovals, getPanel, isSettledHere} from '../store/selectors';
import type {MachineSummary, PendingRequest, SessionSummary} from '../types';
import {siteURL} from '../url';

import {loadLists} from './load';
import {openPermalink, permalinkPath} from './navigate';

/** Re-renders every minute so "5 min ago" stays true while the panel is open. */
function useNow(): number {
    const [now, setNow] = useState(() => Date.now());
    useEffect(() => {
        const timer = window.setInterval(() => setNow(Date.now()), 60_000);
        return () => window.clearInterval(timer);
    }, []);
    return now;
}

function Permalink({postId, className, children}: {postId: string; className?: string; children: React.ReactNode}) {
    const teamName = useSelector(getCurrentTeamName);
    const path = permalinkPath(postId, teamName);
    return (
        <a
            className={className}
            href={`${siteURL()}${path}`}
            onClick={(e) => openPermalink(e, path)}
        >
            {children}
        </a>
    );
}

interface SectionProps<T> {
    title: string;
    what: RefreshTarget;
    list: ListState<T>;
    items: T[];
    empty: React.ReactNode;
    children: (item: T) => React.ReactNode;
    itemKey: (item: T) => string;
}

/** A titled list with its loading, error and empty states. */
function Section<T>({title, what, list, items, empty, children, itemKey}: SectionProps<T>) {
    const headingId = useId();
    const dispatch = useDispatch();
    return (
        <section
            className='cm-rhs__section'
            aria-labelledby={headingId}
        >
            <h3
                id={headingId}
                className='cm-rhs__heading'
            >
                {title}
                {list.loaded && items.length > 0 && <span className='cm-rhs__count'>{items.length}</span>}
            </h3>
            {list.error && (
                <div
                    role='alert'
                    className='cm-rhs__error'
                >
                    <span>{`Could not load this list: ${list.error}`}</span>
                    <button
                        type='button'
                        className='cm-link-btn'
                        onClick={() => void loadLists(dispatch, [what])}
                    >
                        {'Try again'}
                    </button>
                </div>
            )}
            {!list.loaded && !list.error && <p className='cm-rhs__empty'>{'Loading…'}</p>}
            {list.loaded && items.length === 0 && <p className='cm-rhs__empty'>{empty}</p>}
            {items.length > 0 && (
                <ul className='cm-rhs__list'>
                    {items.map((item) => (
                        <li
                            key={itemKey(item)}
                            className='cm-rhs__item'
                        >
                            {children(item)}
                        </li>
                    ))}
                </ul>
            )}
        </section>
    );
}

const kindLabels: Record<string, string> = {approval: 'Approval', plan: 'Plan', question: 'Question'};

function kindOf(request: PendingRequest): string {
    return request.kind === 'approval' && request.tool_name === PLAN_TOOL ? 'plan' : request.kind;
}

/** One request waiting for me: plain approvals get Approve / Deny right here; the rest link to their card. */
function PendingItem({request, session, now}: {request: PendingRequest; session?: SessionSummary; now: number}) {
    const dispatch = useDispatch();
    const [busy, setBusy] = useState<'approve' | 'deny' | null>(null);
    const [error, setError] = useState('');
    const kind = kindOf(request);
    const tag = kind === 'approval' ? request.tool_name || 'Tool' : kindLabels[kind] ?? kind;

    const decide = async (decision: 'approve' | 'deny') => {
        setBusy(decision);
        setError('');
        try {
            dispatch(approvalUpdated(await client.decide(request.session_id, request.request_id, decision)));
            void loadLists(dispatch, ['approvals']);
        } catch (err) {
            if (err instanceof PluginClientError && err.approval) {
                dispatch(approvalUpdated(err.approval));
                void loadLists(dispatch, ['approvals']);
                return;
            }
            setError(errorMessage(err));
        } finally {
            setBusy(null);
        }
    };

    const action = kind === 'plan' ? 'Review the plan' : kind === 'question' ? 'Answer the question' : 'Open the card';
    return (
        <div className='cm-rhs__pending'>
            <div className='cm-rhs__line'>
                <span className='cm-approval__tool'>{tag}</span>
                <span
                    className='cm-rhs__when'
                    title={request.created_at > 0 ? formatFull(request.created_at) : undefined}
                >
                    {request.created_at > 0 ? formatAgo(request.created_at, now) : ''}
                </span>
            </div>
            {request.summary && <p className={`cm-rhs__summary${kind === 'approval' ? ' cm-rhs__summary--code' : ''}`}>{request.summary}</p>}
            {session && (
                <p
                    className='cm-rhs__meta cm-rhs__context'
                    title={session.prompt}
                >
                    {[session.prompt && `in “${session.prompt}”`, session.machine_name].filter(Boolean).join(' · ')}
                </p>
            )}
            {kind === 'approval' ? (
                <div className='cm-actions cm-rhs__actions'>
                    <button
                        type='button'
                        className='cm-btn cm-btn--primary cm-btn--small'
                        disabled={busy !== null}
                        aria-busy={busy === 'approve'}
                        onClick={() => void decide('approve')}
                    >
                        {'Approve'}
                    </button>
                    <button
                        type='button'
                        className='cm-btn cm-btn--danger cm-btn--small'
                        disabled={busy !== null}
                        aria-busy={busy === 'deny'}
                        onClick={() => void decide('deny')}
                    >
                        {'Deny'}
                    </button>
                    {request.post_id && (
                        <Permalink
                            postId={request.post_id}
                            className='cm-link cm-rhs__open'
                        >
                            {'Open the card'}
                        </Permalink>
                    )}
                    {error && <p role='alert' className='cm-error'>{error}</p>}
                </div>
            ) : request.post_id && (
                <Permalink
                    postId={request.post_id}
                    className='cm-link cm-rhs__open'
                >
                    {`${action} →`}
                </Permalink>
            )}
        </div>
    );
}

function SessionItem({session, now}: {session: SessionSummary; now: number}) {
    const body = (
        <>
            <span className='cm-rhs__line'>
                <span className={`cm-pill cm-pill--${session.status}`}>
                    <span
                        className='cm-pill__dot'
                        aria-hidden='true'
                    />
                    {statusLabels[session.status]}
                </span>
                <span className='cm-rhs__when'>{session.last_activity > 0 ? formatAgo(session.last_activity, now) : ''}</span>
            </span>
            <span className='cm-rhs__prompt'>{session.prompt || 'Session'}</span>
            <span className='cm-rhs__meta'>
                {session.invited && <span className='cm-chip'>{`Invited by @${session.owner_username}`}</span>}
                {[session.machine_name, session.cwd].filter(Boolean).join(' · ')}
            </span>
        </>
    );
    if (!session.root_id) {
        return <div className='cm-rhs__session'>{body}</div>;
    }
    return (
        <Permalink
            postId={session.root_id}
            className='cm-rhs__session cm-rhs__session--link'
        >
            {body}
        </Permalink>
    );
}

function MachineItem({machine, now}: {machine: MachineSummary; now: number}) {
    let seen = 'never seen';
    if (machine.online) {
        seen = 'online';
    } else if (machine.last_seen > 0) {
        seen = `last seen ${formatAgo(machine.last_seen, now)}`;
    }
    return (
        <div className='cm-rhs__machine'>
            <span
                className={`cm-rhs__dot cm-rhs__dot--${machine.online ? 'online' : 'offline'}`}
                aria-hidden='true'
            />
            <span className='cm-rhs__machine-name'>{machine.name || machine.id}</span>
            <span className='cm-visually-hidden'>{machine.online ? ' (online)' : ' (offline)'}</span>
            {machine.shared_by && <span className='cm-rhs__meta'>{`shared by @${machine.shared_by}`}</span>}
            <span
                className='cm-rhs__when'
                title={machine.last_seen > 0 ? formatFull(machine.last_seen) : undefined}
            >
                {seen}
            </span>
        </div>
    );
}

/** Open sessions first, most recently active first; ended ones after them. */
function sortSessions(sessions: readonly SessionSummary[]): SessionSummary[] {
    return [...sessions].sort((a, b) => Number(a.status === 'ended') - Number(b.status === 'ended') || b.last_activity - a.last_activity);
}

/**
 * The right-hand panel: requests waiting for me, my sessions, my machines. It loads
 * when it opens and again on the plugin's refresh event while it is open.
 */
export default function RightHandPanel() {
    const dispatch = useDispatch();
    const now = useNow();
    const panel = useSelector(getPanel);
    const decidedHere = useSelector(getDecidedApprovals);
    const answeredHere = useSelector(getAnsweredQuestions);

    useEffect(() => {
        dispatch(panelOpened());
        void loadLists(dispatch, RefreshTargets);
        return () => {
            dispatch(panelClosed());
        };
    }, [dispatch]);

    if (!panel) {
        return null;
    }
    // A request decided in this tab leaves at once; the server's refresh follows.
    const pending = panel.approvals.items.filter((request) => !isSettledHere(request, decidedHere, answeredHere));
    return (
        <div className='cm-rhs'>
            <Section
                title='Waiting on me'
                what='approvals'
                list={panel.approvals}
                items={pending}
                empty='Nothing is waiting for you. Approvals, plans and questions from your sessions show up here.'
                itemKey={(r) => `${r.session_id}/${r.request_id}`}
            >
                {(request) => (
                    <PendingItem
                        request={request}
                        session={panel.sessions.items.find((s) => s.id === request.session_id)}
                        now={now}
                    />
                )}
            </Section>
            <Section
                title='My sessions'
                what='sessions'
                list={panel.sessions}
                items={sortSessions(panel.sessions.items)}
                empty={<>{'No sessions yet — write '}<code>{'@claude'}</code>{' and a task in any channel to start one.'}</>}
                itemKey={(s) => s.id}
            >
                {(session) => (
                    <SessionItem
                        session={session}
                        now={now}
                    />
                )}
            </Section>
            <Section
                title='My machines'
                what='machines'
                list={panel.machines}
                items={panel.machines.items}
                empty={<>{'No machines paired — run '}<code>{'/claude connect'}</code>{' and follow the steps on your computer.'}</>}
                itemKey={(m) => m.id}
            >
                {(machine) => (
                    <MachineItem
                        machine={machine}
                        now={now}
                    />
                )}
            </Section>
        </div>
    );
}
