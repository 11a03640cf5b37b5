import {act, screen, within} from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import React from 'react';

import {client, PluginClientError} from '../../client';
import {PostTypes, PropKeys} from '../../constants';
import {ALICE_ID, makePost, makeStore, renderWithStore, shownLines, user} from '../../test/fixtures';
import type {ApprovalInfo} from '../../types';

import ApprovalCard from './ApprovalCard';

const DECIDED_AT = Date.UTC(2025, 0, 2, 10, 42);

// Longer than any card is wide, with characters a naive truncation would cut at.
const LONG_COMMAND = `find . -name '*.test.ts' -newer package.json -print0 | xargs -0 grep -l "describe.only" | while read f; do sed -i 's/describe.only/describe/' "$f"; echo "fixed $f"; done && npm test -- --runInBand --testPathPattern='src/auth/.*flaky.*' 2>&1 | tee /tmp/out.log`;

function approval(overrides: Partial<ApprovalInfo> = {}): ApprovalInfo {
    return {
        session_id: 'sess1',
        request_id: 'req1',
        tool_name: 'Bash',
        input: {command: LONG_COMMAND},
        cwd: '/home/alice/src/app',
        description: 'Un-focus skipped tests and run the auth suite',
        status: 'pending',
        decided_by: '',
        decided_at: 0,
        reason: '',
        expired_after: '',
        preview: null,
        approve_all: false,
        ...overrides,
    };
}

function approvalPost(info: Partial<ApprovalInfo> = {}, userId?: string) {
    return makePost({
        type: PostTypes.Approval,
        message: 'Claude wants to run `find . …` (fallback text)',
        props: {[PropKeys.Approval]: approval(info)},
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

describe('approval card', () => {
    it('shows the tool, working directory, description and the whole command while pending', () => {
        renderWithStore(<ApprovalCard post={approvalPost()}/>);

        expect(screen.getByRole('heading', {name: 'Claude wants to run a command'})).toBeInTheDocument();
        expect(screen.getByText('Bash')).toBeInTheDocument();
        expect(screen.getByText('/home/alice/src/app')).toBeInTheDocument();
        expect(screen.getByText('Un-focus skipped tests and run the auth suite')).toBeInTheDocument();
        expect(screen.getByLabelText('Command')).toHaveTextContent(LONG_COMMAND, {normalizeWhitespace: false});
        expect(screen.getByRole('button', {name: 'Approve'})).toBeEnabled();
        expect(screen.getByRole('button', {name: 'Deny'})).toBeEnabled();
    });

    it('shows who approved and when, without buttons', () => {
        renderWithStore(<ApprovalCard post={approvalPost({status: 'approved', decided_by: 'alice', decided_at: DECIDED_AT})}/>);

        expect(screen.getByText('Approved by @alice · 10:42 AM')).toBeInTheDocument();
        expect(screen.queryByRole('button')).not.toBeInTheDocument();
    });

    it('uses 24-hour time for people who chose it', () => {
        renderWithStore(
            <ApprovalCard post={approvalPost({status: 'approved', decided_by: 'alice', decided_at: DECIDED_AT})}/>,
            makeStore({militaryTime: true}),
        );

        expect(screen.getByText('Approved by @alice · 10:42')).toBeInTheDocument();
    });

    it('shows who denied and their reason, without buttons', () => {
        renderWithStore(<ApprovalCard post={approvalPost({status: 'denied', decided_by: 'alice', reason: 'not on main'})}/>);

        expect(screen.getByText('Denied by @alice')).toBeInTheDocument();
        expect(screen.getByText('Reason: not on main')).toBeInTheDocument();
        expect(screen.queryByRole('button')).not.toBeInTheDocument();
    });

    it('names the decider by username when the server sent a user id', () => {
        renderWithStore(<ApprovalCard post={approvalPost({status: 'denied', decided_by: ALICE_ID})}/>);

        expect(screen.getByText('Denied by @alice')).toBeInTheDocument();
    });

    it('says "Denied" alone when nobody decided (the request timed out)', () => {
        renderWithStore(<ApprovalCard post={approvalPost({status: 'denied', reason: 'no answer within 10 minutes'})}/>);

        expect(screen.getByText('Denied')).toBeInTheDocument();
    });

    it.each([
        ['30 minutes', 30 * 60_000, 'Expired — denied after 30 minutes without an answer'],
        ['1 minute', 60_000, 'Expired — denied after 1 minute without an answer'],
        ['45 seconds (a test timeout)', 45_000, 'Expired — denied after 45 seconds without an answer'],
        ['2 hours', 120 * 60_000, 'Expired — denied after 2 hours without an answer'],
    ])('says an unanswered request expired after %s, without buttons', (_, waited, line) => {
        const post = {...approvalPost({status: 'expired', decided_at: DECIDED_AT, reason: 'timed out'}), create_at: DECIDED_AT - waited};
        renderWithStore(<ApprovalCard post={post}/>);

        expect(screen.getByText(line)).toBeInTheDocument();
        expect(screen.queryByText(/Reason:/)).not.toBeInTheDocument();
        expect(screen.queryByRole('button')).not.toBeInTheDocument();
    });

    it('says how long an expired request waited in the server\'s words when it sends them', () => {
        const post = {...approvalPost({status: 'expired', decided_at: DECIDED_AT, expired_after: '30 minutes'}), create_at: DECIDED_AT - 29 * 60_000};
        renderWithStore(<ApprovalCard post={post}/>);

        expect(screen.getByText('Expired — denied after 30 minutes without an answer')).toBeInTheDocument();
    });

    it.each([
        ['terminal_allowed', '', 'Answered in the terminal: allowed'],
        ['terminal_denied', '', 'Answered in the terminal: denied'],
        ['terminal_asks', '', 'Left to the terminal, which asks there'],
        ['terminal_asks', '30 minutes', 'Nobody answered here within 30 minutes — left to the terminal, which asks there'],
    ])('says a request settled in the terminal (%s, %s) was, without buttons', (resolution, waited, line) => {
        renderWithStore(<ApprovalCard post={approvalPost({status: 'resolved', resolution, expired_after: waited, decided_at: DECIDED_AT, reason: 'timed out'})}/>);

        expect(screen.getByText(line)).toBeInTheDocument();
        expect(screen.queryByText(/Reason:/)).not.toBeInTheDocument();
        expect(screen.queryByRole('button')).not.toBeInTheDocument();
    });

    it('says an expired request expired even when it cannot tell how long it waited', () => {
        renderWithStore(<ApprovalCard post={approvalPost({status: 'expired'})}/>);

        expect(screen.getByText('Expired — denied without an answer')).toBeInTheDocument();
    });

    it.each([
        ['Approve', 'approve'],
        ['Deny', 'deny'],
    ] as const)('clicking %s sends that decision for this request', async (label, decision) => {
        const decide = jest.spyOn(client, 'decide').mockResolvedValue(approval({status: decision === 'approve' ? 'approved' : 'denied', decided_by: 'alice'}));
        renderWithStore(<ApprovalCard post={approvalPost()}/>);

        await userEvent.click(screen.getByRole('button', {name: label}));

        expect(decide).toHaveBeenCalledTimes(1);
        expect(decide).toHaveBeenCalledWith('sess1', 'req1', decision);
        expect(await screen.findByText(`${decision === 'approve' ? 'Approved' : 'Denied'} by @alice`)).toBeInTheDocument();
        expect(screen.queryByRole('button')).not.toBeInTheDocument();
    });

    it('keeps showing the command it asked about after the decision', async () => {
        jest.spyOn(client, 'decide').mockResolvedValue(approval({status: 'approved', decided_by: 'alice', input: {}, description: '', cwd: ''}));
        renderWithStore(<ApprovalCard post={approvalPost()}/>);

        await userEvent.click(screen.getByRole('button', {name: 'Approve'}));

        expect(await screen.findByText('Approved by @alice')).toBeInTheDocument();
        expect(screen.getByLabelText('Command')).toHaveTextContent(LONG_COMMAND, {normalizeWhitespace: false});
        expect(screen.getByText('/home/alice/src/app')).toBeInTheDocument();
    });

    it('can be decided with the keyboard', async () => {
        const decide = jest.spyOn(client, 'decide').mockResolvedValue(approval({status: 'approved', decided_by: 'alice'}));
        renderWithStore(<ApprovalCard post={approvalPost()}/>);

        await userEvent.tab(); // the command block scrolls, so it takes focus first
        await userEvent.tab();
        expect(screen.getByRole('button', {name: 'Approve'})).toHaveFocus();
        await userEvent.keyboard('{Enter}');

        expect(decide).toHaveBeenCalledWith('sess1', 'req1', 'approve');
    });

    it('disables both buttons while the decision is in flight', async () => {
        const answer = deferred<ApprovalInfo>();
        jest.spyOn(client, 'decide').mockReturnValue(answer.promise);
        renderWithStore(<ApprovalCard post={approvalPost()}/>);

        await userEvent.click(screen.getByRole('button', {name: 'Approve'}));

        expect(screen.getByRole('button', {name: 'Approve'})).toBeDisabled();
        expect(screen.getByRole('button', {name: 'Deny'})).toBeDisabled();
        expect(screen.getByText('Approving…')).toBeInTheDocument();

        await act(async () => answer.resolve(approval({status: 'approved', decided_by: 'alice'})));
        expect(screen.getByText('Approved by @alice')).toBeInTheDocument();
    });

    it('shows why a refused decision failed and lets the person try again', async () => {
        jest.spyOn(client, 'decide').mockRejectedValue(new PluginClientError('Only session participants can decide', 403));
        renderWithStore(<ApprovalCard post={approvalPost()}/>);

        await userEvent.click(screen.getByRole('button', {name: 'Approve'}));

        expect(await screen.findByRole('alert')).toHaveTextContent('Only session participants can decide');
        expect(screen.getByRole('button', {name: 'Approve'})).toBeEnabled();
        expect(screen.getByRole('button', {name: 'Deny'})).toBeEnabled();
    });

    it('shows the earlier decision when someone else decided first', async () => {
        const theirs = approval({status: 'denied', decided_by: 'bob', decided_at: DECIDED_AT});
        jest.spyOn(client, 'decide').mockRejectedValue(new PluginClientError('approval already decided', 409, theirs));
        renderWithStore(<ApprovalCard post={approvalPost()}/>);

        await userEvent.click(screen.getByRole('button', {name: 'Approve'}));

        expect(await screen.findByText('Denied by @bob · 10:42 AM')).toBeInTheDocument();
        expect(screen.queryByRole('button')).not.toBeInTheDocument();
    });

    it('shows the input of a tool it has no view for as formatted JSON', () => {
        const input = {notebook: 'analysis.ipynb', cell: 3};
        renderWithStore(<ApprovalCard post={approvalPost({tool_name: 'NotebookRun', input, description: ''})}/>);

        expect(screen.getByRole('heading', {name: 'Claude wants to use NotebookRun'})).toBeInTheDocument();
        expect(shownLines(screen.getByRole('region', {name: 'Tool input'}))).toEqual(JSON.stringify(input, null, 2).split('\n'));
    });

    describe('is not rendered as a card', () => {
        it.each([
            ['a person', ALICE_ID, [user(ALICE_ID, 'alice')]],
            ['a person named claude who is not a bot', 'impostor', [user('impostor', 'claude', false)]],
            ['another bot', 'otherbot', [user('otherbot', 'jira', true)]],
            ['an author the store does not know', 'unknown', []],
        ])('when the author is %s', (_, userId, users) => {
            const {container} = renderWithStore(<ApprovalCard post={approvalPost({}, userId)}/>, makeStore({users}));

            expect(screen.queryByRole('button')).not.toBeInTheDocument();
            expect(screen.queryByRole('heading')).not.toBeInTheDocument();
            expect(container).toHaveTextContent('Claude wants to run `find . …` (fallback text)');
        });
    });

    it('falls back to the message when the approval props are missing', () => {
        renderWithStore(<ApprovalCard post={makePost({type: PostTypes.Approval, message: 'fallback', props: {}})}/>);

        expect(screen.getByText('fallback')).toBeInTheDocument();
        expect(screen.queryByRole('button')).not.toBeInTheDocument();
    });

    it('keeps the command inside its block', () => {
        renderWithStore(<ApprovalCard post={approvalPost()}/>);
        const block = screen.getByLabelText('Command');

        expect(block.textContent).toBe(LONG_COMMAND);
        expect(within(block).getByText('\'*.test.ts\'')).toHaveClass('hljs-string');
    });
});
