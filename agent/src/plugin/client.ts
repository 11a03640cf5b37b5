import os from 'node:os';
import {z} from 'zod';

import {
  API_BASE,
  API_VERSION,
  EVENT_TYPES,
  MAX_OUTPUT_BODY_BYTES,
  agentEvent,
  eventsResponse,
  helloResponse,
  pairResponse,
  type AgentEvent,
  openSessionResponse,
  type HelloResponse,
  type OpenSessionRequest,
  type OpenSessionResponse,
  type Output,
  type PairResponse,
} from './protocol.js';

/** The header that carries the agent token (docs/protocol.md). */
export const TOKEN_HEADER = 'X-Claude-Agent-Token';

/** The plugin refused the token (401 on any agent route): revoked, unknown, or its user deactivated. Fatal. */
export class RevokedTokenError extends Error {}
/** The plugin does not speak our API version. Fatal. */
export class ApiMismatchError extends Error {
  constructor(message: string, readonly pluginVersion?: string, readonly pluginApiVersion?: number) {
    super(message);
  }
}
/** A 4xx that retrying will not fix (400, 403, 404, 409...). */
export class RejectedError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
  }
}
/** Network error, timeout, 5xx, 429, or an unreadable answer: worth retrying. `status` is set when the plugin answered. */
export class TransientError extends Error {
  readonly status?: number;
  /** The plugin's `Retry-After` (503: the same request is still being handled; 429), in ms. */
  readonly retryAfterMs?: number;
  constructor(message: string, options?: {cause?: unknown; status?: number; retryAfterMs?: number}) {
    super(message, options);
    this.status = options?.status;
    this.retryAfterMs = options?.retryAfterMs;
  }
}

export interface PluginClientOptions {
  url: string;
  token?: string;
  agentVersion: string;
  fetch?: typeof fetch;
  /** Timeout for ordinary requests; long polls add their wait. */
  timeoutMs?: number;
}

export interface UnparsedEvent {
  seq: number;
  /** The event's `type` as sent (may be one this agent does not know). */
  type: string;
  /** True when the type itself is unknown (a newer plugin); false when a known type has a bad payload. */
  unknownType: boolean;
  error: string;
}

export class PluginClient {
  private readonly base: string;
  private readonly fetch: typeof fetch;
  private readonly timeoutMs: number;

  constructor(private readonly opts: PluginClientOptions) {
    this.base = opts.url.replace(/\/+$/, '') + API_BASE;
    this.fetch = opts.fetch ?? globalThis.fetch;
    this.timeoutMs = opts.timeoutMs ?? 15_000;
  }

  async pair(code: string, name: string): Promise<PairResponse> {
    const body = {code, name, hostname: os.hostname(), agent_version: this.opts.agentVersion};
    return pairResponse.parse(await this.request('POST', '/pair', {body, auth: false}));
  }

  async hello(): Promise<HelloResponse> {
    const q = `?api_version=${API_VERSION}&agent_version=${encodeURIComponent(this.opts.agentVersion)}`;
    return this.parse(helloResponse, await this.request('GET', '/agent/hello' + q));
  }

  /** Long poll. Events that fail validation come back as `invalid` so the caller can skip them loudly. */
  async events(after: number, waitSeconds: number, signal?: AbortSignal): Promise<{events: AgentEvent[]; invalid: UnparsedEvent[]; cursor: number}> {
    const raw = await this.request('GET', `/agent/events?after=${after}&wait=${waitSeconds}`, {
      timeoutMs: this.timeoutMs + waitSeconds * 1000,
      signal,
    });
    const page = this.parse(eventsResponse, raw);
    const events: AgentEvent[] = [];
    const invalid: UnparsedEvent[] = [];
    for (const e of page.events) {
      const parsed = agentEvent.safeParse(e);
      if (parsed.success) events.push(parsed.data);
      else {
        const raw = (e ?? {}) as {seq?: unknown; type?: unknown};
        const seq = typeof raw.seq === 'number' ? raw.seq : -1;
        const type = typeof raw.type === 'string' ? raw.type : '';
        const unknownType = !(EVENT_TYPES as readonly string[]).includes(type);
        invalid.push({seq, type, unknownType, error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')});
      }
    }
    return {events, invalid, cursor: page.cursor};
  }

  async ack(seq: number): Promise<void> {
    await this.request('POST', '/agent/events/ack', {body: {seq}});
  }

  /** One output report. A body over the route's limit is refused here (RejectedError 413) without sending it. */
  async output(sessionId: string, idempotencyKey: string, body: Output): Promise<unknown> {
    const json = JSON.stringify(body);
    const bytes = Buffer.byteLength(json);
    if (bytes > MAX_OUTPUT_BODY_BYTES) {
      throw new RejectedError(`the ${body.kind} report is ${bytes} bytes, more than the ${MAX_OUTPUT_BODY_BYTES / (1024 * 1024)} MiB the plugin takes`, 413);
    }
    return this.request('POST', `/agent/sessions/${encodeURIComponent(sessionId)}/output`, {
      json,
      headers: {'Idempotency-Key': idempotencyKey},
    });
  }

  /** Open a session thread (`POST /agent/sessions`): a terminal session, or a headless start. Idempotent by key. */
  async openSession(idempotencyKey: string, body: OpenSessionRequest): Promise<OpenSessionResponse> {
    const raw = await this.request('POST', '/agent/sessions', {body, headers: {'Idempotency-Key': idempotencyKey}});
    return this.parse(openSessionResponse, raw);
  }

  /** A file attached in a session thread (`GET /agent/files/{id}`); more than `maxBytes` is refused (RejectedError 413). */
  async file(fileId: string, maxBytes: number): Promise<Buffer> {
    const data = await this.request('GET', `/agent/files/${encodeURIComponent(fileId)}`, {binary: maxBytes, timeoutMs: 120_000});
    return data as Buffer;
  }

  /** Post a file in the session's thread (`POST /agent/sessions/{id}/files?name=`), raw body, idempotent by key. */
  async uploadFile(sessionId: string, idempotencyKey: string, name: string, body: Uint8Array): Promise<unknown> {
    return this.request('POST', `/agent/sessions/${encodeURIComponent(sessionId)}/files?name=${encodeURIComponent(name)}`, {
      raw: body,
      headers: {'Idempotency-Key': idempotencyKey, 'Content-Type': 'application/octet-stream'},
      timeoutMs: 120_000,
    });
  }

  private parse<T>(schema: z.ZodType<T>, raw: unknown): T {
    const parsed = schema.safeParse(raw);
    if (!parsed.success) throw new TransientError(`unexpected answer from the plugin: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    return parsed.data;
  }

  private async request(
    method: string,
    path: string,
    opts: {
      body?: unknown;
      /** `body` already serialised. */
      json?: string;
      /** A raw request body (file upload) instead of JSON. */
      raw?: Uint8Array;
      /** Read a successful answer as bytes, at most this many. */
      binary?: number;
      headers?: Record<string, string>;
      auth?: boolean;
      timeoutMs?: number;
      signal?: AbortSignal;
    } = {},
  ): Promise<unknown> {
    const headers: Record<string, string> = {Accept: opts.binary ? '*/*' : 'application/json', ...opts.headers};
    const json = opts.json ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
    if (json !== undefined) headers['Content-Type'] = 'application/json';
    // Our own header, not `Authorization: Bearer`: Mattermost tries every
    // Bearer token on a plugin route as one of its sessions first (two
    // database look-ups per request) before handing the request over.
    if (opts.auth !== false) headers[TOKEN_HEADER] = this.opts.token ?? '';
    // One controller per request, unhooked from the caller's long-lived signal
    // afterwards (AbortSignal.any would leave a listener behind on every poll).
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(new DOMException('request timed out', 'TimeoutError')), opts.timeoutMs ?? this.timeoutMs);
    const onAbort = () => ctl.abort(opts.signal?.reason);
    if (opts.signal?.aborted) onAbort();
    opts.signal?.addEventListener('abort', onAbort, {once: true});
    let res: Response;
    let text = '';
    let bytes: Buffer | undefined;
    try {
      try {
        res = await this.fetch(this.base + path, {
          method,
          headers,
          body: opts.raw ?? json,
          signal: ctl.signal,
        });
      } catch (err) {
        throw new TransientError(networkMessage(ctl.signal.reason ?? err), {cause: err});
      }
      if (res.ok && opts.binary) bytes = await readLimited(res, opts.binary);
      else text = await res.text().catch(() => '');
    } finally {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
    }
    let data: unknown = undefined;
    try {
      data = text ? JSON.parse(text) : undefined;
    } catch {
      data = undefined;
    }
    if (res.ok) return bytes ?? data;
    const message = errorMessage(data) ?? `HTTP ${res.status}`;
    if (res.status === 401) {
      if (opts.auth === false) throw new RejectedError(message, 401);
      throw new RevokedTokenError(message);
    }
    if (res.status === 426) {
      const d = (data ?? {}) as {plugin_version?: string; api_version?: number};
      throw new ApiMismatchError(message, d.plugin_version, d.api_version);
    }
    if (res.status === 429 || res.status === 408 || res.status >= 500) {
      throw new TransientError(`${message} (HTTP ${res.status})`, {status: res.status, retryAfterMs: retryAfter(res.headers.get('retry-after'))});
    }
    throw new RejectedError(message, res.status);
  }
}

/** The body as bytes; more than `max` is a RejectedError 413 (the file is too large for the agent). */
async function readLimited(res: Response, max: number): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > max) {
    await res.body?.cancel().catch(() => undefined);
    throw new RejectedError(`the file is larger than ${max} bytes`, 413);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body ?? []) {
      size += chunk.length;
      if (size > max) throw new RejectedError(`the file is larger than ${max} bytes`, 413);
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof RejectedError) throw err;
    throw new TransientError(`download cut short: ${networkMessage(err)}`, {cause: err});
  }
  return Buffer.concat(chunks);
}

/** `Retry-After` in seconds (the plugin does not send dates), at most a minute. */
function retryAfter(header: string | null): number | undefined {
  const seconds = Number(header);
  return header && Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds, 60) * 1000 : undefined;
}

function errorMessage(data: unknown): string | undefined {
  if (data && typeof data === 'object' && typeof (data as {error?: unknown}).error === 'string') return (data as {error: string}).error;
  return undefined;
}

function networkMessage(err: unknown): string {
  if (err instanceof DOMException && err.name === 'TimeoutError') return 'request timed out';
  if (err instanceof Error) {
    if (err.name === 'TimeoutError') return 'request timed out';
    if (err.name === 'AbortError') return 'request aborted';
    const cause = (err as {cause?: {code?: string; message?: string}}).cause;
    if (cause?.code) return `${cause.message ?? cause.code}`;
    return err.message;
  }
  return String(err);
}
