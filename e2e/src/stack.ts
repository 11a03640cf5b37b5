// The whole product on loopback: PostgreSQL, a real Mattermost server, the
// plugin bundle uploaded and enabled through the plugin API, an admin, two
// users, a team and a channel, all made through the REST API as the apps do.
import {existsSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {startMattermost, type Mattermost} from './mattermost.ts';
import {Client, type User} from './mmapi.ts';
import {repoRoot} from './paths.ts';
import {startPostgres, type Postgres} from './postgres.ts';
import {waitFor} from './proc.ts';

export const PASSWORD = 'Passw0rd-claude!';
export const pluginManifest = JSON.parse(readFileSync(join(repoRoot, 'plugin.json'), 'utf8')) as {id: string; version: string};

export interface Stack {
    dir: string;
    pg: Postgres;
    mm: Mattermost;
    url: string;
    admin: Client;
    alice: Client;
    bob: Client;
    bot: User;
    team: {id: string; name: string};
    channel: {id: string; name: string};
    stop(): Promise<void>;
}

export function bundlePath(): string {
    const p = join(repoRoot, 'dist', `${pluginManifest.id}-${pluginManifest.version}.tar.gz`);
    if (!existsSync(p)) {
        throw new Error(`plugin bundle ${p} not found: run "make dist" first`);
    }
    return p;
}

export async function startStack(dir: string, opts: {port?: number; clientDir?: string} = {}): Promise<Stack> {
    const pg = await startPostgres(join(dir, 'postgres.log'));
    let mm: Mattermost | undefined;
    try {
        mm = await startMattermost({dataSource: pg.url, dir: join(dir, 'mattermost'), port: opts.port, clientDir: opts.clientDir});
        const url = mm.url;

        // The first account on a new server becomes its system admin.
        await new Client(url).createUser('admin', PASSWORD);
        const admin = await new Client(url).login('admin', PASSWORD);
        await admin.createUser('alice', PASSWORD);
        await admin.createUser('bob', PASSWORD);
        const alice = await new Client(url).login('alice', PASSWORD);
        const bob = await new Client(url).login('bob', PASSWORD);

        const team = await admin.createTeam('dev', 'Dev');
        for (const u of [alice, bob]) {
            await admin.addToTeam(team.id, u.user.id);
        }
        const channel = await admin.createChannel(team.id, 'claude', 'Claude');
        for (const u of [alice, bob]) {
            await admin.addToChannel(channel.id, u.user.id);
        }

        const {id} = await admin.uploadPlugin(bundlePath());
        await admin.enablePlugin(id);
        const bot = await waitFor('the plugin to create its bot @claude', () => admin.getUserByUsername('claude'), 60_000, 500);

        const pgStop = pg.stop;
        const mmStop = mm.stop;
        return {
            dir, pg, mm, url, admin, alice, bob, bot, team, channel,
            async stop() {
                await mmStop();
                await pgStop();
            },
        };
    } catch (err) {
        await mm?.stop();
        await pg.stop();
        throw err;
    }
}
