import {act, screen, waitFor} from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import React from 'react';

import {client, PluginClientError} from '../../client';
import {PostTypes, PropKeys} from '../../constants';
import type {PermissionMode, SessionStatus} from '../../constants';
import {ALICE_ID, BOB_ID, CAROL_ID, makePost, makeStore, renderWithStore} from '../../test/fixtures';
import type {SessionInfo} from '../../types';

import SessionHeader from './SessionHeader';

function session(overrides: Partial<SessionInfo> = {}): SessionInfo {
    return {
        id: 'sess1',
        status: 'working',
        machine_name: 'alice-laptop',
        cwd: '/home/alice/src/app',
        branch: 'fix/flaky-auth',
        owner_id: ALICE_ID,
        owner_username: 'alice',
        participants: ['alice', 'bob'],
        model: 'claude-sonnet-4-5',
        permission_mode: 'default',
        cost_usd: 0.4231,
        input_tokens: 12_400,
        output_tokens: 3_100,
        context_tokens: 41_000,
        context_window: 200_000,
        last_activity: 0,
        ended_reason: '',
        error: '',
        claude_session_id: 'c-123',
        origin: 'mattermost',
        runs_in: 'agent',
        away: false,
        title: '',
        prompt: 'fix the flaky test in src/auth',
        waiting_for_machine: false,
        machine_last_seen: 0,
        ...overrides,
    };
}

function sessionPost(overrides: Partial<SessionInfo> = {}, userId?: string) {
    return makePost({
        id: 'root1',
        type: PostTypes.Session,
        message: 'Claude Code session on alice-laptop',
        props: {[PropKeys.Session]: session(overrides)},
        ...(userId ? {user_id: userId} : {}),
    });
}

function field(label: string): HTMLElement {
    const term = screen.getByText(label, {selector: 'dt'});
    return term.nextElementSibling as HTMLElement;
}

function deferred<T>() {
    let resolve!: (value: T) => void;
    const promise = new Promise<T>((r) => {
        resolve = r;
    });
    return {promise, resolve};
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
        expect(screen.getByRole('status')).toHaveTextContent(label);
    });

    it.each([
        ['stopped', 'Ended · stopped'],
        ['idle', 'Ended · idle timeout'],
        ['error', 'Ended · error'],
        ['exited', 'Ended · Claude exited'],
        ['agent_revoked', 'Ended · agent revoked'],
    ])('says why an ended session ended (%s)', (reason, label) => {
        renderWithStore(<SessionHeader post={sessionPost({status: 'ended', ended_reason: reason})}/>);

        expect(screen.getByRole('status')).toHaveTextContent(label);
        expect(screen.getByText('Reply in this thread to resume the session.')).toBeInTheDocument();
    });

    it('quotes the prompt it was asked', () => {
        renderWithStore(<SessionHeader post={sessionPost()}/>);

        expect(screen.getByLabelText('Prompt')).toHaveTextContent('fix the flaky test in src/auth');
    });

    it('says, while starting, that it waits for an offline machine and since when', () => {
        const since = Date.UTC(2026, 2, 1, 11, 0);
        const {rerender} = renderWithStore(<SessionHeader post={sessionPost({status: 'starting', waiting_for_machine: true, machine_last_seen: since})}/>);

        expect(screen.getByRole('status')).toHaveTextContent('Waiting for alice-laptop');
        expect(screen.getByRole('status')).toHaveAttribute('title', expect.stringMatching(/^alice-laptop is offline since .+: Claude starts when its agent connects/));
        rerender(<SessionHeader post={sessionPost({status: 'starting', waiting_for_machine: true, machine_last_seen: 0})}/>);
        expect(screen.getByRole('status')).toHaveAttribute('title', expect.stringMatching(/^alice-laptop is not connected yet/));
        rerender(<SessionHeader post={sessionPost({status: 'working', waiting_for_machine: false})}/>);
        expect(screen.getByRole('status')).toHaveTextContent('Working');
        expect(screen.getByRole('status')).not.toHaveAttribute('title');
    });

    it('shows the error of a failed session', () => {
        renderWithStore(<SessionHeader post={sessionPost({status: 'error', error: 'Claude Code exited with code 1'})}/>);

        expect(screen.getByText('Claude Code exited with code 1')).toBeInTheDocument();
    });

    it('does not show an old error once the session works again', () => {
        renderWithStore(<SessionHeader post={sessionPost({status: 'working', error: 'Claude Code exited with code 1'})}/>);

        expect(screen.queryByText('Claude Code exited with code 1')).not.toBeInTheDocument();
    });

    it('shows machine, directory, branch, owner, participants, mode, model, tokens, context and cost', () => {
        renderWithStore(<SessionHeader post={sessionPost()}/>);

        expect(field('Machine')).toHaveTextContent('alice-laptop');
        expect(field('Directory')).toHaveTextContent('/home/alice/src/app');
        expect(field('Branch')).toHaveTextContent('fix/flaky-auth');
        expect(field('Owner')).toHaveTextContent('@alice');
        expect(field('Participants')).toHaveTextContent('@alice, @bob');
        expect(field('Permissions')).toHaveTextContent('Ask before tools');
        expect(field('Model')).toHaveTextContent('claude-sonnet-4-5');
        expect(field('Tokens')).toHaveTextContent('12k in · 3.1k out');
        expect(field('Context')).toHaveTextContent('41k of 200k · 21%');
        expect(screen.getByRole('meter', {name: 'Context used'})).toHaveAttribute('aria-valuenow', '21');
        expect(field('Cost')).toHaveTextContent('$0.42');
    });

    it('lists the owner first even when the server does not', () => {
        renderWithStore(<SessionHeader post={sessionPost({participants: ['bob', 'carol', 'alice']})}/>);

        expect(field('Participants')).toHaveTextContent('@alice, @bob, @carol');
    });

    it.each<[PermissionMode, string]>([
        ['default', 'Ask before tools'],
        ['acceptEdits', 'Accept edits'],
        ['plan', 'Plan only'],
        ['bypassPermissions', 'Approve all'],
    ])('names the %s permission mode "%s"', (mode, label) => {
        renderWithStore(<SessionHeader post={sessionPost({permission_mode: mode})}/>);

        expect(field('Permissions')).toHaveTextContent(label);
    });

    it('keeps every field in place with a dash while the session does not know it yet', () => {
        renderWithStore(<SessionHeader post={sessionPost({
            status: 'starting', model: '', cwd: '', branch: '', permission_mode: '', cost_usd: 0, participants: [],
            input_tokens: 0, output_tokens: 0, context_tokens: 0, context_window: 0,
        })}/>);

        for (const label of ['Directory', 'Branch', 'Permissions', 'Model', 'Tokens', 'Context']) {
            expect(field(label)).toHaveTextContent('—');
        }
        expect(field('Participants')).toHaveTextContent('@alice');
        expect(field('Cost')).toHaveTextContent('$0.00');
        expect(screen.queryByRole('meter')).not.toBeInTheDocument();
    });

    it('shows the context used without a bar when the window size is unknown', () => {
        renderWithStore(<SessionHeader post={sessionPost({context_tokens: 8_200, context_window: 0})}/>);

        expect(field('Context')).toHaveTextContent('8.2k');
        expect(screen.queryByRole('meter')).not.toBeInTheDocument();
    });

    it('updates in place when the post changes', () => {
        const {rerender} = renderWithStore(<SessionHeader post={sessionPost({status: 'starting', model: ''})}/>);
        const card = screen.getByRole('region', {name: 'Claude Code session'});

        rerender(<SessionHeader post={sessionPost({status: 'waiting', context_tokens: 190_000})}/>);

        expect(screen.getByRole('region', {name: 'Claude Code session'})).toBe(card);
        expect(screen.getByRole('status')).toHaveTextContent('Waiting for approval');
        expect(field('Model')).toHaveTextContent('claude-sonnet-4-5');
        expect(field('Context')).toHaveTextContent('190k of 200k · 95%');
    });

    it('does not round a small cost down to nothing', () => {
        renderWithStore(<SessionHeader post={sessionPost({cost_usd: 0.004})}/>);

        expect(field('Cost')).toHaveTextContent('< $0.01');
    });

    it('treats an unknown status as starting rather than failing', () => {
        renderWithStore(<SessionHeader post={sessionPost({status: 'exploded' as SessionStatus})}/>);

        expect(screen.getByRole('status')).toHaveTextContent('Starting');
    });

    it('is not rendered as a card when a person wrote the post', () => {
        renderWithStore(<SessionHeader post={sessionPost({}, ALICE_ID)}/>);

        expect(screen.queryByRole('heading')).not.toBeInTheDocument();
        expect(screen.queryByRole('button')).not.toBeInTheDocument();
        expect(screen.getByText('Claude Code session on alice-laptop')).toBeInTheDocument();
    });

    describe('a session that runs in a terminal', () => {
        const terminal: Partial<SessionInfo> = {origin: 'terminal', runs_in: 'terminal', status: 'idle'};

        it('says it runs in a terminal on the machine, with its directory, branch and model', () => {
            renderWithStore(<SessionHeader post={sessionPost(terminal)}/>);

            expect(field('Runs in')).toHaveTextContent('Terminal on alice-laptop');
            expect(field('Directory')).toHaveTextContent('/home/alice/src/app');
            expect(field('Branch')).toHaveTextContent('fix/flaky-auth');
            expect(field('Model')).toHaveTextContent('claude-sonnet-4-5');
            expect(screen.queryByText('Machine', {selector: 'dt'})).not.toBeInTheDocument();
            expect(screen.getByText('Claude runs in a terminal: replies here reach it when its turn ends.')).toBeInTheDocument();
        });

        it('says it runs in Mattermost once it was continued here', () => {
            renderWithStore(<SessionHeader post={sessionPost({origin: 'terminal', runs_in: 'agent'})}/>);

            expect(field('Runs in')).toHaveTextContent('Mattermost on alice-laptop');
            expect(screen.getByRole('button', {name: 'Interrupt'})).toBeInTheDocument();
            expect(screen.queryByRole('button', {name: 'Away'})).not.toBeInTheDocument();
        });

        it('shows its title', () => {
            renderWithStore(<SessionHeader post={sessionPost({...terminal, title: 'Nightly dependency bump'})}/>);

            expect(field('Title')).toHaveTextContent('Nightly dependency bump');
        });

        it('offers Away, Continue here and Stop to the owner, and no Interrupt', () => {
            renderWithStore(<SessionHeader post={sessionPost(terminal)}/>);

            expect(screen.getAllByRole('button').map((b) => b.textContent)).toEqual(['Away', 'Continue here', 'Stop']);
        });

        it('offers Away but not Continue here to an invited participant', () => {
            renderWithStore(<SessionHeader post={sessionPost(terminal)}/>, makeStore({currentUserId: BOB_ID}));

            expect(screen.getAllByRole('button').map((b) => b.textContent)).toEqual(['Away', 'Stop']);
        });

        it('offers nothing to someone who only watches', () => {
            renderWithStore(<SessionHeader post={sessionPost(terminal)}/>, makeStore({currentUserId: CAROL_ID}));

            expect(screen.queryByRole('button')).not.toBeInTheDocument();
        });

        it('shows Away and offers Back while the owner is away', () => {
            renderWithStore(<SessionHeader post={sessionPost({...terminal, away: true})}/>);

            expect(screen.getByText('Away', {selector: '.cm-chip'})).toBeInTheDocument();
            expect(screen.getByText(/when Claude ends a turn it waits for a reply here/)).toBeInTheDocument();
            expect(screen.getAllByRole('button').map((b) => b.textContent)).toEqual(['Back', 'Continue here', 'Stop']);
        });

        it('Away marks the owner away, and Back marks them back', async () => {
            const setAway = jest.spyOn(client, 'setAway').mockResolvedValue();
            const {rerender} = renderWithStore(<SessionHeader post={sessionPost(terminal)}/>);

            await userEvent.click(screen.getByRole('button', {name: 'Away'}));
            expect(setAway).toHaveBeenLastCalledWith('sess1', true);

            rerender(<SessionHeader post={sessionPost({...terminal, away: true})}/>);
            await userEvent.click(screen.getByRole('button', {name: 'Back'}));
            expect(setAway).toHaveBeenLastCalledWith('sess1', false);
        });

        it('Continue here asks to move the session here and says so while in flight', async () => {
            const answer = deferred<undefined>();
            const continueHere = jest.spyOn(client, 'continueHere').mockReturnValue(answer.promise);
            renderWithStore(<SessionHeader post={sessionPost(terminal)}/>);

            await userEvent.click(screen.getByRole('button', {name: 'Continue here'}));

            expect(continueHere).toHaveBeenCalledWith('sess1');
            expect(screen.getByText('Asking the terminal…')).toBeInTheDocument();
            expect(screen.getByRole('button', {name: 'Away'})).toBeDisabled();
            await act(async () => answer.resolve(undefined));
            expect(screen.getByRole('button', {name: 'Continue here'})).toBeEnabled();
        });

        it('shows why Continue here was refused', async () => {
            jest.spyOn(client, 'continueHere').mockRejectedValue(new PluginClientError('You have 5 active Claude sessions (the limit is 5).', 403));
            renderWithStore(<SessionHeader post={sessionPost(terminal)}/>);

            await userEvent.click(screen.getByRole('button', {name: 'Continue here'}));

            expect(await screen.findByRole('alert')).toHaveTextContent('the limit is 5');
        });

        it('shows neither buttons nor the terminal hint once ended', () => {
            renderWithStore(<SessionHeader post={sessionPost({...terminal, status: 'ended', ended_reason: 'stopped', away: true})}/>);

            expect(screen.queryByRole('button')).not.toBeInTheDocument();
            expect(screen.queryByText('Away', {selector: '.cm-chip'})).not.toBeInTheDocument();
            expect(screen.getByText('Reply in this thread to resume the session.')).toBeInTheDocument();
        });
    });

    describe('Interrupt and Stop', () => {
        it.each<SessionStatus>(['starting', 'working', 'waiting', 'idle', 'error'])('are offered to a participant while the session is %s', (status) => {
            renderWithStore(<SessionHeader post={sessionPost({status})}/>);

            expect(screen.getByRole('button', {name: 'Interrupt'})).toBeEnabled();
            expect(screen.getByRole('button', {name: 'Stop'})).toBeEnabled();
        });

        it('are gone once the session ended', () => {
            renderWithStore(<SessionHeader post={sessionPost({status: 'ended', ended_reason: 'stopped'})}/>);

            expect(screen.queryByRole('button')).not.toBeInTheDocument();
        });

        it('are offered to an invited participant, not only the owner', () => {
            renderWithStore(<SessionHeader post={sessionPost()}/>, makeStore({currentUserId: BOB_ID}));

            expect(screen.getByRole('button', {name: 'Stop'})).toBeInTheDocument();
        });

        it('are not offered to someone who only watches', () => {
            renderWithStore(<SessionHeader post={sessionPost()}/>, makeStore({currentUserId: CAROL_ID}));

            expect(screen.queryByRole('button')).not.toBeInTheDocument();
        });

        it('Interrupt interrupts this session', async () => {
            const interrupt = jest.spyOn(client, 'interruptSession').mockResolvedValue();
            renderWithStore(<SessionHeader post={sessionPost()}/>);

            await userEvent.click(screen.getByRole('button', {name: 'Interrupt'}));

            expect(interrupt).toHaveBeenCalledWith('sess1');
            expect(screen.getByRole('button', {name: 'Interrupt'})).toBeEnabled();
        });

        it('disables both buttons while a request is in flight', async () => {
            const answer = deferred<undefined>();
            jest.spyOn(client, 'interruptSession').mockReturnValue(answer.promise);
            renderWithStore(<SessionHeader post={sessionPost()}/>);

            await userEvent.click(screen.getByRole('button', {name: 'Interrupt'}));

            expect(screen.getByRole('button', {name: 'Interrupt'})).toBeDisabled();
            expect(screen.getByRole('button', {name: 'Stop'})).toBeDisabled();
            expect(screen.getByText('Interrupting…')).toBeInTheDocument();

            await act(async () => answer.resolve(undefined));
            expect(screen.getByRole('button', {name: 'Stop'})).toBeEnabled();
        });

        it('Stop asks first and stops only after the confirmation', async () => {
            const stop = jest.spyOn(client, 'stopSession').mockResolvedValue();
            renderWithStore(<SessionHeader post={sessionPost()}/>);

            await userEvent.click(screen.getByRole('button', {name: 'Stop'}));

            expect(stop).not.toHaveBeenCalled();
            expect(screen.getByRole('group', {name: 'Stop this session?'})).toBeInTheDocument();
            expect(screen.getByRole('button', {name: 'Stop session'})).toHaveFocus();

            await userEvent.click(screen.getByRole('button', {name: 'Stop session'}));

            expect(stop).toHaveBeenCalledTimes(1);
            expect(stop).toHaveBeenCalledWith('sess1');
            expect(screen.getByText('Stopping…')).toBeInTheDocument();
            expect(screen.getByRole('button', {name: 'Stop'})).toBeDisabled();
        });

        it('Cancel keeps the session running', async () => {
            const stop = jest.spyOn(client, 'stopSession').mockResolvedValue();
            renderWithStore(<SessionHeader post={sessionPost()}/>);

            await userEvent.click(screen.getByRole('button', {name: 'Stop'}));
            await userEvent.click(screen.getByRole('button', {name: 'Cancel'}));

            expect(stop).not.toHaveBeenCalled();
            expect(screen.getByRole('button', {name: 'Stop'})).toBeEnabled();
            await waitFor(() => expect(screen.getByRole('button', {name: 'Stop'})).toHaveFocus());
        });

        it('Escape cancels the confirmation', async () => {
            const stop = jest.spyOn(client, 'stopSession').mockResolvedValue();
            renderWithStore(<SessionHeader post={sessionPost()}/>);

            await userEvent.click(screen.getByRole('button', {name: 'Stop'}));
            await userEvent.keyboard('{Escape}');

            expect(stop).not.toHaveBeenCalled();
            expect(screen.queryByRole('group', {name: 'Stop this session?'})).not.toBeInTheDocument();
        });

        it('can be stopped with the keyboard alone', async () => {
            const stop = jest.spyOn(client, 'stopSession').mockResolvedValue();
            renderWithStore(<SessionHeader post={sessionPost()}/>);

            await userEvent.tab();
            expect(screen.getByRole('button', {name: 'Interrupt'})).toHaveFocus();
            await userEvent.tab();
            expect(screen.getByRole('button', {name: 'Stop'})).toHaveFocus();
            await userEvent.keyboard('{Enter}');
            await userEvent.keyboard('{Enter}');

            expect(stop).toHaveBeenCalledWith('sess1');
        });

        it('shows why a refused stop failed and lets the person try again', async () => {
            jest.spyOn(client, 'stopSession').mockRejectedValue(new PluginClientError('Only participants can stop this session', 403));
            renderWithStore(<SessionHeader post={sessionPost()}/>);

            await userEvent.click(screen.getByRole('button', {name: 'Stop'}));
            await userEvent.click(screen.getByRole('button', {name: 'Stop session'}));

            expect(await screen.findByRole('alert')).toHaveTextContent('Only participants can stop this session');
            expect(screen.getByRole('button', {name: 'Stop session'})).toBeEnabled();
        });

        it('shows why a refused interrupt failed', async () => {
            jest.spyOn(client, 'interruptSession').mockRejectedValue(new PluginClientError('Could not reach the server. Check your connection and try again.', 0));
            renderWithStore(<SessionHeader post={sessionPost()}/>);

            await userEvent.click(screen.getByRole('button', {name: 'Interrupt'}));

            expect(await screen.findByRole('alert')).toHaveTextContent('Could not reach the server');
            expect(screen.getByRole('button', {name: 'Interrupt'})).toBeEnabled();
        });

        it('says "Stopping…" in every copy of the header until the session ends, and not after a resume', async () => {
            jest.spyOn(client, 'stopSession').mockResolvedValue();
            const store = makeStore();
            const {rerender} = renderWithStore(
                <>
                    <SessionHeader post={sessionPost()}/>
                    <SessionHeader post={sessionPost()}/>
                </>,
                store,
            );

            const [firstStop] = screen.getAllByRole('button', {name: 'Stop'});
            await userEvent.click(firstStop as HTMLElement);
            await userEvent.click(screen.getByRole('button', {name: 'Stop session'}));
            expect(screen.getAllByText('Stopping…')).toHaveLength(2);

            rerender(<SessionHeader post={sessionPost({status: 'ended', ended_reason: 'stopped'})}/>);
            expect(screen.queryByText('Stopping…')).not.toBeInTheDocument();

            rerender(<SessionHeader post={sessionPost({status: 'starting'})}/>);
            expect(screen.queryByText('Stopping…')).not.toBeInTheDocument();
            expect(screen.getByRole('button', {name: 'Stop'})).toBeEnabled();
        });
    });
});
