// The slice of the Mattermost plugin registry this plugin uses.
// https://developers.mattermost.com/integrate/reference/webapp/webapp-reference/
import type React from 'react';
import type {UnknownAction, Reducer} from 'redux';

import type {PostTypeProps} from './components/ClaudePost';
import type {WebSocketMessage} from './websocket/handlers';

/** What registerRightHandSidebarComponent returns: actions to dispatch to open or close it. */
export interface RightHandSidebar {
    id: string;
    showRHSPlugin: UnknownAction;
    hideRHSPlugin: UnknownAction;
    toggleRHSPlugin: UnknownAction;
}

export interface PluginRegistry {
    registerPostTypeComponent(type: string, component: React.ComponentType<PostTypeProps>): string;
    registerWebSocketEventHandler(event: string, handler: (msg: WebSocketMessage) => void): void;
    registerReducer(reducer: Reducer): void;
    registerRightHandSidebarComponent(component: React.ComponentType, title: React.ReactNode): RightHandSidebar;
    registerChannelHeaderButtonAction(icon: React.ReactNode, action: () => void, dropdownText: string, tooltipText: string): string;

    /** Mattermost 7+ (the app bar on the right); older servers lack it. */
    registerAppBarComponent?(iconUrl: string, action: () => void, tooltipText: string): string;

    /** Called when the websocket reconnects: events may have been missed. */
    registerReconnectHandler?(handler: () => void): void;
}
