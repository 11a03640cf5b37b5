import {screen, within} from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import React from 'react';

import {PostTypes, PropKeys} from '../../constants';
import {ALICE_ID, makePost, makeStore, renderWithStore, user} from '../../test/fixtures';
import type {TodoItem} from '../../types';

import TodoPanel from './TodoPanel';

const TODOS: TodoItem[] = [
    {content: 'Find the flaky test', status: 'completed', activeForm: 'Finding the flaky test'},
    {content: 'Fix the cookie jar', status: 'completed', activeForm: 'Fixing the cookie jar'},
    {content: 'Run the suite 20 times', status: 'in_progress', activeForm: 'Running the suite 20 times'},
    {content: 'Open a pull request', status: 'pending', activeForm: 'Opening a pull request'},
];

function todoPost(todos: TodoItem[] = TODOS, id = 'todo1') {
    return makePost({id, type: PostTypes.Todo, message: '**Tasks** 2/4', props: {[PropKeys.Todo]: {session_id: 's1', todos, done: 99, total: 99}}});
}

function items() {
    return within(screen.getByRole('list')).getAllByRole('listitem');
}

describe('todo panel', () => {
    it('shows how many tasks are done, in words and as a bar', () => {
        renderWithStore(<TodoPanel post={todoPost()}/>);

        expect(screen.getByText('2 of 4 done')).toBeInTheDocument();
        const bar = screen.getByRole('progressbar', {name: 'Tasks done'});
        expect(bar).toHaveAttribute('aria-valuenow', '2');
        expect(bar).toHaveAttribute('aria-valuemax', '4');
    });

    it('says each task\'s state, and what Claude is doing for the one in progress', () => {
        renderWithStore(<TodoPanel post={todoPost()}/>);

        const [done, , now, next] = items();
        expect(done).toHaveTextContent('Done: Find the flaky test');
        expect(done).toHaveClass('cm-todo__item--completed');
        // The item in progress reads as its activeForm; its plain text only holds the row's place.
        expect(within(now as HTMLElement).getByText('Running the suite 20 times')).not.toHaveAttribute('aria-hidden');
        expect(within(now as HTMLElement).getByText('Run the suite 20 times')).toHaveAttribute('aria-hidden', 'true');
        expect(now).toHaveClass('cm-todo__item--in_progress');
        expect(next).toHaveTextContent('To do: Open a pull request');
    });

    it('counts from the list it shows, not from counts that disagree with it', () => {
        renderWithStore(<TodoPanel post={todoPost()}/>);

        expect(screen.queryByText('99 of 99 done')).not.toBeInTheDocument();
    });

    it('reads all done when every task is completed', () => {
        renderWithStore(<TodoPanel post={todoPost(TODOS.map((t) => ({...t, status: 'completed'})))}/>);

        expect(screen.getByText('4 of 4 done')).toBeInTheDocument();
        expect(items().every((li) => li.textContent?.startsWith('Done: '))).toBe(true);
    });

    it('says there are no tasks yet for an empty list', () => {
        renderWithStore(<TodoPanel post={todoPost([])}/>);

        expect(screen.getByText('No tasks yet')).toBeInTheDocument();
    });

    it('folds to the task in progress and remembers it for the post when it is drawn again', async () => {
        const store = makeStore();
        const {unmount} = renderWithStore(<TodoPanel post={todoPost()}/>, store);

        await userEvent.click(screen.getByRole('button', {name: 'Tasks'}));

        expect(screen.getByRole('button', {name: 'Tasks'})).toHaveAttribute('aria-expanded', 'false');
        expect(screen.queryByRole('list')).not.toBeInTheDocument();
        expect(screen.getByText('Running the suite 20 times', {ignore: '[hidden] *'})).toBeVisible();
        expect(screen.getByText('2 of 4 done')).toBeInTheDocument();
        unmount();

        // Mattermost unmounts posts scrolled away; the fold is in the plugin's store.
        renderWithStore(<TodoPanel post={todoPost()}/>, store);
        expect(screen.getByRole('button', {name: 'Tasks'})).toHaveAttribute('aria-expanded', 'false');
        renderWithStore(<TodoPanel post={todoPost(TODOS, 'other')}/>, store);
        expect(screen.getAllByRole('button', {name: 'Tasks'})[1]).toHaveAttribute('aria-expanded', 'true');
    });

    it('updates in place when the post is edited', () => {
        const {rerender} = renderWithStore(<TodoPanel post={todoPost()}/>);

        rerender(<TodoPanel post={todoPost(TODOS.map((t, i) => (i === 2 ? {...t, status: 'completed'} : i === 3 ? {...t, status: 'in_progress'} : t)))}/>);

        expect(screen.getByText('3 of 4 done')).toBeInTheDocument();
        expect(items()[3]).toHaveClass('cm-todo__item--in_progress');
    });

    it('is the plain message when the author is not the bot', () => {
        renderWithStore(<TodoPanel post={{...todoPost(), user_id: ALICE_ID}}/>, makeStore({users: [user(ALICE_ID, 'alice')]}));

        expect(screen.queryByRole('list')).not.toBeInTheDocument();
        expect(screen.getByText('**Tasks** 2/4')).toBeInTheDocument();
    });
});
