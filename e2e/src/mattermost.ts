// A real Mattermost server built from its Go module (build/mmserver.sh), run
// as a plain process on loopback against the run's PostgreSQL.
import {execFileSync} from 'node:child_process';
import {mkdirSync, readdirSync, symlinkSync} from 'node:fs';
import {join} from 'node:path';
import {repoRoot} from './paths.ts';
import {freePort, startProcess, waitFor, type Proc} from './proc.ts';

export interface Mattermost {
    url: string;
    proc: Proc;
    stop(): Promise<void>;
}

/** Builds (or finds in the cache) the server and returns its home directory. */
export function mattermostHome(): string {
    const out = execFileSync(join(repoRoot, 'build', 'mmserver.sh'), {stdio: ['ignore', 'pipe', 'inherit']}).toString().trim();
    return out.split('\n').pop() as string;
}

/**
 * The server looks for its web client in ./client first. When `clientDir`
 * names a Mattermost release's client/ folder, the run directory gets a
 * client/ of links to it beside the run's own plugins/ folder.
 */
function linkClient(dir: string, clientDir: string) {
    for (const entry of readdirSync(clientDir)) {
        if (entry !== 'plugins') {
            symlinkSync(join(clientDir, entry), join(dir, 'client', entry));
        }
    }
}

export async function startMattermost(opts: {dataSource: string; dir: string; port?: number; clientDir?: string}): Promise<Mattermost> {
    const home = mattermostHome();
    const port = opts.port ?? (await freePort());
    const url = `http://127.0.0.1:${port}`;
    const dir = opts.dir;
    for (const d of ['config', 'data', 'plugins', 'client/plugins', 'logs']) {
        mkdirSync(join(dir, d), {recursive: true});
    }
    if (opts.clientDir) {
        linkClient(dir, opts.clientDir);
    }
    // Settings come from the environment so the config file stays the
    // server's default; env-set settings are read-only in the System Console.
    const env: NodeJS.ProcessEnv = {
        ...process.env,
        MM_SQLSETTINGS_DRIVERNAME: 'postgres',
        MM_SQLSETTINGS_DATASOURCE: opts.dataSource,
        MM_SERVICESETTINGS_SITEURL: url,
        MM_SERVICESETTINGS_LISTENADDRESS: `127.0.0.1:${port}`,
        MM_SERVICESETTINGS_ENABLEDEVELOPER: 'true',
        MM_SERVICESETTINGS_ENABLESECURITYFIXALERT: 'false',
        MM_SERVICESETTINGS_ENABLELOCALMODE: 'true',
        MM_SERVICESETTINGS_LOCALMODESOCKETLOCATION: join(dir, 'mattermost_local.socket'),
        MM_SERVICESETTINGS_ENABLEBOTACCOUNTCREATION: 'true',
        MM_SERVICESETTINGS_ENABLEUSERACCESSTOKENS: 'true',
        MM_TEAMSETTINGS_ENABLEOPENSERVER: 'true',
        MM_TEAMSETTINGS_MAXUSERSPERTEAM: '1000',
        MM_PLUGINSETTINGS_ENABLE: 'true',
        MM_PLUGINSETTINGS_ENABLEUPLOADS: 'true',
        MM_PLUGINSETTINGS_REQUIREPLUGINSIGNATURE: 'false',
        MM_PLUGINSETTINGS_ENABLEMARKETPLACE: 'false',
        MM_PLUGINSETTINGS_ENABLEREMOTEMARKETPLACE: 'false',
        MM_PLUGINSETTINGS_AUTOMATICPREPACKAGEDPLUGINS: 'false',
        MM_PLUGINSETTINGS_DIRECTORY: join(dir, 'plugins'),
        MM_PLUGINSETTINGS_CLIENTDIRECTORY: join(dir, 'client', 'plugins'),
        MM_FILESETTINGS_DIRECTORY: join(dir, 'data'),
        MM_LOGSETTINGS_CONSOLELEVEL: 'WARN',
        MM_LOGSETTINGS_ENABLEFILE: 'true',
        MM_LOGSETTINGS_FILELOCATION: join(dir, 'logs'),
        MM_LOGSETTINGS_FILELEVEL: 'DEBUG',
        MM_LOGSETTINGS_ENABLEDIAGNOSTICS: 'false',
        MM_RATELIMITSETTINGS_ENABLE: 'false',
        MM_EMAILSETTINGS_SENDEMAILNOTIFICATIONS: 'false',
        MM_EMAILSETTINGS_REQUIREEMAILVERIFICATION: 'false',
        MM_ANNOUNCEMENTSETTINGS_ADMINNOTICESENABLED: 'false',
        MM_ANNOUNCEMENTSETTINGS_USERNOTICESENABLED: 'false',
        MM_METRICSSETTINGS_ENABLE: 'false',
    };
    const proc = startProcess('mattermost', join(home, 'bin', 'mattermost'), ['server', '--config', join(dir, 'config', 'config.json')], join(dir, 'mattermost.log'), {cwd: opts.clientDir ? dir : home, env, leaderFirst: true});
    await waitFor('the Mattermost server to answer /api/v4/system/ping', async () => {
        if (proc.child.exitCode !== null) {
            throw new Error(`mattermost exited with ${proc.child.exitCode}: ${proc.log().slice(-3000)}`);
        }
        const res = await fetch(`${url}/api/v4/system/ping`);
        return res.ok;
    }, 180_000, 500);
    return {url, proc, stop: () => proc.stop('SIGTERM', 20_000)};
}
