// The Mattermost web client for `make demo`. The server built from the Go
// module has none (the web app is a separate JavaScript build), so the demo
// takes the `mattermost/client/` folder of the official Team Edition release
// of the same version, checked against the SHA-256 pinned in
// e2e/mmserver/webclient.json, and caches it. Offline, or when anything about
// the download is wrong, it says why in one line and the demo goes on without
// it: nothing unverified is ever served.
import {execFile, execFileSync} from 'node:child_process';
import {createHash} from 'node:crypto';
import {createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs';
import {homedir} from 'node:os';
import {join} from 'node:path';
import {Readable, Transform} from 'node:stream';
import {pipeline} from 'node:stream/promises';
import type {ReadableStream as WebReadableStream} from 'node:stream/web';
import {promisify} from 'node:util';
import {repoRoot} from './paths.ts';

const run = promisify(execFile);

/** Where the official releases are downloaded from; tests point it at a local stand-in. */
export const RELEASES_URL = process.env.CLAUDE_MM_RELEASES_URL || 'https://releases.mattermost.com';

/** The pinned release: its version and the SHA-256 Mattermost publishes for its tarball. */
export interface ClientPin {
    version: string;
    sha256: string;
}

export const PIN_FILE = join(repoRoot, 'e2e', 'mmserver', 'webclient.json');

export function readPin(file = PIN_FILE): ClientPin {
    const pin = JSON.parse(readFileSync(file, 'utf8')) as Partial<ClientPin>;
    if (typeof pin.version !== 'string' || typeof pin.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(pin.sha256)) {
        throw new Error(`${file}: needs "version" and a 64-hex-digit "sha256"`);
    }
    return {version: pin.version, sha256: pin.sha256};
}

/** The version a built Mattermost server reports (`mattermost version`), e.g. "11.4.0". */
export function serverVersion(home: string): string {
    const out = execFileSync(join(home, 'bin', 'mattermost'), ['version'], {cwd: home, stdio: ['ignore', 'pipe', 'ignore'], timeout: 60_000}).toString();
    const version = /^Version: (\S+)/m.exec(out)?.[1];
    if (!version) {
        throw new Error(`no version in the output of "mattermost version": ${out}`);
    }
    return version;
}

/** The same cache as build/mmserver.sh. */
export function cacheDir(): string {
    return process.env.CLAUDE_MM_CACHE || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'claude-mattermost');
}

export function tarballName(version: string): string {
    return `mattermost-team-${version}-linux-amd64.tar.gz`;
}

export interface WebClientOptions {
    /** The version of the server that will serve it. */
    serverVersion: string;
    pin: ClientPin;
    baseUrl: string;
    cacheDir: string;
    /** Until the download host answers with headers (connecting included). */
    connectTimeoutMs?: number;
    /** The longest the download may go without receiving a byte. */
    stallTimeoutMs?: number;
    /** Progress lines. */
    log?: (line: string) => void;
    signal?: AbortSignal;
}

export type WebClient = {ok: true; dir: string; cached: boolean} | {ok: false; reason: string};

const STAMP = '.sha256';

/**
 * The verified client/ folder for the server's version: from the cache, or
 * downloaded, checked against the pin and unpacked into the cache. Never
 * throws for anything the network or the download does; says why instead.
 */
export async function webClient(opts: WebClientOptions): Promise<WebClient> {
    const {pin} = opts;
    if (pin.version !== opts.serverVersion) {
        return {ok: false, reason: `the pinned web client is Mattermost ${pin.version} but the server is ${opts.serverVersion}; update ${PIN_FILE}`};
    }
    // The unpacked client is stored with the checksum of the tarball it came from.
    const dir = join(opts.cacheDir, `webclient-${pin.version}`);
    const stamp = `${dir}${STAMP}`;
    if (existsSync(join(dir, 'root.html')) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === pin.sha256) {
        return {ok: true, dir, cached: true};
    }
    mkdirSync(opts.cacheDir, {recursive: true});
    const part = `${dir}.tar.gz.part`;
    const unpack = `${dir}.unpack`;
    const cleanUp = () => {
        rmSync(part, {force: true});
        rmSync(unpack, {recursive: true, force: true});
    };
    cleanUp();
    try {
        const url = `${opts.baseUrl.replace(/\/+$/, '')}/${pin.version}/${tarballName(pin.version)}`;
        const got = await download(url, part, opts);
        if (!got.ok) {
            return got;
        }
        if (got.sha256 !== pin.sha256) {
            return {ok: false, reason: `${url} does not match the pinned SHA-256 (expected ${pin.sha256}, got ${got.sha256}): deleted the download`};
        }
        mkdirSync(unpack);
        try {
            await run('tar', ['-xzf', part, '-C', unpack, '--no-same-owner', 'mattermost/client'], {signal: opts.signal, maxBuffer: 16 * 1024 * 1024});
        } catch (err) {
            if (opts.signal?.aborted) {
                return {ok: false, reason: 'stopped'};
            }
            const stderr = String((err as {stderr?: string}).stderr ?? '').trim().split('\n').filter(Boolean).slice(0, 2).join('; ');
            if (/not found in archive/i.test(stderr)) {
                return {ok: false, reason: `${tarballName(pin.version)} has no mattermost/client/ folder: deleted the download`};
            }
            return {ok: false, reason: `${tarballName(pin.version)} is corrupt or truncated (tar: ${stderr || (err as Error).message}): deleted the download`};
        }
        const client = join(unpack, 'mattermost', 'client');
        if (!existsSync(join(client, 'root.html'))) {
            return {ok: false, reason: `${tarballName(pin.version)} has no mattermost/client/root.html: deleted the download`};
        }
        rmSync(dir, {recursive: true, force: true});
        rmSync(stamp, {force: true});
        renameSync(client, dir);
        writeFileSync(stamp, `${pin.sha256}\n`);
        return {ok: true, dir, cached: false};
    } finally {
        cleanUp();
    }
}

type Downloaded = {ok: true; sha256: string} | {ok: false; reason: string};

async function download(url: string, file: string, opts: WebClientOptions): Promise<Downloaded> {
    const host = new URL(url).host;
    const connectTimeoutMs = opts.connectTimeoutMs ?? 10_000;
    const stallTimeoutMs = opts.stallTimeoutMs ?? 30_000;
    const ctl = new AbortController();
    const onAbort = () => ctl.abort(opts.signal?.reason);
    opts.signal?.addEventListener('abort', onAbort);
    let timer = setTimeout(() => ctl.abort(new Error(`no answer within ${connectTimeoutMs / 1000} s`)), connectTimeoutMs);
    let received = 0;
    try {
        let res: Response;
        try {
            res = await fetch(url, {signal: ctl.signal});
        } catch (err) {
            return {ok: false, reason: `cannot reach ${host} (${cause(err, ctl.signal)})`};
        }
        if (!res.ok || !res.body) {
            await res.body?.cancel();
            return {ok: false, reason: `${url} answered ${res.status} ${res.statusText}`.trim()};
        }
        const length = Number(res.headers.get('content-length') ?? 0);
        opts.log?.(`downloading the Mattermost ${opts.pin.version} web client from ${host}${length ? ` (${Math.round(length / 1e6)} MB, once; it is cached)` : ''} …`);
        const hash = createHash('sha256');
        const stall = () => {
            clearTimeout(timer);
            timer = setTimeout(() => ctl.abort(new Error(`nothing received for ${stallTimeoutMs / 1000} s`)), stallTimeoutMs);
        };
        stall();
        const meter = new Transform({
            transform(chunk: Buffer, _enc, done) {
                stall();
                received += chunk.length;
                hash.update(chunk);
                done(null, chunk);
            },
        });
        try {
            await pipeline(Readable.fromWeb(res.body as WebReadableStream<Uint8Array>), meter, createWriteStream(file), {signal: ctl.signal});
        } catch (err) {
            const of = length ? ` of ${length}` : '';
            return {ok: false, reason: `the download from ${host} stopped after ${received}${of} bytes (${cause(err, ctl.signal)}): deleted it`};
        }
        if (length && received !== length) {
            return {ok: false, reason: `the download from ${host} is truncated (${received} of ${length} bytes): deleted it`};
        }
        return {ok: true, sha256: hash.digest('hex')};
    } finally {
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
    }
}

/** The most telling message of a fetch failure: the abort reason, else the socket error. */
function cause(err: unknown, signal: AbortSignal): string {
    if (signal.aborted && signal.reason instanceof Error) {
        return signal.reason.message;
    }
    const e = err as {message?: string; cause?: {code?: string; message?: string}};
    return e.cause?.message ?? e.cause?.code ?? e.message ?? String(err);
}
