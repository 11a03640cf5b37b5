declare global {
    interface Window {
        /** The webapp's router history, exposed for plugins. */
        WebappUtils?: {browserHistory?: {push: (path: string) => void}};
    }
}

/** A post's permalink path inside the webapp: the team's when known, else Mattermost's redirect. */
export function permalinkPath(postId: string, teamName: string): string {
    const id = encodeURIComponent(postId);
    return teamName ? `/${encodeURIComponent(teamName)}/pl/${id}` : `/_redirect/pl/${id}`;
}

/**
 * Follows a permalink inside the running webapp (no page load) when it exposes its
 * router; otherwise, and for a modified click (new tab or window), the browser follows
 * the link's href.
 */
export function openPermalink(event: {metaKey: boolean; ctrlKey: boolean; shiftKey: boolean; button: number; preventDefault: () => void}, path: string): void {
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) {
        return;
    }
    const history = window.WebappUtils?.browserHistory;
    if (history) {
        event.preventDefault();
        history.push(path);
    }
}
