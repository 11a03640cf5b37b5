// The plugin's routes on a real Mattermost server: every rule of
// docs/protocol.md for bad input, and that a refused request changes nothing.
import assert from 'node:assert/strict';
import {randomUUID} from 'node:crypto';
import {after, before, describe, it} from 'node:test';
import {pairingCode} from '../src/agent.ts';
import {AgentApi, type InboxEvent} from '../src/agentapi.ts';
import {runDir} from '../src/paths.ts';
import {stopAll, waitFor} from '../src/proc.ts';
import {pluginManifest, startStack, type Stack} from '../src/stack.ts';
import {approvalOf} from '../src/threads.ts';

describe('plugin routes on a real server', () => {
    let stack: Stack;
    let alice: AgentApi;
    let bob: AgentApi;
    let sessionId: string;
    let dir: string;

    before(async () => {
        dir = runDir('protocol');
        stack = await startStack(dir);
        alice = new AgentApi(stack.url);
        await alice.pair(await pairingCode(stack.alice, stack.channel.id), 'alice-box');
        bob = new AgentApi(stack.url);
        await bob.pair(await pairingCode(stack.bob, stack.channel.id), 'bob-box');

        await stack.alice.post(stack.channel.id, '@claude protocol checks');
        const start = await waitFor('the start event in alice\'s inbox', async () => (await alice.events(0, 5)).events.find((e: InboxEvent) => e.type === 'start'), 30_000);
        sessionId = start.session_id;
    });

    after(async () => {
        await stack?.stop();
        await stopAll();
        console.log(`logs: ${dir}`);
    });

    /** A user-facing plugin route called with a Mattermost login, as the webapp does. */
    async function userCall(token: string | undefined, method: string, path: string, body?: unknown) {
        const res = await fetch(`${stack.url}/plugins/${pluginManifest.id}/api/v1${path}`, {
            method,
            headers: {'Content-Type': 'application/json', 'X-Requested-With': 'XMLHttpRequest', ...(token ? {Authorization: `Bearer ${token}`} : {})},
            body: body === undefined ? undefined : JSON.stringify(body),
        });
        return {status: res.status, body: (await res.json().catch(() => ({}))) as {error?: string; approval?: {status: string; decided_by: string}}};
    }

    it('pairing with a wrong code is 401 and a used code cannot be used twice', async () => {
        const fresh = new AgentApi(stack.url);
        const wrong = await fresh.call<{error: string}>('POST', '/pair', {code: 'AAAA-AAAA', name: 'x', hostname: 'x', agent_version: '0'});
        assert.equal(wrong.status, 401);
        assert.match(wrong.body.error, /invalid or expired/);

        const code = await pairingCode(stack.alice, stack.channel.id);
        await fresh.pair(code, 'once');
        const again = await new AgentApi(stack.url).call('POST', '/pair', {code, name: 'twice', hostname: 'x', agent_version: '0'});
        assert.equal(again.status, 401);
    });

    it('malformed, oversized and incomplete bodies are 400 with what was wrong', async () => {
        const cases: Array<[string, unknown, RegExp]> = [
            ['not JSON', '{"kind": "text", ', /json|body/i],
            ['unknown kind', {kind: 'launch-missiles'}, /kind/],
            ['text without message_id', {kind: 'text', text: 'hi'}, /message_id/],
            ['approval with input not an object', {kind: 'approval', request_id: 'r1', tool_name: 'Bash', input: 'rm -rf /'}, /input/],
            ['wrong type', {kind: 'text', message_id: 7, text: 'hi'}, /message_id/],
            ['oversized body', {kind: 'text', message_id: 'big', text: 'x'.repeat(2 * 1024 * 1024)}, /large|size|limit|long/i],
        ];
        for (const [name, body, re] of cases) {
            const res = await alice.output<{error: string}>(sessionId, body as Record<string, unknown>);
            assert.equal(res.status, 400, name);
            assert.match(res.body.error, re, name);
        }
        const noKey = await alice.call<{error: string}>('POST', `/agent/sessions/${sessionId}/output`, {kind: 'status', status: 'working'});
        assert.equal(noKey.status, 400, 'missing Idempotency-Key');
        assert.match(noKey.body.error, /Idempotency-Key/);
    });

    it('no token or an unknown token is 401; another machine\'s session is 403; an unknown session is 404', async () => {
        const anon = new AgentApi(stack.url);
        assert.equal((await anon.call('GET', '/agent/events?after=0&wait=0')).status, 401);
        anon.token = 'cmt_not-a-real-token';
        assert.equal((await anon.call('GET', '/agent/hello?api_version=1')).status, 401);
        assert.equal((await bob.output(sessionId, {kind: 'status', status: 'working'})).status, 403);
        assert.equal((await alice.output('nosuchsession0000000000000', {kind: 'status', status: 'working'})).status, 404);
        assert.equal((await alice.call('GET', '/agent/hello?api_version=99')).status, 426);
    });

    it('a retried output with the same Idempotency-Key makes no second post', async () => {
        const key = 'retry-key-1';
        const first = await alice.output<{post_id: string}>(sessionId, {kind: 'approval', request_id: 'idem-1', tool_name: 'Bash', input: {command: 'echo once'}}, key);
        const second = await alice.output<{post_id: string}>(sessionId, {kind: 'approval', request_id: 'idem-1', tool_name: 'Bash', input: {command: 'echo once'}}, key);
        assert.equal(first.status, 200);
        assert.deepEqual(second.body, first.body);
        const root = (await stack.alice.getPost(first.body.post_id)).root_id;
        const cards = (await stack.alice.thread(root)).filter((p) => JSON.stringify(p.props).includes('echo once'));
        assert.equal(cards.length, 1);
    });

    it('deciding: no login is 401, a non-participant is 403 and changes nothing, the first decision wins and a second is 409', async () => {
        const res = await alice.output<{post_id: string}>(sessionId, {kind: 'approval', request_id: 'decide-1', tool_name: 'Bash', input: {command: 'echo decide'}});
        const path = `/sessions/${sessionId}/approvals/decide-1/decide`;

        assert.equal((await userCall(undefined, 'POST', path, {decision: 'approve'})).status, 401);
        assert.equal((await userCall(stack.bob.token, 'POST', path, {decision: 'approve'})).status, 403);
        assert.equal((await userCall(stack.alice.token, 'POST', path, {decision: 'maybe'})).status, 400);
        assert.equal((await userCall(stack.alice.token, 'POST', `/sessions/${sessionId}/approvals/nosuch/decide`, {decision: 'approve'})).status, 404);
        assert.equal(approvalOf(await stack.alice.getPost(res.body.post_id)).status, 'pending', 'refused requests changed nothing');

        const [a, b] = await Promise.all([
            userCall(stack.alice.token, 'POST', path, {decision: 'deny', reason: 'not now'}),
            userCall(stack.alice.token, 'POST', path, {decision: 'approve'}),
        ]);
        assert.deepEqual([a.status, b.status].sort(), [200, 409], 'exactly one of two racing decisions wins');
        const winner = a.status === 200 ? 'denied' : 'approved';
        assert.equal(approvalOf(await stack.alice.getPost(res.body.post_id)).status, winner);
        const decisions = (await alice.events(0, 0)).events.filter((e) => e.type === 'decision' && e.payload.request_id === 'decide-1');
        assert.equal(decisions.length, 1, 'one decision queued for the agent');
    });

    it('POST /agent/sessions opens terminal and cli sessions where the user may have them, once', async () => {
        type Opened = {session_id: string; channel_id: string; root_id: string; permalink: string; existing: boolean; error?: string};
        const open = (api: AgentApi, body: Record<string, unknown>, key: string = randomUUID()) => api.call<Opened>('POST', '/agent/sessions', body, {'Idempotency-Key': key});
        const claudeId = randomUUID();
        const terminal = {origin: 'terminal', claude_session_id: claudeId, cwd: '/src/app', branch: 'main', model: 'claude-opus-4'};

        // The direct messages with @claude by default: a header that says where Claude runs.
        const first = await open(alice, terminal);
        assert.equal(first.status, 200, JSON.stringify(first.body));
        const dm = await stack.alice.request<{type: string; name: string}>('GET', `/api/v4/channels/${first.body.channel_id}`);
        assert.equal(dm.type, 'D');
        assert.ok(dm.name.includes(stack.bot.id), 'the DM is the one with the bot');
        const header = await stack.alice.getPost(first.body.root_id);
        assert.equal(header.type, 'custom_claude_session');
        assert.match(header.message, /in a terminal on `alice-box`/);
        assert.deepEqual(header.props.attachments?.[0]?.actions?.map((a) => a.id), ['away', 'continue', 'stop']);
        assert.ok(first.body.permalink.endsWith(`/_redirect/pl/${first.body.root_id}`));

        // The same Claude session id continues the thread; another machine may not take it.
        const again = await open(alice, terminal);
        assert.equal(again.body.session_id, first.body.session_id);
        assert.equal(again.body.existing, true);
        const stolen = await open(bob, terminal);
        assert.equal(stolen.status, 403);
        assert.match(stolen.body.error ?? '', /another machine/);

        // A named channel: the bot becomes a member, and the cli session starts as /claude new does.
        const before = (await alice.events(0, 0)).cursor;
        const cli = await open(alice, {origin: 'cli', cwd: '/src/app', prompt: 'headless run', channel: `${stack.team.name}/${stack.channel.name}`});
        assert.equal(cli.status, 200, JSON.stringify(cli.body));
        assert.equal(cli.body.channel_id, stack.channel.id);
        await stack.admin.request('GET', `/api/v4/channels/${stack.channel.id}/members/${stack.bot.id}`, undefined, 'the bot is a channel member');
        const start = (await alice.events(before, 5)).events.find((e) => e.type === 'start' && e.session_id === cli.body.session_id);
        assert.equal(start?.payload.prompt, 'headless run');

        // Refusals change nothing.
        const closed = await stack.admin.createChannel(stack.team.id, 'closed', 'Closed');
        await stack.admin.addToChannel(closed.id, stack.bob.user.id);
        const notMember = await open(alice, {...terminal, claude_session_id: randomUUID(), channel: 'closed'});
        assert.equal(notMember.status, 403);
        assert.match(notMember.body.error ?? '', /not a member of ~closed/);
        const unknown = await open(alice, {...terminal, claude_session_id: randomUUID(), channel: 'no-such-channel'});
        assert.equal(unknown.status, 400);
        const relative = await open(alice, {...terminal, claude_session_id: randomUUID(), cwd: 'src/app'});
        assert.equal(relative.status, 400);
        assert.match(relative.body.error ?? '', /cwd/);

        // The terminal outputs: what the owner typed, a card closed in the terminal, a mention.
        const sid = first.body.session_id;
        assert.equal((await alice.output(sid, {kind: 'prompt', text: 'fix the flaky test', source: 'terminal'})).status, 200);
        const card = await alice.output<{post_id: string}>(sid, {kind: 'approval', request_id: 'r1', tool_name: 'Bash', input: {command: 'go test ./...'}, terminal: true});
        assert.equal(card.status, 200);
        const resolved = await alice.output<{status: string}>(sid, {kind: 'resolved', request_id: 'r1', outcome: 'terminal_allowed'});
        assert.equal(resolved.body.status, 'resolved');
        const closedCard = await stack.alice.getPost(card.body.post_id);
        assert.equal((closedCard.props.claude_approval as {status: string}).status, 'resolved');
        assert.match(closedCard.message, /Answered in the terminal: allowed/);
        assert.equal(closedCard.props.attachments, undefined);
        assert.equal((await alice.output(sid, {kind: 'attention', reason: 'turn_ended'})).status, 200);
        const thread = await stack.alice.thread(first.body.root_id);
        assert.ok(thread.some((p) => p.message === '🖥️ **alice** in the terminal:\n> fix the flaky test'), 'the prompt is in the thread');
        assert.ok(thread.some((p) => p.message.startsWith('@alice Claude finished its turn')), 'the owner is mentioned');
    });

    it('/claude machines lists the machine and /claude disconnect revokes its token at once', async () => {
        const list = await stack.bob.executeCommand(stack.channel.id, '/claude machines');
        assert.match(list.text ?? '', /bob-box/);
        assert.doesNotMatch(list.text ?? '', /alice-box/, 'only your own machines');

        const help = await stack.bob.executeCommand(stack.channel.id, '/claude help');
        assert.match(help.text ?? '', /connect/);

        await stack.bob.executeCommand(stack.channel.id, '/claude disconnect bob-box');
        const res = await bob.call<{error: string}>('GET', '/agent/hello?api_version=1');
        assert.equal(res.status, 401);
        assert.match(res.body.error, /revoked|token/i);
    });
});
