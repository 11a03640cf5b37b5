import type {Dispatch} from 'redux';

import {parseRefreshEvent, parseTextEvent} from '../props';
import {loadLists} from '../rhs/load';
import {textReceived} from '../store/actions';
import {isPanelOpen} from '../store/selectors';
import type {HostState} from '../store/selectors';

/** The part of a Mattermost websocket message a plugin handler reads. */
export interface WebSocketMessage {
    event: string;
    data: unknown;
}

interface StoreLike {
    dispatch: Dispatch;
}

interface StoreWithState extends StoreLike {
    getState: () => HostState;
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

/**
 * `custom_claude-mattermost_refresh` `{what}`: one of the right-hand panel's lists
 * changed. Refetched only while the panel shows; opening it fetches everything anyway.
 */
export function handleRefresh(store: StoreWithState) {
    return (msg: WebSocketMessage): void => {
        if (isPanelOpen(store.getState())) {
            void loadLists(store.dispatch, parseRefreshEvent(msg.data));
        }
    };
}
