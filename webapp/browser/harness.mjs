// The browser harness shared by the screenshot test and the render benchmark: a
// stand-in Mattermost page (host.html, host.js) and stand-ins for the plugin's routes,
// served to Debian's Chromium with the built dist/main.js.
import assert from 'node:assert/strict';
import {createHash} from 'node:crypto';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {createServer} from 'node:http';
import {createRequire} from 'node:module';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {gzipSync} from 'node:zlib';

import {chromium} from 'playwright-core';
import webpack from 'webpack';

export const here = dirname(fileURLToPath(import.meta.url));
const webapp = join(here, '..');
const require = createRequire(join(webapp, 'package.json'));
export const shots = join(webapp, 'screenshots');
export const bundle = join(webapp, 'dist', 'main.js');
export const GZIP_BUDGET = 150 * 1024;

/** The globals the Mattermost web app sets for plugins (webapp/channels/src/plugins/export.ts). */
export const WEB_APP_GLOBALS = ['React', 'ReactDOM', 'ReactIntl', 'Redux', 'ReactRedux', 'ReactBootstrap', 'ReactRouterDom', 'PropTypes', 'Luxon'];

/**
 * The Content-Security-Policy the Mattermost server sends with the web app's page
 * (channels/web/handlers.go, FrameAncestors empty): no inline script, no eval. Under a
 * subpath the page's one inline script (window.publicPath) is allowed by its hash
 * (channels/utils/subpath.go).
 */
export function contentSecurityPolicy(inlineScript = '') {
    const hash = inlineScript ? ` 'sha256-${createHash('sha256').update(inlineScript).digest('base64')}'` : '';
    return `frame-ancestors 'self' ; script-src 'self'${hash}`;
}

/**
 * Builds browser/vendor.js the way the web app builds its own libraries (webpack,
 * production mode: no eval), into a temporary directory; resolves to the bundle's text.
 */
async function buildVendor() {
    const out = mkdtempSync(join(tmpdir(), 'claude-mattermost-vendor-'));
    try {
        const stats = await new Promise((resolve, reject) => {
            webpack({
                mode: 'production',
                entry: join(here, 'vendor.js'),
                output: {path: out, filename: 'vendor.js'},
                devtool: false,
                performance: {hints: false},
            }, (err, result) => (err ? reject(err) : resolve(result)));
        });
        if (stats.hasErrors()) {
            throw new Error(stats.toString('errors-only'));
        }
        return readFileSync(join(out, 'vendor.js'));
    } finally {
        rmSync(out, {recursive: true, force: true});
    }
}

// What the page loads from the server's static folder (`<subpath>/static/…`).
const staticFiles = {
    'host.js': [join(here, 'host.js'), 'text/javascript'],
    'host.css': [join(here, 'host.css'), 'text/css'],
    'bootstrap.min.css': [join(dirname(require.resolve('bootstrap/package.json')), 'dist', 'css', 'bootstrap.min.css'), 'text/css'],
    'plugins/claude-mattermost/main.js': [bundle, 'text/javascript'],
};

/** The page, as the server serves root.html: under a subpath with the script that sets window.publicPath. */
function hostPage(subpath) {
    const publicPath = `${subpath}/static/`;
    const inline = subpath ? `window.publicPath='${publicPath}'` : '';
    const html = readFileSync(join(here, 'host.html'), 'utf8')
        .replaceAll('/static/', publicPath)
        .replace('<script id="publicPathInWindowScript"></script>', inline ? `<script id="publicPathInWindowScript">${inline}</script>` : '');
    return {html, csp: contentSecurityPolicy(inline)};
}

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

/** The subpath the page is served under in the subpath test (the root otherwise). */
export const SUBPATH = '/sub';

function route(req, res, body, mount, path) {
    for (const [method, pattern, handle] of routes) {
        const match = pattern.exec(path);
        if (match && req.method === method) {
            const sent = body ? JSON.parse(body) : {};
            calls.push({method, path: mount + path, host: req.headers.host, body: sent, csrf: req.headers['x-csrf-token'], requestedWith: req.headers['x-requested-with']});
            const [status, answer, type = 'application/json'] = handle(match.slice(1).map(decodeURIComponent), sent);
            res.writeHead(status, {'Content-Type': type}).end(typeof answer === 'string' ? answer : JSON.stringify(answer));
            return true;
        }
    }
    return false;
}

/** The address the page was loaded from (host:port), which every request must go to. */
let pageHost = '';

/** The one call made since `calls` was last emptied, without the headers every call has. */
export function onlyCall(host = pageHost) {
    assert.equal(calls.length, 1, `one request, got ${JSON.stringify(calls)}`);
    const [{method, path, body, csrf, requestedWith, host: sentTo}] = calls;
    assert.equal(sentTo, host, 'sent to the address the page was loaded from');
    assert.equal(method, 'POST');
    assert.equal(csrf, 'browser-csrf-token', 'CSRF header');
    assert.equal(requestedWith, 'XMLHttpRequest');
    calls.length = 0;
    return {path, body};
}

const server = (vendor) => createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
        body += chunk;
    });
    req.on('end', () => {
        const full = new URL(req.url, 'http://x');
        if (full.pathname === '/favicon.ico') {
            res.writeHead(204).end();
            return;
        }
        // The page and everything it asks for, at the root or under the subpath.
        const underSubpath = full.pathname === SUBPATH || full.pathname.startsWith(`${SUBPATH}/`);
        const mount = underSubpath ? SUBPATH : '';
        const path = full.pathname.slice(mount.length) || '/';
        if (req.method === 'GET' && path === '/') {
            const {html, csp} = hostPage(mount);
            res.writeHead(200, {'Content-Type': 'text/html', 'Content-Security-Policy': csp, 'Cache-Control': 'no-store'}).end(html);
            return;
        }
        if (req.method === 'GET' && path === '/static/eval-probe.js') {
            // A page script that tries eval: the CSP check of the screenshot test.
            res.writeHead(200, {'Content-Type': 'text/javascript'}).end("try { window.__evalProbe = String(eval('1 + 1')); } catch (err) { window.__evalProbe = err.name; }");
            return;
        }
        if (req.method === 'GET' && path.startsWith('/static/')) {
            const name = path.slice('/static/'.length);
            const file = name === 'vendor.js' ? [null, 'text/javascript'] : staticFiles[name];
            if (file) {
                res.writeHead(200, {'Content-Type': file[1], 'Cache-Control': 'no-store'}).end(file[0] ? readFileSync(file[0]) : vendor);
                return;
            }
        }
        if (route(req, res, body, mount, path + full.search)) {
            return;
        }
        // Anything else the page asked for (another route, a CORS preflight) is a failure the tests see.
        calls.push({method: req.method, path: full.pathname, host: req.headers.host, status: 404});
        res.writeHead(404).end('not found');
    });
});

/**
 * main.js as the web app will load it: within its gzip budget, no eval (the page's
 * Content-Security-Policy forbids it) and externals only among the globals the web app sets.
 */
export function checkBundle() {
    const source = readFileSync(bundle);
    const gz = gzipSync(source, {level: 9}).length;
    console.log(`dist/main.js: ${(source.length / 1024).toFixed(1)} KB, ${(gz / 1024).toFixed(1)} KB gzip (budget ${GZIP_BUDGET / 1024} KB)`);
    assert.ok(gz <= GZIP_BUDGET, 'main.js is over its gzip budget');
    assert.doesNotMatch(source.toString(), /\beval\s*\(|\bnew Function\s*\(/, 'main.js uses eval, which the web app\'s Content-Security-Policy refuses');
    const {externals} = require('./webpack.config.js');
    for (const [module, global] of Object.entries(externals)) {
        assert.ok(WEB_APP_GLOBALS.includes(global), `the external ${module} names window.${global}, which the web app does not set`);
    }
}

/** Serves the page on a free loopback port; resolves to its base URL (and its port) and a close function. */
export async function startServer() {
    const srv = server(await buildVendor());
    await new Promise((resolve) => srv.listen(0, '127.0.0.1', resolve));
    const {port} = srv.address();
    pageHost = `127.0.0.1:${port}`;
    return {base: `http://127.0.0.1:${port}`, port, close: () => srv.close()};
}

export function launchBrowser() {
    return chromium.launch({
        executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
        args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
            '--disable-component-update', '--disable-sync'],
    });
}
