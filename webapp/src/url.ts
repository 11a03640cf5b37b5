// Where the plugin sends its requests and points its links: the address the browser
// is on, as the Mattermost web app's own Client4 does (utils/url.tsx, getSiteURL).
// The server's configured Site URL is not used: behind a reverse proxy, on another host
// name, over http while the Site URL says https, or with a subpath the Site URL lacks,
// it names an address this page cannot reach (or may not call: another origin).

declare global {
    interface Window {
        /** The subpath the webapp is served under ('' at the root), set by the webapp from its public path. */
        basename?: string;
    }
}

/** The page's origin and the webapp's subpath, without a trailing slash: `https://chat.example.com/mattermost`. */
export function siteURL(): string {
    const basename = typeof window.basename === 'string' ? window.basename : '';
    return `${window.location.origin}${basename}`.replace(/\/+$/, '');
}
