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

        const registry = {
            registerPostTypeComponent: jest.fn(),
            registerWebSocketEventHandler: jest.fn(),
            registerReducer: jest.fn(),
        } satisfies PluginRegistry;
        const plugin = registerPlugin.mock.calls[0][1] as Plugin;
        plugin.initialize(registry, makeStore());

        expect(registry.registerPostTypeComponent.mock.calls.map(([type]) => type as string).sort()).toEqual(
            Object.values(PostTypes).sort(),
        );
        expect(registry.registerWebSocketEventHandler).toHaveBeenCalledWith('custom_claude-mattermost_text', expect.any(Function));
        expect(WebSocketEvents.Text).toBe('custom_claude-mattermost_text');
        expect(registry.registerReducer).toHaveBeenCalledTimes(1);
        expect(document.getElementById('claude-mattermost-styles')).not.toBeNull();
    });
});

describe('post types', () => {
    // Mattermost stores a post's type in a varchar(26) column; a longer one fails to save.
    it.each(Object.entries(PostTypes))('%s fits in Mattermost\'s type column', (_, type) => {
        expect(type.length).toBeLessThanOrEqual(26);
        expect(type.startsWith('custom_')).toBe(true);
    });
});
