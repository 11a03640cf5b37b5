// A stand-in for the Mattermost web app: the globals a plugin bundle expects (vendor.js),
// a plugin registry, a Redux store shaped like the web app's, the channel header, the
// App Bar, the right-hand sidebar, and posts for every card in the markup the web app
// wraps a post type component in.
//
// Query parameters: theme=light|dark; width=<px> (the posts' column); siteurl=<the
// server's configured Site URL> (default https://chat.example.com, another address than
// the page's); appbar=off (DisableAppBar: the channel header shows plugin buttons instead).
/* global React, ReactDOM, Redux, ReactRedux */
(function () {
    'use strict';

    const params = new URLSearchParams(location.search);
    const theme = params.get('theme') || 'light';
    document.documentElement.className = `theme-${theme}`;
    // ?width=400 lays the posts out as narrow as the right-hand sidebar.
    const width = params.get('width');
    if (width) {
        document.documentElement.style.setProperty('--root-width', `${Number(width)}px`);
    }
    document.cookie = 'MMCSRF=browser-csrf-token';
    // As the web app does (entry.tsx): the subpath comes from the public path the server
    // wrote into the page, '/static/' at the root.
    const publicPath = window.publicPath || '/static/';
    window.basename = publicPath.slice(0, publicPath.length - '/static/'.length);

    const BOT = {id: 'bot0000000000000000000000', username: 'claude', is_bot: true};
    const ALICE = {id: 'alice00000000000000000000', username: 'alice', is_bot: false};
    const BOB = {id: 'bob0000000000000000000000', username: 'bob', is_bot: false};
    const CAROL = {id: 'carol00000000000000000000', username: 'carol', is_bot: false};
    const DECIDED_AT = Date.UTC(2025, 0, 2, 10, 42);
    const LONG_COMMAND = "find . -name '*.test.ts' -newer package.json -print0 | xargs -0 grep -l 'describe.only' | while read f; do sed -i 's/describe.only/describe/' \"$f\"; echo \"fixed $f\"; done && NODE_OPTIONS=--max-old-space-size=4096 npm test -- --runInBand --testPathPattern='src/auth/.*(session|token).*\\.test\\.ts$' 2>&1 | tee /tmp/claude-auth-run.log";

    // Minimal markdown: code fences, headings, lists, inline code, bold, paragraphs, in
    // the markup Mattermost's renderer gives them. Mattermost's own renderer does far
    // more; this is only so markdown in a card looks like a post.
    function escapeHtml(s) {
        return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    }
    function inline(s) {
        return escapeHtml(s).replace(/`([^`]+)`/g, '<code>$1</code>').replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');
    }
    function block(p) {
        const heading = /^(#{1,6}) (.*)$/.exec(p);
        if (heading) {
            const level = heading[1].length;
            return `<h${level} class="markdown__heading">${inline(heading[2])}</h${level}>`;
        }
        const lines = p.split('\n');
        if (lines.every((l) => /^\d+\. /.test(l))) {
            return `<ol class="markdown__list">${lines.map((l) => `<li>${inline(l.replace(/^\d+\. /, ''))}</li>`).join('')}</ol>`;
        }
        if (lines.every((l) => /^[-*] /.test(l))) {
            return `<ul class="markdown__list">${lines.map((l) => `<li>${inline(l.slice(2))}</li>`).join('')}</ul>`;
        }
        return `<p>${lines.map(inline).join('<br>')}</p>`;
    }
    function formatText(text) {
        const out = [];
        const parts = text.split(/^```[^\n]*\n([\s\S]*?)^```[ \t]*$/m);
        parts.forEach((part, i) => {
            if (i % 2 === 1) {
                out.push(`<div class="post-code"><code class="hljs">${escapeHtml(part.replace(/\n$/, ''))}</code></div>`);
                return;
            }
            part.split(/\n{2,}/).map((p) => p.trim()).filter((p) => p !== '').forEach((p) => out.push(block(p)));
        });
        return out.join('');
    }
    window.PostUtils = {
        formatText,
        messageHtmlToComponent: (html) => React.createElement('div', {dangerouslySetInnerHTML: {__html: html}}),
    };

    const approval = (requestId, overrides) => Object.assign({
        session_id: 'sess1', request_id: requestId, tool_name: 'Bash', input: {command: LONG_COMMAND},
        cwd: '/home/alice/src/payments-service', description: 'Un-focus skipped tests and run the auth suite',
        status: 'pending', decided_by: '', decided_at: 0, reason: '',
    }, overrides);
    const session = (status, overrides) => Object.assign({
        id: 'sess1', status, machine_name: 'alice-thinkpad', cwd: '/home/alice/src/payments-service', branch: 'fix/flaky-auth-session',
        owner_id: ALICE.id, owner_username: 'alice', participants: ['alice', 'bob'], model: 'claude-sonnet-4-5', permission_mode: 'default',
        cost_usd: 0.4231, input_tokens: 48210, output_tokens: 6120, context_tokens: 41000, context_window: 200000,
        last_activity: DECIDED_AT, ended_reason: '', claude_session_id: 'f3c1',
        prompt: 'fix the flaky test in src/auth: it fails about one run in ten on CI, never locally',
    }, overrides);
    const guest = (requestId, overrides) => Object.assign({
        session_id: 'sess1', request_id: requestId, user: {id: CAROL.id, username: 'carol'},
        text: 'Also check the retry logic in `src/auth/refresh.ts` — it swallows the real error, which is probably why the test only fails on CI.',
        status: 'pending', decided_by: '', decided_at: 0,
    }, overrides);
    // props.claude_context_offer as server/cards/offer.go writes it.
    const offer = (offerId, overrides) => Object.assign({
        offer_id: offerId, user_id: ALICE.id, username: 'alice', count: 12, status: 'pending',
    }, overrides);
    // The offer's interactive buttons as clients get them (Mattermost strips the integration).
    const offerButtons = [{fallback: 'Include thread or start without', actions: [
        {id: 'include', name: 'Include thread', type: 'button', style: 'primary'},
        {id: 'without', name: 'Start without', type: 'button', style: 'default'},
    ]}];
    const post = (id, type, props, message, userId, createAt) => ({id, type, props, message: message || '', user_id: userId || BOT.id, channel_id: 'c1', root_id: 'sessroot', create_at: createAt || 0});

    // [name, post]: each gets its own element #card-<name> for a screenshot.
    // What the server does not know before the agent's first report (the branch it does: `on branch …`).
    const unknownYet = {model: '', cost_usd: 0, participants: [], permission_mode: '', input_tokens: 0, output_tokens: 0, context_tokens: 0, context_window: 0};
    const cards = [
        ['session-working', post('p-s1', 'custom_claude_session', {claude_session: session('working', {id: 'sess-working'})}, 'Claude Code session')],
        ['session-waiting', post('p-s2', 'custom_claude_session', {claude_session: session('waiting', {id: 'sess-waiting', cost_usd: 1.07, permission_mode: 'bypassPermissions', participants: ['bob', 'alice', 'carol'], context_tokens: 172400})}, 'Claude Code session')],
        ['session-starting', post('p-s3', 'custom_claude_session', {claude_session: session('starting', Object.assign({id: 'sess-starting'}, unknownYet))}, 'Claude Code session')],
        ['session-offline-machine', post('p-s11', 'custom_claude_session', {claude_session: session('starting', Object.assign({id: 'sess-offline', waiting_for_machine: true, machine_last_seen: DECIDED_AT}, unknownYet))}, 'Claude Code session')],
        ['session-idle', post('p-s4', 'custom_claude_session', {claude_session: session('idle', {id: 'sess-idle', permission_mode: 'acceptEdits'})}, 'Claude Code session')],
        ['session-ended', post('p-s5', 'custom_claude_session', {claude_session: session('ended', {id: 'sess-ended', cost_usd: 2.5, ended_reason: 'stopped', permission_mode: 'plan', context_tokens: 196000})}, 'Claude Code session')],
        ['session-ended-idle', post('p-s7', 'custom_claude_session', {claude_session: session('ended', {id: 'sess-ended-idle', ended_reason: 'idle'})}, 'Claude Code session')],
        ['session-error', post('p-s6', 'custom_claude_session', {claude_session: session('error', {id: 'sess-error', error: 'Claude Code exited with code 1: API Error: 529 {"type":"overloaded_error","message":"Overloaded"}'})}, 'Claude Code session')],
        ['session-refused', post('p-s8', 'custom_claude_session', {claude_session: session('working', {id: 'sess-refused'})}, 'Claude Code session')],
        ['session-terminal-away', post('p-s10', 'custom_claude_session', {claude_session: session('idle', {id: 'sess-terminal', origin: 'terminal', runs_in: 'terminal', away: true, title: 'Nightly dependency bump'})}, 'Claude Code session')],
        ['session-watcher', post('p-s9', 'custom_claude_session', {claude_session: session('working', {id: 'sess-watcher', owner_id: BOB.id, owner_username: 'bob', participants: ['bob']})}, 'Claude Code session')],
        ['guest-pending', post('p-g1', 'custom_claude_guest', {claude_guest: guest('g-ok')}, '@carol wants to add a message')],
        ['guest-refused', post('p-g2', 'custom_claude_guest', {claude_guest: guest('g-refused', {text: 'can you also bump the timeout?'})}, '@carol wants to add a message')],
        ['guest-allowed', post('p-g3', 'custom_claude_guest', {claude_guest: guest('g-3', {status: 'allowed', decided_by: 'alice', decided_at: DECIDED_AT})}, '')],
        ['guest-invited', post('p-g4', 'custom_claude_guest', {claude_guest: guest('g-4', {status: 'invited', decided_by: 'alice', decided_at: DECIDED_AT})}, '')],
        ['guest-denied', post('p-g5', 'custom_claude_guest', {claude_guest: guest('g-5', {status: 'denied', decided_by: 'bob', decided_at: DECIDED_AT})}, '')],
        ['offer-pending', post('p-o1', 'custom_claude_offer', {claude_context_offer: offer('o-1'), attachments: offerButtons}, 'Give Claude the 12 earlier messages of this thread?')],
        ['offer-others', post('p-o2', 'custom_claude_offer', {claude_context_offer: offer('o-2', {user_id: BOB.id, username: 'bob', count: 1}), attachments: offerButtons}, '')],
        ['offer-included', post('p-o3', 'custom_claude_offer', {claude_context_offer: offer('o-3', {status: 'included'})}, '')],
        ['offer-skipped', post('p-o4', 'custom_claude_offer', {claude_context_offer: offer('o-4', {status: 'without'})}, '')],
        ['approval-pending', post('p-a1', 'custom_claude_approval', {claude_approval: approval('req-ok')}, 'Claude wants to run a command')],
        ['approval-refused', post('p-a2', 'custom_claude_approval', {claude_approval: approval('req-refused', {input: {command: 'git push --force origin main'}, description: 'Push the fix'})}, 'Claude wants to run a command')],
        ['approval-approved', post('p-a3', 'custom_claude_approval', {claude_approval: approval('req-3', {status: 'approved', decided_by: 'alice', decided_at: DECIDED_AT})}, '')],
        ['approval-denied', post('p-a4', 'custom_claude_approval', {claude_approval: approval('req-4', {status: 'denied', decided_by: 'alice', decided_at: DECIDED_AT, reason: 'Run only the session tests, not the whole suite.'})}, '')],
        ['approval-expired', post('p-a6', 'custom_claude_approval', {claude_approval: approval('req-6', {status: 'expired', decided_at: DECIDED_AT, reason: 'timed out', expired_after: '30 minutes'})}, '', BOT.id, DECIDED_AT - 30 * 60000)],
        ['approval-edit', post('p-a5', 'custom_claude_approval', {claude_approval: approval('req-5', {tool_name: 'Edit', description: '', input: {file_path: '/home/alice/src/payments-service/src/auth/session.test.ts', old_string: 'describe.only(\'session\', () => {', new_string: 'describe(\'session\', () => {'}})}, '')],
        ['text-streaming', post('p-t1', 'custom_claude_text', {claude_text: {session_id: 'sess1', message_id: 'm1', done: false}}, 'I found the flaky test.')],
        ['text-done', post('p-t2', 'custom_claude_text', {claude_text: {session_id: 'sess1', message_id: 'm2', done: true}}, 'The test failed because **two tests shared a session cookie**. I gave each its own:\n\n```ts\nconst agent = request.agent(app);\n```\n\nAll 42 tests in `src/auth` pass now.')],
        ['not-bot', post('p-x1', 'custom_claude_approval', {claude_approval: approval('req-x')}, 'I am a person posting a **custom_claude_approval** post; no card for me.', ALICE.id)],
    ];

    // Rich cards: previews the agent computes, and the cards that go with them.
    const CWD = '/home/alice/src/payments-service';
    const EDIT_DIFF = [
        '--- a/src/auth/session.test.ts',
        '+++ b/src/auth/session.test.ts',
        '@@ -1,6 +1,7 @@',
        " import request from 'supertest';",
        " import {app} from '../app';",
        "+import {CookieJar} from 'tough-cookie';",
        ' ',
        '-// One agent for every test: the cookie jar leaks between them.',
        '-const agent = request.agent(app);',
        "+/** Each test logs in with its own cookie jar, so the order of tests doesn't matter. */",
        '+const newAgent = () => request.agent(app, {jar: new CookieJar()});',
        ' ',
        "@@ -14,9 +15,10 @@ describe('session', () => {",
        "     it('refreshes an expired token', async () => {",
        "-        await agent.post('/login').send({user: 'alice', password: 'secret'});",
        '-        const res = await agent.get(`/api/me?ttl=${-1}`);',
        '+        const agent = newAgent();',
        "+        await agent.post('/login').send({user: 'alice', password: 'secret'});",
        '+        const res = await agent.get(`/api/me?ttl=${-1}`);',
        '         expect(res.status).toBe(200);',
        "         expect(res.body.username).toBe('alice');",
        '+        expect(res.headers[\'set-cookie\']).toBeDefined();',
        '     });',
        ' ',
        "     it.skip('logs out everywhere', async () => {",
        '',
    ].join('\n');
    const NEW_FILE = [
        'package ratelimit',
        '',
        'import (',
        '\t"sync"',
        '\t"time"',
        ')',
        '',
        '// Limiter allows n events per interval for each key.',
        'type Limiter struct {',
        '\tmu       sync.Mutex',
        '\tn        int',
        '\tinterval time.Duration',
        '\tseen     map[string][]time.Time',
        '}',
        '',
        'func New(n int, interval time.Duration) *Limiter {',
        '\treturn &Limiter{n: n, interval: interval, seen: map[string][]time.Time{}}',
        '}',
        '',
        '// Allow reports whether key may act now and records it if so.',
        'func (l *Limiter) Allow(key string, now time.Time) bool {',
        '\tl.mu.Lock()',
        '\tdefer l.mu.Unlock()',
        '\tkept := l.seen[key][:0]',
        '\tfor _, t := range l.seen[key] {',
        '\t\tif now.Sub(t) < l.interval {',
        '\t\t\tkept = append(kept, t)',
        '\t\t}',
        '\t}',
        '\tif len(kept) >= l.n {',
        '\t\tl.seen[key] = kept',
        '\t\treturn false',
        '\t}',
        '\tl.seen[key] = append(kept, now)',
        '\treturn true',
        '}',
        '',
    ].join('\n');
    // A long diff: 300 changed lines of a config file, collapsed to its first 40.
    const LONG_DIFF = ['--- a/config/limits.yaml', '+++ b/config/limits.yaml', '@@ -1,150 +1,150 @@']
        .concat(Array.from({length: 150}, (_, i) => [`-route_${i}: {rate: ${i * 10}, burst: 5}`, `+route_${i}: {rate: ${i * 10}, burst: 10} # doubled burst`]).flat()).join('\n');
    const approveAllButtons = [{actions: [
        {id: 'approve', name: 'Approve'}, {id: 'approveall', name: 'Approve all'}, {id: 'deny', name: 'Deny'}, {id: 'denyreason', name: 'Deny with reason…'},
    ]}];
    const toolApproval = (id, tool, input, extra) => approval(id, Object.assign({tool_name: tool, input, description: '', cwd: CWD}, extra));
    const todos = (items) => ({session_id: 'sess1', todos: items, done: items.filter((t) => t.status === 'completed').length, total: items.length});
    const TODOS = [
        {content: 'Find the flaky test in src/auth', status: 'completed', activeForm: 'Finding the flaky test'},
        {content: 'Give each test its own cookie jar', status: 'completed', activeForm: 'Giving each test its own cookie jar'},
        {content: 'Run the auth suite 20 times', status: 'in_progress', activeForm: 'Running the auth suite 20 times'},
        {content: 'Check the retry logic in src/auth/refresh.ts, which swallows the real error when the token endpoint times out', status: 'pending', activeForm: 'Checking the retry logic'},
        {content: 'Open a pull request', status: 'pending', activeForm: 'Opening a pull request'},
    ];
    const PLAN = '## Fix the flaky auth test\n\n1. Give every test in `session.test.ts` its own cookie jar.\n2. Make `refresh.ts` rethrow the token endpoint\'s error instead of swallowing it.\n3. Run the auth suite 20 times to prove it is stable.\n\n**Not touched:** the login route and its rate limiter.';
    const plan = (id, overrides) => Object.assign({
        session_id: 'sess1', request_id: id, tool_name: 'ExitPlanMode', input: {plan: PLAN}, cwd: CWD, description: '',
        status: 'pending', decided_by: '', decided_at: 0, reason: '',
    }, overrides);
    const QUESTIONS = [
        {question: 'Which test runner should the new tests use?', header: 'Runner', multiSelect: false, options: [
            {label: 'Jest', description: 'What the rest of the repository uses'},
            {label: 'Vitest', description: 'Faster, but a second runner to keep'},
        ]},
        {question: 'Which checks should run before the pull request?', header: 'Checks', multiSelect: true, options: [
            {label: 'Lint', description: ''}, {label: 'Type check', description: ''}, {label: 'Auth suite ×20', description: 'About 4 minutes'},
        ]},
    ];
    const question = (id, questions, overrides) => Object.assign({
        session_id: 'sess1', request_id: id, questions, status: 'pending', answers: {}, answered_by: '', answered_at: 0,
    }, overrides);
    const OUTPUT_PREVIEW = Array.from({length: 30}, (_, i) => `PASS src/auth/case-${String(i + 1).padStart(3, '0')}.test.ts (${(i % 7) * 13 + 40} ms)`).join('\n');
    const output = (toolUseId, overrides) => Object.assign({
        session_id: 'sess1', tool_use_id: toolUseId, tool_name: 'Bash', summary: 'npm test -- --runInBand src/auth', is_error: false, lines: 120, truncated: true, preview: OUTPUT_PREVIEW,
    }, overrides);
    cards.splice(cards.findIndex(([n]) => n === 'text-streaming'), 0,
        ['approval-all', post('p-r1', 'custom_claude_approval', {claude_approval: toolApproval('req-all', 'Bash', {command: 'npm test -- src/auth', description: 'Run the auth tests'}), attachments: approveAllButtons}, '')],
        ['approval-reason', post('p-r2', 'custom_claude_approval', {claude_approval: toolApproval('req-reason', 'Bash', {command: 'rm -rf node_modules && npm ci', description: 'Reinstall dependencies'}), attachments: approveAllButtons}, '')],
        ['approval-diff', post('p-r3', 'custom_claude_approval', {claude_approval: toolApproval('req-diff', 'Edit', {file_path: `${CWD}/src/auth/session.test.ts`, old_string: '…', new_string: '…'}, {preview: {kind: 'diff', file_path: `${CWD}/src/auth/session.test.ts`, diff: EDIT_DIFF, language: 'ts', added: 7, removed: 4}}), attachments: approveAllButtons}, '')],
        ['approval-long-diff', post('p-r4', 'custom_claude_approval', {claude_approval: toolApproval('req-long', 'MultiEdit', {file_path: `${CWD}/config/limits.yaml`}, {preview: {kind: 'diff', file_path: `${CWD}/config/limits.yaml`, diff: LONG_DIFF, language: 'yaml', added: 150, removed: 150}})}, '')],
        ['approval-new-file', post('p-r5', 'custom_claude_approval', {claude_approval: toolApproval('req-new', 'Write', {file_path: `${CWD}/internal/ratelimit/limiter.go`, content: NEW_FILE}, {preview: {kind: 'new_file', file_path: `${CWD}/internal/ratelimit/limiter.go`, content: NEW_FILE, language: 'go', lines: 36}})}, '')],
        ['approval-read', post('p-r6', 'custom_claude_approval', {claude_approval: toolApproval('req-read', 'Read', {file_path: `${CWD}/src/auth/refresh.ts`, offset: 120, limit: 80})}, '')],
        ['approval-grep', post('p-r7', 'custom_claude_approval', {claude_approval: toolApproval('req-grep', 'Grep', {pattern: 'catch \\((e|err)\\) \\{\\s*\\}', path: `${CWD}/src`, glob: '*.ts'})}, '')],
        ['approval-web', post('p-r8', 'custom_claude_approval', {claude_approval: toolApproval('req-web', 'WebFetch', {url: 'https://github.com/salesforce/tough-cookie/blob/master/README.md#cookiejar', prompt: 'How do I give each supertest agent its own cookie jar?'})}, '')],
        ['approval-search', post('p-r9', 'custom_claude_approval', {claude_approval: toolApproval('req-search', 'WebSearch', {query: 'supertest agent cookie jar shared between tests', allowed_domains: ['github.com', 'stackoverflow.com']})}, '')],
        ['approval-mcp', post('p-r10', 'custom_claude_approval', {claude_approval: toolApproval('req-mcp', 'mcp__github__create_issue', {owner: 'acme', repo: 'payments-service', title: 'Auth tests share a cookie jar', labels: ['flaky-test', 'auth'], draft: false, assignees: null}, {preview: {kind: 'mcp', server: 'github', tool: 'create_issue'}})}, '')],
        ['approval-task', post('p-r11', 'custom_claude_approval', {claude_approval: toolApproval('req-task', 'Task', {description: 'Audit retry logic', subagent_type: 'code-reviewer', prompt: 'Read every file under src/auth and list each place where an error is caught and dropped. For each, say whether the test suite would notice, and suggest the smallest fix.'})}, '')],
        ['approval-approved-all', post('p-r12', 'custom_claude_approval', {claude_approval: toolApproval('req-approved-all', 'Bash', {command: 'npm test -- src/auth'}, {status: 'approved', decided_by: 'alice', decided_at: DECIDED_AT, approve_all: true})}, '')],
        ['diff-applied', post('p-d1', 'custom_claude_diff', {claude_diff: {session_id: 'sess1', tool_use_id: 'tu1', file_path: 'src/auth/session.test.ts', diff: EDIT_DIFF, language: 'ts', added: 7, removed: 4}}, '**Edited** `src/auth/session.test.ts` (+7 −4)')],
        ['todo-progress', post('p-todo1', 'custom_claude_todo', {claude_todo: todos(TODOS)}, '**Tasks** 2/5')],
        ['todo-done', post('p-todo2', 'custom_claude_todo', {claude_todo: todos(TODOS.map((t) => Object.assign({}, t, {status: 'completed'})))}, '**Tasks** 5/5')],
        ['plan-pending', post('p-plan1', 'custom_claude_plan', {claude_approval: plan('plan-1')}, PLAN)],
        ['plan-approved', post('p-plan2', 'custom_claude_plan', {claude_approval: plan('plan-2', {status: 'approved', decided_by: 'alice', decided_at: DECIDED_AT})}, PLAN)],
        ['plan-changes', post('p-plan3', 'custom_claude_plan', {claude_approval: plan('plan-3', {status: 'denied', decided_by: 'bob', decided_at: DECIDED_AT, reason: 'Keep the shared agent for the read-only tests; they are slow to log in.'})}, PLAN)],
        ['question-single', post('p-q1', 'custom_claude_question', {claude_question: question('q-1', [QUESTIONS[0]])}, '')],
        ['question-multi', post('p-q2', 'custom_claude_question', {claude_question: question('q-2', QUESTIONS)}, '')],
        ['question-answered', post('p-q3', 'custom_claude_question', {claude_question: question('q-3', QUESTIONS, {status: 'answered', answers: {[QUESTIONS[0].question]: 'Jest', [QUESTIONS[1].question]: 'Lint, Type check, only the session tests'}, answered_by: 'bob', answered_at: DECIDED_AT})}, '')],
        ['output-collapsed', post('p-out1', 'custom_claude_tool_output', {claude_tool_output: output('tu-ok', {})}, '')],
        ['output-error', post('p-out2', 'custom_claude_tool_output', {claude_tool_output: output('tu-err', {tool_name: 'Bash', summary: 'go test ./internal/ratelimit/...', is_error: true, lines: 6, truncated: false,
            preview: '--- FAIL: TestAllow (0.00s)\n    limiter_test.go:31: Allow("a") = true after 3 calls, want false\nFAIL\nFAIL\tgithub.com/acme/payments/internal/ratelimit\t0.004s\nFAIL'})}, '')],
        ['output-fails', post('p-out3', 'custom_claude_tool_output', {claude_tool_output: output('tu-fails', {summary: 'npm test -- src/auth'})}, '')],
        ['question-expired', post('p-q4', 'custom_claude_question', {claude_question: question('q-4', [QUESTIONS[0]], {status: 'expired'})}, '')],
    );

    if (new URLSearchParams(location.search).has('bench')) {
        cards.length = 0; // the benchmark renders its own post
    }
    const originals = Object.fromEntries(cards);

    const entities = {
        // The client config's strings, as the server sends them. DisableAppBar is 'false' by default.
        general: {config: {SiteURL: params.has('siteurl') ? params.get('siteurl') : 'https://chat.example.com', DisableAppBar: params.get('appbar') === 'off' ? 'true' : 'false'}},
        users: {currentUserId: ALICE.id, profiles: {[BOT.id]: BOT, [ALICE.id]: ALICE, [BOB.id]: BOB, [CAROL.id]: CAROL}},
        preferences: {myPreferences: {}},
    };
    const pluginReducers = {};
    // Whether the plugin's right-hand panel is open (the webapp keeps this in views.rhs).
    const hostRhs = (open = false, action) => {
        switch (action.type) {
        case 'HOST_RHS_SHOW': return true;
        case 'HOST_RHS_HIDE': return false;
        case 'HOST_RHS_TOGGLE': return !open;
        default: return open;
        }
    };
    const root = () => Redux.combineReducers(Object.assign({entities: (s = entities) => s, hostRhs}, pluginReducers));
    const store = Redux.createStore(root());

    const postTypes = {};
    const wsHandlers = {};
    let plugin = null;
    window.registerPlugin = (id, p) => {
        plugin = {id, instance: p};
    };
    const registry = {
        registerPostTypeComponent(type, component) {
            postTypes[type] = component;
            return type;
        },
        registerWebSocketEventHandler(event, handler) {
            wsHandlers[event] = handler;
        },
        registerReducer(reducer) {
            pluginReducers[`plugins-${plugin.id}`] = reducer;
            store.replaceReducer(root());
        },
        registerRightHandSidebarComponent(component, title) {
            rhs = {component, title};
            return {id: 'rhs', showRHSPlugin: {type: 'HOST_RHS_SHOW'}, hideRHSPlugin: {type: 'HOST_RHS_HIDE'}, toggleRHSPlugin: {type: 'HOST_RHS_TOGGLE'}};
        },
        registerChannelHeaderButtonAction(icon, action, dropdownText, tooltipText) {
            headerButtons.push({icon, action, dropdownText, tooltipText});
            return `header-${headerButtons.length}`;
        },
        registerAppBarComponent(iconUrl, action, tooltipText) {
            appBar.push({iconUrl, action, tooltipText});
            return `appbar-${appBar.length}`;
        },
        registerReconnectHandler(handler) {
            reconnectHandlers.push(handler);
        },
    };
    let rhs = null;
    const headerButtons = [];
    const appBar = [];
    const reconnectHandlers = [];
    // mattermost-redux's appBarEnabled: only the string 'false' turns it on.
    const appBarEnabled = () => store.getState().entities.general.config.DisableAppBar === 'false';

    // The channel header's plugin buttons (plugins/channel_header_plug): none while the
    // App Bar is on, which is the default; then the App Bar shows the plugin's App Bar
    // icon, and the header button only of a plugin that registered no App Bar icon.
    function ChannelHeader() {
        return React.createElement('div', {className: 'channel-header', id: 'channel-header'},
            React.createElement('span', {className: 'channel-header__name'}, 'Town Square'),
            appBarEnabled() ? null : headerButtons.map((b, i) => React.createElement('button', {
                key: i, type: 'button', className: 'channel-header__icon', id: `header-${i}ChannelHeaderButton`, 'aria-label': b.tooltipText || b.dropdownText, title: b.tooltipText,
                onClick: () => b.action(),
            }, b.icon)));
    }

    function AppBar() {
        if (!appBarEnabled()) {
            return null;
        }
        const withAppBarIcon = appBar.length > 0; // one plugin here: a header button is dropped when it has an App Bar icon
        return React.createElement('div', {className: 'app-bar', id: 'app-bar', role: 'toolbar', 'aria-label': 'App Bar'},
            appBar.map((b, i) => React.createElement('button', {key: `a${i}`, type: 'button', className: 'app-bar__icon', 'aria-label': b.tooltipText, title: b.tooltipText, onClick: () => b.action()},
                React.createElement('img', {src: b.iconUrl, alt: ''}))),
            withAppBarIcon ? null : headerButtons.map((b, i) => React.createElement('button', {key: `h${i}`, type: 'button', className: 'app-bar__icon', 'aria-label': b.tooltipText || b.dropdownText, onClick: () => b.action()}, b.icon)));
    }

    function RightHandSidebar() {
        const open = ReactRedux.useSelector((state) => state.hostRhs);
        if (!open || !rhs) {
            return null;
        }
        return React.createElement('aside', {className: 'sidebar--right', id: 'rhs', 'aria-label': rhs.title},
            React.createElement('div', {className: 'sidebar--right__header'}, rhs.title),
            React.createElement('div', {className: 'sidebar--right__content'}, React.createElement(rhs.component)));
    }

    // A post as post_component.tsx draws it; a registered post type component is rendered
    // by post_message_view with these props, inside the post body's AutoHeight wrapper,
    // and (as in the web app) without an error boundary.
    function Post({name, post: p}) {
        const Card = postTypes[p.type];
        const author = p.user_id === BOT.id ? BOT : ALICE;
        return React.createElement('div', {id: `card-${name}`},
            React.createElement('div', {role: 'listitem', id: `post_${p.id}`, tabIndex: 0, className: `a11y__section post other--root${author.is_bot ? ' post--bot' : ''}`},
                React.createElement('div', {role: 'application', className: 'post__content'},
                    React.createElement('div', {className: 'post__img'}, React.createElement('div', {className: 'Avatar Avatar-md'}, author.username[0].toUpperCase())),
                    React.createElement('div', null,
                        React.createElement('div', {className: 'post__header'},
                            React.createElement('div', {className: 'col col__name'}, React.createElement('button', {type: 'button', className: 'user-popover style--none'}, author.username)),
                            author.is_bot ? React.createElement('span', {className: 'BotTag'}, 'BOT') : null,
                            React.createElement('div', {className: 'col d-flex align-items-center'},
                                React.createElement('a', {className: 'post__permalink', href: '#'}, React.createElement('time', {className: 'post__time'}, '10:41 AM')))),
                        React.createElement('div', {className: 'post__body', id: `${p.id}_message`},
                            React.createElement('div', {className: 'AutoHeight'}, React.createElement('div', null,
                                Card ? React.createElement(Card, {post: p, compactDisplay: false, isRHS: false, theme: {}}) : React.createElement('div', {className: 'post-message__text'}, p.message))),
                            React.createElement('div', {className: 'post__body-reactions-acks'}))))));
    }

    let reactRoot = null;
    let appBarRoot = null;
    function render() {
        reactRoot.render(
            React.createElement(ReactRedux.Provider, {store},
                React.createElement(ChannelHeader),
                React.createElement(RightHandSidebar),
                React.createElement('div', {id: 'post-list', role: 'list'},
                    cards.map(([name, p]) => React.createElement(Post, {key: name, name, post: p})))));
        appBarRoot.render(React.createElement(ReactRedux.Provider, {store}, React.createElement(AppBar)));
    }

    window.__host = {
        store,
        wsHandlers,
        postTypes,
        /** Replaces a card's post props, as a post edit from the server would. */
        editPost(name, props) {
            const card = cards.find(([n]) => n === name);
            card[1] = Object.assign({}, card[1], {props});
            render();
        },
        /** Changes some fields of a header's claude_session, as the server's live updates do. */
        editSession(name, changes) {
            const card = cards.find(([n]) => n === name);
            this.editPost(name, Object.assign({}, card[1].props, {claude_session: Object.assign({}, card[1].props.claude_session, changes)}));
        },
        /** Puts a card's post back as the page first showed it. */
        resetPost(name) {
            const card = cards.find(([n]) => n === name);
            card[1] = originals[name];
            render();
        },
        /**
         * The benchmark: renders one post alone into a fresh element, synchronously, and
         * returns how long render and layout took (ms). `then` names a button to click
         * after the first render; its render and layout are timed instead.
         */
        benchRender(p, then) {
            const container = document.createElement('div');
            container.className = 'post__body';
            document.getElementById('bench').replaceChildren(container);
            const benchRoot = ReactDOM.createRoot(container);
            const Card = postTypes[p.type];
            const element = React.createElement(ReactRedux.Provider, {store}, React.createElement(Card, {post: p, theme: {}, isRHS: false}));
            const timed = (work) => {
                const start = performance.now();
                ReactDOM.flushSync(work);
                const rendered = performance.now();
                void container.getBoundingClientRect().height; // style and layout
                const end = performance.now();
                return {took: end - start, react: rendered - start, layout: end - rendered};
            };
            let result = timed(() => benchRoot.render(element));
            if (then) {
                const button = Array.from(container.querySelectorAll('button')).find((b) => b.textContent === then);
                result = timed(() => button.click());
            }
            const rows = container.querySelectorAll('.cm-code-line').length;
            if (!then) {
                benchRoot.unmount();
                return Object.assign(result, {rows});
            }
            // The lines past the first few hundred are highlighted after the click, a slice
            // at a time: how long until the last line has its colours?
            return new Promise((resolve) => {
                const clicked = performance.now() - result.took;
                let longest = 0;
                let last = performance.now();
                const poll = () => {
                    const now = performance.now();
                    longest = Math.max(longest, now - last);
                    last = now;
                    const lines = container.querySelectorAll('.cm-code-line__text');
                    if (lines[lines.length - 1].querySelector('[class^="hljs-"]')) {
                        const coloured = performance.now() - clicked;
                        benchRoot.unmount();
                        resolve(Object.assign(result, {rows, coloured, longest}));
                    } else {
                        setTimeout(poll, 0);
                    }
                };
                setTimeout(poll, 0);
            });
        },
        get pluginId() {
            return plugin && plugin.id;
        },
        /** The websocket reconnected: the web app calls every plugin's reconnect handler. */
        reconnect() {
            reconnectHandlers.forEach((handler) => handler());
        },
        /** The post a card shows now. */
        post(name) {
            return cards.find(([n]) => n === name)[1];
        },
        /** Appends posts ([name, post] pairs) to the channel, each in its own #card-<name>. */
        addCards(entries) {
            cards.push(...entries);
            render();
        },
        /** True once main.js registered and initialized the plugin and the page rendered. */
        ready: false,
    };

    // As the web app loads a plugin (plugins/index.ts): a script element for the bundle
    // the server lists, then initialize() with the registry and the store.
    function start() {
        if (!plugin) {
            throw new Error('main.js did not call registerPlugin');
        }
        plugin.instance.initialize(registry, store);
        reactRoot = ReactDOM.createRoot(document.getElementById('root'));
        appBarRoot = ReactDOM.createRoot(document.getElementById('app-bar-root'));
        render();
        window.__host.ready = true;
    }
    const script = document.createElement('script');
    script.id = 'plugin_claude-mattermost';
    script.src = `${publicPath}plugins/claude-mattermost/main.js`;
    script.onload = start;
    document.head.appendChild(script);
})();
