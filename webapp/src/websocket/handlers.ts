import type {Dispatch} from 'redux';

import {parseTextEvent} from '../props';
import {textReceived} from '../store/actions';

/** The part of a Mattermost websocket message a plugin handler reads. */
export interface WebSocketMessage {
    event: string;
    data: unknown;
}

interface StoreLike {
    dispatch: Dispatch;
}

/** `custom_claude-mattermost_text`: the whole text so far of a streamed reply. */
export function handleText(store: StoreLike) {
    return (msg: WebSocketMessage): void => {
        const event = parseTextEvent(msg.data);
        if (event) {
            store.dispatch(textReceived(event));
        }
    };
}
