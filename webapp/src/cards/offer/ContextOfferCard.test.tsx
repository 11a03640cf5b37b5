import {act, screen} from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import React from 'react';

import {client, PluginClientError} from '../../client';
import {PostTypes, PropKeys} from '../../constants';
import {ALICE_ID, BOB_ID, makePost, makeStore, renderWithStore, user} from '../../test/fixtures';

// props.claude_context_offer as server/cards/offer.go writes it.
interface ServerOffer {
    offer_id: string;
    user_id: string;
    username: string;
    count: number;
    status: 'pending' | 'included' | 'without';
}

import ContextOfferCard, {findAction} from './ContextOfferCard';

// What the server sends: its interactive buttons, integration stripped by Mattermost.
const ATTACHMENTS = [{
    fallback: 'Include thread or start without',
    actions: [
        {id: 'include', name: 'Include thread', type: 'button', style: 'primary'},
        {id: 'without', name: 'Start without', type: 'button', style: 'default'},
    ],
}];

function offer(overrides: Partial<ServerOffer> = {}): ServerOffer {
    return {offer_id: 'o1', user_id: ALICE_ID, username: 'alice', count: 12, status: 'pending', ...overrides};
}

function offerPost(info: Partial<ServerOffer> = {}, {userId, attachments = ATTACHMENTS}: {userId?: string; attachments?: unknown} = {}) {
    return makePost({
        id: 'offerpost1',
        type: PostTypes.ContextOffer,
        message: 'Give Claude the 12 earlier messages of this thread? (fallback text)',
        props: {[PropKeys.ContextOffer]: offer(info), ...(info.status === undefined || info.status === 'pending' ? {attachments} : {})},
        ...(userId ? {user_id: userId} : {}),
    });
}

function deferred<T>() {
    let resolve!: (value: T) => void;
    const promise = new Promise<T>((r) => {
        resolve = r;
    });
    return {promise, resolve};
}

describe('context offer card', () => {
    it('asks the person who mentioned Claude whether to include the thread', () => {
        renderWithStore(<ContextOfferCard post={offerPost()}/>);

        expect(screen.getByRole('heading', {name: 'Give Claude the 12 earlier messages of this thread?'})).toBeInTheDocument();
        expect(screen.getByRole('button', {name: 'Include thread'})).toBeEnabled();
        expect(screen.getByRole('button', {name: 'Start without'})).toBeEnabled();
        expect(screen.getByText('Claude can read what was said here so far, or start with just your request.')).toBeInTheDocument();
    });

    it('speaks of one earlier message in the singular', () => {
        renderWithStore(<ContextOfferCard post={offerPost({count: 1})}/>);

        expect(screen.getByRole('heading', {name: 'Give Claude the earlier message of this thread?'})).toBeInTheDocument();
    });

    it.each([
        ['Include thread', 'include'],
        ['Start without', 'without'],
    ])('clicking %s clicks the post\'s own button (%s) through Mattermost', async (label, actionId) => {
        const doPostAction = jest.spyOn(client, 'doPostAction').mockResolvedValue();
        renderWithStore(<ContextOfferCard post={offerPost()}/>);

        await userEvent.click(screen.getByRole('button', {name: label}));

        expect(doPostAction).toHaveBeenCalledTimes(1);
        expect(doPostAction).toHaveBeenCalledWith('offerpost1', actionId);
    });

    it('stays answerable until the server edits the post, since a refusal comes as an ephemeral message', async () => {
        jest.spyOn(client, 'doPostAction').mockResolvedValue();
        renderWithStore(<ContextOfferCard post={offerPost()}/>);

        await userEvent.click(screen.getByRole('button', {name: 'Include thread'}));

        expect(screen.getByRole('button', {name: 'Include thread'})).toBeEnabled();
        expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    });

    it('finds a button the server gave a generated id by its name', async () => {
        const doPostAction = jest.spyOn(client, 'doPostAction').mockResolvedValue();
        const attachments = [{actions: [{id: 'x7f3k2', name: 'Include thread'}, {id: 'q9w8e7', name: 'Start without'}]}];
        renderWithStore(<ContextOfferCard post={offerPost({}, {attachments})}/>);

        await userEvent.click(screen.getByRole('button', {name: 'Start without'}));

        expect(doPostAction).toHaveBeenCalledWith('offerpost1', 'q9w8e7');
    });

    it('says so when the post has no such button', async () => {
        const doPostAction = jest.spyOn(client, 'doPostAction').mockResolvedValue();
        renderWithStore(<ContextOfferCard post={offerPost({}, {attachments: []})}/>);

        await userEvent.click(screen.getByRole('button', {name: 'Include thread'}));

        expect(doPostAction).not.toHaveBeenCalled();
        expect(screen.getByRole('alert')).toHaveTextContent('This choice is no longer available');
    });

    it('disables both buttons while the click is in flight', async () => {
        const answer = deferred<undefined>();
        jest.spyOn(client, 'doPostAction').mockReturnValue(answer.promise);
        renderWithStore(<ContextOfferCard post={offerPost()}/>);

        await userEvent.click(screen.getByRole('button', {name: 'Include thread'}));

        expect(screen.getByRole('button', {name: 'Include thread'})).toBeDisabled();
        expect(screen.getByRole('button', {name: 'Start without'})).toBeDisabled();
        expect(screen.getByText('Starting…')).toBeInTheDocument();

        await act(async () => answer.resolve(undefined));
        expect(screen.getByRole('button', {name: 'Include thread'})).toBeEnabled();
    });

    it('shows why a failed click failed and lets the person try again', async () => {
        jest.spyOn(client, 'doPostAction').mockRejectedValue(new PluginClientError('Unable to find the post.', 404));
        renderWithStore(<ContextOfferCard post={offerPost()}/>);

        await userEvent.click(screen.getByRole('button', {name: 'Include thread'}));

        expect(await screen.findByRole('alert')).toHaveTextContent('Unable to find the post.');
        expect(screen.getByRole('button', {name: 'Include thread'})).toBeEnabled();
    });

    it('can be answered with the keyboard', async () => {
        const doPostAction = jest.spyOn(client, 'doPostAction').mockResolvedValue();
        renderWithStore(<ContextOfferCard post={offerPost()}/>);

        await userEvent.tab();
        expect(screen.getByRole('button', {name: 'Include thread'})).toHaveFocus();
        await userEvent.keyboard('{Enter}');

        expect(doPostAction).toHaveBeenCalledWith('offerpost1', 'include');
    });

    it('shows others whose choice it is, without buttons', () => {
        renderWithStore(<ContextOfferCard post={offerPost()}/>, makeStore({currentUserId: BOB_ID}));

        expect(screen.getByText('@alice asked Claude in this thread.')).toBeInTheDocument();
        expect(screen.getByText('Waiting for @alice to choose.')).toBeInTheDocument();
        expect(screen.queryByRole('button')).not.toBeInTheDocument();
    });

    it.each([
        ['included', 'Started with the 12 earlier messages of this thread'],
        ['without', 'Started without the earlier messages'],
    ] as const)('shows an offer %s as "%s", to everyone, without buttons', (status, line) => {
        renderWithStore(<ContextOfferCard post={offerPost({status})}/>, makeStore({currentUserId: BOB_ID}));

        expect(screen.getByText(line)).toBeInTheDocument();
        expect(screen.queryByRole('button')).not.toBeInTheDocument();
    });

    it('shows the server\'s outcome once the post is edited after a click', async () => {
        jest.spyOn(client, 'doPostAction').mockResolvedValue();
        const {rerender} = renderWithStore(<ContextOfferCard post={offerPost()}/>);

        await userEvent.click(screen.getByRole('button', {name: 'Include thread'}));
        rerender(<ContextOfferCard post={offerPost({status: 'included'})}/>);

        expect(screen.getByText('Started with the 12 earlier messages of this thread')).toBeInTheDocument();
        expect(screen.queryByRole('button')).not.toBeInTheDocument();
    });

    it('reads the first draft\'s props too (request_id, user, message_count, skipped)', () => {
        const draft = {request_id: 'o1', user: {id: ALICE_ID, username: 'alice'}, message_count: 3, status: 'skipped'};
        renderWithStore(<ContextOfferCard post={makePost({type: PostTypes.ContextOffer, props: {[PropKeys.ContextOffer]: draft}})}/>);

        expect(screen.getByText('Started without the earlier messages')).toBeInTheDocument();
    });

    describe('is not rendered as a card', () => {
        it.each([
            ['a person', ALICE_ID, [user(ALICE_ID, 'alice')]],
            ['another bot', 'otherbot', [user('otherbot', 'jira', true)]],
        ])('when the author is %s', (_, userId, users) => {
            const {container} = renderWithStore(<ContextOfferCard post={offerPost({}, {userId})}/>, makeStore({users}));

            expect(screen.queryByRole('button')).not.toBeInTheDocument();
            expect(container).toHaveTextContent('(fallback text)');
        });
    });

    it('falls back to the message when the offer props are missing', () => {
        renderWithStore(<ContextOfferCard post={makePost({type: PostTypes.ContextOffer, message: 'fallback', props: {}})}/>);

        expect(screen.getByText('fallback')).toBeInTheDocument();
    });
});

describe('finding the offer\'s buttons', () => {
    it.each([
        ['by id', [{id: 'without', name: 'Nope'}, {id: 'include', name: 'Yes'}], 'include', 'include'],
        ['by id in any case', [{id: 'Without', name: 'No'}], 'skip', 'Without'],
        ['by name when the id was generated', [{id: 'abc', name: 'include thread '}], 'include', 'abc'],
    ] as const)('%s', (_, actions, choice, id) => {
        expect(findAction(actions, choice)?.id).toBe(id);
    });

    it('finds nothing rather than the wrong button', () => {
        expect(findAction([{id: 'include', name: 'Include thread'}], 'skip')).toBeUndefined();
    });
});
