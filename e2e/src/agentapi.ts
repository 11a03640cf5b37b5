// The plugin's agent routes spoken directly, as the agent does, for the
// benchmarks and the protocol-level e2e checks (docs/protocol.md).
import {randomUUID} from 'node:crypto';
import {pluginManifest} from './stack.ts';

export interface InboxEvent {
    seq: number;
    type: string;
    session_id: string;
    payload: Record<string, unknown>;
}

export class AgentApi {
    readonly base: string;
    token = '';

    constructor(siteUrl: string) {
        this.base = `${siteUrl}/plugins/${pluginManifest.id}/api/v1`;
    }

    async call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{status: number; body: T}> {
        const res = await fetch(this.base + path, {
            method,
            headers: {
                ...(this.token ? {'X-Claude-Agent-Token': this.token} : {}),
                ...(body === undefined ? {} : {'Content-Type': 'application/json'}),
                ...headers,
            },
            body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
        });
        const text = await res.text();
        let parsed: unknown = text;
        try {
            parsed = JSON.parse(text);
        } catch {
            // not JSON: keep the text
        }
        return {status: res.status, body: parsed as T};
    }

    async pair(code: string, name: string): Promise<void> {
        const res = await this.call<{token: string}>('POST', '/pair', {code, name, hostname: 'bench', agent_version: '0.0.0'});
        if (res.status !== 200) {
            throw new Error(`pairing failed: ${res.status} ${JSON.stringify(res.body)}`);
        }
        this.token = res.body.token;
    }

    async events(after: number, wait: number): Promise<{events: InboxEvent[]; cursor: number}> {
        const res = await this.call<{events: InboxEvent[]; cursor: number}>('GET', `/agent/events?after=${after}&wait=${wait}`);
        if (res.status !== 200) {
            throw new Error(`events: ${res.status} ${JSON.stringify(res.body)}`);
        }
        return res.body;
    }

    async ack(seq: number): Promise<void> {
        await this.call('POST', '/agent/events/ack', {seq});
    }

    async output<T = Record<string, unknown>>(sessionId: string, body: Record<string, unknown>, key: string = randomUUID()): Promise<{status: number; body: T}> {
        return this.call<T>('POST', `/agent/sessions/${sessionId}/output`, body, {'Idempotency-Key': key});
    }
}
