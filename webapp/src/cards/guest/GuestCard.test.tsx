import {act, screen} from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import React from 'react';

import {client, PluginClientError} from '../../client';
import {PostTypes, PropKeys} from '../../constants';
import type {GuestDecision} from '../../constants';
import {ALICE_ID, BOB_ID, CAROL_ID, makePost, makeStore, renderWithStore, user} from '../../test/fixtures';
import type {GuestInfo} from '../../types';

import GuestCard from './GuestCard';

const DECIDED_AT = Date.UTC(2025, 0, 2, 10, 42);

function guest(overrides: Partial<GuestInfo> = {}): GuestInfo {
    return {
        session_id: 'sess1',
        request_id: 'g1',
        user: {id: CAROL_ID, username: 'carol'},
        text: 'Also check the retry logic in `src/auth/refresh.ts`, it hides the real error.',
        status: 'pending',
        decided_by: '',
        decided_at: 0,
        ...overrides,
    };
}

function guestPost(info: Partial<GuestInfo> = {}, userId?: string) {
    return makePost({
        type: PostTypes.Guest,
        message: '@carol wants to add a message: > Also check the retry logic (fallback text)',
        props: {[PropKeys.Guest]: guest(info)},
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

describe('guest card', () => {
    it('asks the participants about the guest\'s message, quoted in full', () => {
        renderWithStore(<GuestCard post={guestPost()}/>);

        expect(screen.getByRole('heading', {name: '@carol wants to add a message to this session'})).toBeInTheDocument();
        expect(screen.getByLabelText('Message from @carol')).toHaveTextContent('Also check the retry logic in `src/auth/refresh.ts`, it hides the real error.');
        expect(screen.getByRole('button', {name: 'Allow once'})).toBeEnabled();
        expect(screen.getByRole('button', {name: 'Invite'})).toBeEnabled();
        expect(screen.getByRole('button', {name: 'Deny'})).toBeEnabled();
        expect(screen.getByText('Claude only hears participants. Allow once sends this message; Invite also makes @carol a participant.')).toBeInTheDocument();
    });

    it.each([
        ['allowed', 'Allowed once by @alice · 10:42 AM'],
        ['invited', '@carol invited by @alice · 10:42 AM'],
        ['denied', 'Denied by @alice · 10:42 AM'],
    ] as const)('shows a request %s as "%s", without buttons', (status, line) => {
        renderWithStore(<GuestCard post={guestPost({status, decided_by: 'alice', decided_at: DECIDED_AT})}/>);

        expect(screen.getByText(line)).toBeInTheDocument();
        expect(screen.getByLabelText('Message from @carol')).toBeInTheDocument();
        expect(screen.queryByRole('button')).not.toBeInTheDocument();
    });

    it('uses 24-hour time for people who chose it', () => {
        renderWithStore(<GuestCard post={guestPost({status: 'allowed', decided_by: 'alice', decided_at: DECIDED_AT})}/>, makeStore({militaryTime: true}));

        expect(screen.getByText('Allowed once by @alice · 10:42')).toBeInTheDocument();
    });

    it('names the decider by username when the server sent a user id', () => {
        renderWithStore(<GuestCard post={guestPost({status: 'denied', decided_by: BOB_ID})}/>);

        expect(screen.getByText('Denied by @bob')).toBeInTheDocument();
    });

    it.each<[string, GuestDecision, GuestInfo['status'], string]>([
        ['Allow once', 'allow', 'allowed', 'Allowed once by @alice'],
        ['Invite', 'invite', 'invited', '@carol invited by @alice'],
        ['Deny', 'deny', 'denied', 'Denied by @alice'],
    ])('clicking %s sends "%s" for this request', async (label, decision, status, line) => {
        const decide = jest.spyOn(client, 'decideGuest').mockResolvedValue(guest({status, decided_by: 'alice'}));
        renderWithStore(<GuestCard post={guestPost()}/>);

        await userEvent.click(screen.getByRole('button', {name: label}));

        expect(decide).toHaveBeenCalledTimes(1);
        expect(decide).toHaveBeenCalledWith('sess1', 'g1', decision);
        expect(await screen.findByText(line)).toBeInTheDocument();
        expect(screen.queryByRole('button')).not.toBeInTheDocument();
    });

    it('shows the decision even when the route answers without the record', async () => {
        jest.spyOn(client, 'decideGuest').mockResolvedValue(null);
        renderWithStore(<GuestCard post={guestPost()}/>);

        await userEvent.click(screen.getByRole('button', {name: 'Invite'}));

        expect(await screen.findByText(/^@carol invited by @alice · /)).toBeInTheDocument();
    });

    it('disables every button while the decision is in flight', async () => {
        const answer = deferred<GuestInfo | null>();
        jest.spyOn(client, 'decideGuest').mockReturnValue(answer.promise);
        renderWithStore(<GuestCard post={guestPost()}/>);

        await userEvent.click(screen.getByRole('button', {name: 'Allow once'}));

        for (const name of ['Allow once', 'Invite', 'Deny']) {
            expect(screen.getByRole('button', {name})).toBeDisabled();
        }
        expect(screen.getByText('Allowing…')).toBeInTheDocument();

        await act(async () => answer.resolve(guest({status: 'allowed', decided_by: 'alice'})));
        expect(screen.getByText('Allowed once by @alice')).toBeInTheDocument();
    });

    it('shows why a refused decision failed and lets the person try again', async () => {
        jest.spyOn(client, 'decideGuest').mockRejectedValue(new PluginClientError('Only participants can decide', 403));
        renderWithStore(<GuestCard post={guestPost()}/>, makeStore({currentUserId: BOB_ID}));

        await userEvent.click(screen.getByRole('button', {name: 'Deny'}));

        expect(await screen.findByRole('alert')).toHaveTextContent('Only participants can decide');
        expect(screen.getByRole('button', {name: 'Deny'})).toBeEnabled();
    });

    it('shows the earlier decision when someone else decided first', async () => {
        const theirs = guest({status: 'invited', decided_by: 'bob', decided_at: DECIDED_AT});
        jest.spyOn(client, 'decideGuest').mockRejectedValue(new PluginClientError('already decided', 409, null, theirs));
        renderWithStore(<GuestCard post={guestPost()}/>);

        await userEvent.click(screen.getByRole('button', {name: 'Deny'}));

        expect(await screen.findByText('@carol invited by @bob · 10:42 AM')).toBeInTheDocument();
        expect(screen.queryByRole('button')).not.toBeInTheDocument();
    });

    it('can be decided with the keyboard', async () => {
        const decide = jest.spyOn(client, 'decideGuest').mockResolvedValue(null);
        renderWithStore(<GuestCard post={guestPost()}/>);

        await userEvent.tab(); // the quoted message scrolls when long, so it comes first
        await userEvent.tab();
        expect(screen.getByRole('button', {name: 'Allow once'})).toHaveFocus();
        await userEvent.tab();
        await userEvent.keyboard('{Enter}');

        expect(decide).toHaveBeenCalledWith('sess1', 'g1', 'invite');
    });

    it('tells the guest their message waits, instead of offering them buttons', () => {
        renderWithStore(<GuestCard post={guestPost()}/>, makeStore({currentUserId: CAROL_ID}));

        expect(screen.getByText('Waiting for a participant to let your message through to Claude.')).toBeInTheDocument();
        expect(screen.queryByRole('button')).not.toBeInTheDocument();
    });

    describe('is not rendered as a card', () => {
        it.each([
            ['a person', ALICE_ID, [user(ALICE_ID, 'alice')]],
            ['a person named claude who is not a bot', 'impostor', [user('impostor', 'claude', false)]],
            ['an author the store does not know', 'unknown', []],
        ])('when the author is %s', (_, userId, users) => {
            const {container} = renderWithStore(<GuestCard post={guestPost({}, userId)}/>, makeStore({users}));

            expect(screen.queryByRole('button')).not.toBeInTheDocument();
            expect(screen.queryByRole('heading')).not.toBeInTheDocument();
            expect(container).toHaveTextContent('(fallback text)');
        });
    });

    it('falls back to the message when the guest props are missing', () => {
        renderWithStore(<GuestCard post={makePost({type: PostTypes.Guest, message: 'fallback', props: {}})}/>);

        expect(screen.getByText('fallback')).toBeInTheDocument();
        expect(screen.queryByRole('button')).not.toBeInTheDocument();
    });
});
