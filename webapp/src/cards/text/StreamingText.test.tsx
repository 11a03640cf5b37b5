import {act, screen} from '@testing-library/react';
import React from 'react';

import {PostTypes, PropKeys, WebSocketEvents} from '../../constants';
import {ALICE_ID, makePost, makeStore, renderWithStore} from '../../test/fixtures';
import type {TextEvent} from '../../types';
import {handleText} from '../../websocket/handlers';

import StreamingText from './StreamingText';

function textPost(message: string, done: boolean, userId?: string) {
    return makePost({
        id: 'post1',
        type: PostTypes.Text,
        message,
        props: {[PropKeys.Text]: {session_id: 'sess1', message_id: 'm1', done}},
        ...(userId ? {user_id: userId} : {}),
    });
}

function streamed(text: string, done = false): TextEvent {
    return {post_id: 'post1', session_id: 'sess1', message_id: 'm1', text, done};
}

function setup(message: string, done: boolean) {
    const store = makeStore();
    const onText = handleText(store);
    const send = (event: TextEvent) => act(() => onText({event: WebSocketEvents.Text, data: event}));
    const view = renderWithStore(<StreamingText post={textPost(message, done)}/>, store);
    return {...view, send};
}

describe('streaming text', () => {
    it('shows the saved message of a finished reply without a typing indicator', () => {
        setup('All tests pass now.', true);

        expect(screen.getByText('All tests pass now.')).toBeInTheDocument();
        expect(screen.queryByRole('status')).not.toBeInTheDocument();
    });

    it('shows text as it streams in, with a typing indicator until it is done', () => {
        const {send} = setup('I will', false);
        expect(screen.getByRole('status')).toHaveTextContent('Claude is typing');

        send(streamed('I will look at the'));
        expect(screen.getByText('I will look at the')).toBeInTheDocument();

        send(streamed('I will look at the flaky test first.'));
        expect(screen.getByText('I will look at the flaky test first.')).toBeInTheDocument();
        expect(screen.getByRole('status')).toBeInTheDocument();

        send(streamed('I will look at the flaky test first.', true));
        expect(screen.queryByRole('status')).not.toBeInTheDocument();
    });

    it('ignores a late event with less text than already shown', () => {
        const {send} = setup('', false);

        send(streamed('Reading src/auth/session.test.ts'));
        send(streamed('Reading src/auth'));

        expect(screen.getByText('Reading src/auth/session.test.ts')).toBeInTheDocument();
    });

    it('keeps the saved message when it is newer than the last event', () => {
        const {send, rerender} = setup('', false);
        send(streamed('Half'));

        rerender(<StreamingText post={textPost('Half a sentence, saved later.', true)}/>);

        expect(screen.getByText('Half a sentence, saved later.')).toBeInTheDocument();
        expect(screen.queryByRole('status')).not.toBeInTheDocument();
    });

    it('ignores events for other posts', () => {
        const {send} = setup('Mine', true);

        send({...streamed('Somebody else'), post_id: 'post2'});

        expect(screen.getByText('Mine')).toBeInTheDocument();
    });

    it('renders markdown with the webapp renderer when it is there', () => {
        window.PostUtils = {
            formatText: jest.fn((text: string) => `<p>${text}</p>`),
            messageHtmlToComponent: jest.fn((html: string) => <span data-testid='rendered'>{html}</span>),
        };
        setup('**bold**', true);

        expect(window.PostUtils.formatText).toHaveBeenCalledWith('**bold**', expect.any(Object));
        expect(screen.getByTestId('rendered')).toHaveTextContent('<p>**bold**</p>');
    });

    it('closes a code block that is still streaming', () => {
        window.PostUtils = {
            formatText: jest.fn((text: string) => text),
            messageHtmlToComponent: jest.fn((html: string) => html),
        };
        setup('Run:\n```sh\nnpm test', false);

        expect(window.PostUtils.formatText).toHaveBeenCalledWith('Run:\n```sh\nnpm test\n```', expect.any(Object));
    });

    it('is not rendered from the stream when a person wrote the post', () => {
        const store = makeStore();
        renderWithStore(<StreamingText post={textPost('my own words', false, ALICE_ID)}/>, store);
        act(() => handleText(store)({event: WebSocketEvents.Text, data: streamed('injected words and more')}));

        expect(screen.getByText('my own words')).toBeInTheDocument();
        expect(screen.queryByRole('status')).not.toBeInTheDocument();
    });
});
