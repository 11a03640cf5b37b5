import {screen, within} from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import React from 'react';

import {client, PluginClientError} from '../../client';
import {PostTypes, PropKeys} from '../../constants';
import {makePost, renderWithStore} from '../../test/fixtures';
import type {QuestionInfo, QuestionItem} from '../../types';

import QuestionCard from './QuestionCard';

const ANSWERED_AT = Date.UTC(2025, 0, 2, 10, 42);

const RUNNER: QuestionItem = {question: 'Which test runner?', header: 'Runner', multiSelect: false, options: [
    {label: 'Jest', description: 'What the repository uses'},
    {label: 'Vitest', description: ''},
]};
const CHECKS: QuestionItem = {question: 'Which checks before the PR?', header: 'Checks', multiSelect: true, options: [
    {label: 'Lint', description: ''}, {label: 'Types', description: ''}, {label: 'Tests', description: ''},
]};

function question(questions: QuestionItem[], overrides: Partial<QuestionInfo> = {}): QuestionInfo {
    return {session_id: 'sess1', request_id: 'q1', questions, status: 'pending', answers: {}, answered_by: '', answered_at: 0, ...overrides};
}

function render(questions: QuestionItem[], overrides: Partial<QuestionInfo> = {}) {
    return renderWithStore(<QuestionCard post={makePost({type: PostTypes.Question, message: 'fallback', props: {[PropKeys.Question]: question(questions, overrides)}})}/>);
}

function group(name: string): HTMLElement {
    return screen.getByRole('group', {name});
}

describe('question card', () => {
    it('shows a single-choice question with its header and its options as radio buttons, plus Other', () => {
        render([RUNNER]);

        expect(screen.getByRole('heading', {name: 'Claude has a question'})).toBeInTheDocument();
        const runner = group('Runner Which test runner?');
        expect(within(runner).getAllByRole('radio').map((r) => r.closest('label')?.querySelector('.cm-option__label')?.textContent)).toEqual(['Jest', 'Vitest', 'Other']);
        expect(within(runner).getByRole('radio', {name: 'Jest'})).toHaveAccessibleDescription('What the repository uses');
        expect(within(runner).getByText('Choose one')).toBeInTheDocument();
    });

    it('answers a single-choice question with the label picked', async () => {
        const answer = jest.spyOn(client, 'answerQuestion').mockResolvedValue(null);
        render([RUNNER]);
        expect(screen.getByRole('button', {name: 'Submit'})).toBeDisabled();

        await userEvent.click(screen.getByRole('radio', {name: 'Jest'}));
        await userEvent.click(screen.getByRole('radio', {name: 'Vitest'}));
        expect(screen.getByRole('radio', {name: 'Jest'})).not.toBeChecked();
        await userEvent.click(screen.getByRole('button', {name: 'Submit'}));

        expect(answer).toHaveBeenCalledWith('sess1', 'q1', {'Which test runner?': 'Vitest'});
        expect(await screen.findByText(/^Answered by @alice · /)).toBeInTheDocument();
        expect(screen.queryByRole('radio')).not.toBeInTheDocument();
    });

    it('answers a multi-select question with the labels checked, comma-joined, plus free text', async () => {
        const answer = jest.spyOn(client, 'answerQuestion').mockResolvedValue(null);
        render([CHECKS]);
        const checks = group('Checks Which checks before the PR?');
        expect(within(checks).getByText('Choose any')).toBeInTheDocument();

        await userEvent.click(within(checks).getByRole('checkbox', {name: 'Tests'}));
        await userEvent.click(within(checks).getByRole('checkbox', {name: 'Lint'}));
        await userEvent.type(within(checks).getByRole('textbox', {name: 'Other answer to: Which checks before the PR?'}), 'Bench');
        expect(within(checks).getByRole('checkbox', {name: 'Other'})).toBeChecked();
        await userEvent.click(screen.getByRole('button', {name: 'Submit'}));

        expect(answer).toHaveBeenCalledWith('sess1', 'q1', {'Which checks before the PR?': 'Lint, Tests, Bench'});
    });

    it('answers with free text alone', async () => {
        const answer = jest.spyOn(client, 'answerQuestion').mockResolvedValue(null);
        render([RUNNER]);

        await userEvent.click(screen.getByRole('radio', {name: 'Jest'}));
        await userEvent.type(screen.getByRole('textbox', {name: 'Other answer to: Which test runner?'}), 'node:test');
        expect(screen.getByRole('radio', {name: 'Jest'})).not.toBeChecked();
        expect(screen.getByRole('radio', {name: 'Other'})).toBeChecked();
        await userEvent.click(screen.getByRole('button', {name: 'Submit'}));

        expect(answer).toHaveBeenCalledWith('sess1', 'q1', {'Which test runner?': 'node:test'});
    });

    it('waits for every question to have an answer', async () => {
        const answer = jest.spyOn(client, 'answerQuestion').mockResolvedValue(null);
        render([RUNNER, CHECKS]);
        expect(screen.getByRole('heading', {name: 'Claude has 2 questions'})).toBeInTheDocument();

        await userEvent.click(screen.getByRole('radio', {name: 'Jest'}));
        expect(screen.getByText('Answer every question to submit.')).toBeInTheDocument();
        expect(screen.getByRole('button', {name: 'Submit'})).toBeDisabled();

        await userEvent.click(screen.getByRole('checkbox', {name: 'Types'}));
        await userEvent.click(screen.getByRole('button', {name: 'Submit'}));
        expect(answer).toHaveBeenCalledWith('sess1', 'q1', {'Which test runner?': 'Jest', 'Which checks before the PR?': 'Types'});
    });

    it('shows the answers and who answered, from the post', () => {
        render([RUNNER, CHECKS], {status: 'answered', answers: {'Which test runner?': 'Jest', 'Which checks before the PR?': 'Lint, Types'}, answered_by: 'bob', answered_at: ANSWERED_AT});

        expect(screen.getByText('Answered by @bob · 10:42 AM')).toBeInTheDocument();
        expect(screen.getByText('Which test runner?').closest('div')).toHaveTextContent('RunnerWhich test runner?Jest');
        expect(screen.getByText('Lint, Types')).toBeInTheDocument();
        expect(screen.queryByRole('button')).not.toBeInTheDocument();
    });

    it('shows the recorded answer the route sends back', async () => {
        jest.spyOn(client, 'answerQuestion').mockResolvedValue(question([RUNNER], {status: 'answered', answers: {'Which test runner?': 'Jest'}, answered_by: 'alice', answered_at: ANSWERED_AT}));
        render([RUNNER]);

        await userEvent.click(screen.getByRole('radio', {name: 'Jest'}));
        await userEvent.click(screen.getByRole('button', {name: 'Submit'}));

        expect(await screen.findByText('Answered by @alice · 10:42 AM')).toBeInTheDocument();
        expect(screen.getByText('Jest')).toBeInTheDocument();
    });

    it('shows someone else\'s answer when they answered first', async () => {
        jest.spyOn(client, 'answerQuestion').mockRejectedValue(new PluginClientError('already answered', 409, null, null,
            question([RUNNER], {status: 'answered', answers: {'Which test runner?': 'Vitest'}, answered_by: 'bob', answered_at: ANSWERED_AT})));
        render([RUNNER]);

        await userEvent.click(screen.getByRole('radio', {name: 'Jest'}));
        await userEvent.click(screen.getByRole('button', {name: 'Submit'}));

        expect(await screen.findByText('Answered by @bob · 10:42 AM')).toBeInTheDocument();
        expect(screen.getByText('Vitest')).toBeInTheDocument();
    });

    it('keeps the choices and says why when answering fails', async () => {
        jest.spyOn(client, 'answerQuestion').mockRejectedValue(new PluginClientError('Only participants can answer', 403));
        render([RUNNER]);

        await userEvent.click(screen.getByRole('radio', {name: 'Jest'}));
        await userEvent.click(screen.getByRole('button', {name: 'Submit'}));

        expect(await screen.findByRole('alert')).toHaveTextContent('Only participants can answer');
        expect(screen.getByRole('radio', {name: 'Jest'})).toBeChecked();
        expect(screen.getByRole('button', {name: 'Submit'})).toBeEnabled();
    });

    it('says an unanswered question expired, without a form', () => {
        render([RUNNER], {status: 'expired'});

        expect(screen.getByText('Expired — nobody answered in time, so Claude went on without an answer')).toBeInTheDocument();
        expect(screen.getByText('Which test runner?')).toBeInTheDocument();
        expect(screen.queryByRole('radio')).not.toBeInTheDocument();
        expect(screen.queryByRole('button')).not.toBeInTheDocument();
    });

    it('says a question answered in the terminal was, without a form', () => {
        render([RUNNER], {status: 'resolved', resolution: 'terminal_allowed'});

        expect(screen.getByText('Answered in the terminal: allowed')).toBeInTheDocument();
        expect(screen.queryByRole('radio')).not.toBeInTheDocument();
        expect(screen.queryByRole('button')).not.toBeInTheDocument();
    });

    it('can be answered with the keyboard alone', async () => {
        const answer = jest.spyOn(client, 'answerQuestion').mockResolvedValue(null);
        render([RUNNER]);

        await userEvent.tab();
        expect(screen.getByRole('radio', {name: 'Jest'})).toHaveFocus();
        await userEvent.keyboard(' ');
        await userEvent.tab(); // Other's text box (the radio group is one tab stop)
        await userEvent.tab();
        expect(screen.getByRole('button', {name: 'Submit'})).toHaveFocus();
        await userEvent.keyboard('{Enter}');

        expect(answer).toHaveBeenCalledWith('sess1', 'q1', {'Which test runner?': 'Jest'});
    });
});
