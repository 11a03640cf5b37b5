import React, {useEffect, useRef, useState} from 'react';
import {useDispatch, useSelector} from 'react-redux';

import ActionBar from '../../components/ActionBar';
import type {ActionChoice} from '../../components/ActionBar';
import {useRequest} from '../../components/useRequest';
import {client} from '../../client';
import type {SessionAction} from '../../constants';
import {stopRequested, stopSettled} from '../../store/actions';
import {getCurrentUserId, getCurrentUsername, isStopRequested} from '../../store/selectors';
import type {HostState} from '../../store/selectors';
import type {SessionInfo} from '../../types';

import {isOwner} from './status';

interface Props {
    session: SessionInfo;
}

const interrupt: ActionChoice<SessionAction> = {key: 'interrupt', label: 'Interrupt', busyLabel: 'Interrupting…', variant: 'secondary'};
const stopChoice: ActionChoice<SessionAction> = {key: 'stop', label: 'Stop', busyLabel: 'Stopping…', variant: 'danger'};
const away: ActionChoice<SessionAction> = {key: 'away', label: 'Away', busyLabel: 'Marking away…', variant: 'secondary'};
const back: ActionChoice<SessionAction> = {key: 'back', label: 'Back', busyLabel: 'Marking back…', variant: 'secondary'};
const continueHere: ActionChoice<SessionAction> = {key: 'continue', label: 'Continue here', busyLabel: 'Asking the terminal…', variant: 'primary'};

/**
 * Interrupt and Stop; while the conversation runs in the owner's terminal, Away (or
 * Back), Continue here for the owner, and Stop.
 */
function controlsFor(session: SessionInfo, owner: boolean): ActionChoice<SessionAction>[] {
    if (session.runs_in !== 'terminal') {
        return [interrupt, stopChoice];
    }
    return [session.away ? back : away, ...(owner ? [continueHere] : []), stopChoice];
}

/**
 * Interrupt (ends Claude's current turn, the session stays) and Stop (ends the
 * session; a reply resumes it). Stop asks once more in place of the buttons, so the
 * row keeps its height and nothing below it moves.
 */
export default function SessionControls({session}: Props) {
    const dispatch = useDispatch();
    const stopping = useSelector((state: HostState) => isStopRequested(state, session.id));
    const viewerId = useSelector(getCurrentUserId);
    const viewerName = useSelector(getCurrentUsername);
    const {pending, error, run} = useRequest<SessionAction | 'confirm'>();
    const [confirming, setConfirming] = useState(false);
    const confirmRef = useRef<HTMLButtonElement>(null);
    const stopRef = useRef<HTMLDivElement>(null);
    const ended = session.status === 'ended';

    // Once the session reads ended, forget the request, or a resumed session would say "Stopping…".
    useEffect(() => {
        if (ended && stopping) {
            dispatch(stopSettled(session.id));
        }
    }, [dispatch, ended, stopping, session.id]);

    useEffect(() => {
        if (confirming) {
            confirmRef.current?.focus();
        }
    }, [confirming]);

    const cancel = () => {
        setConfirming(false);
        // Back to where the person was: the Stop button.
        requestAnimationFrame(() => stopRef.current?.querySelector<HTMLButtonElement>('.cm-btn--danger')?.focus());
    };

    const stop = () => run('confirm', async () => {
        await client.stopSession(session.id);
        dispatch(stopRequested(session.id));
        setConfirming(false);
    });

    if (ended) {
        return null;
    }

    if (confirming) {
        return (
            <div
                className='cm-actions cm-actions--confirm'
                role='group'
                aria-label='Stop this session?'
                onKeyDown={(e) => {
                    if (e.key === 'Escape' && pending === null) {
                        e.stopPropagation();
                        cancel();
                    }
                }}
            >
                <span className='cm-actions__question'>{'Stop this session?'}</span>
                <button
                    ref={confirmRef}
                    type='button'
                    className='cm-btn cm-btn--danger-filled'
                    disabled={pending !== null}
                    aria-busy={pending === 'confirm'}
                    onClick={stop}
                >
                    {'Stop session'}
                </button>
                <button
                    type='button'
                    className='cm-btn cm-btn--secondary'
                    disabled={pending !== null}
                    onClick={cancel}
                >
                    {'Cancel'}
                </button>
                {pending === 'confirm' && <span className='cm-actions__note'>{'Stopping…'}</span>}
                {error && <p role='alert' className='cm-error'>{error}</p>}
            </div>
        );
    }

    return (
        <div ref={stopRef}>
            <ActionBar
                choices={controlsFor(session, isOwner(session, viewerId, viewerName))}
                pending={stopping ? 'stop' : pending as SessionAction | null}
                error={error}
                onChoose={(action) => {
                    switch (action) {
                    case 'stop':
                        setConfirming(true);
                        return;
                    case 'away':
                    case 'back':
                        void run(action, () => client.setAway(session.id, action === 'away'));
                        return;
                    case 'continue':
                        void run(action, () => client.continueHere(session.id));
                        return;
                    default:
                        void run('interrupt', () => client.interruptSession(session.id));
                    }
                }}
            />
        </div>
    );
}
