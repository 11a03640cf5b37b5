// A throwaway PostgreSQL cluster from Debian's packages, on loopback, owned by
// this run. PostgreSQL refuses to run as root, so as root it runs as the
// `postgres` user that Debian's package creates.
import {execFileSync} from 'node:child_process';
import {chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {freePort, startProcess, waitFor, type Proc} from './proc.ts';

export interface Postgres {
    url: string;
    port: number;
    dataDir: string;
    stop(): Promise<void>;
}

function binDir(): string {
    const fromEnv = process.env.PG_BIN;
    if (fromEnv) {
        return fromEnv;
    }
    const base = '/usr/lib/postgresql';
    if (existsSync(base)) {
        const versions = readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
        if (versions[0]) {
            return join(base, versions[0], 'bin');
        }
    }
    throw new Error('PostgreSQL server binaries not found: install Debian\'s "postgresql" package (make deps does) or set PG_BIN');
}

function asDbUser(cmd: string, args: string[]): [string, string[]] {
    return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
}

export async function startPostgres(logFile: string): Promise<Postgres> {
    const bin = binDir();
    const root = process.getuid?.() === 0;
    const dir = mkdtempSync(join(tmpdir(), 'claude-mm-pg-'));
    const dataDir = join(dir, 'data');
    if (root) {
        const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
        const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
        chownSync(dir, uid, gid);
    }
    const pwFile = join(dir, 'pw');
    writeFileSync(pwFile, 'mostest\n', {mode: 0o644});
    const [initCmd, initArgs] = asDbUser(join(bin, 'initdb'), ['-D', dataDir, '-U', 'mmuser', '--pwfile', pwFile, '-A', 'scram-sha-256', '-E', 'UTF8', '--no-instructions', '--no-sync']);
    execFileSync(initCmd, initArgs, {stdio: ['ignore', 'ignore', 'pipe']});

    const port = await freePort();
    const [cmd, args] = asDbUser(join(bin, 'postgres'), [
        '-D', dataDir, '-p', String(port), '-k', dir, '-h', '127.0.0.1',
        '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200',
    ]);
    const proc: Proc = startProcess('postgres', cmd, args, logFile);
    const [psqlCmd, psqlArgs] = asDbUser(join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port)]);
    await waitFor('PostgreSQL to accept connections', () => {
        if (proc.child.exitCode !== null) {
            throw new Error(`postgres exited: ${proc.log().slice(-2000)}`);
        }
        execFileSync(psqlCmd, psqlArgs, {stdio: 'ignore'});
        return true;
    }, 30_000);
    const [createCmd, createArgs] = asDbUser(join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'mmuser', 'mattermost']);
    execFileSync(createCmd, createArgs, {env: {...process.env, PGPASSWORD: 'mostest'}, stdio: ['ignore', 'ignore', 'pipe']});

    return {
        url: `postgres://mmuser:mostest@127.0.0.1:${port}/mattermost?sslmode=disable&connect_timeout=10`,
        port,
        dataDir,
        async stop() {
            await proc.stop('SIGINT', 15_000);
            rmSync(dir, {recursive: true, force: true});
        },
    };
}
