import {act, screen, waitFor, within} from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import React from 'react';

import {client, PluginClientError} from '../client';
import {makeStore, renderWithStore} from '../test/fixtures';
import type {ApprovalInfo, MachineSummary, PendingRequest, SessionSummary} from '../types';
import {handleRefresh} from '../websocket/handlers';

import RightHandPanel from './RightHandPanel';

const NOW = Date.now();

const MACHINES: MachineSummary[] = [
    {id: 'm1', name: 'alice-laptop', online: true, last_seen: NOW - 10_000, shared_by: ''},
    {id: 'm2', name: 'build-box', online: false, last_seen: NOW - 5 * 60_000, shared_by: 'bob'},
];
const SESSIONS: SessionSummary[] = [
    {id: 's3', status: 'ended', machine_name: 'alice-laptop', cwd: '/src/web', channel_id: 'c1', root_id: 'root3', prompt: 'why is login slow?', last_activity: NOW - 3600_000, invited: true, owner_username: 'bob'},
    {id: 's1', status: 'waiting', machine_name: 'alice-laptop', cwd: '/src/app', channel_id: 'c1', root_id: 'root1', prompt: 'fix the flaky test', last_activity: NOW - 60_000, invited: false, owner_username: 'alice'},
];
const PENDING: PendingRequest[] = [
    {session_id: 's1', request_id: 'r1', kind: 'approval', tool_name: 'Bash', summary: 'npm test', post_id: 'post1', channel_id: 'c1', created_at: NOW - 120_000},
    {session_id: 's1', request_id: 'r2', kind: 'plan', tool_name: 'ExitPlanMode', summary: 'Fix the flaky test', post_id: 'post2', channel_id: 'c1', created_at: NOW - 60_000},
    {session_id: 's2', request_id: 'r3', kind: 'question', tool_name: 'AskUserQuestion', summary: 'Which runner?', post_id: 'post3', channel_id: 'c1', created_at: NOW},
];

function mockLists(machines = MACHINES, sessions = SESSIONS, pending = PENDING) {
    return {
        machines: jest.spyOn(client, 'getMachines').mockResolvedValue(machines),
        sessions: jest.spyOn(client, 'getSessions').mockResolvedValue(sessions),
        pending: jest.spyOn(client, 'getPendingRequests').mockResolvedValue(pending),
    };
}

function section(name: string): HTMLElement {
    return screen.getByRole('region', {name: new RegExp(`^${name}`)});
}

describe('right-hand panel', () => {
    it('loads the three lists when it opens', async () => {
        const calls = mockLists();
        renderWithStore(<RightHandPanel/>);

        expect(await within(section('My machines')).findByText('alice-laptop')).toBeInTheDocument();
        expect(calls.machines).toHaveBeenCalledTimes(1);
        expect(calls.sessions).toHaveBeenCalledTimes(1);
        expect(calls.pending).toHaveBeenCalledTimes(1);
    });

    it('says it is loading before the lists arrive', () => {
        jest.spyOn(client, 'getMachines').mockReturnValue(new Promise(() => undefined));
        jest.spyOn(client, 'getSessions').mockReturnValue(new Promise(() => undefined));
        jest.spyOn(client, 'getPendingRequests').mockReturnValue(new Promise(() => undefined));
        renderWithStore(<RightHandPanel/>);

        expect(screen.getAllByText('Loading…')).toHaveLength(3);
    });

    it('shows each machine online or when it was last seen, and who shared it', async () => {
        mockLists();
        renderWithStore(<RightHandPanel/>);
        const machines = section('My machines');

        const [laptop, box] = await within(machines).findAllByRole('listitem');
        expect(laptop).toHaveTextContent('alice-laptop (online)online');
        expect(box).toHaveTextContent('build-box (offline)shared by @boblast seen 5 min ago');
    });

    it('lists open sessions first, each a link to its thread', async () => {
        mockLists();
        renderWithStore(<RightHandPanel/>);
        const sessions = section('My sessions');

        const links = await within(sessions).findAllByRole('link');
        expect(links.map((l) => l.textContent)).toEqual([
            'Waiting for approval1 min agofix the flaky testalice-laptop · /src/app',
            'Ended1 h agowhy is login slow?Invited by @bobalice-laptop · /src/web',
        ]);
        expect(links[0]).toHaveAttribute('href', 'http://localhost/_redirect/pl/root1');
    });

    it('marks the sessions I was invited to', async () => {
        mockLists();
        renderWithStore(<RightHandPanel/>);
        const sessions = section('My sessions');

        const invited = await within(sessions).findByRole('link', {name: /why is login slow/});
        expect(within(invited).getByText('Invited by @bob')).toBeInTheDocument();
        expect(within(within(sessions).getByRole('link', {name: /fix the flaky test/})).queryByText(/Invited by/)).not.toBeInTheDocument();
    });

    it('opens a thread inside the webapp when it exposes its router', async () => {
        mockLists();
        const push = jest.fn();
        window.WebappUtils = {browserHistory: {push}};
        renderWithStore(<RightHandPanel/>, makeStore());

        await userEvent.click(await within(section('My sessions')).findByRole('link', {name: /fix the flaky test/}));

        expect(push).toHaveBeenCalledWith('/_redirect/pl/root1');
        delete window.WebappUtils;
    });

    it('lists what waits for me: Approve and Deny for plain approvals, a link for plans and questions', async () => {
        mockLists();
        renderWithStore(<RightHandPanel/>);
        const waiting = section('Waiting on me');

        const [approval, plan, question] = await within(waiting).findAllByRole('listitem');
        expect(approval).toHaveTextContent('Bash2 min agonpm testin “fix the flaky test” · alice-laptop');
        expect(within(approval as HTMLElement).getByRole('button', {name: 'Approve'})).toBeInTheDocument();
        expect(within(approval as HTMLElement).getByRole('button', {name: 'Deny'})).toBeInTheDocument();
        expect(within(plan as HTMLElement).queryByRole('button')).not.toBeInTheDocument();
        expect(within(plan as HTMLElement).getByRole('link', {name: 'Review the plan →'})).toHaveAttribute('href', 'http://localhost/_redirect/pl/post2');
        expect(within(question as HTMLElement).getByRole('link', {name: 'Answer the question →'})).toBeInTheDocument();
        expect(within(waiting).getByRole('heading')).toHaveTextContent('Waiting on me3');
    });

    it('approves from the panel; the request leaves the list at once', async () => {
        mockLists();
        const decide = jest.spyOn(client, 'decide').mockResolvedValue({
            session_id: 's1', request_id: 'r1', tool_name: 'Bash', input: {}, cwd: '', description: '', status: 'approved', decided_by: 'alice',
            decided_at: NOW, reason: '', expired_after: '', preview: null, approve_all: false,
        } satisfies ApprovalInfo);
        renderWithStore(<RightHandPanel/>);
        const waiting = section('Waiting on me');

        await userEvent.click(await within(waiting).findByRole('button', {name: 'Approve'}));

        expect(decide).toHaveBeenCalledWith('s1', 'r1', 'approve');
        await waitFor(() => expect(within(waiting).queryByText('npm test')).not.toBeInTheDocument());
    });

    it('says why a decision from the panel failed', async () => {
        mockLists();
        jest.spyOn(client, 'decide').mockRejectedValue(new PluginClientError('Only session participants can decide', 403));
        renderWithStore(<RightHandPanel/>);

        await userEvent.click(await within(section('Waiting on me')).findByRole('button', {name: 'Deny'}));

        expect(await screen.findByRole('alert')).toHaveTextContent('Only session participants can decide');
    });

    it('says what to do when every list is empty', async () => {
        mockLists([], [], []);
        renderWithStore(<RightHandPanel/>);

        expect(await screen.findByText(/No machines paired — run/)).toHaveTextContent('No machines paired — run /claude connect and follow the steps on your computer.');
        expect(screen.getByText(/No sessions yet/)).toHaveTextContent('No sessions yet — write @claude and a task in any channel to start one.');
        expect(screen.getByText(/Nothing is waiting for you/)).toBeInTheDocument();
    });

    it('says a list could not load, keeps the others, and tries again on request', async () => {
        const calls = mockLists();
        calls.sessions.mockRejectedValueOnce(new PluginClientError('The server answered 500.', 500));
        renderWithStore(<RightHandPanel/>);

        expect(await within(section('My sessions')).findByRole('alert')).toHaveTextContent('Could not load this list: The server answered 500.');
        expect(within(section('My machines')).getByText('alice-laptop')).toBeInTheDocument();

        await userEvent.click(within(section('My sessions')).getByRole('button', {name: 'Try again'}));
        expect(await within(section('My sessions')).findByText('fix the flaky test')).toBeInTheDocument();
    });

    it('refetches the list a refresh event names while it is open, and nothing once closed', async () => {
        const calls = mockLists();
        const store = makeStore();
        const {unmount} = renderWithStore(<RightHandPanel/>, store);
        await within(section('My machines')).findByText('alice-laptop');
        calls.machines.mockResolvedValue([{...MACHINES[1] as MachineSummary, online: true}]);

        await act(async () => handleRefresh(store)({event: 'custom_claude-mattermost_refresh', data: {what: 'machines'}}));

        expect(await within(section('My machines')).findByText('online')).toBeInTheDocument();
        expect(calls.machines).toHaveBeenCalledTimes(2);
        expect(calls.sessions).toHaveBeenCalledTimes(1);

        unmount();
        await act(async () => handleRefresh(store)({event: 'custom_claude-mattermost_refresh', data: {what: 'sessions'}}));
        expect(calls.sessions).toHaveBeenCalledTimes(1);
    });
});
