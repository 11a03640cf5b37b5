import {
    parseApproval, parseGuest, parseMachines, parsePending, parseQuestion, parseRefreshEvent, parseSessions, parseTextEvent, readAppliedDiff,
    readContextOffer, readPostActions, readSession, readText, readTodo, readToolOutput, toMillis,
    CODE_LIMIT, LINE_LIMIT, TEXT_LIMIT,
} from './props';

describe('reading props', () => {
    it.each([
        ['unix milliseconds', 1735814520000, 1735814520000],
        ['unix seconds', 1735814520, 1735814520000],
        ['an ISO date', '2025-01-02T10:42:00Z', 1735814520000],
        ['nothing', undefined, 0],
        ['zero', 0, 0],
        ['garbage', 'soon', 0],
    ])('decided_at given as %s', (_, value, expected) => {
        expect(toMillis(value)).toBe(expected);
    });

    it('reads no session from a post without one', () => {
        expect(readSession({})).toBeNull();
        expect(readSession(null)).toBeNull();
        expect(readSession({claude_session: 'oops'})).toBeNull();
    });

    it('fills missing session fields with empty values', () => {
        expect(readSession({claude_session: {id: 's1', participants: ['a', 3, '']}})).toEqual({
            id: 's1', status: 'starting', machine_name: '', cwd: '', branch: '', owner_id: '', owner_username: '', participants: ['a'],
            model: '', permission_mode: '', cost_usd: 0, input_tokens: 0, output_tokens: 0, context_tokens: 0, context_window: 0,
            last_activity: 0, ended_reason: '', error: '', claude_session_id: '', origin: 'mattermost', runs_in: 'agent', away: false, title: '',
            prompt: '', waiting_for_machine: false, machine_last_seen: 0,
        });
    });

    it('reads where a terminal session runs, and a header from an older plugin as one started here', () => {
        expect(readSession({claude_session: {origin: 'terminal', runs_in: 'terminal', away: true, title: 'Nightly'}})).toMatchObject({
            origin: 'terminal', runs_in: 'terminal', away: true, title: 'Nightly',
        });
        expect(readSession({claude_session: {origin: 'ide', runs_in: 'cloud', away: 'yes'}})).toMatchObject({
            origin: 'mattermost', runs_in: 'agent', away: false,
        });
    });

    it('reads the team-session fields of a header', () => {
        expect(readSession({claude_session: {
            id: 's1', status: 'ended', ended_reason: 'idle', branch: 'main', permission_mode: 'acceptEdits', owner_id: 'u1',
            context_tokens: 41000, context_window: 200000, input_tokens: 5, output_tokens: -3, last_activity: 1735814520,
        }})).toMatchObject({
            status: 'ended', ended_reason: 'idle', branch: 'main', permission_mode: 'acceptEdits', owner_id: 'u1',
            context_tokens: 41000, context_window: 200000, input_tokens: 5, output_tokens: 0, last_activity: 1735814520000,
        });
    });

    it('reads an unknown permission mode as none rather than guessing', () => {
        expect(readSession({claude_session: {permission_mode: 'yolo'}})?.permission_mode).toBe('');
    });

    it('reads a guest request, and none without its ids', () => {
        expect(parseGuest({session_id: 's1'})).toBeNull();
        expect(parseGuest({session_id: 's1', request_id: 'g1', user: {id: 'c', username: 'carol'}, text: 'hi', status: 'nope'})).toEqual({
            session_id: 's1', request_id: 'g1', user: {id: 'c', username: 'carol'}, text: 'hi', status: 'pending', decided_by: '', decided_at: 0,
        });
    });

    it('reads a context offer as the server writes it', () => {
        expect(readContextOffer({claude_context_offer: {offer_id: 'o1', user_id: 'u1', username: 'dave', count: 4, status: 'without'}})).toEqual({
            session_id: '', request_id: 'o1', user: {id: 'u1', username: 'dave'}, message_count: 4, status: 'skipped',
        });
    });

    it('reads a context offer in the first draft\'s shape', () => {
        expect(readContextOffer({})).toBeNull();
        expect(readContextOffer({claude_context_offer: {request_id: 'o1', user: 'x', message_count: 3.7, status: 'included'}})).toEqual({
            session_id: '', request_id: 'o1', user: {id: '', username: ''}, message_count: 3, status: 'included',
        });
    });

    it('reads a post\'s buttons in order, skipping malformed ones', () => {
        expect(readPostActions({attachments: [{actions: [{id: 'a', name: 'A'}, {name: 'no id'}, 'x']}, null, {actions: [{id: 'b', name: 'B'}]}]})).toEqual([
            {id: 'a', name: 'A'}, {id: 'b', name: 'B'},
        ]);
        expect(readPostActions({attachments: 'x'})).toEqual([]);
        expect(readPostActions(undefined)).toEqual([]);
    });

    it('needs session and request ids to read an approval', () => {
        expect(parseApproval({session_id: 's1'})).toBeNull();
        expect(parseApproval({session_id: 's1', request_id: 'r1', status: 'maybe', input: [1]})).toMatchObject({status: 'pending', input: {}});
    });

    it('reads a text as not done unless it says so', () => {
        expect(readText({claude_text: {done: 'yes'}}).done).toBe(false);
        expect(readText({claude_text: {done: true}}).done).toBe(true);
        expect(readText(undefined).done).toBe(false);
    });

    it('rejects a text event without a post id or text', () => {
        expect(parseTextEvent({text: 'x'})).toBeNull();
        expect(parseTextEvent({post_id: 'p', text: 5})).toBeNull();
        expect(parseTextEvent(null)).toBeNull();
        expect(parseTextEvent({post_id: 'p', text: ''})).toEqual({post_id: 'p', session_id: '', message_id: '', text: '', done: false});
    });

    describe('rich cards', () => {
        const base = {session_id: 's1', request_id: 'r1', tool_name: 'Edit', input: {}};

        it.each([
            ['a diff', {kind: 'diff', file_path: '/a.ts', diff: '@@', language: 'ts', added: 3, removed: -1}, {kind: 'diff', file_path: '/a.ts', diff: '@@', language: 'ts', added: 3, removed: 0, truncated: false}],
            ['a new file', {kind: 'new_file', file_path: '/b.go', content: 'x', language: 'go', lines: 1, truncated: true}, {kind: 'new_file', file_path: '/b.go', content: 'x', language: 'go', lines: 1, truncated: true}],
            ['an MCP tool', {kind: 'mcp', server: 'github', tool: 'create_issue'}, {kind: 'mcp', server: 'github', tool: 'create_issue'}],
            ['an unknown kind', {kind: 'hologram'}, null],
            ['no preview', undefined, null],
        ])('reads an approval\'s preview: %s', (_, preview, expected) => {
            expect(parseApproval({...base, preview})?.preview).toEqual(expected);
        });

        it('reads Approve all from the approval', () => {
            expect(parseApproval({...base, status: 'approved', approve_all: true})?.approve_all).toBe(true);
            expect(parseApproval({...base, status: 'approved'})?.approve_all).toBe(false);
        });

        it('reads an applied diff and refuses one without diff text', () => {
            expect(readAppliedDiff({claude_diff: {session_id: 's1', tool_use_id: 't1', file_path: 'a', diff: 'd', language: 'ts', added: 1, removed: 2}}))
                .toEqual({session_id: 's1', tool_use_id: 't1', file_path: 'a', diff: 'd', language: 'ts', added: 1, removed: 2, truncated: false});
            expect(readAppliedDiff({claude_diff: {file_path: 'a'}})).toBeNull();
        });

        it('reads todos, drops empty items and counts from the list', () => {
            const todo = readTodo({claude_todo: {session_id: 's1', done: 5, total: 9, todos: [
                {content: 'a', status: 'completed', activeForm: 'A-ing'}, {content: 'b', status: 'weird'}, {content: ''}, 'junk',
            ]}});
            expect(todo).toEqual({session_id: 's1', done: 1, total: 2, todos: [
                {content: 'a', status: 'completed', activeForm: 'A-ing'}, {content: 'b', status: 'pending', activeForm: ''},
            ]});
            expect(readTodo({claude_todo: {}})).toBeNull();
        });

        it('reads a question and keeps only string answers', () => {
            const question = parseQuestion({session_id: 's1', request_id: 'q1', status: 'answered', answered_at: 1735814520, answers: {'A?': 'x', 'B?': 3},
                questions: [{question: 'A?', header: 'H', multiSelect: true, options: [{label: 'x', description: 'd'}, {label: ''}]}, {header: 'no question'}]});
            expect(question).toEqual({session_id: 's1', request_id: 'q1', status: 'answered', answered_by: '', answered_at: 1735814520000, answers: {'A?': 'x'},
                questions: [{question: 'A?', header: 'H', multiSelect: true, options: [{label: 'x', description: 'd'}]}], resolution: ''});
            expect(parseQuestion({session_id: 's1', request_id: 'q1'})).toBeNull();
        });

        it('reads approvals and questions settled in the terminal', () => {
            expect(parseApproval({session_id: 's1', request_id: 'r1', status: 'resolved', resolution: 'terminal_asks'})).toMatchObject({status: 'resolved', resolution: 'terminal_asks'});
            expect(parseQuestion({session_id: 's1', request_id: 'q1', questions: [], status: 'resolved', resolution: 'terminal_allowed'}))
                .toMatchObject({status: 'resolved', resolution: 'terminal_allowed'});
        });

        it('keeps the first of questions or options that repeat a text (answers name them by it)', () => {
            const option = (label: string, description = '') => ({label, description});
            const question = parseQuestion({session_id: 's1', request_id: 'q1', questions: [
                {question: 'A?', options: [option('x', 'first'), option('y'), option('x', 'second')]},
                {question: 'A?', options: [option('z')]},
            ]});
            expect(question?.questions).toEqual([{question: 'A?', header: '', multiSelect: false, options: [option('x', 'first'), option('y')]}]);
        });

        it('reads a tool output and counts the preview\'s lines when the server did not', () => {
            expect(readToolOutput({claude_tool_output: {tool_name: 'Bash', summary: 'ls', preview: 'a\nb\n', is_error: true}})).toEqual({
                session_id: '', tool_use_id: '', tool_name: 'Bash', summary: 'ls', is_error: true, lines: 2, truncated: false, preview: 'a\nb\n',
            });
            expect(readToolOutput({})).toBeNull();
        });

        it('reads the panel\'s lists, bare or wrapped, and skips items without ids', () => {
            expect(parseMachines([{id: 'm1', name: 'laptop', online: true, last_seen: 1735814520000, shared_by: 'bob'}, {name: 'no id'}])).toEqual([
                {id: 'm1', name: 'laptop', online: true, last_seen: 1735814520000, shared_by: 'bob'},
            ]);
            expect(parseSessions({sessions: [{id: 's1', status: 'nonsense'}]})).toMatchObject([{id: 's1', status: 'starting', invited: false, owner_username: ''}]);
            expect(parseSessions([{id: 's2', invited: true, owner_username: 'bob'}])).toMatchObject([{invited: true, owner_username: 'bob'}]);
            expect(parsePending([{session_id: 's1', request_id: 'r1'}, {session_id: 's1'}])).toMatchObject([{kind: 'approval'}]);
            expect(parseMachines('oops')).toEqual([]);
        });

        it.each([
            [{what: 'machines'}, ['machines']],
            [{what: 'approvals'}, ['approvals']],
            [{what: 'everything'}, ['machines', 'sessions', 'approvals']],
            [null, ['machines', 'sessions', 'approvals']],
        ])('a refresh event %p refetches %p', (data, lists) => {
            expect(parseRefreshEvent(data)).toEqual(lists);
        });
    });
});

// A post written by hand can carry megabytes; laying that out takes the browser seconds.
describe('text past what a card lays out', () => {
    const big = (n: number, line = 'x') => line.repeat(n);

    it('cuts a field and says how much is not shown', () => {
        const session = readSession({claude_session: {id: 's1', cwd: big(TEXT_LIMIT + 1234)}});
        expect(session?.cwd).toBe(`${big(TEXT_LIMIT)} … 1,234 more characters not shown`);
    });

    it('leaves a field at the limit whole', () => {
        expect(readSession({claude_session: {id: 's1', cwd: big(TEXT_LIMIT)}})?.cwd).toBe(big(TEXT_LIMIT));
    });

    it('cuts every string of a tool\'s input, nested ones included: a long line, and past the code limit', () => {
        const lines = big(CODE_LIMIT / 10 + 1, 'abcdefghi\n'); // 10 characters a line
        const approval = parseApproval({session_id: 's', request_id: 'r', input: {command: big(LINE_LIMIT + 1), nested: [{deep: lines}], n: 3}});
        expect(approval?.input).toEqual({
            command: `${big(LINE_LIMIT)} … 1 more characters on this line`,
            nested: [{deep: `${lines.slice(0, CODE_LIMIT)} … 10 more characters not shown`}],
            n: 3,
        });
    });

    it('cuts a diff at a line end and marks it cut short', () => {
        const line = `+${big(99)}\n`; // 100 characters
        const diff = readAppliedDiff({claude_diff: {diff: big(CODE_LIMIT / 100 + 5, line)}});
        expect(diff?.truncated).toBe(true);
        expect(diff?.diff.length).toBeLessThanOrEqual(CODE_LIMIT);
        expect(diff?.diff.endsWith(big(99))).toBe(true);
    });

    it('cuts a diff\'s long line and says so on the line', () => {
        const diff = readAppliedDiff({claude_diff: {diff: `@@ -1 +1 @@\n-a\n+${big(LINE_LIMIT + 5)}\n`}});
        expect(diff?.diff).toBe(`@@ -1 +1 @@\n-a\n+${big(LINE_LIMIT - 1)} … 6 more characters on this line\n`);
        expect(diff?.truncated).toBe(false);
    });

    it('keeps the server\'s cut-short flag on a diff within the limit', () => {
        expect(readAppliedDiff({claude_diff: {diff: '+a', truncated: true}})?.truncated).toBe(true);
        expect(readAppliedDiff({claude_diff: {diff: '+a'}})?.truncated).toBe(false);
    });

    it('cuts a tool output\'s preview and offers the whole output', () => {
        const output = readToolOutput({claude_tool_output: {preview: big(CODE_LIMIT / 10 * 2, 'abcdefghi\n')}});
        expect(output?.preview).toHaveLength(CODE_LIMIT - 1); // up to the last whole line
        expect(output?.truncated).toBe(true);
    });
});
