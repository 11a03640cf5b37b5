import React, {useId} from 'react';
import {useDispatch, useSelector} from 'react-redux';

import ActionBar from '../../components/ActionBar';
import type {ActionChoice} from '../../components/ActionBar';
import {claudeOnly} from '../../components/ClaudePost';
import type {PostTypeProps} from '../../components/ClaudePost';
import {PostMessage} from '../../components/Boundary';
import Markdown from '../../components/Markdown';
import {formatClock, formatFull} from '../../components/time';
import {useRequest} from '../../components/useRequest';
import {client, PluginClientError} from '../../client';
import type {GuestDecision, GuestStatus} from '../../constants';
import {readGuest} from '../../props';
import {guestUpdated} from '../../store/actions';
import {getCurrentUserId, getCurrentUsername, getDecidedGuest, getDisplayUsername, prefersMilitaryTime} from '../../store/selectors';
import type {HostState} from '../../store/selectors';
import type {GuestInfo} from '../../types';

const choices: readonly ActionChoice<GuestDecision>[] = [
    {key: 'allow', label: 'Allow once', busyLabel: 'Allowing…', variant: 'primary'},
    {key: 'invite', label: 'Invite', busyLabel: 'Inviting…', variant: 'secondary'},
    {key: 'deny', label: 'Deny', busyLabel: 'Denying…', variant: 'danger'},
];

const outcome: Record<GuestDecision, GuestStatus> = {allow: 'allowed', invite: 'invited', deny: 'denied'};

const icons: Record<Exclude<GuestStatus, 'pending'>, string> = {allowed: '✓', invited: '✓', denied: '✕'};

function decisionText(guest: GuestInfo, decider: string, clock: string): string {
    const by = decider ? ` by @${decider}` : '';
    let text: string;
    switch (guest.status) {
    case 'allowed':
        text = `Allowed once${by}`;
        break;
    case 'invited':
        text = `@${guest.user.username || 'guest'} invited${by}`;
        break;
    default:
        text = `Denied${by}`;
    }
    return clock ? `${text} · ${clock}` : text;
}

function DecidedLine({guest}: {guest: GuestInfo}) {
    const decider = useSelector((state: HostState) => getDisplayUsername(state, guest.decided_by));
    const military = useSelector(prefersMilitaryTime);
    if (guest.status === 'pending') {
        return null;
    }
    return (
        <div className={`cm-decision cm-decision--${guest.status}`}>
            <span
                aria-hidden='true'
                className='cm-decision__icon'
            >
                {icons[guest.status]}
            </span>
            <span title={guest.decided_at > 0 ? formatFull(guest.decided_at) : undefined}>
                {decisionText(guest, decider, guest.decided_at > 0 ? formatClock(guest.decided_at, military) : '')}
            </span>
        </div>
    );
}

function GuestButtons({guest}: {guest: GuestInfo}) {
    const dispatch = useDispatch();
    const viewerName = useSelector(getCurrentUsername);
    const {pending, error, run} = useRequest<GuestDecision>();

    const decide = (decision: GuestDecision) => run(decision, async () => {
        const recorded = await client.decideGuest(guest.session_id, guest.request_id, decision);
        // The route may answer without the record; what was decided is known anyway.
        dispatch(guestUpdated(recorded ?? {...guest, status: outcome[decision], decided_by: viewerName, decided_at: Date.now()}));
    }, (err) => {
        if (err instanceof PluginClientError && err.guest) {
            // Someone decided first: show theirs instead of the buttons.
            dispatch(guestUpdated(err.guest));
        }
    });

    return (
        <ActionBar
            choices={choices}
            pending={pending}
            error={error}
            onChoose={(decision) => void decide(decision)}
        />
    );
}

export function GuestCardView({post}: PostTypeProps) {
    const titleId = useId();
    const fromPost = readGuest(post.props);
    const decided = useSelector((state: HostState) => (fromPost ? getDecidedGuest(state, fromPost.session_id, fromPost.request_id) : undefined));
    const viewerId = useSelector(getCurrentUserId);
    if (!fromPost) {
        return <PostMessage message={post.message}/>;
    }
    // A decision made in this tab shows at once; the text stays as posted.
    const guest: GuestInfo = fromPost.status === 'pending' && decided ? {...fromPost, status: decided.status, decided_by: decided.decided_by, decided_at: decided.decided_at} : fromPost;
    const who = guest.user.username ? `@${guest.user.username}` : 'Someone';
    const isAuthor = viewerId !== '' && viewerId === guest.user.id;
    return (
        <section
            className={`cm-card cm-guest cm-guest--${guest.status}`}
            aria-labelledby={titleId}
        >
            <h4 id={titleId}>{`${who} wants to add a message to this session`}</h4>
            <blockquote
                className='cm-quote'
                aria-label={`Message from ${who}`}
                tabIndex={0} // it scrolls when long: reachable with the keyboard
            >
                <Markdown text={guest.text}/>
            </blockquote>
            {guest.status !== 'pending' && <DecidedLine guest={guest}/>}
            {guest.status === 'pending' && isAuthor && (
                <p className='cm-muted'>{'Waiting for a participant to let your message through to Claude.'}</p>
            )}
            {guest.status === 'pending' && !isAuthor && (
                <>
                    <p className='cm-muted'>{`Claude only hears participants. Allow once sends this message; Invite also makes ${who} a participant.`}</p>
                    <GuestButtons guest={guest}/>
                </>
            )}
        </section>
    );
}

const GuestCard = claudeOnly(GuestCardView);
export default GuestCard;
