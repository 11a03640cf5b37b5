// One approval round trip on a real Mattermost server and PostgreSQL, with the
// agent running the real Claude Code binary against the fake model.
import assert from 'node:assert/strict';
import {existsSync} from 'node:fs';
import {join} from 'node:path';
import {after, before, describe, it} from 'node:test';
import {setTimeout as sleep} from 'node:timers/promises';
import type {Agent} from '../src/agent.ts';
import type {FakeModel} from '../src/fakemodel.ts';
import {startSuite, type Suite} from '../src/suite.ts';
import {stopAll, waitFor} from '../src/proc.ts';
import type {Stack} from '../src/stack.ts';
import {actionId, approvalOf, waitForApproval, waitForSession, waitForText} from '../src/threads.ts';

describe('approval round trip', () => {
    let stack: Stack;
    let model: FakeModel;
    let agent: Agent;
    let dir: string;
    let suite: Suite | undefined;

    before(async () => {
        suite = await startSuite('approval');
        ({dir, stack, model, agent} = suite);
    });

    after(async () => {
        await suite?.stop();
        await stopAll();
    });

    /** Alice asks Claude to run a command; returns the session root and its pending card. */
    async function askToRun(file: string) {
        const prompt = `please create the marker file [[bash: touch ${file}]]`;
        await stack.alice.post(stack.channel.id, `@claude ${prompt}`);
        const root = await waitForSession(stack.alice, stack.channel.id, prompt, stack.bot.id);
        const card = await waitForApproval(stack.alice, root.id, (a) => JSON.stringify(a.input).includes(file));
        return {root, card};
    }

    it('approve: Claude runs the command, the card says who approved, the thread has the streamed and final text', async () => {
        const {root, card} = await askToRun('approved.txt');
        assert.equal(approvalOf(card).status, 'pending');
        assert.equal(approvalOf(card).tool_name, 'Bash');
        assert.match(card.message, /touch approved\.txt/, 'the fallback text shows the full command');

        await stack.alice.clickAction(card.id, actionId(card, 'Approve'));

        await waitFor('Claude to create approved.txt', () => existsSync(join(agent.workDir, 'approved.txt')), 60_000);
        const decided = await stack.alice.getPost(card.id);
        assert.equal(approvalOf(decided).status, 'approved');
        assert.equal(approvalOf(decided).decided_by, 'alice');
        assert.match(decided.message, /Approved by @alice/);
        assert.equal(decided.props.attachments?.flatMap((a) => a.actions ?? []).length ?? 0, 0, 'no buttons once decided');

        await waitForText(stack.alice, root.id, /I'll run `touch approved\.txt`/);
        await waitForText(stack.alice, root.id, /^Done\./m);
    });

    it('deny: the command does not run and Claude is told it was denied', async () => {
        const {root, card} = await askToRun('denied.txt');
        await stack.alice.clickAction(card.id, actionId(card, 'Deny'));

        const final = await waitForText(stack.alice, root.id, /^The command was denied/m);
        assert.ok(!existsSync(join(agent.workDir, 'denied.txt')), 'the file was not created');
        assert.match(final.message, /denied/i);
        const decided = await stack.alice.getPost(card.id);
        assert.equal(approvalOf(decided).status, 'denied');
        assert.equal(approvalOf(decided).decided_by, 'alice');

        const results = model.toolResults().filter((r) => r.toolInput.includes('denied.txt'));
        assert.equal(results.length, 1, 'Claude sent the model exactly one tool_result for the denied command');
        assert.equal(results[0]?.isError, true);
        assert.match(results[0]?.content ?? '', /denied/i);
    });

    it('a user who is not a participant cannot approve: nothing is decided and the card stays pending', async () => {
        const {card} = await askToRun('bob.txt');
        await stack.bob.clickAction(card.id, actionId(card, 'Approve'));
        await sleep(1500);

        const after = await stack.alice.getPost(card.id);
        assert.equal(approvalOf(after).status, 'pending');
        assert.equal(approvalOf(after).decided_by ?? '', '');
        assert.ok(!existsSync(join(agent.workDir, 'bob.txt')));

        // The starter can still decide; the first decision wins.
        await stack.alice.clickAction(card.id, actionId(card, 'Deny'));
        await waitFor('the card to read denied', async () => approvalOf(await stack.alice.getPost(card.id)).status === 'denied', 30_000);
    });

    it('a decision made while the agent is stopped arrives when it starts again, and the session goes on', async () => {
        const {root, card} = await askToRun('offline.txt');
        await agent.stop('SIGKILL');

        await stack.alice.clickAction(card.id, actionId(card, 'Approve'));
        assert.equal(approvalOf(await stack.alice.getPost(card.id)).status, 'approved');

        await agent.start();
        await waitFor('Claude to create offline.txt after the restart', () => existsSync(join(agent.workDir, 'offline.txt')), 120_000);
        await waitForText(stack.alice, root.id, /^Done\./m);
    });
});
