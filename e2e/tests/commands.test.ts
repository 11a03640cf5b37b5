// Issue 3, the rest of the behaviours end to end: the start grammar, every
// thread command, header buttons, admin settings, sharing, overviews, the
// approval timeout, secret redaction and the agent's own CLI.
import assert from 'node:assert/strict';
import {execFile, execFileSync} from 'node:child_process';
import {existsSync, mkdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {after, before, describe, it} from 'node:test';
import {setTimeout as sleep} from 'node:timers/promises';
import {promisify} from 'node:util';
import {agentCli, claudeEnv, type Agent} from '../src/agent.ts';
import type {FakeModel} from '../src/fakemodel.ts';
import {setPluginSettings, type Client, type Post} from '../src/mmapi.ts';
import {startSuite, type Suite} from '../src/suite.ts';
import {stopAll, waitFor} from '../src/proc.ts';
import {pluginManifest, type Stack} from '../src/stack.ts';
import {actionId, approvalOf, sessionOf, waitForApproval, waitForBotPost, waitForHeader, waitForSession, waitForText} from '../src/threads.ts';
import {Viewer} from '../src/websocket.ts';

const run = promisify(execFile);

describe('thread commands, settings and sharing', () => {
    let stack: Stack;
    let model: FakeModel;
    let agent: Agent;
    let dir: string;
    let suite: Suite | undefined;
    let repo: string;

    before(async () => {
        suite = await startSuite('commands');
        ({dir, stack, model, agent} = suite);
        mkdirSync(join(agent.workDir, 'sub'));
        repo = join(agent.workDir, 'repo');
        mkdirSync(repo);
        const git = (...args: string[]) => execFileSync('git', ['-C', repo, '-c', 'user.email=e2e@example.com', '-c', 'user.name=e2e', ...args], {stdio: 'ignore'});
        git('init', '-q', '-b', 'main');
        writeFileSync(join(repo, 'README.md'), '# repo\n');
        git('add', '.');
        git('commit', '-q', '-m', 'first');
    });

    after(async () => {
        await suite?.stop();
        await stopAll();
    });

    async function start(user: Client, text: string, prompt: string): Promise<Post> {
        await user.post(stack.channel.id, `@claude ${text}`);
        const root = await waitForSession(user, stack.channel.id, prompt, stack.bot.id);
        await waitForHeader(user, root.id, (s) => s.status === 'idle' || s.status === 'waiting' || s.status === 'error', `the first turn of "${prompt}"`);
        return root;
    }

    const say = (user: Client, root: Post, text: string) => user.post(stack.channel.id, text, root.id);

    it('@claude on <machine> in <dir>: the session runs on that machine in that directory', async () => {
        const root = await start(stack.alice, `on e2e-laptop in ${join(agent.workDir, 'sub')} where am I?`, 'where am I?');
        const s = sessionOf(await stack.alice.getPost(root.id));
        assert.equal(s.cwd, join(agent.workDir, 'sub'));
        assert.match(root.message, /e2e-laptop/);
    });

    it('/claude new starts a session like a mention', async () => {
        await stack.alice.executeCommand(stack.channel.id, '/claude new started from the slash command');
        const root = await waitForSession(stack.alice, stack.channel.id, 'started from the slash command', stack.bot.id);
        await waitForText(stack.alice, root.id, /You said: .*started from the slash command/);
    });

    it('@claude on branch <b>: Claude works in a git worktree beside the repository', async () => {
        const root = await start(stack.alice, `in ${repo} on branch feature-x add the feature`, 'add the feature');
        const s = sessionOf(await stack.alice.getPost(root.id));
        assert.equal(s.branch, 'feature-x');
        assert.equal(s.cwd, `${repo}-feature-x`);
        assert.ok(existsSync(join(`${repo}-feature-x`, 'README.md')), 'the worktree holds the repository');
    });

    it('thread commands: help, model, permissions, cost, context, compact, cd, worktree, and usage for unknown ones', async () => {
        const root = await start(stack.alice, `in ${repo} commands session`, 'commands session');

        await say(stack.alice, root, '!help');
        await waitForBotPost(stack.alice, root.id, stack.bot.id, /!escape[\s\S]*!worktree/);

        await say(stack.alice, root, '!model claude-sonnet-e2e');
        await waitForHeader(stack.alice, root.id, (s) => (s as {model?: string}).model === 'claude-sonnet-e2e', 'the header to show the new model');

        await say(stack.alice, root, '!permissions accept-edits');
        await waitForHeader(stack.alice, root.id, (s) => s.permission_mode === 'acceptEdits', 'the header to show accept-edits');

        await say(stack.alice, root, '!cost');
        await waitForBotPost(stack.alice, root.id, stack.bot.id, /Cost so far: \*\*\$\d/);
        // The same commands as /claude <command> inside the thread.
        await stack.alice.executeCommand(stack.channel.id, '/claude cost', root.id);
        await waitFor('/claude cost in the thread', async () => (await stack.alice.thread(root.id)).filter((p) => p.user_id === stack.bot.id && /Cost so far/.test(p.message)).length >= 2, 30_000);
        await say(stack.alice, root, '!context');
        await waitForBotPost(stack.alice, root.id, stack.bot.id, /Context: [\d,]+ of [\d,]+ tokens/);

        await say(stack.alice, root, '!worktree hotfix-1');
        await waitForHeader(stack.alice, root.id, (s) => s.branch === 'hotfix-1' && s.cwd === `${repo}-hotfix-1`, 'the header to show the worktree');
        await say(stack.alice, root, `!cd ${join(agent.workDir, 'sub')}`);
        await waitForHeader(stack.alice, root.id, (s) => s.cwd === join(agent.workDir, 'sub'), 'the header to show the new directory');
        await say(stack.alice, root, 'after the moves [[recall]]');
        const recall = await waitForText(stack.alice, root.id, /Recall:[\s\S]*commands session/, 60_000);
        assert.match(recall.message, /commands session/, 'the conversation survived !worktree and !cd');

        // Last: compaction replaces the earlier turns with a summary.
        const before = model.mainRequests().length;
        await say(stack.alice, root, '!compact');
        await waitFor('Claude Code to compact the conversation', () => model.requests.slice(before).some((r) => JSON.stringify(r.body).includes('summary')), 60_000);

        await say(stack.alice, root, '!frobnicate now');
        await waitForBotPost(stack.alice, root.id, stack.bot.id, /Unknown command `!frobnicate`/);
        await say(stack.alice, root, '!cd');
        await waitForBotPost(stack.alice, root.id, stack.bot.id, /Usage: `!cd/);
        assert.ok(!model.mainRequests().some((r) => JSON.stringify(r.body).includes('frobnicate')), 'commands never reach Claude');
    });

    it('approve-all: refused while the admin forbids it; allowed, tools then run without a card', async () => {
        const root = await start(stack.alice, 'approve all session', 'approve all session');
        await setPluginSettings(stack.admin, pluginManifest.id, {AllowApproveAll: false});
        try {
            await say(stack.alice, root, '!permissions approve-all');
            await waitForBotPost(stack.alice, root.id, stack.bot.id, /approve-all|approve all/i);
            await sleep(1000);
            assert.notEqual(sessionOf(await stack.alice.getPost(root.id)).permission_mode, 'bypassPermissions');
        } finally {
            await setPluginSettings(stack.admin, pluginManifest.id, {AllowApproveAll: true});
        }
        await say(stack.alice, root, '!permissions approve-all');
        await waitForHeader(stack.alice, root.id, (s) => s.permission_mode === 'bypassPermissions', 'approve-all in the header');
        await say(stack.alice, root, 'go [[bash: touch approved-all.txt]]');
        await waitFor('the command to run without a card', () => existsSync(join(agent.workDir, 'approved-all.txt')), 60_000);
        assert.equal((await stack.alice.thread(root.id)).filter((p) => p.type === 'custom_claude_approval').length, 0);
    });

    it('header buttons: a non-participant cannot stop; the starter interrupts and stops', async () => {
        const root = await start(stack.alice, 'header buttons session', 'header buttons session');
        const header = await stack.alice.getPost(root.id);
        await stack.bob.clickAction(root.id, actionId(header, 'Stop'));
        await say(stack.bob, root, '!stop');
        await sleep(1500);
        assert.notEqual(sessionOf(await stack.alice.getPost(root.id)).status, 'ended', 'bob cannot stop alice\'s session');

        await stack.alice.clickAction(root.id, actionId(header, 'Interrupt'));
        await stack.alice.clickAction(root.id, actionId(header, 'Stop'));
        await waitForHeader(stack.alice, root.id, (s) => s.status === 'ended' && s.ended_reason === 'stopped', 'the session to end');
        const ended = await stack.alice.getPost(root.id);
        assert.equal(ended.props.attachments?.flatMap((a) => a.actions ?? []).length ?? 0, 0, 'no buttons on an ended session');
    });

    it('an unanswered approval expires: the card says so and Claude is told it was denied', async () => {
        await setPluginSettings(stack.admin, pluginManifest.id, {ApprovalTimeoutSecondsForTesting: 3});
        try {
            const root = await start(stack.alice, 'expiry session', 'expiry session');
            await say(stack.alice, root, 'try [[bash: touch expired.txt]]');
            const card = await waitForApproval(stack.alice, root.id, (a) => JSON.stringify(a.input).includes('expired.txt'));
            const expired = await waitFor('the card to expire', async () => {
                const p = await stack.alice.getPost(card.id);
                return approvalOf(p).status === ('expired' as string) ? p : undefined;
            }, 30_000);
            assert.match(expired.message, /expired/i);
            await waitForText(stack.alice, root.id, /^The command was denied/m);
            assert.ok(!existsSync(join(agent.workDir, 'expired.txt')));
        } finally {
            await setPluginSettings(stack.admin, pluginManifest.id, {ApprovalTimeoutSecondsForTesting: 0});
        }
    });

    it('machine sharing: a shared user may start sessions on the machine; after unshare they may not', async () => {
        await stack.alice.executeCommand(stack.channel.id, '/claude share e2e-laptop @bob');
        const root = await start(stack.bob, 'on e2e-laptop hello from bob', 'hello from bob');
        await waitForText(stack.bob, root.id, /You said: .*hello from bob/);
        const machines = await stack.bob.executeCommand(stack.channel.id, '/claude machines');
        assert.match(machines.text ?? '', /e2e-laptop/);

        await stack.alice.executeCommand(stack.channel.id, '/claude unshare e2e-laptop @bob');
        const viewer = await Viewer.connect(stack.url, stack.bob);
        await stack.bob.post(stack.channel.id, '@claude on e2e-laptop bob again after unshare');
        await viewer.waitForPost('the refusal', (p) => /e2e-laptop/.test(p.message) && p.user_id === stack.bot.id);
        viewer.close();
        const headers = (await stack.bob.channelPosts(stack.channel.id)).filter((p) => p.type === 'custom_claude_session' && p.message.includes('bob again after unshare'));
        assert.equal(headers.length, 0);
    });

    it('admin settings: allowed channels and who may pair', async () => {
        const viewer = await Viewer.connect(stack.url, stack.alice);
        await setPluginSettings(stack.admin, pluginManifest.id, {AllowedChannels: 'somewhere-else'});
        try {
            await stack.alice.post(stack.channel.id, '@claude not in this channel');
            await viewer.waitForPost('the not-enabled message', (p) => /not enabled/i.test(p.message));
        } finally {
            await setPluginSettings(stack.admin, pluginManifest.id, {AllowedChannels: ''});
            viewer.close();
        }
        assert.equal((await stack.alice.channelPosts(stack.channel.id)).filter((p) => p.type === 'custom_claude_session' && p.message.includes('not in this channel')).length, 0);

        await setPluginSettings(stack.admin, pluginManifest.id, {PairingPolicy: 'admins'});
        try {
            const refused = await stack.bob.executeCommand(stack.channel.id, '/claude connect');
            assert.doesNotMatch(refused.text ?? '', /\b[A-Z0-9]{4}-[A-Z0-9]{4}\b/, 'no code for a non-admin');
            const allowed = await stack.admin.executeCommand(stack.channel.id, '/claude connect');
            assert.match(allowed.text ?? '', /\b[A-Z0-9]{4}-[A-Z0-9]{4}\b/);
        } finally {
            await setPluginSettings(stack.admin, pluginManifest.id, {PairingPolicy: 'everyone'});
        }
    });

    it('secrets are redacted in what the plugin posts', async () => {
        const token = `ghp_${'A1b2C3d4E5'.repeat(4).slice(0, 36)}`;
        const root = await start(stack.alice, 'redaction session', 'redaction session');
        await say(stack.alice, root, `my token is ${token}`);
        const reply = await waitForText(stack.alice, root.id, /You said: my token is/);
        assert.ok(!reply.message.includes(token), 'the token is not in the thread');
        assert.match(reply.message, /\[redacted\]/);
    });

    it('/claude sessions and /claude status give an overview', async () => {
        const sessions = await stack.alice.executeCommand(stack.channel.id, '/claude sessions');
        assert.match(sessions.text ?? '', /e2e-laptop/);
        assert.match(sessions.text ?? '', /\/pl\/[a-z0-9]{26}/, 'each session links to its thread');
        const status = await stack.alice.executeCommand(stack.channel.id, '/claude status');
        assert.match(status.text ?? '', /e2e-laptop/);
        assert.match(status.text ?? '', /online/i);
        assert.match(status.text ?? '', new RegExp(pluginManifest.version.replace(/\./g, '\\.')));
    });

    it('the agent CLI: status, sessions and doctor', async () => {
        const env = {...process.env, ...claudeEnv(model.url), CLAUDE_MATTERMOST_CONFIG_DIR: agent.configDir, HOME: dir};
        const status = await run(process.execPath, [agentCli, 'status'], {env});
        assert.match(status.stdout, /e2e-laptop/);
        assert.match(status.stdout, /running/i);
        const sessions = await run(process.execPath, [agentCli, 'sessions'], {env});
        assert.ok(sessions.stdout.includes(`${join(agent.workDir, 'repo')}-feature-x (feature-x)`), sessions.stdout);
        assert.match(sessions.stdout, /\/pl\/[a-z0-9]{26}/, 'each session links to its thread');
        const doctor = await run(process.execPath, [agentCli, 'doctor'], {env});
        assert.doesNotMatch(doctor.stdout, /✗/, doctor.stdout);
    });
});
