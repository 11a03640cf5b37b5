import React from 'react';
import type {Store} from 'redux';

import {cards} from './cards';
import {Boundary, withCardBoundary} from './components/Boundary';
import {RefreshTargets, WebSocketEvents} from './constants';
import {pluginId} from './manifest';
import type {PluginRegistry} from './registry';
import reducer from './store/reducer';
import type {HostState} from './store/selectors';
import {injectStyles} from './styles';
import {APP_BAR_ICON, PanelIcon} from './rhs/icons';
import {loadLists} from './rhs/load';
import RightHandPanel from './rhs/RightHandPanel';
import {isPanelOpen} from './store/selectors';
import {handleRefresh, handleText} from './websocket/handlers';

const PANEL_TITLE = 'Claude Code';

function SafeRightHandPanel() {
    return (
        <Boundary
            fallback={<p className='cm-rhs__failed'>Claude Code could not show this panel. Reload the page to try again.</p>}
            logKey='the right-hand panel'
        >
            <RightHandPanel/>
        </Boundary>
    );
}

export default class Plugin {
    initialize(registry: PluginRegistry, store: Store<HostState>): void {
        injectStyles();

        registry.registerReducer(reducer);
        for (const [type, Card] of Object.entries(cards)) {
            registry.registerPostTypeComponent(type, withCardBoundary(type, Card));
        }
        registry.registerWebSocketEventHandler(WebSocketEvents.Text, handleText(store));
        registry.registerWebSocketEventHandler(WebSocketEvents.Refresh, handleRefresh(store));

        // The right-hand panel: from the channel header, and from the app bar where there is one.
        const {toggleRHSPlugin} = registry.registerRightHandSidebarComponent(SafeRightHandPanel, PANEL_TITLE);
        const toggle = () => {
            store.dispatch(toggleRHSPlugin);
        };
        const icon = (
            <Boundary
                fallback={PANEL_TITLE}
                logKey='the channel header icon'
            >
                <PanelIcon/>
            </Boundary>
        );
        registry.registerChannelHeaderButtonAction(icon, toggle, PANEL_TITLE, 'Claude Code: your sessions and what waits for you');
        registry.registerAppBarComponent?.(APP_BAR_ICON, toggle, 'Claude Code');
        registry.registerReconnectHandler?.(() => {
            if (isPanelOpen(store.getState())) {
                void loadLists(store.dispatch, RefreshTargets);
            }
        });
    }
}

declare global {
    interface Window {
        registerPlugin(id: string, plugin: Plugin): void;
    }
}

window.registerPlugin(pluginId, new Plugin());
