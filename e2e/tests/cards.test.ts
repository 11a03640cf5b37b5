// Rich cards (issue 4) on a real Mattermost server and PostgreSQL, with the
// agent running the real Claude Code binary against the fake model.
import assert from 'node:assert/strict';
import {existsSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {after, before, describe, it} from 'node:test';
import type {Agent} from '../src/agent.ts';
import type {FakeModel} from '../src/fakemodel.ts';
import {uploadFile, type Client, type Post} from '../src/mmapi.ts';
import {repoRoot} from '../src/paths.ts';
import {startSuite, type Suite} from '../src/suite.ts';
import {stopAll, waitFor} from '../src/proc.ts';
import {pluginManifest, type Stack} from '../src/stack.ts';
import {actionId, approvalOf, sessionOf, waitForApproval, waitForHeader, waitForSession, waitForText} from '../src/threads.ts';

describe('rich cards', () => {
    let stack: Stack;
    let model: FakeModel;
    let agent: Agent;
    let dir: string;
    let suite: Suite | undefined;

    before(async () => {
        suite = await startSuite('cards');
        ({dir, stack, model, agent} = suite);
    });

    after(async () => {
        await suite?.stop();
        await stopAll();
    });

    async function start(prompt: string): Promise<Post> {
        await stack.alice.post(stack.channel.id, `@claude ${prompt}`);
        return waitForSession(stack.alice, stack.channel.id, prompt, stack.bot.id);
    }

    async function cardOfType(root: Post, type: string, match: (p: Post) => boolean = () => true, timeoutMs = 60_000): Promise<Post> {
        return waitFor(`a ${type} card`, async () => (await stack.alice.thread(root.id)).find((p) => p.type === type && match(p)), timeoutMs, 300);
    }

    /** A plugin route called as the webapp does, with the user's login. */
    async function pluginCall<T>(user: Client, method: string, path: string, body?: unknown): Promise<{status: number; body: T; text: string}> {
        const res = await fetch(`${stack.url}/plugins/${pluginManifest.id}/api/v1${path}`, {
            method,
            headers: {'Content-Type': 'application/json', 'X-Requested-With': 'XMLHttpRequest', Authorization: `Bearer ${user.token}`},
            body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await res.text();
        let parsed: unknown = text;
        try {
            parsed = JSON.parse(text);
        } catch {
            // text/plain
        }
        return {status: res.status, body: parsed as T, text};
    }

    it('an Edit approval shows the diff, and the edit lands once approved', async () => {
        writeFileSync(join(agent.workDir, 'notes.txt'), 'line one\nhello world\nline three\n');
        const root = await start('[[edit: notes.txt | hello world => goodbye world]]');
        const card = await waitForApproval(stack.alice, root.id, (a) => a.tool_name === 'Edit');
        const preview = (approvalOf(card) as unknown as {preview: {kind: string; diff: string; added: number; removed: number}}).preview;
        assert.equal(preview.kind, 'diff');
        assert.match(preview.diff, /^-hello world$/m);
        assert.match(preview.diff, /^\+goodbye world$/m);
        assert.match(card.message, /```diff[\s\S]*-hello world[\s\S]*\+goodbye world/, 'the mobile fallback shows the diff');
        await stack.alice.clickAction(card.id, actionId(card, 'Approve'));
        await waitFor('the edit to land', () => readFileSync(join(agent.workDir, 'notes.txt'), 'utf8').includes('goodbye world'), 60_000);
    });

    it('Approve all: the card is approved and later tools run without a card', async () => {
        const root = await start('first of many [[bash: touch all-1.txt]]');
        const card = await waitForApproval(stack.alice, root.id, (a) => JSON.stringify(a.input).includes('all-1.txt'));
        await stack.alice.clickAction(card.id, actionId(card, 'Approve all'));
        await waitFor('all-1.txt', () => existsSync(join(agent.workDir, 'all-1.txt')), 60_000);
        await waitForHeader(stack.alice, root.id, (s) => s.permission_mode === 'bypassPermissions', 'approve-all in the header');
        await stack.alice.post(stack.channel.id, 'next [[bash: touch all-2.txt]]', root.id);
        await waitFor('all-2.txt without a card', () => existsSync(join(agent.workDir, 'all-2.txt')), 60_000);
        const cards = (await stack.alice.thread(root.id)).filter((p) => p.type === 'custom_claude_approval');
        assert.equal(cards.length, 1, 'no second card');
    });

    it('Deny with a reason (the dialog the mobile apps open): Claude receives the reason', async () => {
        const root = await start('deny me [[bash: touch reasoned.txt]]');
        const card = await waitForApproval(stack.alice, root.id, (a) => JSON.stringify(a.input).includes('reasoned.txt'));
        const click = await stack.alice.clickAction(card.id, actionId(card, 'Deny with reason'));
        assert.ok(click.trigger_id, 'the click opens a dialog');
        const a = approvalOf(card);
        await stack.alice.request('POST', '/api/v4/actions/dialogs/submit', {
            url: `/plugins/${pluginManifest.id}/api/v1/dialogs/deny`,
            callback_id: '',
            state: `${a.session_id}:${a.request_id}`,
            submission: {reason: 'use the fixtures folder instead'},
            channel_id: stack.channel.id,
            team_id: stack.team.id,
            user_id: stack.alice.user.id,
            cancelled: false,
        });
        await waitForText(stack.alice, root.id, /^The command was denied/m);
        const result = model.toolResults().find((r) => r.toolInput.includes('reasoned.txt'));
        assert.match(result?.content ?? '', /use the fixtures folder instead/);
        const decided = await stack.alice.getPost(card.id);
        assert.equal(approvalOf(decided).status, 'denied');
        assert.match(decided.message, /use the fixtures folder instead/);
        assert.ok(!existsSync(join(agent.workDir, 'reasoned.txt')));
    });

    it('plan approval: Request changes reaches Claude with the reviewer\'s text; an approved plan goes ahead', async () => {
        const root = await start('[[plan: add a cache layer]]');
        const plan = await cardOfType(root, 'custom_claude_plan');
        assert.match(plan.message, /cache layer/, 'the plan is in the card');
        const a = approvalOf(plan);
        const res = await pluginCall(stack.alice, 'POST', `/sessions/${a.session_id}/approvals/${a.request_id}/decide`, {decision: 'deny', reason: 'use redis, not memcached'});
        assert.equal(res.status, 200);
        await waitForText(stack.alice, root.id, /Revised plan: .*use redis, not memcached/);
        assert.equal(approvalOf(await stack.alice.getPost(plan.id)).status, 'denied');

        await stack.alice.post(stack.channel.id, '[[plan: ship the cache]]', root.id);
        const second = await cardOfType(root, 'custom_claude_plan', (p) => p.id !== plan.id);
        await stack.alice.clickAction(second.id, actionId(second, 'Approve'));
        await waitForText(stack.alice, root.id, /Plan approved\. Working on: ship the cache/);
        assert.equal(approvalOf(await stack.alice.getPost(second.id)).status, 'approved');
    });

    it('a multi-select question: the chosen answers reach Claude', async () => {
        const root = await start('[[ask-multi: Which checks should run? | lint, types, tests]]');
        const q = await cardOfType(root, 'custom_claude_question');
        const props = q.props.claude_question as {session_id: string; request_id: string; questions: Array<{question: string; multiSelect: boolean}>};
        assert.equal(props.questions[0]?.multiSelect, true);
        assert.match(q.message, /lint[\s\S]*types[\s\S]*tests/, 'the fallback lists the options');
        const res = await pluginCall(stack.alice, 'POST', `/sessions/${props.session_id}/questions/${props.request_id}/answer`, {answers: {'Which checks should run?': 'lint, tests'}});
        assert.equal(res.status, 200);
        await waitForText(stack.alice, root.id, /You chose: .*lint, tests/);
        const again = await pluginCall(stack.bob, 'POST', `/sessions/${props.session_id}/questions/${props.request_id}/answer`, {answers: {'Which checks should run?': 'types'}});
        assert.notEqual(again.status, 200, 'a second answer is refused');
    });

    it('the todo panel follows Claude Code\'s task tools: one post per session, updated in place', async () => {
        const root = await start('[[tasks: write the test; fix the bug; ship it]]');
        const first = await cardOfType(root, 'custom_claude_todo');
        await waitFor('the first task started', async () => /\*\*Working on write the test\*\*/.test((await stack.alice.getPost(first.id)).message), 60_000);
        assert.match((await stack.alice.getPost(first.id)).message, /0\/3/);
        await waitForText(stack.alice, root.id, /^Tasks: 0\/3 done$/m);
        await stack.alice.post(stack.channel.id, 'next step [[tasks-advance]]', root.id);
        const updated = await waitFor('the panel to advance', async () => {
            const p = await stack.alice.getPost(first.id);
            return /1\/3/.test(p.message) && /\*\*Working on fix the bug\*\*/.test(p.message) ? p : undefined;
        }, 60_000);
        assert.match(updated.message, /\[x\] ~~write the test~~/);
        assert.match(updated.message, /\*\*Working on fix the bug\*\*/, 'the current item stands out');
        assert.equal((await stack.alice.thread(root.id)).filter((p) => p.type === 'custom_claude_todo').length, 1);
    });

    it('tool output is a collapsed card whose full text the plugin serves', async () => {
        const root = await start('[[bash: seq 1 500 > seq.txt && cat seq.txt]]');
        const card = await waitForApproval(stack.alice, root.id);
        await stack.alice.clickAction(card.id, actionId(card, 'Approve'));
        const out = await cardOfType(root, 'custom_claude_tool_output');
        const props = out.props.claude_tool_output as {tool_use_id: string; lines: number; truncated: boolean; preview: string};
        assert.equal(props.truncated, true);
        assert.ok(props.lines >= 500);
        const full = await pluginCall<string>(stack.alice, 'GET', `/sessions/${sessionOf(await stack.alice.getPost(root.id)).id}/outputs/${props.tool_use_id}`);
        assert.equal(full.status, 200);
        assert.match(full.text, /^500$/m);
    });

    it('an image attached to a reply reaches the model as an image block', async () => {
        const root = await start('look at this');
        await waitForHeader(stack.alice, root.id, (s) => s.status === 'idle', 'the first turn');
        const png = readFileSync(join(repoRoot, 'assets', 'bot-avatar.png'));
        const fileId = await uploadFile(stack.alice, stack.channel.id, 'screenshot.png', png, 'image/png');
        await stack.alice.request('POST', '/api/v4/posts', {channel_id: stack.channel.id, root_id: root.id, message: 'what do you see? [[image?]]', file_ids: [fileId]});
        await waitForText(stack.alice, root.id, /I see 1 image/);
        const sawImage = model.mainRequests().some((r) => JSON.stringify(r.body).includes('"type":"image"'));
        assert.ok(sawImage, 'the model received an image content block');
    });

    it('!file attaches a file from the working directory to the thread', async () => {
        writeFileSync(join(agent.workDir, 'report.txt'), 'all green\n');
        const root = await start('file please');
        await waitForHeader(stack.alice, root.id, (s) => s.status === 'idle', 'the first turn');
        await stack.alice.post(stack.channel.id, '!file report.txt', root.id);
        const post = await waitFor('the attached file', async () => (await stack.alice.thread(root.id)).find((p) => p.user_id === stack.bot.id && ((p as unknown as {file_ids?: string[]}).file_ids?.length ?? 0) > 0), 60_000);
        const info = await stack.alice.request<{name: string}>('GET', `/api/v4/files/${(post as unknown as {file_ids: string[]}).file_ids[0]}/info`);
        assert.equal(info.name, 'report.txt');
    });

    it('the right-hand panel lists my machines, my sessions and what waits on me', async () => {
        const root = await start('pending for the panel [[bash: touch panel.txt]]');
        const card = await waitForApproval(stack.alice, root.id);
        const machines = await pluginCall<Array<{name: string; online: boolean}>>(stack.alice, 'GET', '/me/machines');
        assert.ok(machines.body.some((m) => m.name === 'e2e-laptop' && m.online));
        const sessions = await pluginCall<Array<{root_id: string}>>(stack.alice, 'GET', '/me/sessions');
        assert.ok(sessions.body.some((s) => s.root_id === root.id));
        const waiting = await pluginCall<Array<{post_id: string}>>(stack.alice, 'GET', '/me/approvals');
        assert.ok(waiting.body.some((w) => w.post_id === card.id));
        const bobs = await pluginCall<Array<{post_id: string}>>(stack.bob, 'GET', '/me/approvals');
        assert.ok(!bobs.body.some((w) => w.post_id === card.id), 'not a participant: nothing waits on bob');
    });
});
