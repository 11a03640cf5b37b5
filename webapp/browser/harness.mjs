// The browser harness shared by the screenshot test and the render benchmark: a
// stand-in Mattermost page (host.html, host.js) and stand-ins for the plugin's routes,
// served to Debian's Chromium with the built dist/main.js.
import assert from 'node:assert/strict';
import {existsSync, readFileSync} from 'node:fs';
import {createServer} from 'node:http';
import {createRequire} from 'node:module';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {gzipSync} from 'node:zlib';

import {chromium} from 'playwright-core';

export const here = dirname(fileURLToPath(import.meta.url));
const webapp = join(here, '..');
const require = createRequire(join(webapp, 'package.json'));
export const shots = join(webapp, 'screenshots');
export const bundle = join(webapp, 'dist', 'main.js');
export const GZIP_BUDGET = 150 * 1024;

// The UMD builds are not in every package's "exports"; find the package folder instead.
function packageFile(name, file) {
    let dir = dirname(require.resolve(name));
    while (!existsSync(join(dir, 'package.json')) || JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name !== name) {
        dir = dirname(dir);
    }
    return join(dir, file);
}

const files = {
    '/': [join(here, 'host.html'), 'text/html'],
    '/host.js': [join(here, 'host.js'), 'text/javascript'],
    '/main.js': [bundle, 'text/javascript'],
    '/vendor/react.js': [packageFile('react', 'umd/react.production.min.js'), 'text/javascript'],
    '/vendor/react-dom.js': [packageFile('react-dom', 'umd/react-dom.production.min.js'), 'text/javascript'],
    '/vendor/redux.js': [packageFile('redux', 'dist/redux.min.js'), 'text/javascript'],
    '/vendor/react-redux.js': [packageFile('react-redux', 'dist/react-redux.min.js'), 'text/javascript'],
};

// The plugin's user routes (docs/protocol.md) and Mattermost's post action route, as
// stand-ins: each records what the page sent, and ids containing "refused" get a 403.
export const calls = [];
const DECIDED_AT = Date.UTC(2025, 0, 2, 10, 42);
const guestOutcome = {allow: 'allowed', invite: 'invited', deny: 'denied'};
const API = '/plugins/claude-mattermost/api/v1';

// What the right-hand panel's GET routes answer; tests change it and send a refresh event.
export const panelData = {
    machines: [
        {id: 'm1', name: 'alice-thinkpad', online: true, last_seen: Date.now() - 20_000},
        {id: 'm2', name: 'build-box', online: false, last_seen: Date.now() - 5 * 60_000, shared_by: 'bob'},
    ],
    sessions: [
        {id: 'sess1', status: 'waiting', machine_name: 'alice-thinkpad', cwd: '/home/alice/src/payments-service', channel_id: 'c1', root_id: 'sessroot', prompt: 'fix the flaky test in src/auth', last_activity: Date.now() - 60_000},
        {id: 'sess2', status: 'working', machine_name: 'build-box', cwd: '/srv/build/infra', channel_id: 'c1', root_id: 'root2', prompt: 'bump the terraform provider and run plan against staging, then summarise what would change', last_activity: Date.now() - 5_000},
        {id: 'sess3', status: 'ended', machine_name: 'alice-thinkpad', cwd: '/home/alice/src/web', channel_id: 'c2', root_id: 'root3', prompt: 'why is the login page slow?', last_activity: Date.now() - 3 * 3600_000},
    ],
    approvals: [
        {session_id: 'sess1', request_id: 'rhs-1', kind: 'approval', tool_name: 'Bash', summary: 'npm test -- --runInBand src/auth', post_id: 'p-a1', channel_id: 'c1', created_at: Date.now() - 120_000},
        {session_id: 'sess1', request_id: 'rhs-2', kind: 'plan', tool_name: 'ExitPlanMode', summary: 'Fix the flaky auth test', post_id: 'p-plan1', channel_id: 'c1', created_at: Date.now() - 60_000},
        {session_id: 'sess2', request_id: 'rhs-3', kind: 'question', tool_name: 'AskUserQuestion', summary: 'Which test runner should the new tests use?', post_id: 'p-q1', channel_id: 'c1', created_at: Date.now() - 30_000},
    ],
};

const FULL_OUTPUT = Array.from({length: 120}, (_, i) => (i === 119 ? 'Tests: 3 failed, 117 passed, 120 total' : `PASS src/auth/case-${String(i + 1).padStart(3, '0')}.test.ts (${(i % 7) * 13 + 40} ms)`)).join('\n');

const routes = [
    ['POST', new RegExp(`^${API}/sessions/([^/]+)/approvals/([^/]+)/decide$`), ([sessionId, requestId], {decision, reason}) => {
        if (requestId.includes('refused')) {
            return [403, {error: 'Only session participants can decide'}];
        }
        return [200, {approval: {
            session_id: sessionId, request_id: requestId, tool_name: 'Bash', input: {command: 'ls'}, cwd: '', description: '',
            status: decision === 'deny' ? 'denied' : 'approved', decided_by: 'alice', decided_at: DECIDED_AT, reason: reason || '',
        }}];
    }],
    ['POST', new RegExp(`^${API}/sessions/([^/]+)/questions/([^/]+)/answer$`), ([sessionId, requestId], {answers}) => {
        if (requestId.includes('refused')) {
            return [403, {error: 'Only participants can answer'}];
        }
        return [200, {question: {session_id: sessionId, request_id: requestId, questions: [], status: 'answered', answers, answered_by: 'alice', answered_at: DECIDED_AT}}];
    }],
    ['POST', new RegExp(`^${API}/sessions/([^/]+)/guests/([^/]+)/decide$`), ([sessionId, requestId], {decision}) => {
        if (requestId === 'g-refused') {
            return [403, {error: 'Only participants can decide'}];
        }
        return [200, {guest: {
            session_id: sessionId, request_id: requestId, user: {id: 'carol00000000000000000000', username: 'carol'}, text: '',
            status: guestOutcome[decision], decided_by: 'alice', decided_at: DECIDED_AT,
        }}];
    }],
    ['POST', new RegExp(`^${API}/sessions/([^/]+)/(interrupt|stop)$`), ([sessionId, action]) => {
        if (sessionId === 'sess-refused') {
            return [403, {error: `Only participants can ${action} this session`}];
        }
        return [200, {ok: true}];
    }],
    ['POST', /^\/api\/v4\/posts\/([^/]+)\/actions\/([A-Za-z0-9]+)$/, () => [200, {status: 'OK'}]],
    ['GET', new RegExp(`^${API}/sessions/([^/]+)/outputs/([^/]+)$`), ([, toolUseId]) => {
        if (toolUseId.includes('fails')) {
            return [500, {error: 'Could not read the stored output'}];
        }
        return [200, FULL_OUTPUT, 'text/plain; charset=utf-8'];
    }],
    ['GET', new RegExp(`^${API}/me/(machines|sessions|approvals)$`), ([what]) => [200, panelData[what]]],
];

function route(req, res, body) {
    for (const [method, pattern, handle] of routes) {
        const match = pattern.exec(req.url);
        if (match && req.method === method) {
            const sent = body ? JSON.parse(body) : {};
            calls.push({method, path: req.url, body: sent, csrf: req.headers['x-csrf-token'], requestedWith: req.headers['x-requested-with']});
            const [status, answer, type = 'application/json'] = handle(match.slice(1).map(decodeURIComponent), sent);
            res.writeHead(status, {'Content-Type': type}).end(typeof answer === 'string' ? answer : JSON.stringify(answer));
            return true;
        }
    }
    return false;
}

/** The one call made since `calls` was last emptied, without the headers every call has. */
export function onlyCall() {
    assert.equal(calls.length, 1, `one request, got ${JSON.stringify(calls)}`);
    const [{method, path, body, csrf, requestedWith}] = calls;
    assert.equal(method, 'POST');
    assert.equal(csrf, 'browser-csrf-token', 'CSRF header');
    assert.equal(requestedWith, 'XMLHttpRequest');
    calls.length = 0;
    return {path, body};
}

const server = () => createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
        body += chunk;
    });
    req.on('end', () => {
        if (route(req, res, body)) {
            return;
        }
        const path = new URL(req.url, 'http://x').pathname;
        if (path === '/favicon.ico') {
            res.writeHead(204).end();
            return;
        }
        const file = files[path];
        if (!file) {
            res.writeHead(404).end('not found');
            return;
        }
        res.writeHead(200, {'Content-Type': file[1], 'Cache-Control': 'no-store'}).end(readFileSync(file[0]));
    });
});

export function reportSize() {
    const gz = gzipSync(readFileSync(bundle), {level: 9}).length;
    console.log(`dist/main.js: ${(readFileSync(bundle).length / 1024).toFixed(1)} KB, ${(gz / 1024).toFixed(1)} KB gzip (budget ${GZIP_BUDGET / 1024} KB)`);
    assert.ok(gz <= GZIP_BUDGET, 'main.js is over its gzip budget');
}


/** Serves the page on a free loopback port; resolves to its base URL and a close function. */
export async function startServer() {
    const srv = server();
    await new Promise((resolve) => srv.listen(0, '127.0.0.1', resolve));
    return {base: `http://127.0.0.1:${srv.address().port}`, close: () => srv.close()};
}

export function launchBrowser() {
    return chromium.launch({
        executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
        args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
            '--disable-component-update', '--disable-sync'],
    });
}
