import type {Post} from '@mattermost/types/posts';
import {render, screen} from '@testing-library/react';
import React from 'react';

import {makePost} from '../test/fixtures';

import {Boundary, PostMessage, resetBoundaryLog, withCardBoundary} from './Boundary';

function Throws({what = 'boom'}: {what?: string}): React.ReactNode {
    throw new Error(what);
}

/** A card that throws unless the post's props say it may render. */
function Fragile({post}: {post: Post}) {
    if (post.props.ok !== true) {
        throw new TypeError('Cannot read properties of undefined');
    }
    return <p>the card</p>;
}

/** Our own log lines (React logs the error itself as well). */
function ourLogs(spy: jest.SpyInstance): unknown[][] {
    return spy.mock.calls.filter(([first]) => typeof first === 'string' && first.startsWith('claude-mattermost:'));
}

describe('card error boundary', () => {
    let consoleError: jest.SpyInstance;

    beforeEach(() => {
        resetBoundaryLog();
        consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    });

    it('shows the post\'s message, rendered as Mattermost renders markdown, in place of a card that throws', () => {
        window.PostUtils = {
            formatText: (text) => `<strong>${text}</strong>`,
            messageHtmlToComponent: (html) => <span data-testid='rendered'>{html}</span>,
        };
        const Card = withCardBoundary('custom_claude_approval', Fragile);

        render(<Card post={makePost({message: 'Claude wants to run `npm test`'})}/>);

        expect(screen.getByTestId('rendered')).toHaveTextContent('<strong>Claude wants to run `npm test`</strong>');
        expect(screen.queryByText('the card')).not.toBeInTheDocument();
    });

    it('shows the message as plain text when the host has no markdown renderer', () => {
        const Card = withCardBoundary('custom_claude_approval', Fragile);

        render(<Card post={makePost({message: '**Approve** `rm -rf build`?'})}/>);

        expect(screen.getByText('**Approve** `rm -rf build`?')).toHaveClass('cm-markdown--plain');
    });

    it('shows the message as plain text when the host\'s markdown renderer fails on it', () => {
        window.PostUtils = {
            formatText: () => {
                throw new Error('marked choked');
            },
            messageHtmlToComponent: () => null,
        };
        const Card = withCardBoundary('custom_claude_todo', Fragile);

        render(<Card post={makePost({message: 'Tasks 2/5'})}/>);

        expect(screen.getByText('Tasks 2/5')).toHaveClass('cm-markdown--plain');
    });

    it.each([
        ['empty', ''],
        ['blank', '   \n'],
        ['a number', 42],
        ['missing', undefined],
        ['an object', {text: 'hi'}],
    ])('says the card could not be shown when the message is %s, never a blank', (_, message) => {
        const Card = withCardBoundary('custom_claude_session', Fragile);

        render(<Card post={makePost({message: message as string})}/>);

        expect(screen.getByText('This Claude Code card could not be shown.')).toBeInTheDocument();
    });

    it('keeps the rest of the page: only the failing card is replaced', () => {
        const Card = withCardBoundary('custom_claude_approval', Fragile);

        render(
            <div>
                <Card post={makePost({id: 'bad', message: 'the bad one'})}/>
                <Card post={makePost({id: 'good', message: 'the good one', props: {ok: true}})}/>
                <p>the channel</p>
            </div>,
        );

        expect(screen.getByText('the bad one')).toBeInTheDocument();
        expect(screen.getByText('the card')).toBeInTheDocument();
        expect(screen.getByText('the channel')).toBeInTheDocument();
    });

    it('logs a failing card once, with its post type and id, however often it renders', () => {
        const Card = withCardBoundary('custom_claude_approval', Fragile);
        const post = makePost({id: 'post9', message: 'm'});

        const {unmount} = render(<Card post={post}/>);
        unmount();
        render(<Card post={post}/>); // Mattermost remounts posts scrolled back into view
        render(<Card post={{...post}}/>);

        expect(ourLogs(consoleError)).toEqual([
            ['claude-mattermost: the custom_claude_approval card of post post9 failed to render and shows its fallback instead:', expect.any(TypeError)],
        ]);
    });

    it('renders the card again when the post is edited into a shape it can show', () => {
        const Card = withCardBoundary('custom_claude_approval', Fragile);
        const {rerender} = render(<Card post={makePost({message: 'old text'})}/>);
        expect(screen.getByText('old text')).toBeInTheDocument();

        rerender(<Card post={makePost({message: 'old text', props: {ok: true}})}/>);

        expect(screen.getByText('the card')).toBeInTheDocument();
    });

    it('survives a post whose props throw when read', () => {
        const post = makePost({message: 'still readable'});
        Object.defineProperty(post, 'props', {get: () => {
            throw new Error('hostile props');
        }});
        const Card = withCardBoundary('custom_claude_plan', Fragile);

        render(<Card post={post}/>);

        expect(screen.getByText('still readable')).toBeInTheDocument();
    });
});

describe('boundary around other pieces', () => {
    beforeEach(() => {
        resetBoundaryLog();
        jest.spyOn(console, 'error').mockImplementation(() => undefined);
    });

    it('shows its fallback in place of a piece that throws', () => {
        render(
            <Boundary
                fallback='Claude Code'
                logKey='the channel header icon'
            >
                <Throws/>
            </Boundary>,
        );

        expect(screen.getByText('Claude Code')).toBeInTheDocument();
    });

    it('renders a message on its own as markdown when it can', () => {
        window.PostUtils = {formatText: (t) => t.toUpperCase(), messageHtmlToComponent: (html) => html};

        render(<PostMessage message='waiting for @alice'/>);

        expect(screen.getByText('WAITING FOR @ALICE')).toHaveClass('post-message__text');
    });
});
