#!/usr/bin/env node
// Loads the built dist/main.js into a stand-in Mattermost page in Debian's Chromium,
// checks the cards behave (clicks reach the plugin route with the CSRF header), and
// saves a screenshot of every card in a light and a dark theme to screenshots/.
/* global window, document -- used inside page.evaluate(), which runs in the browser */
import assert from 'node:assert/strict';
import {existsSync, mkdirSync, readFileSync} from 'node:fs';
import {createServer} from 'node:http';
import {createRequire} from 'node:module';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {gzipSync} from 'node:zlib';

import {chromium} from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const webapp = join(here, '..');
const require = createRequire(join(webapp, 'package.json'));
const shots = join(webapp, 'screenshots');
const bundle = join(webapp, 'dist', 'main.js');
const GZIP_BUDGET = 150 * 1024;

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

// The plugin's decide route, as docs/protocol.md describes it.
const decisions = [];
function decide(req, res, body) {
    const match = /^\/plugins\/claude-mattermost\/api\/v1\/sessions\/([^/]+)\/approvals\/([^/]+)\/decide$/.exec(req.url);
    if (!match || req.method !== 'POST') {
        return false;
    }
    const [, sessionId, requestId] = match;
    const {decision} = JSON.parse(body);
    decisions.push({requestId, decision, csrf: req.headers['x-csrf-token'], requestedWith: req.headers['x-requested-with']});
    res.setHeader('Content-Type', 'application/json');
    if (requestId === 'req-refused') {
        res.writeHead(403).end(JSON.stringify({error: 'Only session participants can decide'}));
        return true;
    }
    const approval = {
        session_id: sessionId, request_id: requestId, tool_name: 'Bash', input: {command: 'ls'}, cwd: '', description: '',
        status: decision === 'approve' ? 'approved' : 'denied', decided_by: 'alice', decided_at: Date.UTC(2025, 0, 2, 10, 42), reason: '',
    };
    res.writeHead(200).end(JSON.stringify({approval}));
    return true;
}

const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
        body += chunk;
    });
    req.on('end', () => {
        if (decide(req, res, body)) {
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

function reportSize() {
    const gz = gzipSync(readFileSync(bundle), {level: 9}).length;
    console.log(`dist/main.js: ${(readFileSync(bundle).length / 1024).toFixed(1)} KB, ${(gz / 1024).toFixed(1)} KB gzip (budget ${GZIP_BUDGET / 1024} KB)`);
    assert.ok(gz <= GZIP_BUDGET, 'main.js is over its gzip budget');
}

const STREAM = [
    'I found the flaky test.',
    'I found the flaky test. `session.test.ts` reuses one cookie jar',
    'I found the flaky test. `session.test.ts` reuses one cookie jar across tests, so the order matters:\n\n```ts\nconst agent = request.agent(app); // shared',
];

async function checkTheme(browser, base, theme) {
    const page = await browser.newPage({viewport: {width: 820, height: 900}, deviceScaleFactor: 1, colorScheme: theme});
    const errors = [];
    page.on('pageerror', (err) => errors.push(err.message));
    page.on('console', (msg) => {
        // The refused decision is a 403 on purpose.
        if (msg.type() === 'error' && !msg.location().url.includes('/req-refused/')) {
            errors.push(msg.text());
        }
    });
    await page.goto(`${base}/?theme=${theme}`);
    await page.locator('#card-session-working section').waitFor();

    // Streamed text arrives through the registered websocket handler into the reducer.
    for (const text of STREAM) {
        await page.evaluate((t) => window.__host.wsHandlers['custom_claude-mattermost_text']({event: 'custom_claude-mattermost_text', data: {post_id: 'p-t1', session_id: 'sess1', message_id: 'm1', text: t, done: false}}), text);
    }
    const streaming = page.locator('#card-text-streaming');
    await streaming.getByText('reuses one cookie jar across tests').waitFor();
    assert.equal(await streaming.getByRole('status').count(), 1, 'typing indicator while streaming');

    // A person who is not the bot gets no card.
    assert.equal(await page.locator('#card-not-bot button').count(), 0, 'no buttons on a non-bot post');

    // Approve goes to the plugin route with the CSRF header and turns into the decided line.
    const pending = page.locator('#card-approval-pending');
    await pending.screenshot({path: join(shots, `approval-pending-${theme}.png`), animations: 'disabled'});
    decisions.length = 0;
    await pending.getByRole('button', {name: 'Approve'}).click();
    await pending.getByText('Approved by @alice').waitFor();
    await pending.getByText('describe.only', {exact: false}).waitFor();
    assert.deepEqual(decisions, [{requestId: 'req-ok', decision: 'approve', csrf: 'browser-csrf-token', requestedWith: 'XMLHttpRequest'}]);
    await pending.screenshot({path: join(shots, `approval-after-click-${theme}.png`), animations: 'disabled'});

    // A refusal shows the server's reason under the buttons.
    const refused = page.locator('#card-approval-refused');
    await refused.getByRole('button', {name: 'Deny'}).click();
    await refused.getByRole('alert').getByText('Only session participants can decide').waitFor();

    // Long commands wrap inside the card instead of widening it.
    const overflow = await page.locator('#card-approval-pending pre').evaluate((el) => el.scrollWidth - el.clientWidth);
    assert.ok(overflow <= 1, `command block scrolls sideways by ${overflow}px`);

    for (const name of ['session-working', 'session-waiting', 'session-starting', 'session-idle', 'session-ended', 'session-error',
        'approval-refused', 'approval-approved', 'approval-denied', 'approval-edit', 'text-streaming', 'text-done', 'not-bot']) {
        await page.locator(`#card-${name}`).screenshot({path: join(shots, `${name}-${theme}.png`), animations: 'disabled'});
    }
    await page.screenshot({path: join(shots, `all-cards-${theme}.png`), fullPage: true, animations: 'disabled'});

    assert.deepEqual(errors, [], `errors in the ${theme} page`);
    await page.close();
}

// The right-hand sidebar is about 400px wide: cards must stay readable there.
async function checkNarrow(browser, base) {
    const page = await browser.newPage({viewport: {width: 420, height: 900}, deviceScaleFactor: 1});
    await page.goto(`${base}/?theme=light&width=400`);
    await page.locator('#card-session-working section').waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `page scrolls sideways by ${overflow}px at 400px`);
    for (const name of ['session-working', 'approval-pending']) {
        await page.locator(`#card-${name}`).screenshot({path: join(shots, `${name}-narrow.png`), animations: 'disabled'});
    }
    await page.close();
}

async function main() {
    reportSize();
    mkdirSync(shots, {recursive: true});
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${server.address().port}`;
    const browser = await chromium.launch({
        executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
        args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
            '--disable-component-update', '--disable-sync'],
    });
    try {
        for (const theme of ['light', 'dark']) {
            await checkTheme(browser, base, theme);
            console.log(`${theme}: cards render and behave; screenshots in screenshots/`);
        }
        await checkNarrow(browser, base);
        console.log('narrow (right-hand sidebar width): screenshots in screenshots/');
    } finally {
        await browser.close();
        server.close();
    }
}

main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
});
