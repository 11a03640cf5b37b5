// The first ten minutes of a new user, on a real Mattermost server and
// PostgreSQL: the request acknowledged, the bot a member where it posts, a
// session waiting for an offline machine, edits and deletes answered,
// replies in order under load; every card read as the mobile app shows it
// (its message and its buttons); Approve all, invited sessions, the prompt
// on the header; and a server log free of error lines, deactivation with a
// long poll held included.
import assert from 'node:assert/strict';
import {randomUUID} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {after, before, describe, it} from 'node:test';
import {pairingCode} from '../src/agent.ts';
import {AgentApi, type InboxEvent} from '../src/agentapi.ts';
import {Client, setPluginSettings, type Post} from '../src/mmapi.ts';
import {stopAll, waitFor} from '../src/proc.ts';
import {PASSWORD, pluginManifest, type Stack} from '../src/stack.ts';
import {startSuite, type Suite} from '../src/suite.ts';
import {actionId, sessionOf, waitForHeader, waitForSession, waitForText} from '../src/threads.ts';
import {Viewer} from '../src/websocket.ts';

/** A card as the mobile apps show it: its markdown message, then its buttons. */
function mobileText(p: Post): string {
    const names = p.props.attachments?.flatMap((a) => a.actions ?? []).map((a) => a.name) ?? [];
    return names.length > 0 ? `${p.message}\n[${names.join('] [')}]` : p.message;
}

function buttonsOf(p: Post): string[] {
    return p.props.attachments?.flatMap((a) => a.actions ?? []).map((a) => a.name) ?? [];
}

/** Asserts every pattern is in the card's mobile text (and says which card when not). */
function shows(p: Post, what: string, ...patterns: Array<RegExp | string>) {
    const text = mobileText(p);
    for (const re of patterns) {
        if (typeof re === 'string' ? !text.includes(re) : !re.test(text)) {
            assert.fail(`${what}: ${String(re)} is not in the card as the mobile app shows it:\n${text}`);
        }
    }
}

/** Mattermost's error-level log lines (JSON, one a line) from line `from` on, without its own known noise. */
function errorLines(logFile: string, from = 0): string[] {
    return readFileSync(logFile, 'utf8').split('\n').slice(from).filter((l) => {
        if (!/"level":"(error|critical|fatal|panic)"/.test(l)) {
            return false;
        }
        // The server built from the Go module has no web client; it says so at start.
        return !(l.includes('"msg":"Failed to update assets subpath from config"') && l.includes('failed to find client dir'));
    });
}

describe('the first ten minutes', () => {
    let suite: Suite | undefined;
    let stack: Stack;
    let carol: Client;
    let logFile: string;

    before(async () => {
        suite = await startSuite('firstten');
        stack = suite.stack;
        logFile = join(suite.dir, 'mattermost', 'logs', 'mattermost.log');
        await stack.admin.createUser('carol', PASSWORD);
        carol = await new Client(stack.url).login('carol', PASSWORD);
        await stack.admin.addToTeam(stack.team.id, carol.user.id);
        await stack.admin.addToChannel(stack.channel.id, carol.user.id);
    });

    after(async () => {
        await suite?.stop();
        await stopAll();
        // Stopping the stack (the agent first, then Mattermost deactivating the
        // plugin) must not leave an error line either.
        if (suite) {
            assert.deepEqual(errorLines(logFile), [], 'error lines in the Mattermost log');
        }
    });

    /** A plugin route called as the webapp does, with the user's login. */
    async function userCall<T>(user: Client, method: string, path: string, body?: unknown): Promise<{status: number; body: T}> {
        const res = await fetch(`${stack.url}/plugins/${pluginManifest.id}/api/v1${path}`, {
            method,
            headers: {'Content-Type': 'application/json', 'X-Requested-With': 'XMLHttpRequest', Authorization: `Bearer ${user.token}`},
            body: body === undefined ? undefined : JSON.stringify(body),
        });
        return {status: res.status, body: (await res.json().catch(() => ({}))) as T};
    }

    /** A session on alice's agent (real Claude Code against the fake model). */
    async function start(prompt: string, channelId = stack.channel.id): Promise<{request: Post; header: Post}> {
        const request = await stack.alice.post(channelId, `@claude on e2e-laptop ${prompt}`);
        const header = await waitForSession(stack.alice, channelId, prompt, stack.bot.id);
        return {request, header};
    }

    it('a request is acknowledged on its own post: a reaction, and a reply linking to the session thread', async () => {
        const {request, header} = await start('hello from a new user');
        const reactions = await waitFor('the bot\'s reaction', async () => {
            const list = await stack.alice.request<Array<{user_id: string; emoji_name: string}> | null>('GET', `/api/v4/posts/${request.id}/reactions`);
            return (list ?? []).find((r) => r.user_id === stack.bot.id);
        }, 30_000);
        assert.equal(reactions.emoji_name, 'eyes');
        const ack = await waitFor('the reply in the request\'s thread', async () =>
            (await stack.alice.thread(request.id)).find((p) => p.user_id === stack.bot.id && p.id !== request.id), 30_000);
        assert.ok(ack.message.includes(`/_redirect/pl/${header.id}`), `the reply links to the session thread: ${ack.message}`);
        assert.equal(header.root_id, '', 'the header is the session thread\'s root');
        await waitForText(stack.alice, header.id, /^You said: hello from a new user$/m);

        // A reply in the request's thread reaches nobody, and its author is pointed to the session thread.
        const viewer = await Viewer.connect(stack.url, stack.alice);
        try {
            await stack.alice.post(stack.channel.id, 'and one more thing', request.id);
            const pointer = await viewer.waitForPost('the pointer to the session thread', (p) => p.message.startsWith('Claude does not read this thread'));
            assert.ok(pointer.message.includes(`/_redirect/pl/${header.id}`));
        } finally {
            viewer.close();
        }
    });

    it('the session header carries the prompt, in its props and its message', async () => {
        await stack.alice.post(stack.channel.id, '@claude on e2e-laptop explain the build and keep token ghp_abcdefghijklmnopqrstuvwxyz0123456789 secret');
        // The header quotes it redacted.
        const header = await waitForSession(stack.alice, stack.channel.id, 'explain the build and keep token [redacted] secret', stack.bot.id);
        const props = sessionOf(header) as unknown as {prompt: string};
        assert.equal(props.prompt, 'explain the build and keep token [redacted] secret');
        assert.ok(header.message.includes('> explain the build and keep token [redacted] secret'), header.message);
    });

    it('the bot joins a channel before it starts a session there', async () => {
        const fresh = await stack.admin.createChannel(stack.team.id, 'fresh', 'Fresh');
        await stack.admin.addToChannel(fresh.id, stack.alice.user.id);
        await assert.rejects(stack.admin.request('GET', `/api/v4/channels/${fresh.id}/members/${stack.bot.id}`), /404/, 'not a member yet');
        const {header} = await start('a session in a new channel', fresh.id);
        await stack.admin.request('GET', `/api/v4/channels/${fresh.id}/members/${stack.bot.id}`);
        // Replies in its thread: Mattermost notifies thread followers; the bot is one, as a member.
        await stack.alice.post(fresh.id, 'a reply in the new channel', header.id);
        await waitForText(stack.alice, header.id, /^You said: a reply in the new channel$/m);
    });

    it('a session on an offline machine says so to everyone, keeps its place, and moves on when the agent comes', async () => {
        const box = new AgentApi(stack.url);
        await box.pair(await pairingCode(carol, stack.channel.id), 'carol-box');
        await carol.post(stack.channel.id, '@claude waits for carol-box');
        const header = await waitForSession(stack.alice, stack.channel.id, 'waits for carol-box', stack.bot.id);
        shows(header, 'the header of a session on an offline machine', '⏳ **Waiting for `carol-box`** (not connected yet)', 'the request keeps its place');
        assert.equal(sessionOf(header).status, 'starting');

        // The agent comes: the start is there, and its first report moves the header on.
        const startEvent = await waitFor('the start waiting in the inbox', async () => (await box.events(0, 5)).events.find((e: InboxEvent) => e.type === 'start'), 30_000);
        await box.output(startEvent.session_id, {kind: 'status', status: 'starting'});
        const moved = await waitForHeader(stack.alice, header.id, (s) => !(s as unknown as {waiting_for_machine?: boolean}).waiting_for_machine, 'the header to move on');
        assert.ok(!moved.message.includes('Waiting for `carol-box`'), moved.message);
    });

    it('an edit or a delete of a reply Claude already has is answered to its author', async () => {
        const {header} = await start('edits are told');
        await waitForText(stack.alice, header.id, /^You said: edits are told$/m);
        const reply = await stack.alice.post(stack.channel.id, 'use postgres', header.id);
        await waitForText(stack.alice, header.id, /^You said: use postgres$/m);
        const viewer = await Viewer.connect(stack.url, stack.alice);
        try {
            await stack.alice.request('PUT', `/api/v4/posts/${reply.id}/patch`, {message: 'use mysql'});
            await viewer.waitForPost('the edit notice', (p) => p.message.startsWith('Claude already has this message as you first sent it'));
            await stack.alice.request('DELETE', `/api/v4/posts/${reply.id}`);
            await viewer.waitForPost('the delete notice', (p) => p.message.startsWith('Claude already read the message you deleted'));
        } finally {
            viewer.close();
        }
        // Nothing was sent to Claude for either: its last answer is still to the first text.
        const texts = (await stack.alice.thread(header.id)).filter((p) => p.type === 'custom_claude_text').map((p) => p.message);
        assert.ok(!texts.some((t) => t.includes('mysql')), texts.join('\n'));
    });

    it('quick replies in several threads at once reach Claude, and are answered, in the order they were posted', async () => {
        const threads = await Promise.all(['order-a', 'order-b', 'order-c'].map((name) => start(name)));
        await Promise.all(threads.map(({header}, i) => waitForText(stack.alice, header.id, new RegExp(`^You said: order-${'abc'[i]}$`, 'm'))));
        const n = 8;
        await Promise.all(threads.map(async ({header}, t) => {
            for (let i = 1; i <= n; i++) {
                await stack.alice.post(stack.channel.id, `reply ${'abc'[t]}${i}`, header.id);
            }
        }));
        for (const [t, {header}] of threads.entries()) {
            const answers = await waitFor(`the ${n} answers in thread ${'abc'[t]}`, async () => {
                const got = (await stack.alice.thread(header.id))
                    .filter((p) => p.type === 'custom_claude_text' && /^You said: reply /.test(p.message))
                    .sort((a, b) => a.create_at - b.create_at)
                    .map((p) => p.message.replace('You said: ', ''));
                return got.length === n ? got : undefined;
            }, 240_000, 500);
            assert.deepEqual(answers, Array.from({length: n}, (_, i) => `reply ${'abc'[t]}${i + 1}`));
        }
    });

    it('the sessions I was invited to are listed and marked, in /claude sessions and the panel', async () => {
        const {header} = await start('invite bob here');
        await stack.alice.post(stack.channel.id, '!invite @bob', header.id);
        await waitForHeader(stack.alice, header.id, (s) => s.participants.includes('bob'), 'bob to be a participant');
        const listed = await stack.bob.executeCommand(stack.channel.id, '/claude sessions');
        assert.match(listed.text ?? '', /invite bob here\]\([^)]+\) · _invited by @alice_/);
        const mine = await userCall<Array<{id: string; invited: boolean; owner_username: string}>>(stack.bob, 'GET', '/me/sessions');
        const entry = mine.body.find((s) => s.id === sessionOf(header).id);
        assert.deepEqual(entry && {invited: entry.invited, owner: entry.owner_username}, {invited: true, owner: 'alice'});
    });

    describe('every card as the mobile app shows it', () => {
        let box: AgentApi;
        let cursor = 0;
        let sessionId = '';
        let root: Post;

        before(async () => {
            box = new AgentApi(stack.url);
            await box.pair(await pairingCode(stack.bob, stack.channel.id), 'bob-box');
            await box.call('GET', '/agent/hello?api_version=1&agent_version=0.0.0');
            await stack.bob.post(stack.channel.id, '@claude card gallery of every kind');
            root = await waitForSession(stack.bob, stack.channel.id, 'card gallery of every kind', stack.bot.id);
            sessionId = sessionOf(root).id;
            ({cursor} = await box.events(0, 0));
        });

        const thread = () => stack.bob.thread(root.id);
        async function output(body: Record<string, unknown>): Promise<Record<string, unknown>> {
            const res = await box.output(sessionId, body);
            assert.equal(res.status, 200, `${String(body.kind)} output: ${JSON.stringify(res.body)}`);
            return res.body;
        }
        async function card(body: Record<string, unknown>): Promise<Post> {
            const {post_id: postId} = await output(body) as {post_id: string};
            return stack.bob.getPost(postId);
        }
        const header = () => stack.bob.getPost(root.id);
        async function decisions(): Promise<InboxEvent[]> {
            const page = await box.events(cursor, 0);
            cursor = page.cursor;
            return page.events.filter((e) => e.type === 'decision');
        }

        // One approval per tool kind, with what the card must say it asks.
        const kinds: Array<{tool: string; input: Record<string, unknown>; preview?: Record<string, unknown>; asks: RegExp}> = [
            {tool: 'Bash', input: {command: 'npm test -- --watch=false', description: 'Run the tests'}, asks: /Claude wants to run a command[\s\S]*npm test -- --watch=false/},
            {tool: 'Edit', input: {file_path: '/src/app/a.ts', old_string: 'x', new_string: 'y'},
                preview: {kind: 'diff', file_path: '/src/app/a.ts', diff: '--- a/a.ts\n+++ b/a.ts\n@@ -1 +1 @@\n-x\n+y\n', language: 'ts', added: 1, removed: 1},
                asks: /Claude wants to edit\*\* `\/src\/app\/a\.ts` \(\+1 −1\)[\s\S]*-x\n\+y/},
            {tool: 'Write', input: {file_path: '/src/app/new.py', content: 'print(1)\n'},
                preview: {kind: 'new_file', file_path: '/src/app/new.py', content: 'print(1)\n', language: 'py', lines: 1},
                asks: /Claude wants to create\*\* `\/src\/app\/new\.py` \(1 line\)[\s\S]*print\(1\)/},
            {tool: 'Read', input: {file_path: '/etc/hosts'}, asks: /Claude wants to read\*\* `\/etc\/hosts`/},
            {tool: 'Glob', input: {pattern: '**/*.go', path: '/src'}, asks: /find files\*\* matching `\*\*\/\*\.go` in `\/src`/},
            {tool: 'Grep', input: {pattern: 'TODO', path: '/src'}, asks: /Claude wants to search\*\* for `TODO` in `\/src`/},
            {tool: 'WebFetch', input: {url: 'https://go.dev/doc', prompt: 'find the version'}, asks: /Claude wants to fetch\*\* `https:\/\/go\.dev\/doc`[\s\S]*> find the version/},
            {tool: 'WebSearch', input: {query: 'mattermost dialogs'}, asks: /search the web for\*\* `mattermost dialogs`/},
            {tool: 'mcp__github__create_issue', input: {title: 'Flaky test'}, preview: {kind: 'mcp', server: 'github', tool: 'create_issue'},
                asks: /Claude wants to use\*\* `create_issue` from the MCP server `github`[\s\S]*"title": "Flaky test"/},
            {tool: 'Task', input: {description: 'Find callers', prompt: 'Look for every caller of Foo', subagent_type: 'general-purpose'},
                asks: /start a subagent\*\* \(`general-purpose`\): Find callers[\s\S]*> Look for every caller of Foo/},
        ];
        const waitsForBob = /⏳ \*\*Waiting for @bob\*\* to approve or deny it — with the buttons below \(in the mobile apps too\), or in the Claude Code panel of the web and desktop apps/;
        const cards: Record<string, Post> = {};
        const approval = (k: (typeof kinds)[number], state: string) => ({
            kind: 'approval', request_id: `${k.tool.replace(/_/g, '')}-${state}`, tool_name: k.tool, input: k.input, cwd: '/src/app', ...(k.preview ? {preview: k.preview} : {}),
        });

        it('the header in each status says where it is and what it was asked', async () => {
            for (const [status, says] of [
                ['starting', /⏳ starting/], ['working', /⚙️ working/], ['waiting', /✋ waiting/], ['idle', /💤 idle/], ['error', /⚠️ error[\s\S]*\*\*Error:\*\* disk full/],
            ] as const) {
                await output({kind: 'status', status, ...(status === 'error' ? {error: 'disk full'} : {})});
                const h = await waitFor(`the header to read ${status}`, async () => {
                    const p = await header();
                    return sessionOf(p).status === status ? p : undefined;
                }, 30_000);
                shows(h, `header ${status}`, says, '> card gallery of every kind', 'machine `bob-box`', 'Reply in this thread to talk to Claude; `!stop` stops it', '[Interrupt] [Stop]');
            }
            await output({kind: 'status', status: 'working'});
        });

        it('approvals of every tool kind, pending: what is asked, that it waits for bob, and where to answer', async () => {
            for (const k of kinds) {
                for (const state of ['pending', 'approved', 'denied', 'expired']) {
                    cards[`${k.tool}-${state}`] = await card(approval(k, state));
                }
            }
            for (const k of kinds) {
                const p = cards[`${k.tool}-pending`]!;
                shows(p, `${k.tool} pending`, k.asks, waitsForBob);
                assert.deepEqual(buttonsOf(p), ['Approve', 'Approve all', 'Deny', 'Deny with reason…'], `${k.tool} buttons`);
            }
            cards.plan = await card({kind: 'approval', request_id: 'plan-pending', tool_name: 'ExitPlanMode', input: {plan: '# Plan\n\n1. Read the code\n2. Fix it'}});
            shows(cards.plan, 'plan pending', '**Claude\'s plan**', '2. Fix it', '⏳ **Waiting for @bob** to approve the plan or request changes — with the buttons below', '[Approve plan] [Request changes…]');
            cards.question = await card({kind: 'question', request_id: 'question-pending', questions: [{question: 'Which database?', header: 'DB', multiSelect: false, options: [{label: 'Postgres', description: 'the default'}, {label: 'MySQL', description: ''}]}]});
            shows(cards.question, 'question pending', '**DB** · Which database?', '1. **Postgres** — the default', '⏳ **Waiting for @bob** to pick an answer', '[Postgres] [MySQL] [Other…]');
        });

        it('approved and denied: who decided, and no buttons', async () => {
            for (const k of kinds) {
                const ok = cards[`${k.tool}-approved`]!;
                await stack.bob.clickAction(ok.id, actionId(ok, 'Approve'));
                const denied = cards[`${k.tool}-denied`]!;
                const res = await userCall(stack.bob, 'POST', `/sessions/${sessionId}/approvals/${approval(k, 'denied').request_id}/decide`, {decision: 'deny', reason: 'not now'});
                assert.equal(res.status, 200);
                shows(await stack.bob.getPost(ok.id), `${k.tool} approved`, k.asks, '✅ Approved by @bob');
                shows(await stack.bob.getPost(denied.id), `${k.tool} denied`, k.asks, '❌ Denied by @bob: not now');
                for (const id of [ok.id, denied.id]) {
                    const p = await stack.bob.getPost(id);
                    assert.deepEqual(buttonsOf(p), [], 'a decided card has no buttons');
                    assert.ok(!p.message.includes('Waiting for'), p.message);
                }
            }
            const answered = await userCall(stack.bob, 'POST', `/sessions/${sessionId}/questions/question-pending/answer`, {answers: {'Which database?': 'Postgres'}});
            assert.equal(answered.status, 200);
            shows(await stack.bob.getPost(cards.question!.id), 'question answered', '✅ Answered by @bob', 'DB: **Postgres**');
            await stack.bob.clickAction(cards.plan!.id, actionId(cards.plan!, 'Approve plan'));
            shows(await stack.bob.getPost(cards.plan!.id), 'plan approved', '✅ Plan approved by @bob');
            const changes = await card({kind: 'approval', request_id: 'plan-changes', tool_name: 'ExitPlanMode', input: {plan: '# Plan\n\n1. Rewrite everything'}});
            assert.equal((await userCall(stack.bob, 'POST', `/sessions/${sessionId}/approvals/plan-changes/decide`, {decision: 'deny', reason: 'smaller please'})).status, 200);
            shows(await stack.bob.getPost(changes.id), 'plan with changes requested', '1. Rewrite everything', '✏️ Changes requested by @bob:\n> smaller please');
            const got = await decisions();
            assert.equal(got.length, 2 * kinds.length + 2, 'one decision each (the answer is an answer event)');
        });

        it('Approve all also approves the other cards pending in the session, each decision delivered once', async () => {
            const one = await card({kind: 'approval', request_id: 'all-1', tool_name: 'Bash', input: {command: 'make one'}});
            const two = await card({kind: 'approval', request_id: 'all-2', tool_name: 'Bash', input: {command: 'make two'}});
            await decisions();
            await stack.bob.clickAction(one.id, actionId(one, 'Approve all'));
            const updated = await waitFor('the other card approved', async () => {
                const p = await stack.bob.getPost(two.id);
                return /Approved by @bob/.test(p.message) ? p : undefined;
            }, 30_000);
            shows(updated, 'a card approved with approve all', '✅ Approved by @bob, with everything else in this session (approve all)');
            assert.deepEqual(buttonsOf(updated), []);
            // Every card still pending in the session is approved: these two, and the
            // pending and expired ones of each kind made above; each decision comes once.
            const pending = ['all-1', 'all-2', ...kinds.flatMap((k) => ['pending', 'expired'].map((state) => approval(k, state).request_id))];
            const page = await waitFor('a decision for every pending card', async () => {
                const p = await box.events(cursor, 0);
                return p.events.filter((e) => e.type === 'decision').length >= pending.length ? p : undefined;
            }, 30_000);
            const got = page.events.filter((e) => e.type === 'decision');
            assert.deepEqual(got.map((e) => String(e.payload.request_id)).sort(), [...pending].sort());
            assert.deepEqual(got.filter((e) => e.payload.approve_all === true).map((e) => e.payload.request_id), ['all-1'], 'the agent switches its mode once');
            cursor = page.cursor;
            // Back to asking for the cards that follow.
            await box.output(sessionId, {kind: 'status', status: 'working', permission_mode: 'default'});
        });

        it('expired: the card says nobody answered in time', async () => {
            // The pending ones of each kind were approved by Approve all; fresh ones expire.
            for (const k of kinds) {
                cards[`${k.tool}-expiring`] = await card(approval(k, 'expiring'));
            }
            const plan = await card({kind: 'approval', request_id: 'plan-expiring', tool_name: 'ExitPlanMode', input: {plan: 'Plan C'}});
            const question = await card({kind: 'question', request_id: 'question-expiring', questions: [{question: 'Which port?', header: 'Port', multiSelect: true, options: [{label: '80', description: ''}, {label: '443', description: ''}]}]});
            shows(question, 'multi-select question pending', '**Port** · Which port? _(choose any)_', '⏳ **Waiting for @bob** to answer — with the buttons below', '[Answer…]');
            await setPluginSettings(stack.admin, pluginManifest.id, {ApprovalTimeoutSecondsForTesting: 2});
            try {
                for (const [p, says] of [[plan, '⏱️ Expired — nobody answered within 2 seconds, so Claude was told no'], [question, '⏱️ Expired — nobody answered within 2 seconds']] as const) {
                    shows(await waitFor(`the ${p.type} to expire`, async () => {
                        const now = await stack.bob.getPost(p.id);
                        return /Expired/.test(now.message) ? now : undefined;
                    }, 60_000), `${p.type} expired`, says);
                }
                for (const k of kinds) {
                    const p = await waitFor(`${k.tool} to expire`, async () => {
                        const now = await stack.bob.getPost(cards[`${k.tool}-expiring`]!.id);
                        return /Expired/.test(now.message) ? now : undefined;
                    }, 60_000);
                    shows(p, `${k.tool} expired`, k.asks, '⏱️ Expired — denied after 2 seconds without an answer');
                    assert.deepEqual(buttonsOf(p), []);
                }
            } finally {
                await setPluginSettings(stack.admin, pluginManifest.id, {ApprovalTimeoutSecondsForTesting: 0});
            }
        });

        it('guest, offer, todo, diff and tool output cards', async () => {
            // A non-participant's message: a guest card for the participants.
            await stack.alice.post(stack.channel.id, 'may I add the changelog?', root.id);
            const guest = await waitFor('the guest card', async () => (await thread()).find((p) => p.type === 'custom_claude_guest'), 30_000);
            shows(guest, 'guest pending', '**@alice wants to add a message for Claude**', '> may I add the changelog?',
                '⏳ **Waiting for @bob** to allow it once, invite @alice to the session, or deny it — with the buttons below (in the mobile apps too).', '[Allow once] [Invite] [Deny]');
            await stack.bob.clickAction(guest.id, actionId(guest, 'Deny'));
            shows(await waitFor('the guest card decided', async () => {
                const p = await stack.bob.getPost(guest.id);
                return /Denied/.test(p.message) ? p : undefined;
            }, 30_000), 'guest denied', '❌ Denied by @bob: Claude did not get the message.');

            const todo = await card({kind: 'todo', todos: [
                {content: 'write the test', status: 'completed', activeForm: 'Writing the test'},
                {content: 'fix the bug', status: 'in_progress', activeForm: 'Fixing the bug'},
                {content: 'ship it', status: 'pending', activeForm: 'Shipping it'},
            ]});
            shows(todo, 'todo', '**Tasks** 1/3', '- [x] ~~write the test~~', '- [ ] **Fixing the bug**', '- [ ] ship it');
            const diff = await card({kind: 'diff', tool_use_id: 'tu-diff', file_path: '/src/app/b.go', diff: '--- a/b.go\n+++ b/b.go\n@@ -1 +1 @@\n-old\n+new\n', language: 'go', added: 1, removed: 1});
            shows(diff, 'applied diff', '**Edited** `/src/app/b.go` (+1 −1)', '-old\n+new');
            const out = await card({kind: 'tool_output', tool_use_id: 'tu-out', tool_name: 'Bash', summary: 'seq 1 100', output: Array.from({length: 100}, (_, i) => String(i + 1)).join('\n'), is_error: false});
            shows(out, 'tool output', '**Bash** · `seq 1 100` (100 lines)', '\n30\n', /… 70 more lines \(open this post in the web or desktop app to see all\)/);

            // A mention inside a thread: the offer card, for the one who asked.
            const topic = await stack.bob.post(stack.channel.id, 'the deploy failed last night');
            await stack.alice.post(stack.channel.id, 'it says: disk full', topic.id);
            await stack.bob.post(stack.channel.id, '@claude on bob-box look into it', topic.id);
            const offer = await waitFor('the offer card', async () => (await stack.bob.thread(topic.id)).find((p) => p.type === 'custom_claude_offer'), 30_000);
            shows(offer, 'offer pending', '@bob, give Claude the 2 earlier messages of this thread?', '**Include thread** starts the session with them',
                '⏳ **Waiting for @bob** to choose — with the buttons below (in the mobile apps too).', '[Include thread] [Start without]');
            await stack.bob.clickAction(offer.id, actionId(offer, 'Include thread'));
            shows(await waitFor('the offer answered', async () => {
                const p = await stack.bob.getPost(offer.id);
                return /Started with/.test(p.message) ? p : undefined;
            }, 30_000), 'offer included', 'Started with the 2 earlier messages of this thread: Claude has read them.');
        });

        it('terminal cards: the prompt, a card also asked in the terminal, and how it was settled there', async () => {
            const opened = await box.call<{session_id: string; root_id: string}>('POST', '/agent/sessions',
                {origin: 'terminal', claude_session_id: randomUUID(), cwd: '/src/app', channel: stack.channel.id}, {'Idempotency-Key': randomUUID()});
            assert.equal(opened.status, 200, JSON.stringify(opened.body));
            const sid = opened.body.session_id;
            const post = async (body: Record<string, unknown>) => {
                const res = await box.output(sid, body);
                assert.equal(res.status, 200, JSON.stringify(res.body));
                return stack.bob.getPost((res.body as {post_id: string}).post_id);
            };
            const head = await stack.bob.getPost(opened.body.root_id);
            shows(head, 'terminal header', 'in a terminal on `bob-box`', 'started by @bob in a terminal', '`!away`', '[Away] [Continue here] [Stop]');
            shows(await post({kind: 'prompt', text: 'refactor the parser', source: 'terminal'}), 'terminal prompt', '🖥️ **bob** in the terminal:', '> refactor the parser');
            const asked = await post({kind: 'approval', request_id: 'term-1', tool_name: 'Bash', input: {command: 'make lint'}, terminal: true});
            shows(asked, 'terminal approval pending', 'make lint', waitsForBob, 'Claude also asks in the terminal: the first answer, here or there, counts.');
            await box.output(sid, {kind: 'resolved', request_id: 'term-1', outcome: 'terminal_allowed'});
            shows(await stack.bob.getPost(asked.id), 'terminal approval resolved', '🖥️ Answered in the terminal: allowed');
            shows(await post({kind: 'attention', reason: 'approval', text: ''}), 'attention', '@bob Claude is waiting for your approval.');
        });

        it('closed with the session: each card says the session ended before it was answered', async () => {
            const open: Post[] = [];
            for (const k of kinds) {
                open.push(await card(approval(k, 'closed')));
            }
            open.push(await card({kind: 'approval', request_id: 'plan-closed', tool_name: 'ExitPlanMode', input: {plan: 'Plan B'}}));
            open.push(await card({kind: 'question', request_id: 'question-closed', questions: [{question: 'Ship it?', header: '', multiSelect: false, options: [{label: 'Yes', description: ''}]}]}));
            const h = await header();
            await stack.bob.clickAction(h.id, actionId(h, 'Stop'));
            const ended = await waitForHeader(stack.bob, root.id, (s) => s.status === 'ended', 'the header to end');
            shows(ended, 'header ended', '✅ ended (stopped)', '> card gallery of every kind', '_Reply in this thread to resume the session._');
            assert.deepEqual(buttonsOf(ended), []);
            for (const p of open) {
                const now = await waitFor('the card to close', async () => {
                    const c = await stack.bob.getPost(p.id);
                    return /Session ended/.test(c.message) ? c : undefined;
                }, 30_000);
                shows(now, `${p.type} closed`, '⏹️ Session ended (stopped by @bob) before this was answered.');
                assert.deepEqual(buttonsOf(now), []);
            }
        });
    });

    it('deactivating the plugin while the agent holds a long poll logs no error, and the agent carries on after', async () => {
        const from = readFileSync(logFile, 'utf8').split('\n').length - 1;
        // The agent is idle: its long poll is held right now.
        await stack.admin.disablePlugin(pluginManifest.id);
        await stack.admin.enablePlugin(pluginManifest.id);
        const {header} = await start('after a plugin restart');
        await waitForText(stack.alice, header.id, /^You said: after a plugin restart$/m, 180_000);
        assert.deepEqual(errorLines(logFile, from), [], 'error lines in the Mattermost log');
    });

    it('the server log has no error line from any of these cases', () => {
        assert.deepEqual(errorLines(logFile), []);
    });
});
