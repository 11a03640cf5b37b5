#!/usr/bin/env node
// Loads the built dist/main.js into a stand-in Mattermost page in Debian's Chromium,
// checks the cards behave (clicks reach the plugin route with the CSRF header), and
// saves a screenshot of every card in a light and a dark theme to screenshots/.
/* global window, document, getComputedStyle -- used inside page.evaluate(), which runs in the browser */
import assert from 'node:assert/strict';
import {mkdirSync} from 'node:fs';
import {join} from 'node:path';

import {calls, checkBundle, launchBrowser, onlyCall, shots, startServer, SUBPATH} from './harness.mjs';

const STREAM = [
    'I found the flaky test.',
    'I found the flaky test. `session.test.ts` reuses one cookie jar',
    'I found the flaky test. `session.test.ts` reuses one cookie jar across tests, so the order matters:\n\n```ts\nconst agent = request.agent(app); // shared',
];

// The App Bar, on by default, takes this much of the page's width at the right.
const APP_BAR = 48;

/**
 * A new page at `url`, once the plugin is loaded: `errors` collects what the page threw,
 * logged as an error or refused under its Content-Security-Policy.
 */
async function openPage(browser, url, {width, theme = 'light'}) {
    const page = await browser.newPage({viewport: {width, height: 900}, deviceScaleFactor: 1, colorScheme: theme});
    const errors = [];
    page.on('pageerror', (err) => errors.push(err.message));
    page.on('console', (msg) => {
        // The refused requests (403) and the failing output (500) are on purpose.
        if (msg.type() === 'error' && !/refused|fails/.test(msg.location().url)) {
            errors.push(msg.text());
        }
    });
    await page.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP refused ${e.violatedDirective}: ${e.blockedURI}`));
    });
    await page.goto(url);
    await page.waitForFunction(() => window.__host && window.__host.ready);
    return {page, errors};
}

async function checkTheme(browser, base, theme) {
    const {page, errors} = await openPage(browser, `${base}/?theme=${theme}`, {width: 820 + APP_BAR, theme});
    await page.locator('#card-session-working section').waitFor();

    // The page is as strict as the web app's: a page script's eval and an inline script are refused.
    await page.evaluate(() => {
        const inline = document.createElement('script');
        inline.textContent = 'window.__inlineProbe = true';
        document.head.append(inline);
        const probe = document.createElement('script');
        probe.src = 'static/eval-probe.js';
        document.head.append(probe);
    });
    await page.waitForFunction(() => window.__evalProbe !== undefined);
    assert.equal(await page.evaluate(() => window.__evalProbe), 'EvalError', 'the page refuses eval, as the web app does');
    assert.equal(await page.evaluate(() => window.__inlineProbe), undefined, 'the page refuses inline scripts, as the web app does');
    const violations = errors.splice(0).filter((e) => /^CSP refused script-src/.test(e));
    assert.equal(violations.length, 2, `the page reported both refusals: ${violations}`);

    // Bootstrap's and Mattermost's rules for bare elements stay out of the cards: no bold
    // terms or option descriptions, no 21px legend, no 17.5px quote with a glyph, no pre
    // breaking words anywhere.
    const looks = await page.evaluate(() => {
        const style = (selector, pseudo) => getComputedStyle(document.querySelector(selector), pseudo);
        return {
            term: style('#card-approval-pending dt.cm-label').fontWeight,
            option: style('#card-question-multi .cm-option__desc').fontWeight,
            legend: style('#card-question-multi legend').fontSize,
            quote: style('#card-guest-pending blockquote').fontSize,
            glyph: style('#card-guest-pending blockquote', '::before').content,
            pre: style('#card-approval-pending pre').wordBreak,
        };
    });
    assert.deepEqual(looks, {term: '400', option: '400', legend: '14px', quote: '14px', glyph: 'none', pre: 'normal'}, 'host styles leak into the cards');

    // Streamed text arrives through the registered websocket handler into the reducer.
    for (const text of STREAM) {
        await page.evaluate((t) => window.__host.wsHandlers['custom_claude-mattermost_text']({event: 'custom_claude-mattermost_text', data: {post_id: 'p-t1', session_id: 'sess1', message_id: 'm1', text: t, done: false}}), text);
    }
    const streaming = page.locator('#card-text-streaming');
    await streaming.getByText('reuses one cookie jar across tests').waitFor();
    assert.equal(await streaming.getByRole('status').count(), 1, 'typing indicator while streaming');

    // A person who is not the bot gets no card.
    assert.equal(await page.locator('#card-not-bot .post__body button').count(), 0, 'no buttons on a non-bot post');

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
    assert.equal(await guest.locator('.post__body').getByRole('button').count(), 0, 'no buttons once decided');
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
    assert.equal(await offer.locator('.post__body').getByRole('button').count(), 0, 'no buttons once answered');

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
    assert.equal(await working.locator('.post__body').getByRole('button').count(), 0, 'no buttons once ended');
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

    assert.equal(await page.locator('#card-session-watcher .post__body button').count(), 0, 'someone who only watches gets no Stop');

    for (const name of ['session-waiting', 'session-starting', 'session-offline-machine', 'session-idle', 'session-ended', 'session-ended-idle', 'session-error', 'session-refused', 'session-watcher', 'session-terminal-away',
        'guest-refused', 'guest-allowed', 'guest-invited', 'guest-denied', 'offer-others', 'offer-included', 'offer-skipped',
        'approval-refused', 'approval-approved', 'approval-denied', 'approval-expired', 'approval-edit', 'text-streaming', 'text-done', 'not-bot']) {
        await shot(name);
    }
    await checkRichCards(page, shot);
    await page.screenshot({path: join(shots, `all-cards-${theme}.png`), fullPage: true, animations: 'disabled'});

    assert.deepEqual(errors, [], `errors in the ${theme} page`);
    await page.close();
}

const RICH_CARDS = ['approval-all', 'approval-reason', 'approval-diff', 'approval-long-diff', 'approval-new-file', 'approval-read', 'approval-grep',
    'approval-web', 'approval-search', 'approval-mcp', 'approval-task', 'approval-approved-all', 'diff-applied', 'todo-progress', 'todo-done',
    'plan-pending', 'plan-approved', 'plan-changes', 'question-single', 'question-multi', 'question-answered', 'question-expired',
    'output-collapsed', 'output-error', 'output-fails'];

/** Rich cards: each one's screenshot, then what its buttons send and show. */
async function checkRichCards(page, shot) {
    for (const name of RICH_CARDS) {
        await shot(name);
    }

    // Approve all asks first, then sends approve_all and says what it means.
    const all = page.locator('#card-approval-all');
    await all.getByRole('button', {name: 'Approve all'}).click();
    await all.getByText('Approve this and every later request in this session?').waitFor();
    assert.equal(calls.length, 0, 'Approve all alone sends nothing');
    await shot('approval-all-confirm', all);
    await page.keyboard.press('Enter'); // the confirmation has the focus
    await all.getByText('Approve all: Claude now runs every tool in this session without asking.').waitFor();
    assert.deepEqual(onlyCall(), {path: '/plugins/claude-mattermost/api/v1/sessions/sess1/approvals/req-all/decide', body: {decision: 'approve_all', reason: ''}});

    // Deny with reason: the reason box takes the buttons' place; the reason goes in the body.
    const reason = page.locator('#card-approval-reason');
    const reasonBox = await reason.boundingBox();
    await reason.getByRole('button', {name: 'Deny with reason…'}).click();
    await page.keyboard.type('Keep node_modules; run npm ci only in CI.');
    await shot('approval-reason-open', reason);
    await reason.getByRole('button', {name: 'Deny', exact: true}).click();
    await reason.getByText('Reason: Keep node_modules; run npm ci only in CI.').waitFor();
    assert.deepEqual(onlyCall(), {path: '/plugins/claude-mattermost/api/v1/sessions/sess1/approvals/req-reason/decide', body: {decision: 'deny', reason: 'Keep node_modules; run npm ci only in CI.'}});
    assert.ok((await reason.boundingBox()).width === reasonBox.width, 'the reason box keeps the card\'s width');

    // A long diff shows 40 lines, then all of them; the card never scrolls sideways.
    const long = page.locator('#card-approval-long-diff');
    assert.equal(await long.locator('.cm-code-line').count(), 41, 'hunk header and 40 lines');
    await long.getByRole('button', {name: 'Show all 300 lines'}).click();
    await long.getByRole('button', {name: 'Show fewer lines'}).waitFor();
    assert.equal(await long.locator('.cm-code-line').count(), 301);
    await shot('approval-long-diff-all', long);
    const sideways = await page.locator('#card-approval-diff .cm-code').evaluate((el) => el.scrollWidth - el.clientWidth);
    assert.ok(sideways <= 1, `diff scrolls sideways by ${sideways}px`);

    // The todo panel folds (remembered in the plugin store) and keeps its height when an item moves on.
    const todo = page.locator('#card-todo-progress');
    const todoBox = await todo.boundingBox();
    await page.evaluate(() => window.__host.editPost('todo-progress', {claude_todo: {
        session_id: 'sess1', done: 3, total: 5, todos: [
            {content: 'Find the flaky test in src/auth', status: 'completed', activeForm: 'Finding the flaky test'},
            {content: 'Give each test its own cookie jar', status: 'completed', activeForm: 'Giving each test its own cookie jar'},
            {content: 'Run the auth suite 20 times', status: 'completed', activeForm: 'Running the auth suite 20 times'},
            {content: 'Check the retry logic in src/auth/refresh.ts, which swallows the real error when the token endpoint times out', status: 'in_progress', activeForm: 'Checking the retry logic'},
            {content: 'Open a pull request', status: 'pending', activeForm: 'Opening a pull request'},
        ]}}));
    await todo.getByText('3 of 5 done').waitFor();
    assert.equal((await todo.boundingBox()).height, todoBox.height, 'a todo update moves the thread');
    await shot('todo-live-update', todo);
    await todo.getByRole('button', {name: 'Tasks'}).click();
    await todo.getByRole('button', {name: 'Tasks', expanded: false}).waitFor();
    await shot('todo-collapsed', todo);
    await todo.getByRole('button', {name: 'Tasks'}).click();
    await page.evaluate(() => window.__host.resetPost('todo-progress'));

    // Request changes sends a denial with the reviewer's words.
    const planCard = page.locator('#card-plan-pending');
    await planCard.getByRole('button', {name: 'Request changes…'}).click();
    await page.keyboard.type('Keep the shared agent for read-only tests.');
    await shot('plan-request-changes', planCard);
    await planCard.getByRole('button', {name: 'Request changes', exact: true}).click();
    await planCard.getByText('Changes requested by @alice').waitFor();
    assert.deepEqual(onlyCall(), {path: '/plugins/claude-mattermost/api/v1/sessions/sess1/approvals/plan-1/decide', body: {decision: 'deny', reason: 'Keep the shared agent for read-only tests.'}});

    // A question: a radio choice, checkboxes and free text, answered in one request.
    const multi = page.locator('#card-question-multi');
    const multiBox = await multi.boundingBox();
    await multi.getByRole('radio', {name: 'Jest'}).check();
    await multi.getByRole('checkbox', {name: 'Lint'}).check();
    await multi.getByRole('checkbox', {name: 'Auth suite ×20'}).check();
    await multi.getByRole('textbox', {name: 'Other answer to: Which checks should run before the pull request?'}).fill('Bench the login route');
    assert.equal((await multi.boundingBox()).height, multiBox.height, 'choosing options moves the card');
    await shot('question-chosen', multi);
    await multi.getByRole('button', {name: 'Submit'}).click();
    await multi.getByText('Answered by @alice').waitFor();
    assert.deepEqual(onlyCall(), {path: '/plugins/claude-mattermost/api/v1/sessions/sess1/questions/q-2/answer', body: {answers: {
        'Which test runner should the new tests use?': 'Jest',
        'Which checks should run before the pull request?': 'Lint, Auth suite ×20, Bench the login route',
    }}});
    await shot('question-after-submit', multi);

    // Tool output: folded, open with the first lines, then all of it from the plugin.
    const output = page.locator('#card-output-collapsed');
    await output.getByRole('button', {name: /^Bash · npm test/}).click();
    await output.getByRole('region', {name: 'Output of npm test -- --runInBand src/auth'}).waitFor();
    await shot('output-expanded', output);
    await output.getByRole('button', {name: 'Show all 120 lines'}).click();
    await output.getByText('Tests: 3 failed, 117 passed, 120 total').waitFor();
    assert.equal(calls.length, 1);
    assert.deepEqual([calls[0].method, calls[0].path], ['GET', '/plugins/claude-mattermost/api/v1/sessions/sess1/outputs/tu-ok']);
    calls.length = 0;
    await shot('output-all', output);
    const failing = page.locator('#card-output-fails');
    await failing.getByRole('button', {name: /^Bash · npm test/}).click();
    await failing.getByRole('button', {name: 'Show all 120 lines'}).click();
    await failing.getByRole('alert').getByText('Could not load the whole output: Could not read the stored output').waitFor();
    await shot('output-fetch-error', failing);
    calls.length = 0;
    const outputError = page.locator('#card-output-error');
    await outputError.getByRole('button', {name: /^Bash · go test/}).click();
    await shot('output-error-expanded', outputError);

    // The right-hand panel: opened from the App Bar (the channel header shows no button while
    // it is on), its three lists from the plugin's routes.
    assert.equal(await page.locator('#channel-header button').count(), 0, 'no channel header button while the App Bar is on');
    await page.getByRole('toolbar', {name: 'App Bar'}).getByRole('button', {name: 'Claude Code'}).click();
    const rhs = page.locator('#rhs');
    await rhs.getByText('alice-thinkpad').first().waitFor();
    await rhs.getByText('npm test -- --runInBand src/auth').waitFor();
    assert.deepEqual(calls.map((c) => `${c.method} ${c.path}`).sort(), [
        'GET /plugins/claude-mattermost/api/v1/me/approvals', 'GET /plugins/claude-mattermost/api/v1/me/machines', 'GET /plugins/claude-mattermost/api/v1/me/sessions',
    ]);
    calls.length = 0;
    await shot('rhs', rhs);
    // A refresh event refetches only the list it names.
    await page.evaluate(() => window.__host.wsHandlers['custom_claude-mattermost_refresh']({event: 'custom_claude-mattermost_refresh', data: {what: 'machines'}}));
    await page.waitForFunction(() => window.__host.store.getState()['plugins-claude-mattermost'].panel.machines.loading === false);
    assert.deepEqual(calls.map((c) => `${c.method} ${c.path}`), ['GET /plugins/claude-mattermost/api/v1/me/machines']);
    calls.length = 0;
    await rhs.getByRole('button', {name: 'Approve'}).click();
    await rhs.getByText('npm test -- --runInBand src/auth').waitFor({state: 'detached'});
    // The decision, then the list of what waits is fetched again.
    const panelSettled = () => page.waitForFunction(() => Object.values(window.__host.store.getState()['plugins-claude-mattermost'].panel).every((list) => !list.loading));
    await panelSettled();
    assert.deepEqual(calls.map((c) => `${c.method} ${c.path}`), [
        'POST /plugins/claude-mattermost/api/v1/sessions/sess1/approvals/rhs-1/decide', 'GET /plugins/claude-mattermost/api/v1/me/approvals',
    ]);
    calls.length = 0;
    // After a websocket reconnect events may have been missed: the open panel reloads its lists.
    await page.evaluate(() => window.__host.reconnect());
    await panelSettled();
    assert.deepEqual(calls.map((c) => `${c.method} ${c.path}`).sort(), [
        'GET /plugins/claude-mattermost/api/v1/me/approvals', 'GET /plugins/claude-mattermost/api/v1/me/machines', 'GET /plugins/claude-mattermost/api/v1/me/sessions',
    ], 'the reconnect handler reloads the panel');
    calls.length = 0;
    await page.getByRole('toolbar', {name: 'App Bar'}).getByRole('button', {name: 'Claude Code'}).click();
    await rhs.waitFor({state: 'detached'});
    calls.length = 0;
}

// Wide: a diff in a container of 900px or more can show old and new side by side.
async function checkWide(browser, base) {
    for (const theme of ['light', 'dark']) {
        const {page} = await openPage(browser, `${base}/?theme=${theme}&width=1300`, {width: 1320 + APP_BAR, theme});
        const diff = page.locator('#card-approval-diff');
        await diff.getByRole('button', {name: 'Split', pressed: true}).waitFor();
        await diff.screenshot({path: join(shots, `approval-diff-split-${theme}.png`), animations: 'disabled'});
        await page.locator('#card-diff-applied').screenshot({path: join(shots, `diff-applied-split-${theme}.png`), animations: 'disabled'});
        await diff.getByRole('button', {name: 'Unified'}).click();
        await diff.getByRole('button', {name: 'Unified', pressed: true}).waitFor();
        await page.close();
    }
}

// The right-hand sidebar is about 400px wide: cards must stay readable there.
async function checkNarrow(browser, base) {
    const {page} = await openPage(browser, `${base}/?theme=light&width=400`, {width: 420 + APP_BAR});
    await page.locator('#card-session-working section').waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `page scrolls sideways by ${overflow}px at 400px`);
    for (const name of ['session-working', 'session-waiting', 'session-error', 'approval-pending', 'approval-expired', 'guest-pending', 'offer-pending', ...RICH_CARDS]) {
        await page.locator(`#card-${name}`).screenshot({path: join(shots, `${name}-narrow.png`), animations: 'disabled'});
    }
    assert.equal(await page.locator('#card-approval-diff .cm-segmented').count(), 0, 'no split view in the sidebar');
    const all = page.locator('#card-approval-all');
    await all.getByRole('button', {name: 'Approve all'}).click();
    await all.getByText('Approve this and every later request in this session?').waitFor({state: 'visible'});
    await all.screenshot({path: join(shots, 'approval-all-confirm-narrow.png'), animations: 'disabled'});
    await page.getByRole('toolbar', {name: 'App Bar'}).getByRole('button', {name: 'Claude Code'}).click();
    await page.locator('#rhs').getByText('alice-thinkpad').first().waitFor();
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

// With DisableAppBar the channel header shows the plugin's button, and there is no App Bar.
async function checkAppBarOff(browser, base) {
    const {page, errors} = await openPage(browser, `${base}/?theme=light&appbar=off`, {width: 820});
    assert.equal(await page.locator('#app-bar').count(), 0, 'no App Bar when DisableAppBar is true');
    const button = page.locator('#channel-header').getByRole('button', {name: 'Claude Code: your sessions and what waits for you'});
    await page.locator('#channel-header').screenshot({path: join(shots, 'channel-header-button-light.png'), animations: 'disabled'});
    await button.click();
    await page.locator('#rhs').getByText('alice-thinkpad').first().waitFor();
    await button.click();
    await page.locator('#rhs').waitFor({state: 'detached'});
    calls.length = 0;
    assert.deepEqual(errors, [], 'errors in the page without the App Bar');
    await page.close();
}

/**
 * Served under a subpath, reached at another address than the Site URL says: every
 * request goes to the page's own origin and subpath, and links point there too.
 */
async function checkSiteURLs(browser, port) {
    const page = `http://localhost:${port}${SUBPATH}/`;
    const host = `localhost:${port}`;
    const api = `${SUBPATH}/plugins/claude-mattermost/api/v1`;
    const siteURLs = [
        ['empty', ''],
        ['with a trailing slash', `http://localhost:${port}/`],
        ['with a path', `http://localhost:${port}${SUBPATH}/`],
        ['elsewhere, with a path', 'https://chat.example.com/mattermost'],
        ['another host name for this server', `http://127.0.0.1:${port}${SUBPATH}`],
    ];
    for (const [what, siteURL] of siteURLs) {
        const {page: tab, errors} = await openPage(browser, `${page}?theme=light&siteurl=${encodeURIComponent(siteURL)}`, {width: 820 + APP_BAR});
        calls.length = 0;
        const approval = tab.locator('#card-approval-pending');
        await approval.getByRole('button', {name: 'Approve', exact: true}).click();
        await approval.getByText('Approved by @alice').waitFor();
        assert.deepEqual(onlyCall(host), {path: `${api}/sessions/sess1/approvals/req-ok/decide`, body: {decision: 'approve', reason: ''}}, `Site URL ${what}`);

        const offer = tab.locator('#card-offer-pending');
        await offer.getByRole('button', {name: 'Include thread'}).click();
        await offer.getByRole('button', {name: 'Include thread'}).and(tab.locator(':enabled')).waitFor();
        assert.deepEqual(onlyCall(host), {path: `${SUBPATH}/api/v4/posts/p-o1/actions/include`, body: {}}, `Site URL ${what}`);

        const output = tab.locator('#card-output-collapsed');
        await output.getByRole('button', {name: /^Bash · npm test/}).click();
        await output.getByRole('button', {name: 'Show all 120 lines'}).click();
        await output.getByText('Tests: 3 failed, 117 passed, 120 total').waitFor();
        assert.deepEqual(calls.map((c) => [c.method, c.path, c.host]), [['GET', `${api}/sessions/sess1/outputs/tu-ok`, host]], `Site URL ${what}`);
        calls.length = 0;

        await tab.getByRole('toolbar', {name: 'App Bar'}).getByRole('button', {name: 'Claude Code'}).click();
        const rhs = tab.locator('#rhs');
        await rhs.getByText('npm test -- --runInBand src/auth').waitFor();
        assert.deepEqual(calls.map((c) => [c.method, c.path, c.host]).sort(), ['approvals', 'machines', 'sessions'].map((list) => ['GET', `${api}/me/${list}`, host]), `Site URL ${what}`);
        calls.length = 0;
        assert.equal(await rhs.getByRole('link', {name: 'Review the plan →'}).getAttribute('href'), `http://localhost:${port}${SUBPATH}/_redirect/pl/p-plan1`, `Site URL ${what}`);

        assert.deepEqual(errors, [], `errors with the Site URL ${what}`);
        await tab.close();
    }
}

/**
 * Cards with props they were not written for (wrong types, missing fields, 1 MB strings,
 * an older plugin version's shapes, props that throw when read) among the others: each
 * shows itself or its message, a card that throws is logged once, and the rest of the
 * channel keeps working.
 */
async function checkHostile(browser, base) {
    const {page, errors} = await openPage(browser, `${base}/?theme=light`, {width: 820 + APP_BAR});
    // The failing cards and the wrong types first, for their screenshots: the 1 MB cards
    // below make the page too tall for Chromium to paint all of it.
    const add = (only) => page.evaluate((variantsWanted) => {
        const host = window.__host;
        const MB = 'x'.repeat(1 << 20);
        const mapLeaves = (value, leaf) => {
            if (Array.isArray(value)) {
                return value.map((v) => mapLeaves(v, leaf));
            }
            if (typeof value === 'object' && value !== null) {
                return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapLeaves(v, leaf)]));
            }
            return leaf(value);
        };
        const variants = {
            'wrong-types': (props) => mapLeaves(props, (v) => (typeof v === 'string' ? 7 : typeof v === 'number' ? 'seven' : 'yes')),
            'missing-fields': (props) => Object.fromEntries(Object.keys(props).map((k) => [k, {}])),
            'one-mb-strings': (props) => mapLeaves(props, (v) => (typeof v === 'string' ? MB : v)),
            'older-version': (props) => mapLeaves(props, (v) => {
                if (typeof v === 'number') {
                    return v === 0 ? '2025-01-02T10:42:00Z' : String(v);
                }
                return ['pending', 'working', 'in_progress'].includes(v) ? 'waiting_for_input' : v;
            }),
        };
        const sources = {
            session: 'session-working', approval: 'approval-diff', text: 'text-done', guest: 'guest-pending', offer: 'offer-pending',
            diff: 'diff-applied', todo: 'todo-progress', plan: 'plan-pending', question: 'question-multi', output: 'output-collapsed',
        };
        const entries = [];
        const failing = [];
        for (const [kind, source] of Object.entries(sources)) {
            const good = host.post(source);
            for (const [variant, change] of Object.entries(variants).filter(([v]) => variantsWanted.includes(v))) {
                entries.push([`hostile-${kind}-${variant}`, Object.assign({}, good, {id: `h-${kind}-${variant}`, props: change(good.props)})]);
            }
            if (variantsWanted.includes('throws')) {
                // Props that throw when read: the card fails while rendering, as a bug would make it.
                const throws = Object.assign({}, good, {id: `h-${kind}-throws`, message: `Claude Code ${kind} card: what it says on the phone`});
                Object.defineProperty(throws, 'props', {get() {
                    throw new Error(`hostile props of ${kind}`);
                }});
                entries.push([`hostile-${kind}-throws`, throws]);
                failing.push(`hostile-${kind}-throws`);
            }
        }
        host.addCards(entries);
        return {names: entries.map(([name]) => name), throwing: failing};
    }, only);
    const first = await add(['throws', 'wrong-types']);
    await page.locator(`#card-${first.names[first.names.length - 1]}`).waitFor();
    await page.locator('#card-hostile-approval-throws').screenshot({path: join(shots, 'hostile-fallback-light.png'), animations: 'disabled'});
    await page.locator('#card-hostile-approval-wrong-types').screenshot({path: join(shots, 'hostile-wrong-types-light.png'), animations: 'disabled'});
    const rest = await add(['missing-fields', 'one-mb-strings', 'older-version']);
    await page.locator(`#card-${rest.names[rest.names.length - 1]}`).waitFor();
    const names = [...first.names, ...rest.names];
    const {throwing} = first;

    for (const name of names) {
        const shown = await page.locator(`#card-${name} .post__body`).evaluate((el) => el.innerText.trim().length);
        assert.ok(shown > 0, `${name} shows nothing`);
    }
    for (const name of throwing) {
        const kind = name.split('-')[1];
        await page.locator(`#card-${name}`).getByText(`Claude Code ${kind} card: what it says on the phone`).waitFor();
    }

    // The rest of the channel works: a card still renders, and its button still reaches the plugin.
    calls.length = 0;
    const approval = page.locator('#card-approval-pending');
    await approval.getByRole('button', {name: 'Approve', exact: true}).click();
    await approval.getByText('Approved by @alice').waitFor();
    onlyCall();

    // Logged once each, also when the same post mounts again (the web app remounts posts
    // scrolled back into view) and fails again.
    await page.evaluate(() => window.__host.addCards([['hostile-plan-again', window.__host.post('hostile-plan-throws')]]));
    await page.locator('#card-hostile-plan-again').getByText('Claude Code plan card: what it says on the phone').waitFor();
    const ours = errors.filter((e) => e.startsWith('claude-mattermost:'));
    assert.deepEqual(ours.map((e) => e.split(' failed')[0]).sort(), throwing.map((name) => {
        const kind = name.split('-')[1];
        return `claude-mattermost: the custom_claude_${{text: 'text', offer: 'offer', output: 'tool_output'}[kind] ?? kind} card of post h-${kind}-throws`;
    }).sort());
    // What else reached the console is React's own report of the errors the boundaries caught.
    const others = errors.filter((e) => !e.startsWith('claude-mattermost:') && !/hostile props of/.test(e));
    assert.deepEqual(others, [], 'errors in the page with hostile cards');
    await page.close();
}

async function main() {
    checkBundle();
    mkdirSync(shots, {recursive: true});
    const {base, port, close} = await startServer();
    const browser = await launchBrowser();
    try {
        for (const theme of ['light', 'dark']) {
            await checkTheme(browser, base, theme);
            console.log(`${theme}: cards render and behave; screenshots in screenshots/`);
        }
        await checkNarrow(browser, base);
        console.log('narrow (right-hand sidebar width): screenshots in screenshots/');
        await checkWide(browser, base);
        console.log('wide: split diffs in screenshots/');
        await checkAppBarOff(browser, base);
        console.log('DisableAppBar: the channel header button opens the panel');
        await checkHostile(browser, base);
        console.log('hostile props: every card shows itself or its message; the rest of the channel works');
        await checkSiteURLs(browser, port);
        console.log(`under ${SUBPATH}/, whatever the Site URL: every request goes to the page's origin and subpath`);
    } finally {
        await browser.close();
        close();
    }
}

main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
});
