#!/usr/bin/env node
// Loads the built dist/main.js into a stand-in Mattermost page in Debian's Chromium,
// checks the cards behave (clicks reach the plugin route with the CSRF header), and
// saves a screenshot of every card in a light and a dark theme to screenshots/.
/* global window, document -- used inside page.evaluate(), which runs in the browser */
import assert from 'node:assert/strict';
import {mkdirSync} from 'node:fs';
import {join} from 'node:path';

import {calls, launchBrowser, onlyCall, reportSize, shots, startServer} from './harness.mjs';

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
        // The refused requests are 403s on purpose.
        if (msg.type() === 'error' && !/refused/.test(msg.location().url)) {
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

    const shot = (name, locator = page.locator(`#card-${name}`)) => locator.screenshot({path: join(shots, `${name}-${theme}.png`), animations: 'disabled'});

    // Approve goes to the plugin route with the CSRF header and turns into the decided line.
    const pending = page.locator('#card-approval-pending');
    await shot('approval-pending');
    calls.length = 0;
    await pending.getByRole('button', {name: 'Approve', exact: true}).click();
    await pending.getByText('Approved by @alice').waitFor();
    await pending.locator('pre[aria-label="Command"]', {hasText: 'describe.only'}).waitFor();
    assert.deepEqual(onlyCall(), {path: '/plugins/claude-mattermost/api/v1/sessions/sess1/approvals/req-ok/decide', body: {decision: 'approve', reason: ''}});
    await shot('approval-after-click', pending);

    // A refusal shows the server's reason under the buttons.
    const refused = page.locator('#card-approval-refused');
    await refused.getByRole('button', {name: 'Deny', exact: true}).click();
    await refused.getByRole('alert').getByText('Only session participants can decide').waitFor();
    calls.length = 0;

    // Long commands wrap inside the card instead of widening it.
    const overflow = await page.locator('#card-approval-pending pre').evaluate((el) => el.scrollWidth - el.clientWidth);
    assert.ok(overflow <= 1, `command block scrolls sideways by ${overflow}px`);

    // Guest card: a participant invites carol; a refusal shows the server's reason.
    const guest = page.locator('#card-guest-pending');
    await shot('guest-pending');
    await guest.getByRole('button', {name: 'Invite'}).click();
    await guest.getByText('@carol invited by @alice').waitFor();
    assert.deepEqual(onlyCall(), {path: '/plugins/claude-mattermost/api/v1/sessions/sess1/guests/g-ok/decide', body: {decision: 'invite'}});
    assert.equal(await guest.getByRole('button').count(), 0, 'no buttons once decided');
    await shot('guest-after-click', guest);
    const guestRefused = page.locator('#card-guest-refused');
    await guestRefused.getByRole('button', {name: 'Allow once'}).click();
    await guestRefused.getByRole('alert').getByText('Only participants can decide').waitFor();
    calls.length = 0;

    // Context offer: the card's own button clicks the post's interactive button through
    // Mattermost's action route; the server's edit of the post then shows the outcome.
    const offer = page.locator('#card-offer-pending');
    await shot('offer-pending');
    await offer.getByRole('button', {name: 'Include thread'}).click();
    await offer.getByRole('button', {name: 'Include thread'}).and(page.locator(':enabled')).waitFor();
    assert.deepEqual(onlyCall(), {path: '/api/v4/posts/p-o1/actions/include', body: {}});
    await page.evaluate(() => window.__host.editPost('offer-pending', {claude_context_offer: {offer_id: 'o-1', user_id: 'alice00000000000000000000', username: 'alice', count: 12, status: 'included'}}));
    await offer.getByText('Started with the 12 earlier messages of this thread').waitFor();
    assert.equal(await offer.getByRole('button').count(), 0, 'no buttons once answered');

    // The header updates in place: a starting session filling in every field keeps its size.
    const starting = page.locator('#card-session-starting section');
    const before = await starting.boundingBox();
    await page.evaluate(() => window.__host.editSession('session-starting', {
        status: 'working', branch: 'fix/flaky-auth-session', model: 'claude-sonnet-4-5', permission_mode: 'acceptEdits', participants: ['alice', 'bob'],
        cost_usd: 12.5, input_tokens: 1250000, output_tokens: 98000, context_tokens: 199000, context_window: 200000,
    }));
    await starting.getByText('199k of 200k · 100%').waitFor();
    const after = await starting.boundingBox();
    assert.equal(after.height, before.height, `header height moved from ${before.height} to ${after.height} on a live update`);
    await shot('session-live-update', starting);
    await page.evaluate(() => window.__host.resetPost('session-starting'));
    await starting.getByText('Starting').waitFor();

    // Stop asks first; the confirmed stop reaches the route and reads "Stopping…" until the session ends.
    const working = page.locator('#card-session-working');
    await shot('session-working');
    const workingBox = await working.boundingBox();
    await working.getByRole('button', {name: 'Stop'}).click();
    await working.getByRole('button', {name: 'Stop session'}).waitFor();
    assert.equal(calls.length, 0, 'Stop alone sends nothing');
    assert.equal((await working.boundingBox()).height, workingBox.height, 'the confirmation takes the buttons\' place');
    await shot('session-confirm-stop', working);
    await page.keyboard.press('Enter'); // the confirmation has the focus
    await working.getByText('Stopping…').waitFor();
    assert.deepEqual(onlyCall(), {path: '/plugins/claude-mattermost/api/v1/sessions/sess-working/stop', body: {}});
    await shot('session-stopping', working);
    await page.evaluate(() => window.__host.editSession('session-working', {status: 'ended', ended_reason: 'stopped'}));
    await working.getByText('Reply in this thread to resume the session.').waitFor();
    assert.equal(await working.getByRole('button').count(), 0, 'no buttons once ended');
    await page.evaluate(() => window.__host.editSession('session-working', {status: 'starting', ended_reason: ''}));
    await working.getByRole('button', {name: 'Stop'}).and(page.locator(':enabled')).waitFor();
    assert.equal(await working.getByText('Stopping…').count(), 0, 'a resumed session is not "Stopping…"');
    await page.evaluate(() => window.__host.resetPost('session-working'));

    const idle = page.locator('#card-session-idle');
    await idle.getByRole('button', {name: 'Interrupt'}).click();
    await idle.getByRole('button', {name: 'Interrupt'}).and(page.locator(':enabled')).waitFor();
    assert.deepEqual(onlyCall(), {path: '/plugins/claude-mattermost/api/v1/sessions/sess-idle/interrupt', body: {}});

    const sessionRefused = page.locator('#card-session-refused');
    await sessionRefused.getByRole('button', {name: 'Stop'}).click();
    await sessionRefused.getByRole('button', {name: 'Stop session'}).click();
    await sessionRefused.getByRole('alert').getByText('Only participants can stop this session').waitFor();
    calls.length = 0;

    assert.equal(await page.locator('#card-session-watcher button').count(), 0, 'someone who only watches gets no Stop');

    for (const name of ['session-waiting', 'session-starting', 'session-idle', 'session-ended', 'session-ended-idle', 'session-error', 'session-refused', 'session-watcher',
        'guest-refused', 'guest-allowed', 'guest-invited', 'guest-denied', 'offer-others', 'offer-included', 'offer-skipped',
        'approval-refused', 'approval-approved', 'approval-denied', 'approval-expired', 'approval-edit', 'text-streaming', 'text-done', 'not-bot']) {
        await shot(name);
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
    for (const name of ['session-working', 'session-waiting', 'session-error', 'approval-pending', 'approval-expired', 'guest-pending', 'offer-pending']) {
        await page.locator(`#card-${name}`).screenshot({path: join(shots, `${name}-narrow.png`), animations: 'disabled'});
    }
    const working = page.locator('#card-session-working');
    const box = await working.boundingBox();
    // A longer status label must not push the card taller in the sidebar either.
    await page.evaluate(() => window.__host.editSession('session-working', {status: 'waiting', cost_usd: 1234.5, context_tokens: 199999, input_tokens: 12345678}));
    await working.getByText('Waiting for approval').waitFor();
    assert.equal((await working.boundingBox()).height, box.height, 'a live update moves the header in the sidebar');
    await page.evaluate(() => window.__host.resetPost('session-working'));
    await working.getByText('Working').waitFor();
    await working.getByRole('button', {name: 'Stop'}).click();
    await working.getByRole('button', {name: 'Stop session'}).waitFor();
    assert.equal((await working.boundingBox()).height, box.height, 'the confirmation fits in the buttons\' row in the sidebar too');
    await working.screenshot({path: join(shots, 'session-confirm-stop-narrow.png'), animations: 'disabled'});
    await page.close();
}

async function main() {
    reportSize();
    mkdirSync(shots, {recursive: true});
    const {base, close} = await startServer();
    const browser = await launchBrowser();
    try {
        for (const theme of ['light', 'dark']) {
            await checkTheme(browser, base, theme);
            console.log(`${theme}: cards render and behave; screenshots in screenshots/`);
        }
        await checkNarrow(browser, base);
        console.log('narrow (right-hand sidebar width): screenshots in screenshots/');
    } finally {
        await browser.close();
        close();
    }
}

main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
});
