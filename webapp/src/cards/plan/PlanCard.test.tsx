import {screen} from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import React from 'react';

import {client, PluginClientError} from '../../client';
import {PostTypes, PropKeys} from '../../constants';
import {makePost, renderWithStore} from '../../test/fixtures';
import type {ApprovalInfo} from '../../types';

import PlanCard from './PlanCard';

const DECIDED_AT = Date.UTC(2025, 0, 2, 10, 42);
const PLAN = '## Fix the flaky test\n\n1. One cookie jar per test.\n2. Run the suite 20 times.';

function plan(overrides: Partial<ApprovalInfo> = {}): ApprovalInfo {
    return {
        session_id: 'sess1', request_id: 'plan1', tool_name: 'ExitPlanMode', input: {plan: PLAN}, cwd: '', description: '',
        status: 'pending', decided_by: '', decided_at: 0, reason: '', expired_after: '', preview: null, approve_all: false, ...overrides,
    };
}

function render(overrides: Partial<ApprovalInfo> = {}) {
    return renderWithStore(<PlanCard post={makePost({type: PostTypes.Plan, message: PLAN, props: {[PropKeys.Approval]: plan(overrides)}})}/>);
}

describe('plan card', () => {
    it('renders the plan with the webapp\'s markdown when it has it', () => {
        window.PostUtils = {
            formatText: (text) => `<h2>${text.split('\n')[0]?.replace('## ', '') ?? ''}</h2>`,
            messageHtmlToComponent: (html) => <div dangerouslySetInnerHTML={{__html: html}}/>,
        };
        render();

        expect(screen.getByRole('heading', {name: 'Fix the flaky test', level: 2})).toBeInTheDocument();
    });

    it('shows the plan as text without it, with Approve plan and Request changes', () => {
        render();

        expect(screen.getByRole('heading', {name: 'Claude has a plan and waits for your go-ahead'})).toBeInTheDocument();
        expect(screen.getByRole('region', {name: 'Plan'}).textContent).toBe(PLAN);
        expect(screen.getAllByRole('button').map((b) => b.textContent)).toEqual(['Approve plan', 'Request changes…']);
    });

    it('Approve plan approves the request', async () => {
        const decide = jest.spyOn(client, 'decide').mockResolvedValue(plan({status: 'approved', decided_by: 'alice', decided_at: DECIDED_AT}));
        render();

        await userEvent.click(screen.getByRole('button', {name: 'Approve plan'}));

        expect(decide).toHaveBeenCalledWith('sess1', 'plan1', 'approve');
        expect(await screen.findByText('Plan approved by @alice · 10:42 AM')).toBeInTheDocument();
        expect(screen.queryByRole('button')).not.toBeInTheDocument();
    });

    it('Request changes asks what should change and sends it as a denial with that reason', async () => {
        const decide = jest.spyOn(client, 'decide').mockResolvedValue(plan({status: 'denied', decided_by: 'alice', decided_at: DECIDED_AT, reason: 'Use a feature flag'}));
        render();

        await userEvent.click(screen.getByRole('button', {name: 'Request changes…'}));
        await userEvent.type(screen.getByRole('textbox', {name: 'What should change?'}), 'Use a feature flag');
        await userEvent.click(screen.getByRole('button', {name: 'Request changes'}));

        expect(decide).toHaveBeenCalledWith('sess1', 'plan1', 'deny', 'Use a feature flag');
        expect(await screen.findByText('Changes requested by @alice · 10:42 AM')).toBeInTheDocument();
        expect(screen.getByText('Requested: Use a feature flag')).toBeInTheDocument();
    });

    it('shows who approved the plan from the post', () => {
        render({status: 'approved', decided_by: 'bob', decided_at: DECIDED_AT});

        expect(screen.getByRole('heading', {name: 'Claude\'s plan'})).toBeInTheDocument();
        expect(screen.getByText('Plan approved by @bob · 10:42 AM')).toBeInTheDocument();
    });

    it('shows the requested changes from the post', () => {
        render({status: 'denied', decided_by: 'bob', decided_at: DECIDED_AT, reason: 'Smaller steps'});

        expect(screen.getByText('Changes requested by @bob · 10:42 AM')).toBeInTheDocument();
        expect(screen.getByText('Requested: Smaller steps')).toBeInTheDocument();
    });

    it('says an unanswered plan expired', () => {
        render({status: 'expired', expired_after: '30 minutes'});

        expect(screen.getByText('Expired — denied after 30 minutes without an answer')).toBeInTheDocument();
        expect(screen.queryByRole('button')).not.toBeInTheDocument();
    });

    it('shows someone else\'s earlier decision on a 409', async () => {
        jest.spyOn(client, 'decide').mockRejectedValue(new PluginClientError('already decided', 409, plan({status: 'approved', decided_by: 'bob', decided_at: DECIDED_AT})));
        render();

        await userEvent.click(screen.getByRole('button', {name: 'Approve plan'}));

        expect(await screen.findByText('Plan approved by @bob · 10:42 AM')).toBeInTheDocument();
    });
});
