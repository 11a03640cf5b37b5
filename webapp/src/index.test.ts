import {PostTypes, WebSocketEvents} from './constants';
import type Plugin from './index';
import type {PluginRegistry} from './registry';
import {makeStore} from './test/fixtures';

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
