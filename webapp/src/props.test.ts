import {parseApproval, parseTextEvent, readSession, readText, toMillis} from './props';

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
            id: 's1', status: 'starting', machine_name: '', cwd: '', owner_username: '', participants: ['a'],
            model: '', cost_usd: 0, claude_session_id: '',
        });
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
