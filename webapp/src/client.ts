// Every REST call of the webapp. Requests go through Client4.getOptions so they carry
// the CSRF header and the session cookie exactly like the webapp's own calls.
// The deep import keeps the websocket client, which this plugin never uses, out of main.js.
import Client4 from '@mattermost/client/lib/client4';

import {API_PATH} from './constants';
import type {Decision} from './constants';
import {parseApproval} from './props';
import type {ApprovalInfo} from './types';

/** A refused or failed request; `message` is fit to show to the person who clicked. */
export class PluginClientError extends Error {
    readonly status: number;

    /** The approval's current state, when the server sent it (409: already decided). */
    readonly approval: ApprovalInfo | null;

    constructor(message: string, status: number, approval: ApprovalInfo | null = null) {
        super(message);
        this.name = 'PluginClientError';
        this.status = status;
        this.approval = approval;
    }
}

const fallbackMessages: Record<number, string> = {
    401: 'Your session has expired. Reload the page and sign in again.',
    403: 'You are not allowed to do that.',
    404: 'This request no longer exists.',
    409: 'Someone already decided this request.',
};

export class PluginClient {
    private readonly client4 = new Client4();
    private siteURL: () => string = () => window.location.origin;

    /** Called once at plugin initialization with a reader of the host store's site URL. */
    setSiteURL(getSiteURL: () => string): void {
        this.siteURL = getSiteURL;
    }

    private url(path: string): string {
        return `${this.siteURL()}${API_PATH}${path}`;
    }

    private async post(path: string, body: unknown): Promise<Record<string, unknown>> {
        let response: Response;
        try {
            response = await fetch(this.url(path), this.client4.getOptions({method: 'post', body: JSON.stringify(body)}));
        } catch {
            throw new PluginClientError('Could not reach the server. Check your connection and try again.', 0);
        }
        let data: unknown = null;
        try {
            data = await response.json();
        } catch {
            // Not JSON (a proxy's error page, an empty body): the status says enough.
        }
        const record = typeof data === 'object' && data !== null ? data as Record<string, unknown> : {};
        if (!response.ok) {
            const message = typeof record.error === 'string' && record.error !== '' ? record.error : fallbackMessages[response.status] ?? `The server answered ${response.status}.`;
            throw new PluginClientError(message, response.status, parseApproval(record.approval));
        }
        return record;
    }

    /** Approve or deny a tool request; resolves to the approval as recorded (first decision wins). */
    async decide(sessionId: string, requestId: string, decision: Decision, reason = ''): Promise<ApprovalInfo> {
        const path = `/sessions/${encodeURIComponent(sessionId)}/approvals/${encodeURIComponent(requestId)}/decide`;
        const data = await this.post(path, {decision, reason});
        const approval = parseApproval(data.approval);
        if (!approval) {
            throw new PluginClientError('The server sent an unexpected answer.', 200);
        }
        return approval;
    }
}

export const client = new PluginClient();
