// What every end-to-end file starts with: the stack, the fake model, and
// alice's machine paired with its agent running.
import {pairAgent, type Agent} from './agent.ts';
import {startFakeModel, type FakeModel} from './fakemodel.ts';
import {setPluginSettings} from './mmapi.ts';
import {runDir} from './paths.ts';
import {stopAll} from './proc.ts';
import {pluginManifest, startStack, type Stack} from './stack.ts';

export interface Suite {
    dir: string;
    stack: Stack;
    model: FakeModel;
    agent: Agent;
    stop(): Promise<void>;
}

export async function startSuite(name: string): Promise<Suite> {
    const dir = runDir(name);
    const stack = await startStack(dir);
    const model = await startFakeModel();
    const agent = await pairAgent({url: stack.url, user: stack.alice, channelId: stack.channel.id, dir, modelUrl: model.url});
    await agent.start();
    // The cases of a file keep many sessions open; a case about the limit sets its own.
    await setPluginSettings(stack.admin, pluginManifest.id, {MaxSessionsPerUser: 50});
    return {
        dir, stack, model, agent,
        async stop() {
            await agent.stop();
            await model.close();
            await stack.stop();
            await stopAll();
            console.log(`logs: ${dir}`);
        },
    };
}
