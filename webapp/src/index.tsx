import type {Store} from 'redux';

import ApprovalCard from './cards/approval/ApprovalCard';
import GuestCard from './cards/guest/GuestCard';
import ContextOfferCard from './cards/offer/ContextOfferCard';
import SessionHeader from './cards/session/SessionHeader';
import StreamingText from './cards/text/StreamingText';
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
        registry.registerWebSocketEventHandler(WebSocketEvents.Text, handleText(store));
    }
}

declare global {
    interface Window {
        registerPlugin(id: string, plugin: Plugin): void;
    }
}

window.registerPlugin(pluginId, new Plugin());
