import {screen, within} from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import React from 'react';

import {client} from '../../client';
import {PostTypes, PropKeys} from '../../constants';
import {makePost, renderWithStore, shownLines} from '../../test/fixtures';
import type {ApprovalInfo} from '../../types';

import ApprovalCard from './ApprovalCard';

const CWD = '/home/alice/src/app';
const DECIDED_AT = Date.UTC(2025, 0, 2, 10, 42);

const EDIT_DIFF = `--- a/src/auth.ts
+++ b/src/auth.ts
@@ -1,3 +1,3 @@
 import {a} from './a';
-const jar = shared;
+const jar = new CookieJar();
 export {jar};
`;

function approval(overrides: Partial<ApprovalInfo> = {}): ApprovalInfo {
    return {
        session_id: 'sess1', request_id: 'req1', tool_name: 'Bash', input: {command: 'npm test'}, cwd: CWD, description: '',
        status: 'pending', decided_by: '', decided_at: 0, reason: '', expired_after: '', preview: null, approve_all: false, ...overrides,
    };
}

const allButtons = [{actions: [{id: 'approve', name: 'Approve'}, {id: 'approveall', name: 'Approve all'}, {id: 'deny', name: 'Deny'}, {id: 'denyreason', name: 'Deny with reason…'}]}];

function render(info: Partial<ApprovalInfo> = {}, props: Record<string, unknown> = {}) {
    return renderWithStore(<ApprovalCard post={makePost({type: PostTypes.Approval, message: 'fallback', props: {[PropKeys.Approval]: approval(info), ...props}})}/>);
}

/** The value beside a label in the card's fields. */
function field(label: string): HTMLElement {
    const term = screen.getByText(label, {selector: 'dt'});
    return term.nextElementSibling as HTMLElement;
}

describe('approval card for each tool', () => {
    it('Edit: the diff with old and new line numbers, the path inside the working directory and +N −M', () => {
        render({tool_name: 'Edit', input: {file_path: `${CWD}/src/auth.ts`}, preview: {kind: 'diff', file_path: `${CWD}/src/auth.ts`, diff: EDIT_DIFF, language: 'ts', added: 1, removed: 1, truncated: false}});

        expect(screen.getByRole('heading', {name: 'Claude wants to edit a file'})).toBeInTheDocument();
        expect(screen.getByText('src/auth.ts')).toHaveAttribute('title', `${CWD}/src/auth.ts`);
        expect(screen.getByText('1 line added, 1 removed')).toBeInTheDocument();
        expect(shownLines(screen.getByRole('region', {name: 'Changes to src/auth.ts'}))).toEqual([
            '⋯@@ -1,3 +1,3 @@',
            '11 import {a} from \'./a\';',
            '2−const jar = shared;',
            '2+const jar = new CookieJar();',
            '33 export {jar};',
        ]);
    });

    it('MultiEdit and Write to an existing file show the diff too', () => {
        const preview = {kind: 'diff', file_path: `${CWD}/src/auth.ts`, diff: EDIT_DIFF, language: 'ts', added: 1, removed: 1, truncated: false} as const;
        const {unmount} = render({tool_name: 'MultiEdit', preview});
        expect(screen.getByRole('heading', {name: 'Claude wants to edit a file'})).toBeInTheDocument();
        expect(screen.getByRole('region', {name: 'Changes to src/auth.ts'})).toBeInTheDocument();
        unmount();

        render({tool_name: 'Write', preview});
        expect(screen.getByRole('heading', {name: 'Claude wants to overwrite a file'})).toBeInTheDocument();
        expect(screen.getByRole('region', {name: 'Changes to src/auth.ts'})).toBeInTheDocument();
    });

    it('Write to a new file: its content with line numbers, highlighted, and how many lines', () => {
        const content = 'package main\n\nfunc main() {}\n';
        render({tool_name: 'Write', input: {file_path: `${CWD}/main.go`, content}, preview: {kind: 'new_file', file_path: `${CWD}/main.go`, content, language: 'go', lines: 3, truncated: false}});

        expect(screen.getByRole('heading', {name: 'Claude wants to create a file'})).toBeInTheDocument();
        expect(screen.getByText('new file · 3 lines')).toBeInTheDocument();
        const block = screen.getByRole('region', {name: 'Content of main.go'});
        expect(shownLines(block)).toEqual(['1package main', '2', '3func main() {}']);
        expect(within(block).getByText('package')).toHaveClass('hljs-keyword');
    });

    it('says when the agent cut a long preview', () => {
        render({tool_name: 'Write', preview: {kind: 'new_file', file_path: `${CWD}/big.txt`, content: 'x', language: '', lines: 1, truncated: true}});

        expect(screen.getByText('The content was too long and is cut short here.')).toBeInTheDocument();
    });

    it('Edit from an agent without previews: the file and the input', () => {
        render({tool_name: 'Edit', input: {file_path: `${CWD}/src/auth.ts`, old_string: 'a', new_string: 'b'}});

        expect(field('File')).toHaveTextContent('src/auth.ts');
        expect(shownLines(screen.getByRole('region', {name: 'Tool input'}))).toEqual(['{', '  "old_string": "a",', '  "new_string": "b"', '}']);
    });

    it('Bash: the whole command, its description and the working directory', () => {
        render({input: {command: 'npm test -- --runInBand', description: 'Run the tests one by one'}});

        expect(screen.getByRole('heading', {name: 'Claude wants to run a command'})).toBeInTheDocument();
        expect(screen.getByText('Run the tests one by one')).toBeInTheDocument();
        expect(screen.getByLabelText('Command')).toHaveTextContent('npm test -- --runInBand');
        expect(field('Working directory')).toHaveTextContent(CWD);
    });

    it.each([
        ['Read', {file_path: `${CWD}/src/refresh.ts`, offset: 120, limit: 80}, 'Claude wants to read a file', [['File', 'src/refresh.ts'], ['From line', '120'], ['Lines', '80']]],
        ['Glob', {pattern: '**/*.test.ts', path: `${CWD}/src`}, 'Claude wants to find files', [['Pattern', '**/*.test.ts'], ['In', 'src']]],
        ['Grep', {pattern: 'catch \\(e\\)', path: '/etc', glob: '*.conf'}, 'Claude wants to search in files', [['Pattern', 'catch \\(e\\)'], ['In', '/etc'], ['Files', '*.conf']]],
        ['LS', {path: `${CWD}/node_modules`}, 'Claude wants to list a directory', [['Directory', 'node_modules']]],
        ['NotebookRead', {notebook_path: '/data/a.ipynb'}, 'Claude wants to read a notebook', [['Notebook', '/data/a.ipynb']]],
        ['WebSearch', {query: 'supertest cookie jar', allowed_domains: ['github.com', 'npmjs.com']}, 'Claude wants to search the web', [['Query', 'supertest cookie jar'], ['Only on', 'github.com, npmjs.com']]],
        ['Task', {description: 'Audit retries', subagent_type: 'code-reviewer', prompt: 'List every swallowed error.'}, 'Claude wants to start a subagent', [['Task', 'Audit retries'], ['Agent type', 'code-reviewer']]],
    ])('%s: the title and the input as labelled values', (tool, input, title, fields) => {
        render({tool_name: tool, input});

        expect(screen.getByRole('heading', {name: title})).toBeInTheDocument();
        for (const [label, value] of fields) {
            expect(field(label as string)).toHaveTextContent(value as string);
        }
        expect(screen.queryByRole('region', {name: 'Tool input'})).not.toBeInTheDocument();
    });

    it('Task: the subagent\'s prompt in full', () => {
        render({tool_name: 'Agent', input: {description: 'Audit', subagent_type: 'general-purpose', prompt: 'Read every file under src/auth.\nList each swallowed error.'}});

        expect(screen.getByRole('region', {name: 'Prompt'}).textContent).toBe('Read every file under src/auth.\nList each swallowed error.');
    });

    it('WebFetch: the URL as a link that opens in a new tab, and what Claude looks for', () => {
        render({tool_name: 'WebFetch', input: {url: 'https://example.com/docs?a=1', prompt: 'Find the cookie options'}});

        const link = screen.getByRole('link', {name: 'https://example.com/docs?a=1'});
        expect(link).toHaveAttribute('href', 'https://example.com/docs?a=1');
        expect(link).toHaveAttribute('target', '_blank');
        expect(link).toHaveAttribute('rel', 'noopener noreferrer');
        expect(screen.getByRole('region', {name: 'Looking for'})).toHaveTextContent('Find the cookie options');
    });

    it('WebFetch: an address that is not http(s) stays text, never a link', () => {
        render({tool_name: 'WebFetch', input: {url: 'javascript:alert(1)'}});

        expect(screen.queryByRole('link')).not.toBeInTheDocument();
        expect(field('URL')).toHaveTextContent('javascript:alert(1)');
    });

    it('MCP tool: server and tool from the name, the input as highlighted JSON', () => {
        render({tool_name: 'mcp__github__create_issue', input: {title: 'Flaky', labels: ['auth']}});

        expect(screen.getByRole('heading', {name: 'Claude wants to use an MCP tool'})).toBeInTheDocument();
        expect(field('Server')).toHaveTextContent('github');
        expect(field('Tool')).toHaveTextContent('create_issue');
        const block = screen.getByRole('region', {name: 'Tool input'});
        expect(shownLines(block)).toEqual(['{', '  "title": "Flaky",', '  "labels": [', '    "auth"', '  ]', '}']);
        expect(within(block).getByText('"Flaky"')).toHaveClass('hljs-string');
    });

    it('MCP tool: the agent\'s names win over the tool name', () => {
        render({tool_name: 'mcp__weird__name__x', input: {}, preview: {kind: 'mcp', server: 'weird__name', tool: 'x'}});

        expect(field('Server')).toHaveTextContent('weird__name');
        expect(field('Tool')).toHaveTextContent('x');
    });
});

describe('approval card buttons', () => {
    it('offers Approve all only when the server put that button on the post', () => {
        const {unmount} = render();
        expect(screen.queryByRole('button', {name: 'Approve all'})).not.toBeInTheDocument();
        unmount();

        render({}, {attachments: allButtons});
        expect(screen.getByRole('button', {name: 'Approve all'})).toBeInTheDocument();
    });

    it('shows the buttons in the protocol\'s order', () => {
        render({}, {attachments: allButtons});

        expect(screen.getAllByRole('button').map((b) => b.textContent)).toEqual(['Approve', 'Approve all', 'Deny', 'Deny with reason…']);
    });

    it('asks before Approve all, then sends approve_all and says what it means', async () => {
        const decide = jest.spyOn(client, 'decide').mockResolvedValue(approval({status: 'approved', decided_by: 'alice', decided_at: DECIDED_AT}));
        render({}, {attachments: allButtons});

        await userEvent.click(screen.getByRole('button', {name: 'Approve all'}));
        expect(decide).not.toHaveBeenCalled();
        expect(screen.getByText('Approve this and every later request in this session?')).toBeInTheDocument();
        expect(screen.getByRole('button', {name: 'Approve all'})).toHaveFocus();

        await userEvent.keyboard('{Enter}');

        expect(decide).toHaveBeenCalledWith('sess1', 'req1', 'approve_all');
        expect(await screen.findByText('Approved by @alice · 10:42 AM')).toBeInTheDocument();
        expect(screen.getByText('Approve all: Claude now runs every tool in this session without asking.')).toBeInTheDocument();
    });

    it('goes back to the buttons when Approve all is cancelled', async () => {
        const decide = jest.spyOn(client, 'decide');
        render({}, {attachments: allButtons});

        await userEvent.click(screen.getByRole('button', {name: 'Approve all'}));
        await userEvent.click(screen.getByRole('button', {name: 'Cancel'}));

        expect(screen.getByRole('button', {name: 'Deny with reason…'})).toBeInTheDocument();
        expect(decide).not.toHaveBeenCalled();
    });

    it('Deny with reason opens a text box and sends the reason with the denial', async () => {
        const decide = jest.spyOn(client, 'decide').mockResolvedValue(approval({status: 'denied', decided_by: 'alice', reason: 'Only the auth tests'}));
        render();

        await userEvent.click(screen.getByRole('button', {name: 'Deny with reason…'}));
        const box = screen.getByRole('textbox', {name: 'Why deny? Claude reads this and tries another way.'});
        expect(box).toHaveFocus();
        expect(screen.getByRole('button', {name: 'Deny'})).toBeDisabled();

        await userEvent.type(box, '  Only the auth tests ');
        await userEvent.click(screen.getByRole('button', {name: 'Deny'}));

        expect(decide).toHaveBeenCalledWith('sess1', 'req1', 'deny', 'Only the auth tests');
        expect(await screen.findByText('Denied by @alice')).toBeInTheDocument();
        expect(screen.getByText('Reason: Only the auth tests')).toBeInTheDocument();
        expect(screen.queryByRole('textbox')).not.toBeInTheDocument();
    });

    it('sends the reason with Ctrl+Enter and closes the box with Escape', async () => {
        const decide = jest.spyOn(client, 'decide').mockResolvedValue(approval({status: 'denied', decided_by: 'alice'}));
        render();

        await userEvent.click(screen.getByRole('button', {name: 'Deny with reason…'}));
        await userEvent.keyboard('{Escape}');
        expect(screen.queryByRole('textbox')).not.toBeInTheDocument();

        await userEvent.click(screen.getByRole('button', {name: 'Deny with reason…'}));
        await userEvent.keyboard('not now{Control>}{Enter}{/Control}');
        expect(decide).toHaveBeenCalledWith('sess1', 'req1', 'deny', 'not now');
    });

    it('keeps the reason box and says why when the denial fails', async () => {
        jest.spyOn(client, 'decide').mockRejectedValue(new Error('Only session participants can decide'));
        render();

        await userEvent.click(screen.getByRole('button', {name: 'Deny with reason…'}));
        await userEvent.type(screen.getByRole('textbox'), 'no');
        await userEvent.click(screen.getByRole('button', {name: 'Deny'}));

        expect(await screen.findByRole('alert')).toHaveTextContent('Only session participants can decide');
        expect(screen.getByRole('textbox')).toHaveValue('no');
    });

    it('reads an Approve all decision from the post', () => {
        render({status: 'approved', decided_by: 'bob', decided_at: DECIDED_AT, approve_all: true});

        expect(screen.getByText('Approved by @bob · 10:42 AM')).toBeInTheDocument();
        expect(screen.getByText('Approve all: Claude now runs every tool in this session without asking.')).toBeInTheDocument();
    });
});
