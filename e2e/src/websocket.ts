// A user's websocket, as the web app holds it: for what only arrives live
// (ephemeral posts, streaming text events).
import WebSocket from 'ws';
import type {Client, Post} from './mmapi.ts';
import {waitFor} from './proc.ts';

export interface WsEvent {
    event: string;
    data: Record<string, unknown>;
    broadcast?: Record<string, unknown>;
}

export class Viewer {
    readonly events: WsEvent[] = [];

    private constructor(private ws: WebSocket) {
        ws.on('message', (raw) => {
            const msg = JSON.parse(raw.toString()) as Partial<WsEvent>;
            if (msg.event) {
                this.events.push(msg as WsEvent);
            }
        });
    }

    static connect(url: string, user: Client): Promise<Viewer> {
        return new Promise((resolve, reject) => {
            const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/api/v4/websocket`);
            ws.on('open', () => ws.send(JSON.stringify({seq: 1, action: 'authentication_challenge', data: {token: user.token}})));
            ws.on('message', function first(raw) {
                const msg = JSON.parse(raw.toString()) as {seq_reply?: number; status?: string};
                if (msg.seq_reply === 1) {
                    ws.off('message', first);
                    if (msg.status === 'OK') {
                        resolve(new Viewer(ws));
                    } else {
                        reject(new Error(`websocket authentication failed: ${raw.toString()}`));
                    }
                }
            });
            ws.on('error', reject);
        });
    }

    /** Posts delivered over the socket (ephemeral ones included), oldest first. */
    posts(): Post[] {
        return this.events.filter((e) => e.event === 'posted' || e.event === 'ephemeral_message').map((e) => JSON.parse(String(e.data.post)) as Post);
    }

    waitForPost(what: string, match: (p: Post) => boolean, timeoutMs = 30_000): Promise<Post> {
        return waitFor(what, () => this.posts().find(match), timeoutMs, 100);
    }

    close() {
        this.ws.close();
    }
}
