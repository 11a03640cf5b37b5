import React, {useId} from 'react';
import {useSelector} from 'react-redux';

import ActionBar from '../../components/ActionBar';
import type {ActionChoice} from '../../components/ActionBar';
import {claudeOnly} from '../../components/ClaudePost';
import type {PostTypeProps} from '../../components/ClaudePost';
import {PostMessage} from '../../components/Boundary';
import {useRequest} from '../../components/useRequest';
import {client} from '../../client';
import {ContextOfferActions} from '../../constants';
import type {ContextOfferChoice} from '../../constants';
import {readContextOffer, readPostActions} from '../../props';
import {getCurrentUserId} from '../../store/selectors';
import type {ContextOfferInfo, PostActionRef} from '../../types';

const choices: readonly ActionChoice<ContextOfferChoice>[] = [
    {key: 'include', label: ContextOfferActions.include.name, busyLabel: 'Starting…', variant: 'primary'},
    {key: 'skip', label: ContextOfferActions.skip.name, busyLabel: 'Starting…', variant: 'secondary'},
];

/** The post's button for a choice: by id, else by its name (the server names them as the card does). */
export function findAction(actions: readonly PostActionRef[], choice: ContextOfferChoice): PostActionRef | undefined {
    const {ids, name} = ContextOfferActions[choice];
    return actions.find((a) => ids.includes(a.id.toLowerCase())) ??
        actions.find((a) => a.name.trim().toLowerCase() === name.toLowerCase());
}

function messages(n: number): string {
    if (n === 1) {
        return 'the earlier message';
    }
    return n > 1 ? `the ${n} earlier messages` : 'the earlier messages';
}

function outcomeText(offer: ContextOfferInfo): string {
    return offer.status === 'included' ? `Started with ${messages(offer.message_count)} of this thread` : 'Started without the earlier messages';
}

export function ContextOfferCardView({post}: PostTypeProps) {
    const titleId = useId();
    const viewerId = useSelector(getCurrentUserId);
    const {pending, error, run} = useRequest<ContextOfferChoice>();
    const offer = readContextOffer(post.props);
    if (!offer) {
        return <PostMessage message={post.message}/>;
    }
    const actions = readPostActions(post.props);
    const who = offer.user.username ? `@${offer.user.username}` : 'the person who asked';

    // Only the person who mentioned Claude may choose (the server refuses anyone else).
    const mayChoose = viewerId === '' || offer.user.id === '' || viewerId === offer.user.id;

    // The click succeeding says little: a refusal (session limit, already answered)
    // comes back as an ephemeral message. So the card waits for the server's edit of
    // the post (status included / without) and stays answerable until then.
    const choose = (choice: ContextOfferChoice) => run(choice, async () => {
        const action = findAction(actions, choice);
        if (!action) {
            throw new Error('This choice is no longer available. Reload the thread.');
        }
        await client.doPostAction(post.id, action.id);
    });

    let footer: React.ReactNode;
    if (offer.status !== 'pending') {
        footer = (
            <div className='cm-decision cm-decision--done'>
                <span
                    aria-hidden='true'
                    className='cm-decision__icon'
                >
                    {'✓'}
                </span>
                <span>{outcomeText(offer)}</span>
            </div>
        );
    } else if (mayChoose) {
        footer = (
            <ActionBar
                choices={choices}
                pending={pending}
                error={error}
                onChoose={(choice) => void choose(choice)}
            />
        );
    } else {
        footer = <p className='cm-muted'>{`Waiting for ${who} to choose.`}</p>;
    }

    return (
        <section
            className={`cm-card cm-offer cm-offer--${offer.status}`}
            aria-labelledby={titleId}
        >
            <h4 id={titleId}>{`Give Claude ${messages(offer.message_count)} of this thread?`}</h4>
            {offer.status === 'pending' && (
                <p className='cm-muted'>
                    {mayChoose ? 'Claude can read what was said here so far, or start with just your request.' : `${who} asked Claude in this thread.`}
                </p>
            )}
            {footer}
        </section>
    );
}

const ContextOfferCard = claudeOnly(ContextOfferCardView);
export default ContextOfferCard;
