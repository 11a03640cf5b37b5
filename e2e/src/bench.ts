// `make bench`: the targets of DESIGN.md measured on a real Mattermost server
// and PostgreSQL on loopback, printed as figures (never asserted: timings on a
// shared 2-core machine are not a test).
import {execFileSync, execFile} from 'node:child_process';
import {randomUUID} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {promisify} from 'node:util';
import {gzipSync} from 'node:zlib';
import WebSocket from 'ws';
import {agentCli, pairAgent, pairingCode} from './agent.ts';
import {AgentApi, type InboxEvent} from './agentapi.ts';
import {startFakeModel} from './fakemodel.ts';
import {setPluginSettings, type Client} from './mmapi.ts';
import {repoRoot, runDir} from './paths.ts';
import {stopAll, waitFor} from './proc.ts';
import {pluginManifest, startStack, type Stack} from './stack.ts';
import {actionId, waitForSession, waitForText} from './threads.ts';

const env = (name: string, dflt: number) => Number(process.env[name] ?? dflt);
const CLICKS = env('BENCH_CLICKS', 100);
const STREAM_EVENTS = env('BENCH_STREAM_EVENTS', 100);
const SESSIONS = env('BENCH_SESSIONS', 100);
const SECONDS = env('BENCH_SECONDS', 10);
const RATE = env('BENCH_RATE', 20);
const IDLE_SESSIONS = env('BENCH_IDLE_SESSIONS', 3);

const rows: Array<[string, string, string]> = [];
function report(what: string, figure: string, target: string) {
    rows.push([what, figure, target]);
    console.log(`  ${what}: ${figure}   (target ${target})`);
}

function pct(xs: number[], p: number): number {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}
const ms = (x: number) => `${x.toFixed(1)} ms`;

/** Reads the inbox continuously and hands events to whoever waits for them. */
class Inbox {
    private cursor = 0;
    private running = true;
    private waiters: Array<{match: (e: InboxEvent) => boolean; resolve: (e: InboxEvent) => void}> = [];
    readonly done: Promise<void>;

    constructor(private api: AgentApi) {
        this.done = this.loop();
    }

    private async loop() {
        while (this.running) {
            let events: InboxEvent[];
            let cursor: number;
            try {
                ({events, cursor} = await this.api.events(this.cursor, 5));
            } catch (err) {
                console.error(`inbox poll failed, retrying: ${(err as Error).message}`);
                await new Promise((r) => setTimeout(r, 200));
                continue;
            }
            const at = performance.now();
            for (const e of events) {
                const i = this.waiters.findIndex((w) => w.match(e));
                if (i >= 0) {
                    this.waiters.splice(i, 1)[0]?.resolve({...e, payload: {...e.payload, receivedAt: at}});
                }
            }
            if (cursor > this.cursor) {
                this.cursor = cursor;
                void this.api.ack(cursor);
            }
        }
    }

    next(match: (e: InboxEvent) => boolean, what = 'an inbox event', timeoutMs = 60_000): Promise<InboxEvent> {
        return new Promise((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
            this.waiters.push({match, resolve: (e) => {
                clearTimeout(timer);
                resolve(e);
            }});
        });
    }

    async stop() {
        this.running = false;
        await this.done;
    }
}

async function startSession(stack: Stack, inbox: Inbox, prompt: string): Promise<string> {
    const started = inbox.next((e) => e.type === 'start' && String(e.payload.prompt ?? '').includes(prompt), `the start of "${prompt}"`);
    await stack.alice.post(stack.channel.id, `@claude ${prompt}`);
    return (await started).session_id;
}

async function benchClicks(stack: Stack, api: AgentApi, inbox: Inbox, sessionId: string) {
    const latencies: number[] = [];
    for (let i = 0; i < CLICKS; i++) {
        const requestId = `bench-${i}-${randomUUID().slice(0, 8)}`;
        const res = await api.output<{post_id: string}>(sessionId, {kind: 'approval', request_id: requestId, tool_name: 'Bash', input: {command: `echo ${i}`}});
        const post = await stack.alice.getPost(res.body.post_id);
        const decided = inbox.next((e) => e.type === 'decision' && e.payload.request_id === requestId);
        const t0 = performance.now();
        await stack.alice.clickAction(post.id, actionId(post, 'Approve'));
        const e = await decided;
        latencies.push((e.payload.receivedAt as number) - t0);
    }
    report(`click → decision at the agent (${CLICKS} clicks) p50`, ms(pct(latencies, 50)), '≤ 30 ms');
    report(`click → decision at the agent (${CLICKS} clicks) p99`, ms(pct(latencies, 99)), '≤ 100 ms');
}

function connectViewer(url: string, viewer: Client): Promise<WebSocket> {
    return new Promise((resolve, reject) => {
        const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/api/v4/websocket`);
        ws.on('open', () => {
            ws.send(JSON.stringify({seq: 1, action: 'authentication_challenge', data: {token: viewer.token}}));
        });
        ws.on('message', (raw) => {
            const msg = JSON.parse(raw.toString()) as {event?: string; status?: string; seq_reply?: number};
            if (msg.seq_reply === 1 && msg.status === 'OK') {
                resolve(ws);
            }
        });
        ws.on('error', reject);
    });
}

/** How many times the post was written after it was made: Mattermost keeps each edit as a row pointing at the post. */
function edits(stack: Stack, postId: string): number {
    const out = execFileSync('psql', [stack.pg.url, '-tAc', `select count(*) from posts where originalid = '${postId}'`], {env: {...process.env, PGCONNECT_TIMEOUT: '5'}});
    return Number(out.toString().trim());
}

async function benchStreaming(stack: Stack, api: AgentApi, sessionId: string) {
    const ws = await connectViewer(stack.url, stack.bob);
    const arrivals = new Map<number, number>();
    ws.on('message', (raw) => {
        const msg = JSON.parse(raw.toString()) as {event?: string; data?: {text?: string}};
        if (msg.event === 'custom_claude-mattermost_text' && msg.data?.text) {
            arrivals.set(msg.data.text.length, performance.now());
        }
    });
    const messageId = `stream-${randomUUID().slice(0, 8)}`;
    const sent = new Map<number, number>();
    let text = '';
    let postId = '';
    const startedAt = performance.now();
    for (let i = 0; i < STREAM_EVENTS; i++) {
        text += `word${i} `;
        sent.set(text.length, performance.now());
        const res = await api.output<{post_id: string}>(sessionId, {kind: 'text', message_id: messageId, text, done: i === STREAM_EVENTS - 1});
        postId = res.body.post_id;
        const due = startedAt + (i + 1) * (1000 / RATE);
        await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
    }
    const seconds = (performance.now() - startedAt) / 1000;
    await waitFor('the last streamed text at the viewer', () => arrivals.has(text.length), 10_000);
    ws.close();
    const latencies = [...sent].filter(([len]) => arrivals.has(len)).map(([len, t]) => (arrivals.get(len) as number) - t);
    report(`streamed text → web viewer (${latencies.length} events) p50`, ms(pct(latencies, 50)), '≤ 150 ms');
    report(`streamed text → web viewer p99`, ms(pct(latencies, 99)), '≤ 150 ms');
    const writes = 1 + edits(stack, postId);
    report(`database writes of one post streamed for ${seconds.toFixed(1)} s (${STREAM_EVENTS} reports)`, `${writes} (${(writes / seconds * 2).toFixed(2)} per 2 s)`, '≤ 1 per 2 s');
}

async function benchIngest(stack: Stack, api: AgentApi, inbox: Inbox) {
    const sessions: string[] = [];
    for (let i = 0; i < SESSIONS; i++) {
        sessions.push(await startSession(stack, inbox, `ingest ${i} ${randomUUID().slice(0, 6)}`));
    }
    const latencies: number[] = [];
    let errors = 0;
    const startedAt = performance.now();
    const endAt = startedAt + SECONDS * 1000;
    await Promise.all(sessions.map(async (sid, s) => {
        let text = '';
        for (let i = 0; performance.now() < endAt; i++) {
            text += `token${i} `;
            const t0 = performance.now();
            const res = await api.output(sid, {kind: 'text', message_id: `ingest-${s}`, text, done: false});
            latencies.push(performance.now() - t0);
            if (res.status !== 200) {
                errors++;
            }
            const due = startedAt + (i + 1) * (1000 / RATE);
            await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
        }
    }));
    const rate = latencies.length / ((performance.now() - startedAt) / 1000);
    report(`ingest, ${SESSIONS} sessions × ${RATE} events/s asked, achieved`, `${rate.toFixed(0)} events/s, ${errors} errors`, `${SESSIONS * RATE} events/s`);
    report('ingest p50', ms(pct(latencies, 50)), '');
    report('ingest p99', ms(pct(latencies, 99)), '≤ 50 ms');
}

function benchBundle() {
    const bytes = gzipSync(readFileSync(join(repoRoot, 'webapp', 'dist', 'main.js'))).length;
    report('webapp main.js gzip', `${(bytes / 1024).toFixed(1)} KB`, '≤ 150 KB');
}

async function benchAgent(stack: Stack, dir: string) {
    const run = promisify(execFile);
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        await run(process.execPath, [agentCli, '--version']);
        times.push(performance.now() - t0);
    }
    report('agent start (claude-mattermost --version, median of 5)', ms(pct(times, 50)), '≤ 500 ms');

    const model = await startFakeModel();
    const agent = await pairAgent({url: stack.url, user: stack.bob, channelId: stack.channel.id, dir: join(dir, 'agent'), modelUrl: model.url, name: 'bench-rss'});
    const proc = await agent.start();
    await waitFor('the agent to connect', () => /connected|waiting for sessions|listening/i.test(proc.log()), 30_000);
    await new Promise((r) => setTimeout(r, 2000));
    const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${proc.child.pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;
    const idle = rss();
    report('agent RSS, no session', `${idle.toFixed(1)} MB`, '');
    for (let i = 0; i < IDLE_SESSIONS; i++) {
        await stack.bob.post(stack.channel.id, `@claude hello idle ${i}`);
        const root = await waitForSession(stack.bob, stack.channel.id, `hello idle ${i}`, stack.bot.id);
        await waitForText(stack.bob, root.id, new RegExp(`idle ${i}`), 120_000);
    }
    await new Promise((r) => setTimeout(r, 3000));
    const withSessions = rss();
    report(`agent RSS per idle session (${IDLE_SESSIONS} sessions, Claude Code itself excluded)`, `${((withSessions - idle) / IDLE_SESSIONS).toFixed(1)} MB`, '≤ 15 MB');
    await agent.stop();
    await model.close();
}

const dir = runDir('bench');
console.log(`bench: starting PostgreSQL and Mattermost (logs in ${dir})`);
const stack = await startStack(dir);
try {
    // The ingest case opens SESSIONS sessions for one user.
    await setPluginSettings(stack.admin, pluginManifest.id, {MaxSessionsPerUser: 0});
    const api = new AgentApi(stack.url);
    await api.pair(await pairingCode(stack.alice, stack.channel.id), 'bench');
    const inbox = new Inbox(api);
    const sessionId = await startSession(stack, inbox, 'bench clicks');
    benchBundle();
    await benchClicks(stack, api, inbox, sessionId);
    await benchStreaming(stack, api, sessionId);
    await benchIngest(stack, api, inbox);
    await benchAgent(stack, dir);
    await inbox.stop();
} finally {
    await stack.stop();
    await stopAll();
}
console.log('\nfigures (measured on this machine; targets from DESIGN.md):');
for (const [what, figure, target] of rows) {
    console.log(`| ${what} | ${figure} | ${target} |`);
}
