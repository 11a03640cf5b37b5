// Sessions a team lives in (issue 3), on a real Mattermost server and
// PostgreSQL, with the agent running the real Claude Code binary against the
// fake model.
import assert from 'node:assert/strict';
import {existsSync, readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {after, before, describe, it} from 'node:test';
import {setTimeout as sleep} from 'node:timers/promises';
import {pairingCode, type Agent} from '../src/agent.ts';
import {AgentApi} from '../src/agentapi.ts';
import type {FakeModel} from '../src/fakemodel.ts';
import {Client, setPluginSettings, type Post} from '../src/mmapi.ts';
import {startSuite, type Suite} from '../src/suite.ts';
import {stopAll, waitFor} from '../src/proc.ts';
import {PASSWORD, pluginManifest, type Stack} from '../src/stack.ts';
import {actionId, approvalOf, POST_TYPE, sessionOf, waitForApproval, waitForBotPost, waitForHeader, waitForSession, waitForText} from '../src/threads.ts';
import {Viewer} from '../src/websocket.ts';

/** Process ids below `pid`, from /proc. */
function descendants(pid: number): Array<{pid: number; cmd: string}> {
    const parent = new Map<number, number>();
    const cmd = new Map<number, string>();
    for (const d of readdirSync('/proc')) {
        if (!/^\d+$/.test(d)) {
            continue;
        }
        try {
            const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
            parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
            cmd.set(Number(d), readFileSync(`/proc/${d}/cmdline`, 'utf8').replace(/\0/g, ' '));
        } catch {
            // gone meanwhile
        }
    }
    const out: Array<{pid: number; cmd: string}> = [];
    const walk = (p: number) => {
        for (const [child, pp] of parent) {
            if (pp === p) {
                out.push({pid: child, cmd: cmd.get(child) ?? ''});
                walk(child);
            }
        }
    };
    walk(pid);
    return out;
}

describe('team sessions', () => {
    let stack: Stack;
    let model: FakeModel;
    let agent: Agent;
    let dir: string;
    let suite: Suite | undefined;
    let carol: Client;

    before(async () => {
        suite = await startSuite('team');
        ({dir, stack, model, agent} = suite);
        await stack.admin.createUser('carol', PASSWORD);
        carol = await new Client(stack.url).login('carol', PASSWORD);
        await stack.admin.addToTeam(stack.team.id, carol.user.id);
        await stack.admin.addToChannel(stack.channel.id, carol.user.id);
    });

    after(async () => {
        await suite?.stop();
        await stopAll();
    });

    /** Alice starts a session; resolves when Claude has answered the first prompt. */
    async function aliceStarts(prompt: string): Promise<Post> {
        await stack.alice.post(stack.channel.id, `@claude ${prompt}`);
        const root = await waitForSession(stack.alice, stack.channel.id, prompt, stack.bot.id);
        await waitForHeader(stack.alice, root.id, (s) => s.status === 'idle' || s.status === 'waiting', 'Claude to finish the first turn');
        return root;
    }

    function modelSaw(text: string): boolean {
        return model.mainRequests().some((r) => JSON.stringify(r.body).includes(text));
    }

    it('a non-participant\'s message becomes a card: Allow once, Deny and Invite each do what they say', async () => {
        const root = await aliceStarts('hello from alice');

        await stack.bob.post(stack.channel.id, 'bob asks: first guest message', root.id);
        const card1 = await waitFor('the guest card', async () => (await stack.alice.thread(root.id)).find((p) => p.type === 'custom_claude_guest' && p.message.includes('first guest message')), 30_000);
        assert.ok(!modelSaw('first guest message'), 'nothing reaches Claude before a participant allows it');
        await stack.alice.clickAction(card1.id, actionId(card1, 'Allow once'));
        await waitForText(stack.alice, root.id, /You said: .*first guest message/);

        await stack.bob.post(stack.channel.id, 'bob asks: second guest message', root.id);
        const card2 = await waitFor('the second guest card', async () => (await stack.alice.thread(root.id)).find((p) => p.type === 'custom_claude_guest' && p.message.includes('second guest message')), 30_000);
        await stack.alice.clickAction(card2.id, actionId(card2, 'Deny'));
        await waitFor('the card to read denied', async () => /denied/i.test((await stack.alice.getPost(card2.id)).message), 15_000);
        await sleep(2000);
        assert.ok(!modelSaw('second guest message'), 'a denied message never reaches Claude');

        await stack.bob.post(stack.channel.id, 'bob asks: third guest message', root.id);
        const card3 = await waitFor('the third guest card', async () => (await stack.alice.thread(root.id)).find((p) => p.type === 'custom_claude_guest' && p.message.includes('third guest message')), 30_000);
        await stack.alice.clickAction(card3.id, actionId(card3, 'Invite'));
        await waitForText(stack.alice, root.id, /You said: .*third guest message/);
        await waitForHeader(stack.alice, root.id, (s) => s.participants.includes('bob'), 'bob in the header\'s participants');

        // Now a participant: bob's next reply goes straight to Claude.
        await stack.bob.post(stack.channel.id, 'bob as participant', root.id);
        await waitForText(stack.alice, root.id, /You said: .*bob as participant/);
    });

    it('an invited user\'s approval is accepted; after a kick it is refused', async () => {
        const root = await aliceStarts('collaboration');
        await stack.alice.post(stack.channel.id, '!invite @carol', root.id);
        await waitForHeader(stack.alice, root.id, (s) => s.participants.includes('carol'), 'carol invited');

        await stack.alice.post(stack.channel.id, 'please [[bash: touch invited.txt]]', root.id);
        const card = await waitForApproval(stack.alice, root.id, (a) => JSON.stringify(a.input).includes('invited.txt'));
        await carol.clickAction(card.id, actionId(card, 'Approve'));
        await waitFor('the invited user\'s approval', async () => approvalOf(await stack.alice.getPost(card.id)).decided_by === 'carol', 15_000);

        await stack.alice.post(stack.channel.id, '!kick @carol', root.id);
        await waitForHeader(stack.alice, root.id, (s) => !s.participants.includes('carol'), 'carol kicked');
        await stack.alice.post(stack.channel.id, 'please [[bash: touch kicked.txt]]', root.id);
        const card2 = await waitForApproval(stack.alice, root.id, (a) => JSON.stringify(a.input).includes('kicked.txt'));
        await carol.clickAction(card2.id, actionId(card2, 'Approve'));
        await sleep(1500);
        assert.equal(approvalOf(await stack.alice.getPost(card2.id)).status, 'pending', 'a kicked user cannot decide');
        await stack.alice.clickAction(card2.id, actionId(card2, 'Deny'));
    });

    it('!stop ends the Claude Code process', async () => {
        const root = await aliceStarts('stop me');
        const pid = agent.proc?.child.pid as number;
        const before = descendants(pid).length;
        assert.ok(before > 0, 'Claude Code runs under the agent');
        await stack.alice.post(stack.channel.id, '!stop', root.id);
        await waitForHeader(stack.alice, root.id, (s) => s.status === 'ended', 'the session to end');
        await waitFor('one Claude Code process fewer', () => descendants(pid).length < before, 20_000);
    });

    it('!escape interrupts a long-running tool and the session goes on', async () => {
        const root = await aliceStarts('long tool');
        // A plain `sleep` is read-only to Claude Code and runs without asking.
        await stack.alice.post(stack.channel.id, 'please [[bash: sleep 45 && touch escaped.txt]]', root.id);
        const card = await waitForApproval(stack.alice, root.id, (a) => JSON.stringify(a.input).includes('sleep 45'));
        await stack.alice.clickAction(card.id, actionId(card, 'Approve'));
        const pid = agent.proc?.child.pid as number;
        await waitFor('the sleep to run', () => descendants(pid).some((p) => p.cmd.includes('sleep 45')), 30_000);

        await stack.alice.post(stack.channel.id, '!escape', root.id);
        await waitForBotPost(stack.alice, root.id, stack.bot.id, /interrupted/i, 30_000);
        await waitFor('the sleep to be gone', () => !descendants(pid).some((p) => p.cmd.includes('sleep 45')), 20_000);
        assert.ok(!existsSync(join(agent.workDir, 'escaped.txt')), 'the interrupted command did not finish');

        await stack.alice.post(stack.channel.id, 'still there after escape?', root.id);
        await waitForText(stack.alice, root.id, /You said: .*still there after escape/);
        assert.notEqual(sessionOf((await stack.alice.getPost(root.id))).status, 'ended');
    });

    it('the session limit: the next mention is refused with a clear message and nothing starts', async () => {
        await setPluginSettings(stack.admin, pluginManifest.id, {MaxSessionsPerUser: 2});
        try {
            const api = new AgentApi(stack.url);
            await api.pair(await pairingCode(carol, stack.channel.id), 'carol-box');
            const viewer = await Viewer.connect(stack.url, carol);
            await carol.post(stack.channel.id, '@claude carol one');
            await carol.post(stack.channel.id, '@claude carol two');
            await waitFor('carol\'s two sessions', async () => (await carol.channelPosts(stack.channel.id)).filter((p) => p.type === POST_TYPE.session && /carol (one|two|three)/.test(p.message)).length === 2, 30_000);
            await carol.post(stack.channel.id, '@claude carol three');
            await viewer.waitForPost('the limit message', (p) => /limit/i.test(p.message) && /2/.test(p.message));
            viewer.close();
            await sleep(1000);
            assert.equal((await carol.channelPosts(stack.channel.id)).filter((p) => p.type === POST_TYPE.session && /carol (one|two|three)/.test(p.message)).length, 2);
        } finally {
            await setPluginSettings(stack.admin, pluginManifest.id, {MaxSessionsPerUser: 50});
        }
    });

    it('after an agent restart the session resumes by itself and Claude still has its earlier turns', async () => {
        const root = await aliceStarts('remember the word pelican');
        await agent.stop();
        await agent.start();
        await waitForBotPost(stack.alice, root.id, stack.bot.id, /restarted.*resumed/i, 60_000);
        await stack.alice.post(stack.channel.id, 'what did I say? [[recall]]', root.id);
        // Streamed text is saved at checkpoints: wait for the whole answer.
        const recall = await waitForText(stack.alice, root.id, /Recall:[\s\S]*remember the word pelican/);
        assert.match(recall.message, /remember the word pelican/, 'the resumed Claude session sent the model the earlier turn');
    });

    it('an idle session is warned, then ended; replying resumes it with its context', async () => {
        await setPluginSettings(stack.admin, pluginManifest.id, {IdleTimeoutSecondsForTesting: 6});
        let root: Post;
        try {
            root = await aliceStarts('idle then resume: flamingo');
            await waitForBotPost(stack.alice, root.id, stack.bot.id, /idle/i, 30_000);
            await waitForHeader(stack.alice, root.id, (s) => s.status === 'ended' && s.ended_reason === 'idle', 'the idle session to end', 30_000);
        } finally {
            await setPluginSettings(stack.admin, pluginManifest.id, {IdleTimeoutSecondsForTesting: 0});
        }
        await stack.alice.post(stack.channel.id, 'back again [[recall]]', root.id);
        const recall = await waitForText(stack.alice, root.id, /Recall:[\s\S]*flamingo/, 90_000);
        assert.match(recall.message, /flamingo/);
        await waitForHeader(stack.alice, root.id, (s) => s.status !== 'ended', 'the session to be live again');
    });

    it('a working directory outside the allowed roots: the thread says why and nothing starts', async () => {
        await stack.alice.post(stack.channel.id, '@claude in /etc list the secrets');
        const root = await waitForSession(stack.alice, stack.channel.id, 'list the secrets', stack.bot.id);
        const header = await waitForHeader(stack.alice, root.id, (s) => s.status === 'error' || s.status === 'ended', 'the refusal');
        const why = `${header.message}\n${(await stack.alice.thread(root.id)).map((p) => p.message).join('\n')}`;
        assert.match(why, /allowed/i);
        assert.ok(!modelSaw('list the secrets'), 'Claude never saw the prompt');
    });

    it('a side conversation in a session thread is ignored', async () => {
        const root = await aliceStarts('side talk');
        const before = (await stack.alice.thread(root.id)).length;
        await stack.alice.post(stack.channel.id, '@bob what do you think of the side plan?', root.id);
        await sleep(2500);
        assert.ok(!modelSaw('side plan'), 'nothing went to Claude');
        const thread = await stack.alice.thread(root.id);
        assert.equal(thread.filter((p) => p.user_id === stack.bot.id).length, thread.slice(0, before).filter((p) => p.user_id === stack.bot.id).length, 'the bot said nothing');
    });

    it('a direct message to the bot starts a session without a mention', async () => {
        const dm = await stack.alice.request<{id: string}>('POST', '/api/v4/channels/direct', [stack.alice.user.id, stack.bot.id]);
        await stack.alice.post(dm.id, 'hello in a DM, no mention');
        const root = await waitForSession(stack.alice, dm.id, 'hello in a DM', stack.bot.id);
        await waitForText(stack.alice, root.id, /You said: .*hello in a DM/);
    });

    it('a mention inside an existing thread offers the earlier messages as context', async () => {
        const first = await stack.alice.post(stack.channel.id, 'the release is blocked on the flaky login test');
        await stack.bob.post(stack.channel.id, 'it fails on CI only, timezone maybe', first.id);
        await stack.alice.post(stack.channel.id, '@claude what do we know? [[recall]]', first.id);
        const offer = await waitFor('the context offer', async () => (await stack.alice.thread(first.id)).find((p) => p.type === 'custom_claude_offer'), 30_000);
        await stack.alice.clickAction(offer.id, actionId(offer, 'Include'));
        const answer = await waitForText(stack.alice, first.id, /(Recall:|You said:)[\s\S]*timezone maybe/, 60_000);
        assert.match(answer.message, /timezone maybe/, 'Claude got the earlier messages');
        await waitForHeader(stack.alice, first.id, () => true, 'the session header in the same thread');
    });
});
