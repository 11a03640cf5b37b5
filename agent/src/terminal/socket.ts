/**
 * The agent's local socket: one JSON request per connection, one JSON answer
 * line back. The hook command and the CLI (`resume`, `new`) are the clients;
 * the daemon serves. Node built-ins only (the hook command uses the client).
 *
 * The client's connection is the request's lifetime: when it closes early
 * (Claude Code killed the hook, the user pressed Ctrl-C) the server's handler
 * sees its signal abort and stops waiting.
 */
import fs from 'node:fs';
import net from 'node:net';

/** Requests are at most this large (a hook event carrying a big Write). */
export const MAX_REQUEST_BYTES = 48 * 1024 * 1024;

export type Handler = (request: unknown, signal: AbortSignal) => Promise<unknown>;

export class LocalServer {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();

  constructor(
    readonly file: string,
    private readonly handler: Handler,
    private readonly onError: (what: string) => void = () => undefined,
  ) {}

  /** Listen (a stale socket file left by a killed agent is replaced); mode 0600. */
  async listen(): Promise<void> {
    if (process.platform !== 'win32') fs.rmSync(this.file, {force: true});
    const server = net.createServer((sock) => this.serve(sock));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.file, () => {
        server.off('error', reject);
        resolve();
      });
    });
    if (process.platform !== 'win32') fs.chmodSync(this.file, 0o600);
    server.on('error', (err) => this.onError(`local socket: ${err.message}`));
    this.server = server;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    if (process.platform !== 'win32') fs.rmSync(this.file, {force: true});
  }

  private serve(sock: net.Socket): void {
    this.sockets.add(sock);
    const ctl = new AbortController();
    let buf = Buffer.alloc(0);
    let handled = false;
    const finish = () => {
      this.sockets.delete(sock);
      ctl.abort();
    };
    sock.on('close', finish);
    sock.on('error', () => sock.destroy());
    sock.on('data', (chunk: Buffer) => {
      if (handled) return;
      buf = Buffer.concat([buf, chunk]);
      const nl = buf.indexOf(10);
      if (nl < 0) {
        if (buf.length > MAX_REQUEST_BYTES) {
          handled = true;
          reply(sock, {error: 'request too large'});
        }
        return;
      }
      handled = true;
      let request: unknown;
      try {
        request = JSON.parse(buf.subarray(0, nl).toString('utf8'));
      } catch {
        reply(sock, {error: 'request is not JSON'});
        return;
      }
      this.handler(request, ctl.signal).then(
        (answer) => reply(sock, answer),
        (err: unknown) => {
          this.onError(`local socket request failed: ${err instanceof Error ? err.message : String(err)}`);
          reply(sock, {error: 'the agent could not handle this request'});
        },
      );
    });
  }
}

function reply(sock: net.Socket, answer: unknown): void {
  if (sock.destroyed) return;
  sock.end(JSON.stringify(answer ?? {}) + '\n');
}

export type AskResult = {ok: true; answer: unknown} | {ok: false; why: 'down' | 'closed' | 'timeout' | 'bad_answer'; detail: string};

export interface AskOptions {
  /** Keep trying to connect this long while `stillStarting()` says the agent may yet come (0: one attempt). */
  connectWaitMs?: number;
  /** Called after a failed connect: true when it is worth trying again (the agent is starting). */
  stillStarting?: (elapsedMs: number) => boolean;
  /** Give up waiting for the answer after this long (undefined: wait as long as it takes). */
  timeoutMs?: number;
  /** Aborting closes the connection (the server's handler stops waiting). */
  signal?: AbortSignal;
}

/** Send one request to the agent and wait for its answer. Never throws. */
export async function ask(file: string, request: unknown, opts: AskOptions = {}): Promise<AskResult> {
  const started = Date.now();
  let sock: net.Socket | undefined;
  let lastError = '';
  while (!sock) {
    try {
      sock = await connect(file);
    } catch (err) {
      lastError = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      const elapsed = Date.now() - started;
      const wait = opts.connectWaitMs ?? 0;
      if (elapsed >= wait || !(opts.stillStarting?.(elapsed) ?? true) || opts.signal?.aborted) {
        return {ok: false, why: 'down', detail: lastError};
      }
      await new Promise((r) => setTimeout(r, Math.min(100, wait - elapsed)));
    }
  }
  return exchange(sock, request, opts);
}

function connect(file: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(file);
    sock.once('connect', () => {
      sock.off('error', reject);
      resolve(sock);
    });
    sock.once('error', reject);
  });
}

function exchange(sock: net.Socket, request: unknown, opts: AskOptions): Promise<AskResult> {
  return new Promise((resolve) => {
    let buf = '';
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (r: AskResult) => {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      sock.destroy();
      resolve(r);
    };
    const onAbort = () => finish({ok: false, why: 'closed', detail: 'cancelled'});
    if (opts.timeoutMs !== undefined) timer = setTimeout(() => finish({ok: false, why: 'timeout', detail: `no answer in ${opts.timeoutMs} ms`}), opts.timeoutMs);
    opts.signal?.addEventListener('abort', onAbort, {once: true});
    sock.setEncoding('utf8');
    sock.on('data', (chunk: string) => {
      buf += chunk;
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      try {
        finish({ok: true, answer: JSON.parse(buf.slice(0, nl))});
      } catch {
        finish({ok: false, why: 'bad_answer', detail: 'the agent answered something that is not JSON'});
      }
    });
    sock.on('error', (err) => finish({ok: false, why: 'closed', detail: err.message}));
    sock.on('close', () => finish({ok: false, why: 'closed', detail: 'the agent closed the connection without an answer'}));
    sock.write(JSON.stringify(request) + '\n');
  });
}
