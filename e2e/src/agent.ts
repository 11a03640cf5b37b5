// The local agent as a user runs it: paired through `/claude connect` and
// `claude-mattermost login`, then `claude-mattermost start`, driving the real
// Claude Code binary against the project's fake Anthropic Messages API.
import {execFile} from 'node:child_process';
import {mkdirSync} from 'node:fs';
import {join} from 'node:path';
import {promisify} from 'node:util';
import type {Client} from './mmapi.ts';
import {repoRoot} from './paths.ts';
import {startProcess, type Proc} from './proc.ts';

const run = promisify(execFile);
export const agentCli = join(repoRoot, 'agent', 'dist', 'cli.js');

/** Environment that points Claude Code at the fake model and keeps it offline. */
export function claudeEnv(modelUrl: string): NodeJS.ProcessEnv {
    return {
        ANTHROPIC_BASE_URL: modelUrl,
        ANTHROPIC_API_KEY: 'sk-ant-fake-e2e',
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        DISABLE_TELEMETRY: '1',
        DISABLE_AUTOUPDATER: '1',
        DISABLE_ERROR_REPORTING: '1',
    };
}

export interface Agent {
    configDir: string;
    workDir: string;
    proc?: Proc;
    start(): Promise<Proc>;
    stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Runs `/claude connect` as `user` and returns the one-time code it shows. */
export async function pairingCode(user: Client, channelId: string): Promise<string> {
    const res = await user.executeCommand(channelId, '/claude connect');
    const code = /\b([A-Z0-9]{4}-[A-Z0-9]{4})\b/.exec(res.text ?? '')?.[1];
    if (!code) {
        throw new Error(`no pairing code in the /claude connect reply: ${JSON.stringify(res)}`);
    }
    return code;
}

export async function pairAgent(opts: {url: string; user: Client; channelId: string; dir: string; modelUrl: string; name?: string; realClaude?: boolean}): Promise<Agent> {
    const configDir = join(opts.dir, 'agent-config');
    const workDir = join(opts.dir, 'work');
    mkdirSync(workDir, {recursive: true});
    // With the fake model, Claude Code gets a home of its own so nothing of the
    // user's ~/.claude is read or written; a real login needs the real home.
    const env = opts.realClaude ? {...process.env, CLAUDE_MATTERMOST_CONFIG_DIR: configDir} : {...process.env, ...claudeEnv(opts.modelUrl), CLAUDE_MATTERMOST_CONFIG_DIR: configDir, HOME: opts.dir};
    const code = await pairingCode(opts.user, opts.channelId);
    await run(process.execPath, [agentCli, 'login', '--url', opts.url, '--code', code, '--name', opts.name ?? 'e2e-laptop', '--allowed-root', workDir, '--default-dir', workDir], {env});

    const agent: Agent = {
        configDir,
        workDir,
        async start() {
            agent.proc = startProcess('agent', process.execPath, [agentCli, 'start'], join(opts.dir, 'agent.log'), {env, cwd: workDir});
            return agent.proc;
        },
        async stop(signal: NodeJS.Signals = 'SIGTERM') {
            await agent.proc?.stop(signal);
            agent.proc = undefined;
        },
    };
    return agent;
}
