import type {Post} from '@mattermost/types/posts';
import {screen} from '@testing-library/react';
import React from 'react';

import {PostTypes, WebSocketEvents} from './constants';
import type Plugin from './index';
import type {PluginRegistry} from './registry';
import * as selectors from './store/selectors';
import {makePost, makeStore, renderWithStore} from './test/fixtures';

describe('plugin registration', () => {
    it('registers the cards, the websocket handler and the reducer under the plugin id', () => {
        const registerPlugin = jest.fn();
        window.registerPlugin = registerPlugin;
        jest.isolateModules(() => {
            jest.requireActual('./index');
        });
        expect(registerPlugin).toHaveBeenCalledWith('claude-mattermost', expect.any(Object));

        const rhs = {id: 'rhs1', showRHSPlugin: {type: 'SHOW'}, hideRHSPlugin: {type: 'HIDE'}, toggleRHSPlugin: {type: 'TOGGLE_RHS'}};
        const registry = {
            registerPostTypeComponent: jest.fn(),
            registerWebSocketEventHandler: jest.fn(),
            registerReducer: jest.fn(),
            registerRightHandSidebarComponent: jest.fn(() => rhs),
            registerChannelHeaderButtonAction: jest.fn(() => 'button1'),
            registerAppBarComponent: jest.fn(() => 'appbar1'),
        } satisfies PluginRegistry;
        const store = makeStore();
        const dispatch = jest.spyOn(store, 'dispatch');
        const plugin = registerPlugin.mock.calls[0][1] as Plugin;
        plugin.initialize(registry, store);

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
});

describe('what the plugin hands the web app', () => {
    function initialize() {
        const registerPlugin = jest.fn();
        window.registerPlugin = registerPlugin;
        jest.isolateModules(() => {
            jest.requireActual('./index');
        });
        const registry = {
            registerPostTypeComponent: jest.fn(),
            registerWebSocketEventHandler: jest.fn(),
            registerReducer: jest.fn(),
            registerRightHandSidebarComponent: jest.fn(() => ({id: 'rhs', showRHSPlugin: {type: 'S'}, hideRHSPlugin: {type: 'H'}, toggleRHSPlugin: {type: 'T'}})),
            registerChannelHeaderButtonAction: jest.fn(() => 'button1'),
            registerAppBarComponent: jest.fn(() => 'appbar1'),
            registerReconnectHandler: jest.fn(),
        } satisfies PluginRegistry;
        (registerPlugin.mock.calls[0][1] as Plugin).initialize(registry, makeStore());
        return registry;
    }

    beforeEach(() => {
        jest.spyOn(console, 'error').mockImplementation(() => undefined);
    });

    // The web app renders these without an error boundary: one that throws would
    // unmount the whole channel view.
    it('wraps every card in an error boundary that shows the post\'s message', () => {
        const registry = initialize();
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
        const registry = initialize();
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
        const registerPlugin = jest.fn();
        window.registerPlugin = registerPlugin;
        jest.isolateModules(() => {
            jest.requireActual('./index');
        });
        const registry = {
            registerPostTypeComponent: jest.fn(),
            registerWebSocketEventHandler: jest.fn(),
            registerReducer: jest.fn(),
            registerRightHandSidebarComponent: jest.fn(() => ({id: 'rhs', showRHSPlugin: {type: 'S'}, hideRHSPlugin: {type: 'H'}, toggleRHSPlugin: {type: 'T'}})),
            registerChannelHeaderButtonAction: jest.fn(() => 'button1'),
        } satisfies PluginRegistry;

        expect(() => (registerPlugin.mock.calls[0][1] as Plugin).initialize(registry, makeStore())).not.toThrow();
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
