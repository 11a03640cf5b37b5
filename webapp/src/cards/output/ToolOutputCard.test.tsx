import {screen} from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import React from 'react';

import {client, PluginClientError} from '../../client';
import {PostTypes, PropKeys} from '../../constants';
import {makePost, makeStore, renderWithStore} from '../../test/fixtures';

import ToolOutputCard from './ToolOutputCard';

const PREVIEW = Array.from({length: 30}, (_, i) => `line ${i + 1}`).join('\n');
const FULL = Array.from({length: 120}, (_, i) => `line ${i + 1}`).join('\n');

function outputPost(overrides: Record<string, unknown> = {}, id = 'out1') {
    return makePost({id, type: PostTypes.ToolOutput, message: 'fallback', props: {[PropKeys.ToolOutput]: {
        session_id: 'sess1', tool_use_id: 'tu1', tool_name: 'Bash', summary: 'npm test', is_error: false, lines: 120, truncated: true, preview: PREVIEW, ...overrides,
    }}});
}

const toggle = () => screen.getByRole('button', {name: /^Bash · npm test · /});

describe('tool output card', () => {
    it('starts folded to one line: tool, summary, line count', () => {
        renderWithStore(<ToolOutputCard post={outputPost()}/>);

        expect(toggle()).toHaveAccessibleName('Bash · npm test · 120 lines');
        expect(toggle()).toHaveAttribute('aria-expanded', 'false');
        expect(screen.queryByRole('region', {name: 'Output of npm test'})).not.toBeInTheDocument();
    });

    it('marks a failed run', () => {
        renderWithStore(<ToolOutputCard post={outputPost({is_error: true, lines: 3, truncated: false, preview: 'a\nb\nc'})}/>);

        expect(toggle()).toHaveAccessibleName('Bash · npm test · 3 lines failed');
        expect(screen.getByRole('region', {name: 'Bash output'})).toHaveClass('cm-output--error');
    });

    it('opens to the first lines in a scrollable block and offers the rest', async () => {
        renderWithStore(<ToolOutputCard post={outputPost()}/>);

        await userEvent.click(toggle());

        expect(toggle()).toHaveAttribute('aria-expanded', 'true');
        expect(screen.getByRole('region', {name: 'Output of npm test'}).textContent).toBe(PREVIEW);
        expect(screen.getByRole('button', {name: 'Show all 120 lines'})).toBeInTheDocument();
    });

    it('fetches the whole output on Show all', async () => {
        const get = jest.spyOn(client, 'getToolOutput').mockResolvedValue(FULL);
        renderWithStore(<ToolOutputCard post={outputPost()}/>);

        await userEvent.click(toggle());
        await userEvent.click(screen.getByRole('button', {name: 'Show all 120 lines'}));

        expect(get).toHaveBeenCalledWith('sess1', 'tu1');
        expect((await screen.findByRole('region', {name: 'Output of npm test'})).textContent).toBe(FULL);
        expect(screen.queryByRole('button', {name: /Show all/})).not.toBeInTheDocument();
    });

    it('says why the whole output could not be fetched and lets the person try again', async () => {
        const get = jest.spyOn(client, 'getToolOutput').mockRejectedValueOnce(new PluginClientError('This request no longer exists.', 404)).mockResolvedValueOnce(FULL);
        renderWithStore(<ToolOutputCard post={outputPost()}/>);

        await userEvent.click(toggle());
        await userEvent.click(screen.getByRole('button', {name: 'Show all 120 lines'}));

        expect(await screen.findByRole('alert')).toHaveTextContent('Could not load the whole output: This request no longer exists.');
        expect(screen.getByRole('region', {name: 'Output of npm test'}).textContent).toBe(PREVIEW);

        await userEvent.click(screen.getByRole('button', {name: 'Try again'}));
        expect(get).toHaveBeenCalledTimes(2);
        expect(await screen.findByText(/line 120/)).toBeInTheDocument();
    });

    it('offers nothing more when the preview is the whole output', async () => {
        renderWithStore(<ToolOutputCard post={outputPost({lines: 2, truncated: false, preview: 'ok\ndone'})}/>);

        await userEvent.click(toggle());

        expect(screen.queryByRole('button', {name: /Show all/})).not.toBeInTheDocument();
    });

    it('says a tool printed nothing', async () => {
        renderWithStore(<ToolOutputCard post={outputPost({summary: '', lines: 0, truncated: false, preview: ''})}/>);

        await userEvent.click(screen.getByRole('button', {name: 'Bash · no output'}));

        expect(screen.getByText('The tool printed nothing.')).toBeInTheDocument();
    });

    it('stays open for the post when it is drawn again', async () => {
        const store = makeStore();
        const {unmount} = renderWithStore(<ToolOutputCard post={outputPost()}/>, store);
        await userEvent.click(toggle());
        unmount();

        renderWithStore(<ToolOutputCard post={outputPost()}/>, store);

        expect(toggle()).toHaveAttribute('aria-expanded', 'true');
    });
});
