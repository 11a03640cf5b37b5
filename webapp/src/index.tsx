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
import {client} from './client';
import {PostTypes, WebSocketEvents} from './constants';
import {pluginId} from './manifest';
import type {PluginRegistry} from './registry';
import reducer from './store/reducer';
import {getSiteURL} from './store/selectors';
import type {HostState} from './store/selectors';
import {injectStyles} from './styles';
import {handleText} from './websocket/handlers';

export default class Plugin {
    initialize(registry: PluginRegistry, store: Store<HostState>): void {
        client.setSiteURL(() => getSiteURL(store.getState()));
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
    }
}

declare global {
    interface Window {
        registerPlugin(id: string, plugin: Plugin): void;
    }
}

window.registerPlugin(pluginId, new Plugin());
