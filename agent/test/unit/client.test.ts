import assert from 'node:assert/strict';
import {getEventListeners} from 'node:events';
import {describe, it} from 'node:test';
import {ApiMismatchError, PluginClient, RejectedError, RevokedTokenError, TransientError} from '../../src/plugin/client.js';

function client(respond: (url: string, init: RequestInit) => Response | Promise<Response>, timeoutMs?: number) {
  const calls: Array<{url: string; init: RequestInit}> = [];
  const c = new PluginClient({
    url: 'https://chat.example.com/',
    token: 'cmt_t',
    agentVersion: '1.2.3',
    timeoutMs,
    fetch: (async (url: string, init: RequestInit) => {
      calls.push({url, init});
      return respond(url, init);
    }) as typeof fetch,
  });
  return {c, calls};
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), {status, headers: {'content-type': 'application/json'}});

describe('plugin client', () => {
  it('calls hello under the versioned plugin path with the token and versions', async () => {
    const {c, calls} = client(() => json(200, {plugin_version: '0.1.0', api_version: 1, machine: {id: 'm', name: 'n'}, user: {id: 'u', username: 'a'}}));
    await c.hello();
    assert.equal(calls[0]!.url, 'https://chat.example.com/plugins/claude-mattermost/api/v1/agent/hello?api_version=1&agent_version=1.2.3');
    assert.equal((calls[0]!.init.headers as Record<string, string>)['X-Claude-Agent-Token'], 'cmt_t');
  });

  it('sends output with its Idempotency-Key', async () => {
    const {c, calls} = client(() => json(200, {ok: true}));
    await c.output('s/1', 'key-1', {kind: 'status', status: 'idle'});
    assert.equal(calls[0]!.url, 'https://chat.example.com/plugins/claude-mattermost/api/v1/agent/sessions/s%2F1/output');
    assert.equal((calls[0]!.init.headers as Record<string, string>)['Idempotency-Key'], 'key-1');
    assert.deepEqual(JSON.parse(calls[0]!.init.body as string), {kind: 'status', status: 'idle'});
  });

  const errors: Array<[string, () => Response | Promise<Response>, new (...a: never[]) => Error]> = [
    ['401 is a revoked token', () => json(401, {error: 'revoked'}), RevokedTokenError],
    ['426 is an API mismatch', () => json(426, {error: 'old', api_version: 2, plugin_version: '9'}), ApiMismatchError],
    ['404 is a rejection', () => json(404, {error: 'unknown session'}), RejectedError],
    ['400 is a rejection', () => json(400, {error: 'bad'}), RejectedError],
    ['503 is transient', () => json(503, {error: 'down'}), TransientError],
    ['429 is transient', () => json(429, {}), TransientError],
    ['a network error is transient', () => Promise.reject(new TypeError('fetch failed', {cause: {code: 'ECONNREFUSED', message: 'connect ECONNREFUSED'}})), TransientError],
    ['an unexpected body is transient', () => json(200, {nope: true}), TransientError],
  ];
  for (const [name, respond, type] of errors) {
    it(name, async () => {
      const {c} = client(respond);
      await assert.rejects(c.hello(), (err: Error) => err instanceof type);
    });
  }

  it("a 503's Retry-After and status come with the transient error", async () => {
    const {c} = client(() => new Response(JSON.stringify({error: 'still being handled'}), {status: 503, headers: {'retry-after': '3'}}));
    await assert.rejects(c.output('s1', 'k', {kind: 'status', status: 'idle'}), (err: Error) => err instanceof TransientError && err.status === 503 && err.retryAfterMs === 3000);
  });

  it('an output over the 8 MiB the route takes is refused here, not sent', async () => {
    const {c, calls} = client(() => json(200, {}));
    const huge = {kind: 'tool_output' as const, tool_use_id: 't', tool_name: 'Bash', summary: '', output: 'x'.repeat(8 * 1024 * 1024), is_error: false};
    await assert.rejects(c.output('s1', 'k', huge), (err: Error) => err instanceof RejectedError && err.status === 413 && /more than the 8 MiB/.test(err.message));
    assert.equal(calls.length, 0);
  });

  it('a 401 on /pair is a rejected code, not a revoked token', async () => {
    const {c} = client(() => json(401, {error: 'pairing code is invalid or expired'}));
    await assert.rejects(c.pair('x', 'n'), (err: Error) => err instanceof RejectedError && err.message === 'pairing code is invalid or expired');
  });

  it('a hung request times out as a transient error', async () => {
    const {c} = client((_u, init) => new Promise((_r, reject) => init.signal!.addEventListener('abort', () => reject(init.signal!.reason))), 20);
    await assert.rejects(c.hello(), (err: Error) => err instanceof TransientError && /timed out/.test(err.message));
  });

  it('events that do not validate are reported, not thrown', async () => {
    const {c} = client(() =>
      json(200, {events: [{seq: 1, type: 'stop', session_id: 's', payload: {}}, {seq: 2, type: 'teleport', session_id: 's', payload: {}}], cursor: 2}),
    );
    const page = await c.events(0, 0);
    assert.equal(page.events.length, 1);
    assert.deepEqual(page.invalid.map((e) => e.seq), [2]);
  });

  it('long polls leave no listeners on the caller signal', async () => {
    const {c} = client(() => json(200, {events: [], cursor: 0}));
    const ctl = new AbortController();
    for (let i = 0; i < 20; i++) await c.events(0, 0, ctl.signal);
    assert.equal(getEventListeners(ctl.signal, 'abort').length, 0);
  });
});
