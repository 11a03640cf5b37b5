// Every REST call of the webapp. Requests go to the page's own address (url.ts) and
// through Client4.getOptions, so they carry the CSRF header and the session cookie
// exactly like the webapp's own calls.
// The deep import keeps the websocket client, which this plugin never uses, out of main.js.
import Client4 from '@mattermost/client/lib/client4';

import {API_PATH} from './constants';
import type {Decision, GuestDecision, SessionAction} from './constants';
import {parseApproval, parseGuest, parseMachines, parsePending, parseQuestion, parseSessions} from './props';
import type {ApprovalInfo, GuestInfo, MachineSummary, PendingRequest, QuestionInfo, SessionSummary} from './types';
import {siteURL} from './url';

/** A refused or failed request; `message` is fit to show to the person who clicked. */
export class PluginClientError extends Error {
    readonly status: number;

    /** The approval's current state, when the server sent it (409: already decided). */
    readonly approval: ApprovalInfo | null;

    /** The guest request's current state, when the server sent it (409: already decided). */
    readonly guest: GuestInfo | null;

    /** The question's current state, when the server sent it (409: already answered). */
    readonly question: QuestionInfo | null;

    constructor(message: string, status: number, approval: ApprovalInfo | null = null, guest: GuestInfo | null = null, question: QuestionInfo | null = null) {
        super(message);
        this.name = 'PluginClientError';
        this.status = status;
        this.approval = approval;
        this.guest = guest;
        this.question = question;
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

    private pluginURL(path: string): string {
        return `${siteURL()}${API_PATH}${path}`;
    }

    private async send(url: string, options: {method: 'get' | 'post'; body?: string}): Promise<Response> {
        let response: Response;
        try {
            response = await fetch(url, this.client4.getOptions(options));
        } catch {
            throw new PluginClientError('Could not reach the server. Check your connection and try again.', 0);
        }
        if (!response.ok) {
            const record = await readJSON(response);
            // The plugin answers {"error"}; Mattermost's own routes answer {"message"}.
            const told = [record.error, record.message].find((m): m is string => typeof m === 'string' && m !== '');
            const message = told ?? fallbackMessages[response.status] ?? `The server answered ${response.status}.`;
            throw new PluginClientError(message, response.status, parseApproval(record.approval), parseGuest(record.guest), parseQuestion(record.question));
        }
        return response;
    }

    private async post(url: string, body: unknown): Promise<Record<string, unknown>> {
        return readJSON(await this.send(url, {method: 'post', body: JSON.stringify(body)}));
    }

    private async get(url: string): Promise<unknown> {
        const response = await this.send(url, {method: 'get'});
        try {
            return await response.json();
        } catch {
            throw new PluginClientError('The server sent an unexpected answer.', response.status);
        }
    }

    /** Approve or deny a tool request; resolves to the approval as recorded (first decision wins). */
    async decide(sessionId: string, requestId: string, decision: Decision, reason = ''): Promise<ApprovalInfo> {
        const path = `/sessions/${encodeURIComponent(sessionId)}/approvals/${encodeURIComponent(requestId)}/decide`;
        const data = await this.post(this.pluginURL(path), {decision, reason});
        const approval = parseApproval(data.approval);
        if (!approval) {
            throw new PluginClientError('The server sent an unexpected answer.', 200);
        }
        return approval;
    }

    /**
     * Answer Claude's question(s): question text → the chosen label, comma-joined labels,
     * or free text. Resolves to the question as recorded when the server sends it back, else null.
     */
    async answerQuestion(sessionId: string, requestId: string, answers: Record<string, string>): Promise<QuestionInfo | null> {
        const path = `/sessions/${encodeURIComponent(sessionId)}/questions/${encodeURIComponent(requestId)}/answer`;
        const data = await this.post(this.pluginURL(path), {answers});
        return parseQuestion(data.question);
    }

    /** The whole output of a tool run (the card has its first lines), as text. */
    async getToolOutput(sessionId: string, toolUseId: string): Promise<string> {
        const path = `/sessions/${encodeURIComponent(sessionId)}/outputs/${encodeURIComponent(toolUseId)}`;
        const response = await this.send(this.pluginURL(path), {method: 'get'});
        return response.text();
    }

    /** My paired machines and the ones shared with me. */
    async getMachines(): Promise<MachineSummary[]> {
        return parseMachines(await this.get(this.pluginURL('/me/machines')));
    }

    /** My sessions. */
    async getSessions(): Promise<SessionSummary[]> {
        return parseSessions(await this.get(this.pluginURL('/me/sessions')));
    }

    /** Approvals, plans and questions waiting in sessions where I am a participant. */
    async getPendingRequests(): Promise<PendingRequest[]> {
        return parsePending(await this.get(this.pluginURL('/me/approvals')));
    }

    /**
     * Let a non-participant's message through once, invite its author, or drop it.
     * Resolves to the guest request as recorded when the server sends it back, else null.
     */
    async decideGuest(sessionId: string, requestId: string, decision: GuestDecision): Promise<GuestInfo | null> {
        const path = `/sessions/${encodeURIComponent(sessionId)}/guests/${encodeURIComponent(requestId)}/decide`;
        const data = await this.post(this.pluginURL(path), {decision});
        return parseGuest(data.guest);
    }

    /** Interrupt Claude's current turn; the session stays. */
    async interruptSession(sessionId: string): Promise<void> {
        await this.sessionAction(sessionId, 'interrupt');
    }

    /** End the session's Claude process; a reply in the thread resumes it. */
    async stopSession(sessionId: string): Promise<void> {
        await this.sessionAction(sessionId, 'stop');
    }

    /** Mark the owner away from the terminal (Claude waits for Mattermost), or back. */
    async setAway(sessionId: string, away: boolean): Promise<void> {
        await this.sessionAction(sessionId, away ? 'away' : 'back');
    }

    /** Move a session that runs in a terminal here (its owner only). */
    async continueHere(sessionId: string): Promise<void> {
        await this.sessionAction(sessionId, 'continue');
    }

    private async sessionAction(sessionId: string, action: SessionAction): Promise<void> {
        await this.post(this.pluginURL(`/sessions/${encodeURIComponent(sessionId)}/${action}`), {});
    }

    /**
     * Click an interactive-message button of a post, as the Mattermost apps do
     * (`POST /api/v4/posts/{post_id}/actions/{action_id}`). The server calls the
     * button's integration (a plugin route) and edits the post; a refusal arrives
     * as an ephemeral message, not as an error here.
     */
    async doPostAction(postId: string, actionId: string): Promise<void> {
        const url = `${siteURL()}/api/v4/posts/${encodeURIComponent(postId)}/actions/${encodeURIComponent(actionId)}`;
        await this.post(url, {});
    }
}

/** The body as a JSON object; {} when it is not one (a proxy's error page, an empty body). */
async function readJSON(response: Response): Promise<Record<string, unknown>> {
    try {
        const data: unknown = await response.json();
        return typeof data === 'object' && data !== null && !Array.isArray(data) ? data as Record<string, unknown> : {};
    } catch {
        return {};
    }
}

export const client = new PluginClient();
