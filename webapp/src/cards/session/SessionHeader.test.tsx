import {screen} from '@testing-library/react';
import React from 'react';

import {PostTypes, PropKeys} from '../../constants';
import type {SessionStatus} from '../../constants';
import {ALICE_ID, makePost, renderWithStore} from '../../test/fixtures';
import type {SessionInfo} from '../../types';

import SessionHeader from './SessionHeader';

function sessionPost(overrides: Partial<SessionInfo> = {}, userId?: string) {
    const session: SessionInfo = {
        id: 'sess1',
        status: 'working',
        machine_name: 'alice-laptop',
        cwd: '/home/alice/src/app',
        owner_username: 'alice',
        participants: ['alice', 'bob'],
        model: 'claude-sonnet-4-5',
        cost_usd: 0.4231,
        claude_session_id: 'c-123',
        ...overrides,
    };
    return makePost({
        type: PostTypes.Session,
        message: 'Claude Code session on alice-laptop',
        props: {[PropKeys.Session]: session},
        ...(userId ? {user_id: userId} : {}),
    });
}

function field(label: string): HTMLElement {
    const term = screen.getByText(label, {selector: 'dt'});
    return term.nextElementSibling as HTMLElement;
}

describe('session header card', () => {
    it.each<[SessionStatus, string]>([
        ['starting', 'Starting'],
        ['working', 'Working'],
        ['waiting', 'Waiting for approval'],
        ['idle', 'Idle'],
        ['ended', 'Ended'],
        ['error', 'Error'],
    ])('shows the %s status as "%s"', (status, label) => {
        renderWithStore(<SessionHeader post={sessionPost({status})}/>);

        expect(screen.getByRole('heading', {name: 'Claude Code session'})).toBeInTheDocument();
        expect(screen.getByText(label)).toBeInTheDocument();
    });

    it('shows machine, directory, owner, participants, model and cost', () => {
        renderWithStore(<SessionHeader post={sessionPost()}/>);

        expect(field('Machine')).toHaveTextContent('alice-laptop');
        expect(field('Directory')).toHaveTextContent('/home/alice/src/app');
        expect(field('Owner')).toHaveTextContent('@alice');
        expect(field('Participants')).toHaveTextContent('@alice, @bob');
        expect(field('Model')).toHaveTextContent('claude-sonnet-4-5');
        expect(field('Cost')).toHaveTextContent('$0.42');
    });

    it('leaves out what the session does not know yet', () => {
        renderWithStore(<SessionHeader post={sessionPost({status: 'starting', model: '', cwd: '', cost_usd: 0, participants: []})}/>);

        expect(screen.queryByText('Model')).not.toBeInTheDocument();
        expect(screen.queryByText('Directory')).not.toBeInTheDocument();
        expect(field('Participants')).toHaveTextContent('@alice');
        expect(field('Cost')).toHaveTextContent('$0.00');
    });

    it('does not round a small cost down to nothing', () => {
        renderWithStore(<SessionHeader post={sessionPost({cost_usd: 0.004})}/>);

        expect(field('Cost')).toHaveTextContent('< $0.01');
    });

    it('treats an unknown status as starting rather than failing', () => {
        renderWithStore(<SessionHeader post={sessionPost({status: 'exploded' as SessionStatus})}/>);

        expect(screen.getByText('Starting')).toBeInTheDocument();
    });

    it('is not rendered as a card when a person wrote the post', () => {
        renderWithStore(<SessionHeader post={sessionPost({}, ALICE_ID)}/>);

        expect(screen.queryByRole('heading')).not.toBeInTheDocument();
        expect(screen.getByText('Claude Code session on alice-laptop')).toBeInTheDocument();
    });
});
