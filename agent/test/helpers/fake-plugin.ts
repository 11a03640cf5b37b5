/**
 * In-process fake of the plugin's agent routes (docs/protocol.md), for the
 * agent's integration tests. The real plugin is covered by the e2e suite.
 */
import {randomUUID} from 'node:crypto';
import http from 'node:http';
import type {AddressInfo} from 'node:net';

export interface RecordedOutput {
  session_id: string;
  key: string;
  body: Record<string, any> & {kind: string};
  at: number;
}

interface StoredEvent {
  seq: number;
  type: string;
  session_id: string;
  created_at: number;
  payload: Record<string, unknown>;
}

export interface StartExtras {
  sessionId?: string;
  branch?: string;
  context?: string;
  permission_mode?: string;
  model?: string;
  resume?: string;
}

export class FakePlugin {
  url = '';
  token = 'cmt_' + 'x'.repeat(43);
  pairingCode = 'ABCD-1234';
  apiVersion = 1;
  revoked = false;
  /** While true, output POSTs fail with 503 (a plugin outage for output only). */
  outputDown = false;
  /** While true, every agent route fails with 503 (the plugin is down). */
  down = false;
  /** Threads opened with `POST /agent/sessions`, in order (one per session; a repeat of a key or a Claude session id is not added). */
  opened: Array<{session_id: string; key: string; body: Record<string, any>}> = [];
  /** Claude session ids whose thread another machine owns: `POST /agent/sessions` answers 403. */
  foreignClaudeIds = new Set<string>();
  /** Every `POST /agent/sessions` that made or continued a session (a repeat of a key is not added). */
  reopened: Array<{session_id: string; key: string; body: Record<string, any>}> = [];
  /** Claude session id → session, from the agent's status reports. */
  private claudeSessions = new Map<string, string>();
  /**
   * Agent routes (path after the API base, e.g. `/agent/events/ack`) that answer
   * 401 as for a deactivated user's token, while the others still work.
   */
  unauthorized: RegExp | undefined;
  /**
   * An answer of the plugin's own for an output it will not take, like the
   * real one: by default an approval whose input is too large for a card is a
   * 400 (see refusal()); set it to play a plugin that refuses or fails on
   * some output (a 4xx, a 5xx).
   */
  refuse: (sessionId: string, body: Record<string, any>) => {status: number; error: string} | undefined = refusal;
  /** Requests wait for this before being answered while it is set: output POSTs by kind, `file_upload`, `file_download`. */
  hold: {kinds: Set<string>; until: Promise<void>} | undefined;
  /** Requests that were held (see `hold`). */
  heldRequests = 0;
  /** Output and upload requests received (accepted or not), in order. */
  received: Array<{session_id: string; kind: string; status: number}> = [];
  outputs: RecordedOutput[] = [];
  duplicateKeys = 0;
  acked = 0;
  hellos = 0;
  private events: StoredEvent[] = [];
  private seq = 0;
  private sessions = new Set<string>();
  private answers = new Map<string, unknown>();
  /** Attachments the agent may download, by file id. */
  private files = new Map<string, {name: string; mime_type: string; bytes: Buffer}>();
  /** Files the agent posted with `POST /agent/sessions/{id}/files` (one per idempotency key). */
  uploads: Array<{session_id: string; key: string; name: string; bytes: Buffer}> = [];
  /** File downloads answered. */
  downloads = 0;
  /** While > 0, that many file downloads fail with 503 first. */
  fileDownloadsDown = 0;
  private pollers = new Set<() => void>();
  private outputWaiters = new Set<() => void>();
  private server: http.Server;

  constructor() {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const isJson = (req.headers['content-type'] ?? '').startsWith('application/json');
        const text = isJson ? raw.toString('utf8') : '';
        this.route(req, res, text ? JSON.parse(text) : undefined, raw).catch((err) => send(res, 500, {error: String(err)}));
      });
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    for (const w of this.pollers) w();
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }

  /** Queue a start event, as the plugin does for `@claude <prompt>`; `extra` sets the team-session fields. */
  startSession(prompt: string, cwd = '', extra: StartExtras = {}): string {
    const id = extra.sessionId ?? 's' + randomUUID().replace(/-/g, '').slice(0, 25);
    this.sessions.add(id);
    this.push('start', id, {
      prompt,
      cwd,
      user: {id: 'u1', username: 'alice'},
      channel_id: 'c1',
      root_id: 'r1',
      branch: extra.branch ?? '',
      context: extra.context ?? '',
      permission_mode: extra.permission_mode ?? 'default',
      model: extra.model ?? '',
      resume: extra.resume ?? '',
      participants: [{id: 'u1', username: 'alice'}],
      machine: {id: 'm1', name: 'laptop'},
    });
    return id;
  }

  /** A session the plugin knows (outputs for it are taken) without queueing a start: one an earlier run of the agent had. */
  addSession(id: string): void {
    this.sessions.add(id);
  }

  /** A thread command (`!escape`, `!cd dir`, …) as a `command` event. */
  command(sessionId: string, name: string, args = ''): void {
    this.push('command', sessionId, {name, args, by: {id: 'u1', username: 'alice'}});
  }

  /** Any event, e.g. a type this agent does not know. */
  pushRaw(type: string, sessionId: string, payload: Record<string, unknown>): void {
    this.push(type, sessionId, payload);
  }

  /** Notices (plain bot replies) of a session, in order. */
  notices(sessionId: string): string[] {
    return this.of(sessionId, 'notice').map((o) => String(o.body.text));
  }

  /** A decision as the plugin queues it: Approve all is `approve` with `approve_all: true`. */
  decide(sessionId: string, requestId: string, decision: 'approve' | 'approve_all' | 'deny', reason = ''): void {
    const extra = decision === 'approve_all' ? {decision: 'approve', approve_all: true} : {decision};
    this.push('decision', sessionId, {request_id: requestId, by: {id: 'u2', username: 'bob'}, reason, ...extra});
  }

  /** An answer to a question card. */
  answer(sessionId: string, requestId: string, answers: Record<string, string>): void {
    this.push('answer', sessionId, {request_id: requestId, answers, by: {id: 'u2', username: 'bob'}});
  }

  /** A participant's reply; `files` are attachments the agent downloads from `GET /agent/files/{id}`. */
  message(sessionId: string, text: string, files: Array<{name: string; mime_type: string; bytes: Buffer}> = []): void {
    const refs = files.map((f) => {
      const id = 'f' + randomUUID().replace(/-/g, '').slice(0, 25);
      this.files.set(id, f);
      return {id, name: f.name, mime_type: f.mime_type, size: f.bytes.length};
    });
    this.push('message', sessionId, {text, user: {id: 'u1', username: 'alice'}, post_id: 'p' + this.seq, ...(refs.length ? {files: refs} : {})});
  }

  stop(sessionId: string): void {
    this.push('stop', sessionId, {by: {id: 'u1', username: 'alice'}});
  }

  pendingEvents(): number {
    return this.events.length;
  }

  /** The newest event queued (its seq and created_at). */
  lastEvent(): {seq: number; created_at: number} | undefined {
    const e = this.events.at(-1);
    return e && {seq: e.seq, created_at: e.created_at};
  }

  of(sessionId: string, kind?: string): RecordedOutput[] {
    return this.outputs.filter((o) => o.session_id === sessionId && (!kind || o.body.kind === kind));
  }

  /** Text posts of a session whose last report is not `done` (shown as still being written). */
  unfinishedTexts(sessionId: string): string[] {
    const last = new Map<string, RecordedOutput>();
    for (const o of this.of(sessionId, 'text')) last.set(o.body.message_id, o);
    return [...last.values()].filter((o) => !o.body.done).map((o) => o.body.message_id);
  }

  /** Wait until `pick` finds something in the recorded outputs. */
  async waitFor<T>(pick: (outputs: RecordedOutput[]) => T | undefined | false, timeoutMs = 30_000, what = 'output'): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    while (true) {
      const found = pick(this.outputs);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) {
        const seen = this.outputs.map((o) => `${o.body.kind}:${o.body.status ?? o.body.tool_name ?? JSON.stringify(o.body.text ?? '').slice(0, 60)}`);
        throw new Error(`timed out waiting for ${what}; outputs so far: ${seen.join(' | ')}`);
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 200));
        this.outputWaiters.add(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Outputs of one kind across every session (terminal tests look a session up by what the agent opened). */
  ofKind(kind: string): RecordedOutput[] {
    return this.outputs.filter((o) => o.body.kind === kind);
  }

  /** `POST /agent/sessions` as the contract describes it (terminal sessions, `claude-mattermost new`). */
  private openSession(req: http.IncomingMessage, res: http.ServerResponse, body: any): void {
    const key = req.headers['idempotency-key'];
    if (typeof key !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(key)) return send(res, 400, {error: 'Idempotency-Key header is required'});
    const seen = this.answers.get(key);
    if (seen) {
      this.duplicateKeys += 1;
      return send(res, 200, seen);
    }
    if (body?.origin !== 'terminal' && body?.origin !== 'cli') return send(res, 400, {error: 'origin must be "terminal" or "cli"'});
    if (typeof body.cwd !== 'string' || !body.cwd.startsWith('/')) return send(res, 400, {error: 'cwd must be an absolute path'});
    if (body.origin === 'cli' && (typeof body.prompt !== 'string' || body.prompt.trim() === '')) return send(res, 400, {error: 'prompt is required'});
    if (body.channel && body.channel !== 'town-square' && body.channel !== 'team/town-square') return send(res, 400, {error: `unknown channel ${body.channel}`});
    const claudeId = typeof body.claude_session_id === 'string' ? body.claude_session_id : '';
    if (claudeId && this.foreignClaudeIds.has(claudeId)) return send(res, 403, {error: "this Claude session belongs to another machine's session"});
    // As the plugin does: the same Claude session id (opened before, or reported by the agent's status) is the same session.
    const existingId = claudeId ? (this.opened.find((o) => o.body.claude_session_id === claudeId)?.session_id ?? this.claudeSessions.get(claudeId)) : undefined;
    const existing = existingId ? {session_id: existingId} : undefined;
    const id = existing?.session_id ?? 's' + randomUUID().replace(/-/g, '').slice(0, 25);
    const root = 'r' + id.slice(1);
    const answer = {session_id: id, channel_id: body.channel ? 'c-town' : 'c-dm', root_id: root, permalink: `${this.url}/team/pl/${root}`};
    this.answers.set(key, answer);
    this.reopened.push({session_id: id, key, body});
    if (!existing) {
      this.sessions.add(id);
      this.opened.push({session_id: id, key, body});
      if (body.origin === 'cli') {
        this.push('start', id, {
          prompt: body.prompt,
          cwd: body.cwd,
          user: {id: 'u1', username: 'alice'},
          channel_id: answer.channel_id,
          root_id: root,
          branch: '',
          context: '',
          permission_mode: 'default',
          model: '',
          resume: '',
          participants: [{id: 'u1', username: 'alice'}],
          machine: {id: 'm1', name: 'laptop'},
        });
      }
    }
    for (const w of this.outputWaiters) w();
    this.outputWaiters.clear();
    return send(res, 200, answer);
  }

  private held(until: Promise<void>): Promise<void> {
    this.heldRequests += 1;
    return until;
  }

  private push(type: string, sessionId: string, payload: Record<string, unknown>): void {
    this.seq += 1;
    this.events.push({seq: this.seq, type, session_id: sessionId, created_at: Date.now(), payload});
    for (const w of this.pollers) w();
  }

  private authed(req: http.IncomingMessage): boolean {
    return !this.revoked && req.headers['x-claude-agent-token'] === this.token;
  }

  private async route(req: http.IncomingMessage, res: http.ServerResponse, body: any, raw: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const p = url.pathname.replace('/plugins/claude-mattermost/api/v1', '');
    if (req.method === 'POST' && p === '/pair') {
      if (String(body?.code ?? '').replace('-', '').toUpperCase() !== this.pairingCode.replace('-', '')) {
        return send(res, 401, {error: 'pairing code is invalid or expired'});
      }
      return send(res, 200, {token: this.token, machine: {id: 'm1', name: body.name}, user: {id: 'u1', username: 'alice'}, plugin_version: '0.1.0', api_version: 1});
    }
    if (!this.authed(req)) return send(res, 401, {error: 'invalid or revoked agent token'});
    if (this.unauthorized?.test(p)) return send(res, 401, {error: 'the user of this agent token is deactivated'});
    if (this.down) return send(res, 503, {error: 'plugin unavailable'});
    if (req.method === 'GET' && p === '/agent/hello') {
      this.hellos += 1;
      if (url.searchParams.get('api_version') !== String(this.apiVersion)) {
        return send(res, 426, {error: 'unsupported api_version', plugin_version: '9.0.0', api_version: this.apiVersion});
      }
      return send(res, 200, {plugin_version: '0.1.0', api_version: this.apiVersion, machine: {id: 'm1', name: 'laptop'}, user: {id: 'u1', username: 'alice'}});
    }
    if (req.method === 'GET' && p === '/agent/events') {
      let after = Number(url.searchParams.get('after') ?? 0);
      // As the real plugin does: a cursor past anything ever queued (the queue
      // started again) reads from what was last acknowledged.
      if (after > Math.max(this.seq, this.acked)) after = this.acked;
      const wait = Math.min(30, Number(url.searchParams.get('wait') ?? 0));
      const deadline = Date.now() + wait * 1000;
      while (true) {
        const ready = this.events.filter((e) => e.seq > after).slice(0, 100);
        if (ready.length > 0 || Date.now() >= deadline || res.destroyed) {
          return send(res, 200, {events: ready, cursor: ready.at(-1)?.seq ?? after});
        }
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(t);
            this.pollers.delete(done);
            resolve();
          };
          const t = setTimeout(done, deadline - Date.now());
          this.pollers.add(done);
        });
      }
    }
    if (req.method === 'POST' && p === '/agent/events/ack') {
      const seq = Number(body?.seq);
      this.events = this.events.filter((e) => e.seq > seq);
      this.acked = Math.max(this.acked, seq);
      return send(res, 200, {acked: seq});
    }
    const file = /^\/agent\/files\/([^/]+)$/.exec(p);
    if (req.method === 'GET' && file) {
      if (this.hold?.kinds.has('file_download')) await this.held(this.hold.until);
      const f = this.files.get(decodeURIComponent(file[1]!));
      if (!f) return send(res, 404, {error: 'unknown file'});
      if (this.fileDownloadsDown > 0) {
        this.fileDownloadsDown -= 1;
        return send(res, 503, {error: 'try again'});
      }
      this.downloads += 1;
      res.writeHead(200, {'content-type': f.mime_type || 'application/octet-stream', 'content-length': f.bytes.length});
      return void res.end(f.bytes);
    }
    const upload = /^\/agent\/sessions\/([^/]+)\/files$/.exec(p);
    if (req.method === 'POST' && upload) {
      if (this.hold?.kinds.has('file_upload')) await this.held(this.hold.until);
      const key = req.headers['idempotency-key'];
      if (typeof key !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(key)) return send(res, 400, {error: 'Idempotency-Key header is required'});
      const name = url.searchParams.get('name') ?? '';
      if (!name || /[/\\]/.test(name)) return send(res, 400, {error: 'name must be a base name'});
      if (raw.length === 0 || raw.length > 20 * 1024 * 1024) return send(res, 400, {error: 'body must be 1 byte to 20 MB'});
      const sid = decodeURIComponent(upload[1]!);
      if (!this.sessions.has(sid)) return send(res, 404, {error: 'unknown session'});
      const seen = this.answers.get(key);
      if (seen) {
        this.duplicateKeys += 1;
        return send(res, 200, seen);
      }
      const answer = {post_id: 'post-' + key, file_id: 'file-' + key};
      this.answers.set(key, answer);
      this.received.push({session_id: sid, kind: 'file_upload', status: 200});
      this.uploads.push({session_id: sid, key, name, bytes: raw});
      for (const w of this.outputWaiters) w();
      this.outputWaiters.clear();
      return send(res, 200, answer);
    }
    if (req.method === 'POST' && p === '/agent/sessions') return this.openSession(req, res, body);
    const m = /^\/agent\/sessions\/([^/]+)\/output$/.exec(p);
    if (req.method === 'POST' && m) {
      if (this.outputDown) return send(res, 503, {error: 'plugin unavailable'});
      if (this.hold?.kinds.has(body?.kind)) await this.held(this.hold.until);
      const key = req.headers['idempotency-key'];
      if (typeof key !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(key)) return send(res, 400, {error: 'Idempotency-Key header is required'});
      const sid = decodeURIComponent(m[1]!);
      if (!this.sessions.has(sid)) return send(res, 404, {error: 'unknown session'});
      // As the real plugin: streamed text reports carry the whole text, so only `done` ones keep their answer for the key.
      const keep = body.kind !== 'text' || body.done;
      const seen = keep && this.answers.get(key);
      if (seen) {
        this.duplicateKeys += 1;
        return send(res, 200, seen);
      }
      const refused = this.refuse(sid, body);
      this.received.push({session_id: sid, kind: body.kind, status: refused?.status ?? 200});
      if (refused) return send(res, refused.status, {error: refused.error});
      if (body.kind === 'notice' && (typeof body.text !== 'string' || body.text.length === 0 || body.text.length > 16_000)) return send(res, 400, {error: 'text is required (≤ 16 000 chars)'});
      const invalid = terminalOutputProblem(body);
      if (invalid) return send(res, 400, {error: invalid});
      const answer =
        body.kind === 'text'
          ? {post_id: 'post-' + body.message_id}
          : body.kind === 'approval' || body.kind === 'question'
            ? {post_id: 'post-' + body.request_id, request_id: body.request_id}
            : body.kind === 'notice'
              ? {post_id: 'post-' + key}
              : {ok: true};
      if (keep) this.answers.set(key, answer);
      if (body.kind === 'status' && typeof body.claude_session_id === 'string') this.claudeSessions.set(body.claude_session_id, sid);
      this.outputs.push({session_id: sid, key, body: safeText(body), at: Date.now()});
      for (const w of this.outputWaiters) w();
      this.outputWaiters.clear();
      return send(res, 200, answer);
    }
    return send(res, 404, {error: 'not found'});
  }
}

/**
 * What the real plugin refuses at its boundary (docs/protocol.md): an
 * approval whose input is too large for a card's props (Mattermost's post
 * props limit). A NUL or invalid UTF-8 is not refused: see safeText.
 */
export function refusal(_sessionId: string, body: Record<string, any>): {status: number; error: string} | undefined {
  if (body.kind === 'approval' && JSON.stringify(body.input ?? {}).length > 780_000) return {status: 400, error: 'tool input is too large for an approval card'};
  return undefined;
}

/** As the real plugin stores strings: a NUL and a lone surrogate (invalid UTF-8 once encoded) become U+FFFD, keys included. */
export function safeText<T>(v: T): T {
  // eslint-disable-next-line no-control-regex
  if (typeof v === 'string') return v.replace(/\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd') as T;
  if (Array.isArray(v)) return v.map(safeText) as T;
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [safeText(k), safeText(x)])) as T;
  return v;
}

function send(res: http.ServerResponse, status: number, data: unknown): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, {'content-type': 'application/json'});
  res.end(JSON.stringify(data));
}

/** The contract's checks on the terminal-session output kinds (so an agent bug shows as a 400 in tests). */
function terminalOutputProblem(body: any): string | undefined {
  switch (body.kind) {
    case 'prompt':
      if (typeof body.text !== 'string' || body.text === '' || body.source !== 'terminal') return 'prompt needs text and source "terminal"';
      return undefined;
    case 'resolved':
      if (typeof body.request_id !== 'string' || !['terminal_allowed', 'terminal_denied', 'terminal_asks'].includes(body.outcome)) return 'resolved needs request_id and a known outcome';
      return undefined;
    case 'attention':
      if (!['approval', 'question', 'turn_ended', 'waiting'].includes(body.reason) || typeof body.text !== 'string') return 'attention needs a known reason and text';
      return undefined;
    case 'status':
      if (body.runs_in !== undefined && body.runs_in !== 'terminal' && body.runs_in !== 'agent') return 'runs_in must be terminal or agent';
      return undefined;
    default:
      return undefined;
  }
}
