// `make demo`: the whole product on this machine, kept running until Ctrl-C.
// A real Mattermost server and PostgreSQL on loopback, the plugin installed,
// alice's machine paired and its agent running Claude Code. By default Claude
// Code talks to the project's fake model, so no account is needed;
// DEMO_MODEL=real runs the agent with your own Claude Code login instead.
import {join} from 'node:path';
import {pairAgent, type Agent} from './agent.ts';
import {startFakeModel, type FakeModel} from './fakemodel.ts';
import {mattermostHome} from './mattermost.ts';
import {repoRoot, runDir} from './paths.ts';
import {stopAll} from './proc.ts';
import {PASSWORD, startStack, type Stack} from './stack.ts';
import {cacheDir, readPin, RELEASES_URL, serverVersion, webClient} from './webclient.ts';

const port = Number(process.env.DEMO_PORT ?? 8065);
const realModel = process.env.DEMO_MODEL === 'real';
const dir = runDir('demo');

// Ctrl-C (or SIGTERM) at any point stops everything started so far.
let stack: Stack | undefined;
let model: FakeModel | undefined;
let agent: Agent | undefined;
let stopping = false;
const stopped = new AbortController();
async function shutdown(code = 0) {
    if (stopping) {
        return;
    }
    stopping = true;
    console.log('\nstopping …');
    stopped.abort(new Error('stopped'));
    await agent?.stop();
    await model?.close();
    await stack?.stop();
    await stopAll();
    process.exit(code);
}
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());

/** The web client: MM_CLIENT_DIR, else the official release's, verified and cached, else none. */
async function findWebClient(): Promise<{dir?: string; line: string}> {
    const fromEnv = process.env.MM_CLIENT_DIR;
    if (fromEnv) {
        return {dir: fromEnv, line: `web client: ${fromEnv} (MM_CLIENT_DIR)`};
    }
    const version = serverVersion(mattermostHome());
    const got = await webClient({serverVersion: version, pin: readPin(), baseUrl: RELEASES_URL, cacheDir: cacheDir(), log: (line) => console.log(line), signal: stopped.signal});
    if (!got.ok) {
        return {line: `no web client: ${got.reason}; the demo serves the REST API and the mobile app`};
    }
    return {dir: got.dir, line: `web client: Mattermost ${version} Team Edition, SHA-256 verified (${got.cached ? 'cached in' : 'downloaded to'} ${got.dir})`};
}

async function main() {
    const client = await findWebClient();
    if (stopping) {
        return;
    }
    console.log(client.line);
    console.log('starting PostgreSQL and Mattermost …');
    stack = await startStack(dir, {port, clientDir: client.dir});
    if (!realModel) {
        model = await startFakeModel();
    }
    agent = await pairAgent({
        url: stack.url,
        user: stack.alice,
        channelId: stack.channel.id,
        dir,
        modelUrl: model?.url ?? '',
        name: 'demo-laptop',
        realClaude: realModel,
    });
    await agent.start();
    if (stopping) {
        return;
    }
    const cli = join(repoRoot, 'agent', 'dist', 'cli.js');

    console.log(`
Claude Code for Mattermost is running.

  Mattermost   ${stack.url}${client.dir ? '   ← open it in a browser' : '   (REST API and the mobile app: no web client, see above)'}
  Team/channel ${stack.url}/${stack.team.name}/channels/${stack.channel.name}
  Users        admin / ${PASSWORD}   (system admin)
               alice / ${PASSWORD}   (her machine "demo-laptop" is paired; its agent is running)
               bob   / ${PASSWORD}
  Model        ${realModel ? 'your own Claude Code login (DEMO_MODEL=real)' : `the fake model at ${model?.url} (scripted answers, no account needed)`}
  Agent        working directory ${agent.workDir}
               log ${join(dir, 'agent.log')}
  Logs         ${dir}

Try it as alice, in ~${stack.channel.name}:
  @claude hello
  @claude please [[bash: touch hello.txt]]     (the fake model asks to run the command; Approve or Deny the card)

From a shell, as alice, through the REST API:
  TOKEN=$(curl -si -d '{"login_id":"alice","password":"${PASSWORD}"}' ${stack.url}/api/v4/users/login | awk '/^[Tt]oken:/{print $2}' | tr -d '\\r')
  curl -H "Authorization: Bearer $TOKEN" -d '{"channel_id":"${stack.channel.id}","message":"@claude hello"}' ${stack.url}/api/v4/posts

To use your real Claude login instead of the fake model, either restart with
  DEMO_MODEL=real make demo
or stop this agent's fake-model setup and run one yourself against this server:
  node ${cli} login --url ${stack.url} --default-dir ~/src --allowed-root ~/src   # code from /claude connect
  node ${cli} start

Ctrl-C stops everything.`);
}

main().catch(async (err: unknown) => {
    if (stopping) {
        return; // what was starting was stopped under it; shutdown() exits
    }
    console.error(`make demo failed: ${err instanceof Error ? err.message : String(err)}`);
    await shutdown(1);
});
