// `make demo`: the whole product on this machine, kept running until Ctrl-C.
// A real Mattermost server and PostgreSQL on loopback, the plugin installed,
// alice's machine paired and its agent running Claude Code. By default Claude
// Code talks to the project's fake model, so no account is needed;
// DEMO_MODEL=real runs the agent with your own Claude Code login instead.
import {join} from 'node:path';
import {pairAgent} from './agent.ts';
import {startFakeModel, type FakeModel} from './fakemodel.ts';
import {repoRoot, runDir} from './paths.ts';
import {stopAll} from './proc.ts';
import {PASSWORD, startStack} from './stack.ts';

const port = Number(process.env.DEMO_PORT ?? 8065);
const realModel = process.env.DEMO_MODEL === 'real';
const dir = runDir('demo');

console.log('starting PostgreSQL and Mattermost …');
const stack = await startStack(dir, {port, clientDir: process.env.MM_CLIENT_DIR});
let model: FakeModel | undefined;
if (!realModel) {
    model = await startFakeModel();
}
const agent = await pairAgent({
    url: stack.url,
    user: stack.alice,
    channelId: stack.channel.id,
    dir,
    modelUrl: model?.url ?? '',
    name: 'demo-laptop',
    realClaude: realModel,
});
await agent.start();
const cli = join(repoRoot, 'agent', 'dist', 'cli.js');

console.log(`
Claude Code for Mattermost is running.

  Mattermost   ${stack.url}${process.env.MM_CLIENT_DIR ? '' : '   (REST API and the mobile app; set MM_CLIENT_DIR for the web client, see README)'}
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

let stopping = false;
async function shutdown() {
    if (stopping) {
        return;
    }
    stopping = true;
    console.log('\nstopping …');
    await agent.stop();
    await model?.close();
    await stack.stop();
    await stopAll();
    process.exit(0);
}
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
