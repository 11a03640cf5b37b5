import {parseApproval, parseGuest, parseTextEvent, readContextOffer, readPostActions, readSession, readText, toMillis} from './props';

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
            last_activity: 0, ended_reason: '', error: '', claude_session_id: '',
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
});
