import type {Post} from '@mattermost/types/posts';
import {screen} from '@testing-library/react';
import React from 'react';

import {client} from './client';
import {PostTypes, WebSocketEvents} from './constants';
import type Plugin from './index';
import type {PluginRegistry} from './registry';
import {panelOpened} from './store/actions';
import * as selectors from './store/selectors';
import {makePost, makeStore, renderWithStore} from './test/fixtures';

// main.js registers the plugin when it loads. Loaded once, in this file's module
// registry, so the plugin shares React, react-redux and the client with the tests.
const registerPlugin = jest.fn();
window.registerPlugin = registerPlugin;
jest.requireActual('./index');

/** The plugin as main.js hands it to the web app. */
function loadPlugin(): Plugin {
    expect(registerPlugin).toHaveBeenCalledWith('claude-mattermost', expect.any(Object));
    return registerPlugin.mock.calls[0][1] as Plugin;
}

/** The registry of a current Mattermost, recording what the plugin registers. */
function fakeRegistry() {
    return {
        registerPostTypeComponent: jest.fn(),
        registerWebSocketEventHandler: jest.fn(),
        registerReducer: jest.fn(),
        registerRightHandSidebarComponent: jest.fn(() => ({id: 'rhs1', showRHSPlugin: {type: 'SHOW'}, hideRHSPlugin: {type: 'HIDE'}, toggleRHSPlugin: {type: 'TOGGLE_RHS'}})),
        registerChannelHeaderButtonAction: jest.fn(() => 'button1'),
        registerAppBarComponent: jest.fn(() => 'appbar1'),
        registerReconnectHandler: jest.fn(),
    } satisfies PluginRegistry;
}

describe('plugin registration', () => {
    it('registers the cards, the websocket handler and the reducer under the plugin id', () => {
        const registry = fakeRegistry();
        const store = makeStore();
        const dispatch = jest.spyOn(store, 'dispatch');
        loadPlugin().initialize(registry, store);

        expect(registry.registerPostTypeComponent.mock.calls.map(([type]) => type as string).sort()).toEqual(
            Object.values(PostTypes).sort(),
        );
        expect(registry.registerWebSocketEventHandler).toHaveBeenCalledWith('custom_claude-mattermost_text', expect.any(Function));
        expect(WebSocketEvents.Text).toBe('custom_claude-mattermost_text');
        expect(registry.registerWebSocketEventHandler).toHaveBeenCalledWith('custom_claude-mattermost_refresh', expect.any(Function));
        expect(registry.registerReducer).toHaveBeenCalledTimes(1);

        // The panel opens from the channel header and from the app bar.
        expect(registry.registerRightHandSidebarComponent).toHaveBeenCalledWith(expect.any(Function), 'Claude Code');
        const [, headerAction, dropdownText] = registry.registerChannelHeaderButtonAction.mock.calls[0] as unknown as [unknown, () => void, string];
        expect(dropdownText).toBe('Claude Code');
        headerAction();
        expect(dispatch).toHaveBeenLastCalledWith({type: 'TOGGLE_RHS'});
        const [iconUrl, appBarAction] = registry.registerAppBarComponent.mock.calls[0] as unknown as [string, () => void];
        expect(iconUrl).toMatch(/^data:image\/svg\+xml,/);
        dispatch.mockClear();
        appBarAction();
        expect(dispatch).toHaveBeenLastCalledWith({type: 'TOGGLE_RHS'});
        expect(document.getElementById('claude-mattermost-styles')).not.toBeNull();
    });

    it('reloads the open panel\'s lists when the websocket reconnects, and nothing while it is closed', () => {
        const registry = fakeRegistry();
        const store = makeStore();
        loadPlugin().initialize(registry, store);
        const [[onReconnect]] = registry.registerReconnectHandler.mock.calls as unknown as [[() => void]];
        const lists = ['getMachines', 'getSessions', 'getPendingRequests'] as const;
        const spies = lists.map((name) => jest.spyOn(client, name).mockResolvedValue([]));

        onReconnect();
        expect(spies.map((spy) => spy.mock.calls.length)).toEqual([0, 0, 0]);

        store.dispatch(panelOpened());
        onReconnect();
        expect(spies.map((spy) => spy.mock.calls.length)).toEqual([1, 1, 1]);
    });
});

describe('what the plugin hands the web app', () => {
    beforeEach(() => {
        jest.spyOn(console, 'error').mockImplementation(() => undefined);
    });

    // The web app renders these without an error boundary: one that throws would
    // unmount the whole channel view.
    it('wraps every card in an error boundary that shows the post\'s message', () => {
        const registry = fakeRegistry();
        loadPlugin().initialize(registry, makeStore());
        for (const [type, Card] of registry.registerPostTypeComponent.mock.calls as [string, React.ComponentType<{post: Post}>][]) {
            const post = makePost({type, message: `the message of ${type}`});
            Object.defineProperty(post, 'props', {get: () => {
                throw new Error('hostile props');
            }});

            const {unmount} = renderWithStore(React.createElement(Card, {post}));

            expect(screen.getByText(`the message of ${type}`)).toBeInTheDocument();
            unmount();
        }
    });

    it('wraps the right-hand panel and the channel header icon', () => {
        const registry = fakeRegistry();
        loadPlugin().initialize(registry, makeStore());
        jest.spyOn(selectors, 'getPanel').mockImplementation(() => {
            throw new Error('broken store');
        });
        const [[Panel]] = registry.registerRightHandSidebarComponent.mock.calls as unknown as [[React.ComponentType]];

        renderWithStore(React.createElement(Panel));

        expect(screen.getByText('Claude Code could not show this panel. Reload the page to try again.')).toBeInTheDocument();
        const [[icon]] = registry.registerChannelHeaderButtonAction.mock.calls as unknown as [[React.ReactElement]];
        expect((icon.type as {name?: string}).name).toBe('Boundary');
    });
});

describe('plugin registration on an older server', () => {
    it('opens the panel from the channel header alone when there is no app bar', () => {
        // eslint-disable-next-line @typescript-eslint/no-unused-vars -- what an older registry lacks
        const {registerAppBarComponent, registerReconnectHandler, ...registry} = fakeRegistry();

        expect(() => loadPlugin().initialize(registry satisfies PluginRegistry, makeStore())).not.toThrow();
        expect(registry.registerChannelHeaderButtonAction).toHaveBeenCalledTimes(1);
    });
});

describe('post types', () => {
    // Mattermost stores a post's type in a varchar(26) column; a longer one fails to save.
    it.each(Object.entries(PostTypes))('%s fits in Mattermost\'s type column', (_, type) => {
        expect(type.length).toBeLessThanOrEqual(26);
        expect(type.startsWith('custom_')).toBe(true);
    });
});
