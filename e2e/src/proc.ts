// Child processes of the suite: started with their output in a log file,
// stopped by process group id so nothing outlives a test run.
import {spawn, type ChildProcess, type SpawnOptions} from 'node:child_process';
import {createWriteStream, readFileSync} from 'node:fs';
import {createServer} from 'node:net';
import {setTimeout as sleep} from 'node:timers/promises';

export interface Proc {
    name: string;
    child: ChildProcess;
    logFile: string;
    exited: Promise<number | null>;
    /** The log so far, for error messages. */
    log(): string;
    stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

const live = new Set<Proc>();

/**
 * `leaderFirst`: stop() signals only the leader and kills what is left of its
 * group after it exits; otherwise the whole group gets the signal at once (a
 * machine's agent killed with everything it runs).
 */
export function startProcess(name: string, cmd: string, args: string[], logFile: string, opts: SpawnOptions & {leaderFirst?: boolean} = {}): Proc {
    const {leaderFirst = false, ...spawnOpts} = opts;
    const out = createWriteStream(logFile, {flags: 'a'});
    const child = spawn(cmd, args, {...spawnOpts, detached: true, stdio: ['ignore', 'pipe', 'pipe']});
    child.stdout?.pipe(out, {end: false});
    child.stderr?.pipe(out, {end: false});
    const exited = new Promise<number | null>((resolve) => {
        child.on('exit', (code) => resolve(code));
        child.on('error', (err) => {
            out.write(`spawn failed: ${err.message}\n`);
            resolve(-1);
        });
    });
    let stopped = false;
    const proc: Proc = {
        name,
        child,
        logFile,
        exited,
        log: () => {
            try {
                return readFileSync(logFile, 'utf8');
            } catch {
                return '';
            }
        },
        async stop(signal = 'SIGTERM', graceMs = 10_000) {
            if (stopped) {
                return;
            }
            stopped = true;
            live.delete(proc);
            if (child.exitCode === null && child.signalCode === null && child.pid) {
                if (leaderFirst) {
                    // The leader alone first, so it can stop its children
                    // itself (Mattermost deactivates its plugins).
                    try {
                        process.kill(child.pid, signal);
                    } catch {
                        // already gone
                    }
                } else {
                    killGroup(child.pid, signal);
                }
                let timer: NodeJS.Timeout | undefined;
                const done = await Promise.race([
                    exited.then(() => true),
                    new Promise<boolean>((resolve) => {
                        timer = setTimeout(() => resolve(false), graceMs);
                    }),
                ]);
                clearTimeout(timer);
                if (!done) {
                    killGroup(child.pid, 'SIGKILL');
                    await exited;
                }
            }
            if (child.pid) {
                killGroup(child.pid, 'SIGKILL');
            }
            out.end();
        },
    };
    live.add(proc);
    return proc;
}

function killGroup(pid: number, signal: NodeJS.Signals) {
    try {
        process.kill(-pid, signal);
    } catch {
        try {
            process.kill(pid, signal);
        } catch {
            // already gone
        }
    }
}

/** Stops every process this module started that is still running. */
export async function stopAll(): Promise<void> {
    await Promise.all([...live].reverse().map((p) => p.stop()));
}

/** SIGKILLs every live child synchronously: the last resort on process exit. */
function killAllNow() {
    for (const p of live) {
        if (p.child.pid) {
            killGroup(p.child.pid, 'SIGKILL');
        }
    }
}
process.on('exit', killAllNow);

export async function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const srv = createServer();
        srv.unref();
        srv.on('error', reject);
        srv.listen(0, '127.0.0.1', () => {
            const addr = srv.address();
            const port = typeof addr === 'object' && addr ? addr.port : 0;
            srv.close(() => resolve(port));
        });
    });
}

/**
 * Polls `check` until it returns a value other than undefined/false, or fails
 * with `what` and the last error after `timeoutMs`.
 */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30_000, intervalMs = 200): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let lastErr: unknown;
    for (;;) {
        try {
            const v = await check();
            if (v !== undefined && v !== false) {
                return v;
            }
        } catch (err) {
            lastErr = err;
        }
        if (Date.now() > deadline) {
            const cause = lastErr instanceof Error ? `: ${lastErr.message}` : '';
            throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`);
        }
        await sleep(intervalMs);
    }
}
