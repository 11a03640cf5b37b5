import React from 'react';
import type {Store} from 'redux';

import ApprovalCard from './cards/approval/ApprovalCard';
import AppliedDiffCard from './cards/diff/AppliedDiffCard';
import GuestCard from './cards/guest/GuestCard';
import ContextOfferCard from './cards/offer/ContextOfferCard';
import ToolOutputCard from './cards/output/ToolOutputCard';
import PlanCard from './cards/plan/PlanCard';
import QuestionCard from './cards/question/QuestionCard';
import SessionHeader from './cards/session/SessionHeader';
import StreamingText from './cards/text/StreamingText';
import TodoPanel from './cards/todo/TodoPanel';
import {PostTypes, RefreshTargets, WebSocketEvents} from './constants';
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

export default class Plugin {
    initialize(registry: PluginRegistry, store: Store<HostState>): void {
        injectStyles();

        registry.registerReducer(reducer);
        registry.registerPostTypeComponent(PostTypes.Session, SessionHeader);
        registry.registerPostTypeComponent(PostTypes.Approval, ApprovalCard);
        registry.registerPostTypeComponent(PostTypes.Text, StreamingText);
        registry.registerPostTypeComponent(PostTypes.Guest, GuestCard);
        registry.registerPostTypeComponent(PostTypes.ContextOffer, ContextOfferCard);
        registry.registerPostTypeComponent(PostTypes.Diff, AppliedDiffCard);
        registry.registerPostTypeComponent(PostTypes.Todo, TodoPanel);
        registry.registerPostTypeComponent(PostTypes.Plan, PlanCard);
        registry.registerPostTypeComponent(PostTypes.Question, QuestionCard);
        registry.registerPostTypeComponent(PostTypes.ToolOutput, ToolOutputCard);
        registry.registerWebSocketEventHandler(WebSocketEvents.Text, handleText(store));
        registry.registerWebSocketEventHandler(WebSocketEvents.Refresh, handleRefresh(store));

        // The right-hand panel: from the channel header, and from the app bar where there is one.
        const {toggleRHSPlugin} = registry.registerRightHandSidebarComponent(RightHandPanel, PANEL_TITLE);
        const toggle = () => {
            store.dispatch(toggleRHSPlugin);
        };
        registry.registerChannelHeaderButtonAction(<PanelIcon/>, toggle, PANEL_TITLE, 'Claude Code: your sessions and what waits for you');
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
