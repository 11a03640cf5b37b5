import {siteURL} from './url';

describe('the address requests and links use', () => {
    afterEach(() => {
        delete window.basename;
    });

    // jsdom's page is http://localhost/; the webapp sets window.basename from its public path.
    it.each([
        ['served at the root (no basename)', undefined, 'http://localhost'],
        ['served at the root', '', 'http://localhost'],
        ['a basename of "/"', '/', 'http://localhost'],
        ['a subpath', '/mattermost', 'http://localhost/mattermost'],
        ['a subpath with a trailing slash', '/mattermost/', 'http://localhost/mattermost'],
        ['a nested subpath', '/chat/mm', 'http://localhost/chat/mm'],
    ])('is the page origin and the webapp\'s subpath: %s', (_, basename, expected) => {
        if (basename !== undefined) {
            window.basename = basename;
        }
        expect(siteURL()).toBe(expected);
    });

    it('ignores a basename that is not a string', () => {
        (window as {basename?: unknown}).basename = 42;
        expect(siteURL()).toBe('http://localhost');
    });
});
