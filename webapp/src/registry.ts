// The slice of the Mattermost plugin registry this plugin uses.
// https://developers.mattermost.com/integrate/reference/webapp/webapp-reference/
import type React from 'react';
import type {Reducer} from 'redux';

import type {PostTypeProps} from './components/ClaudePost';
import type {WebSocketMessage} from './websocket/handlers';

export interface PluginRegistry {
    registerPostTypeComponent(type: string, component: React.ComponentType<PostTypeProps>): string;
    registerWebSocketEventHandler(event: string, handler: (msg: WebSocketMessage) => void): void;
    registerReducer(reducer: Reducer): void;
}
