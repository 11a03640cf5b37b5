// `make demo` and its web client: the official release's client/ folder,
// fetched from a local HTTP server standing in for releases.mattermost.com,
// checked against the pinned SHA-256, cached and served by the real server;
// refused and deleted when anything about it is wrong; and the demo itself,
// offline as on this project's machines, stopped by SIGINT with everything
// it started.
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {createHash} from 'node:crypto';
import {existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import {createServer, type Server, type ServerResponse} from 'node:http';
import {join} from 'node:path';
import {after, before, describe, it} from 'node:test';
import {mattermostHome, startMattermost} from '../src/mattermost.ts';
import {repoRoot, runDir} from '../src/paths.ts';
import {startPostgres} from '../src/postgres.ts';
import {freePort, startProcess, stopAll, waitFor} from '../src/proc.ts';
import {readPin, serverVersion, tarballName, webClient, type ClientPin, type WebClientOptions} from '../src/webclient.ts';

const VERSION = '11.4.0';
const ROOT_HTML = `<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="script-src 'self'"><title>Mattermost</title></head><body>stand-in web client ${VERSION}<script src="/static/main.js"></script></body></html>`;

/** A release tarball laid out like Mattermost's: mattermost/bin, mattermost/client, … */
function releaseTarball(dir: string, name: string, withClient = true): Buffer {
    const src = join(dir, `${name}-src`);
    mkdirSync(join(src, 'mattermost', 'bin'), {recursive: true});
    writeFileSync(join(src, 'mattermost', 'bin', 'mattermost'), 'not the server');
    if (withClient) {
        // The server serves client/<file> as /static/<file>.
        mkdirSync(join(src, 'mattermost', 'client'), {recursive: true});
        writeFileSync(join(src, 'mattermost', 'client', 'root.html'), ROOT_HTML);
        writeFileSync(join(src, 'mattermost', 'client', 'main.js'), `console.log("stand-in web client, ${name}");\n`);
    }
    const out = join(dir, `${name}.tar.gz`);
    execFileSync('tar', ['-czf', out, '-C', src, 'mattermost']);
    return readFileSync(out);
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

type Mode = 'serve' | 'cut' | 'silent' | 'stall';

/** The download host: serves `body` at the release path, or misbehaves as `mode` says. */
class ReleaseHost {
    body: Buffer = Buffer.alloc(0);
    mode: Mode = 'serve';
    requests: string[] = [];
    private server: Server;
    private open = new Set<ServerResponse>();
    url = '';

    constructor() {
        this.server = createServer((req, res) => {
            this.requests.push(req.url ?? '');
            if (req.url !== `/${VERSION}/${tarballName(VERSION)}`) {
                res.writeHead(404).end('not found');
                return;
            }
            switch (this.mode) {
            case 'serve':
                res.writeHead(200, {'Content-Type': 'application/gzip', 'Content-Length': this.body.length}).end(this.body);
                return;
            case 'cut':
                // Announces the whole file, sends half, hangs up.
                res.writeHead(200, {'Content-Length': this.body.length});
                res.write(this.body.subarray(0, this.body.length >> 1), () => res.destroy());
                return;
            case 'silent':
                this.open.add(res);
                return;
            case 'stall':
                res.writeHead(200, {'Content-Length': this.body.length});
                res.write(this.body.subarray(0, 10));
                this.open.add(res);
                return;
            }
        });
    }

    async start(): Promise<void> {
        await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
        const addr = this.server.address();
        this.url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    }

    async close(): Promise<void> {
        for (const res of this.open) {
            res.destroy();
        }
        this.server.closeAllConnections();
        await new Promise<void>((resolve) => this.server.close(() => resolve()));
    }
}

/** Every process whose parent chain leads to `pid`, from /proc. */
function descendants(pid: number): number[] {
    const children = new Map<number, number[]>();
    for (const entry of readdirSync('/proc')) {
        if (!/^\d+$/.test(entry)) {
            continue;
        }
        try {
            const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
            const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
            children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
        } catch {
            // gone meanwhile
        }
    }
    const found: number[] = [];
    const queue = [pid];
    while (queue.length) {
        for (const c of children.get(queue.shift() as number) ?? []) {
            found.push(c);
            queue.push(c);
        }
    }
    return found;
}

function alive(pid: number): boolean {
    try {
        return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
    } catch {
        return false;
    }
}

describe('the demo web client', () => {
    let dir: string;
    let host: ReleaseHost;
    let good: Buffer;
    let cacheCount = 0;

    before(async () => {
        dir = runDir('webclient');
        good = releaseTarball(dir, 'good');
        host = new ReleaseHost();
        await host.start();
    });

    after(async () => {
        await host.close();
        await stopAll();
    });

    /** A fresh cache and the options a case starts from: the stand-in host, a pin for `body`. */
    function setup(body: Buffer, pin: Partial<ClientPin> = {}): WebClientOptions {
        host.body = body;
        host.mode = 'serve';
        host.requests = [];
        const cacheDir = join(dir, `cache-${++cacheCount}`);
        return {serverVersion: VERSION, pin: {version: VERSION, sha256: sha256(body), ...pin}, baseUrl: host.url, cacheDir};
    }

    /** What a refused download leaves in the cache: nothing. */
    function assertNothingKept(cacheDir: string) {
        assert.deepEqual(existsSync(cacheDir) ? readdirSync(cacheDir) : [], [], 'the download is deleted and nothing is cached');
    }

    it('the pinned release is the version the built server reports', () => {
        const pin = readPin();
        assert.equal(pin.version, serverVersion(mattermostHome()), 'e2e/mmserver/webclient.json follows e2e/mmserver/go.mod');
        assert.match(pin.sha256, /^[0-9a-f]{64}$/);
    });

    it('downloads the release, checks the pinned SHA-256, keeps only mattermost/client and caches it', async () => {
        const opts = setup(good);
        const lines: string[] = [];
        const got = await webClient({...opts, log: (l) => lines.push(l)});
        assert.ok(got.ok, JSON.stringify(got));
        assert.equal(got.cached, false);
        assert.equal(got.dir, join(opts.cacheDir, `webclient-${VERSION}`));
        assert.equal(readFileSync(join(got.dir, 'root.html'), 'utf8'), ROOT_HTML);
        assert.ok(existsSync(join(got.dir, 'main.js')));
        assert.deepEqual(readdirSync(opts.cacheDir).sort(), [`webclient-${VERSION}`, `webclient-${VERSION}.sha256`], 'the client and its checksum, no tarball, no partial files');
        assert.match(lines.join('\n'), /downloading the Mattermost 11\.4\.0 web client from 127\.0\.0\.1:\d+/);
        assert.deepEqual(host.requests, [`/${VERSION}/${tarballName(VERSION)}`]);

        // Later runs take it from the cache, without the network.
        host.requests = [];
        const again = await webClient({...opts, baseUrl: `http://127.0.0.1:${await freePort()}`});
        assert.deepEqual(again, {ok: true, dir: got.dir, cached: true});
        assert.deepEqual(host.requests, []);

        // A cache from another pin is not trusted: it is fetched and checked again.
        const other = releaseTarball(dir, 'other');
        host.body = other;
        const refetched = await webClient({...opts, pin: {version: VERSION, sha256: sha256(other)}});
        assert.ok(refetched.ok && !refetched.cached, JSON.stringify(refetched));
        assert.equal(readFileSync(`${got.dir}.sha256`, 'utf8').trim(), sha256(other));
    });

    it('the real server serves the verified client', async () => {
        const opts = setup(good);
        const got = await webClient(opts);
        assert.ok(got.ok, JSON.stringify(got));
        const pg = await startPostgres(join(dir, 'postgres.log'));
        const mm = await startMattermost({dataSource: pg.url, dir: join(dir, 'mattermost'), clientDir: got.dir});
        try {
            const browser = {'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36'};
            const page = await fetch(`${mm.url}/dev/channels/town-square`, {headers: browser});
            assert.equal(page.status, 200);
            assert.match(await page.text(), /stand-in web client 11\.4\.0/);
            const script = await fetch(`${mm.url}/static/main.js`, {headers: browser});
            assert.equal(script.status, 200);
            assert.match(await script.text(), /stand-in web client/);
            assert.equal(readFileSync(join(got.dir, 'root.html'), 'utf8'), ROOT_HTML, 'the server did not rewrite the cached client');
        } finally {
            await mm.stop();
            await pg.stop();
        }
    });

    it('a download that does not match the pinned SHA-256 is refused and deleted', async () => {
        const opts = setup(good, {sha256: sha256(Buffer.from('the published release'))});
        const got = await webClient(opts);
        assert.equal(got.ok, false);
        assert.match(!got.ok ? got.reason : '', /does not match the pinned SHA-256 \(expected [0-9a-f]{64}, got [0-9a-f]{64}\): deleted the download/);
        assertNothingKept(opts.cacheDir);
    });

    for (const [name, body] of [
        ['a truncated tarball', () => good.subarray(0, good.length >> 1)],
        ['a corrupt tarball', () => Buffer.concat([good.subarray(0, 20), Buffer.alloc(good.length - 20, 7)])],
        ['not a tarball at all', () => Buffer.from('<html>a captive portal</html>')],
    ] as const) {
        it(`${name} is refused with a clear message and deleted, even when its checksum is the pinned one`, async () => {
            const opts = setup(body());
            const got = await webClient(opts);
            assert.equal(got.ok, false);
            assert.match(!got.ok ? got.reason : '', /mattermost-team-11\.4\.0-linux-amd64\.tar\.gz is corrupt or truncated \(tar: .+\): deleted the download/);
            assertNothingKept(opts.cacheDir);
        });
    }

    it('a release without mattermost/client is refused and deleted', async () => {
        const opts = setup(releaseTarball(dir, 'serveronly', false));
        const got = await webClient(opts);
        assert.equal(got.ok, false);
        assert.match(!got.ok ? got.reason : '', /has no mattermost\/client\/ folder: deleted the download/);
        assertNothingKept(opts.cacheDir);
    });

    it('a transfer cut short is refused and deleted', async () => {
        const opts = setup(good);
        host.mode = 'cut';
        const got = await webClient(opts);
        assert.equal(got.ok, false);
        assert.match(!got.ok ? got.reason : '', /the download from 127\.0\.0\.1:\d+ (stopped after \d+ of \d+ bytes \(.+\)|is truncated \(\d+ of \d+ bytes\)): deleted it/);
        assertNothingKept(opts.cacheDir);
    });

    it('offline: a host that cannot be reached is told in one line and nothing is kept', async () => {
        const opts = setup(good);
        const port = await freePort();
        const got = await webClient({...opts, baseUrl: `http://127.0.0.1:${port}`});
        assert.equal(got.ok, false);
        assert.match(!got.ok ? got.reason : '', new RegExp(`^cannot reach 127\\.0\\.0\\.1:${port} \\(.*ECONNREFUSED.*\\)$`));
        assert.doesNotMatch(!got.ok ? got.reason : '', /\n/);
        assertNothingKept(opts.cacheDir);
    });

    it('never hangs: a host that does not answer, or stops sending, ends the attempt', async () => {
        const silent = setup(good);
        host.mode = 'silent';
        const noAnswer = await webClient({...silent, connectTimeoutMs: 200});
        assert.equal(noAnswer.ok, false);
        assert.match(!noAnswer.ok ? noAnswer.reason : '', /^cannot reach 127\.0\.0\.1:\d+ \(no answer within 0\.2 s\)$/);
        assertNothingKept(silent.cacheDir);

        const stalled = setup(good);
        host.mode = 'stall';
        const stopped = await webClient({...stalled, stallTimeoutMs: 200});
        assert.equal(stopped.ok, false);
        assert.match(!stopped.ok ? stopped.reason : '', /stopped after \d+ of \d+ bytes \(nothing received for 0\.2 s\): deleted it/);
        assertNothingKept(stalled.cacheDir);
    });

    it('stopping the demo during the download keeps nothing', async () => {
        const opts = setup(good);
        host.mode = 'stall';
        const ctl = new AbortController();
        // Ctrl-C once the download has begun.
        const got = await webClient({...opts, signal: ctl.signal, log: () => ctl.abort(new Error('stopped'))});
        assert.equal(got.ok, false);
        assert.match(!got.ok ? got.reason : '', /\(stopped\): deleted it$/);
        assertNothingKept(opts.cacheDir);
    });

    it('a missing release and a pin for another server version are refused', async () => {
        const missing = setup(good, {version: '11.3.9'});
        const notFound = await webClient({...missing, serverVersion: '11.3.9'});
        assert.equal(notFound.ok, false);
        assert.match(!notFound.ok ? notFound.reason : '', /11\.3\.9\/mattermost-team-11\.3\.9-linux-amd64\.tar\.gz answered 404/);

        const other = setup(good, {version: '11.3.0'});
        const mismatch = await webClient(other);
        assert.equal(mismatch.ok, false);
        assert.match(!mismatch.ok ? mismatch.reason : '', /the pinned web client is Mattermost 11\.3\.0 but the server is 11\.4\.0; update .*webclient\.json/);
        assert.deepEqual(host.requests, [], 'nothing is downloaded for the wrong version');
    });
});

describe('make demo', () => {
    it('offline, says so in one line, serves the API, prints the users, and SIGINT stops every process it started', async () => {
        const dir = runDir('demo-run');
        const port = await freePort();
        const unreachable = await freePort();
        const demo = startProcess('demo', process.execPath, ['--import', 'tsx', join(repoRoot, 'e2e', 'src', 'demo.ts')], join(dir, 'demo.log'), {
            cwd: join(repoRoot, 'e2e'),
            env: {...process.env, DEMO_PORT: String(port), CLAUDE_MM_RELEASES_URL: `http://127.0.0.1:${unreachable}`, E2E_WORK_DIR: dir},
        });
        try {
            await waitFor('the demo to print its banner', () => {
                if (demo.child.exitCode !== null) {
                    throw new Error(`make demo exited with ${demo.child.exitCode}:\n${demo.log()}`);
                }
                return demo.log().includes('Ctrl-C stops everything.');
            }, 300_000, 500);
            const out = demo.log();
            const notes = out.split('\n').filter((l) => /web client/.test(l) && !/^\s/.test(l));
            assert.deepEqual(notes, [`no web client: cannot reach 127.0.0.1:${unreachable} (connect ECONNREFUSED 127.0.0.1:${unreachable}); the demo serves the REST API and the mobile app`]);
            assert.match(out, new RegExp(`Mattermost {3}http://127\\.0\\.0\\.1:${port} {3}\\(REST API and the mobile app: no web client, see above\\)`));
            for (const user of ['admin', 'alice', 'bob']) {
                assert.match(out, new RegExp(`${user}\\s+/ Passw0rd-claude!`));
            }
            const ping = await fetch(`http://127.0.0.1:${port}/api/v4/system/ping`);
            assert.equal(ping.status, 200);

            const started = descendants(demo.child.pid as number);
            assert.ok(started.length >= 3, `PostgreSQL, Mattermost and the agent run under the demo: ${started}`);
            process.kill(demo.child.pid as number, 'SIGINT');
            assert.equal(await demo.exited, 0, demo.log());
            await waitFor('every process the demo started to end', () => started.every((pid) => !alive(pid)), 30_000);
            assert.match(demo.log(), /stopping …/);
        } finally {
            await demo.stop('SIGKILL');
        }
    });
});
