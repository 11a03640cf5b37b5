import type {ApprovalInfo, GuestInfo, TextEvent} from '../types';

import {approvalUpdated, guestUpdated, stopRequested, stopSettled, textReceived} from './actions';
import reducer, {requestKey} from './reducer';
import type {PluginState} from './reducer';

function text(overrides: Partial<TextEvent> = {}): TextEvent {
    return {post_id: 'p1', session_id: 's1', message_id: 'm1', text: 'Hello', done: false, ...overrides};
}

function approval(overrides: Partial<ApprovalInfo> = {}): ApprovalInfo {
    return {
        session_id: 's1', request_id: 'r1', tool_name: 'Bash', input: {command: 'ls'}, cwd: '', description: '',
        status: 'approved', decided_by: 'alice', decided_at: 1, reason: '', expired_after: '', preview: null, approve_all: false, ...overrides,
    };
}

function run(...actions: Parameters<typeof reducer>[1][]): PluginState {
    return actions.reduce<PluginState>((state, action) => reducer(state, action), reducer(undefined, {type: '@@INIT'}));
}

describe('plugin reducer', () => {
    it('starts empty', () => {
        expect(run()).toEqual({
            texts: {}, approvals: {}, guests: {}, stopping: {}, questions: {}, todoCollapsed: {}, outputsExpanded: {},
            panel: {
                open: 0,
                machines: {items: [], loaded: false, loading: false, error: ''},
                sessions: {items: [], loaded: false, loading: false, error: ''},
                approvals: {items: [], loaded: false, loading: false, error: ''},
            },
        });
    });

    it('ignores the host webapp\'s actions', () => {
        const state = run(textReceived(text()));
        expect(reducer(state, {type: 'RECEIVED_POSTS', data: {}})).toBe(state);
    });

    describe('texts', () => {
        it('keeps the first event of a post', () => {
            expect(run(textReceived(text())).texts.p1).toEqual({text: 'Hello', done: false, session_id: 's1', message_id: 'm1'});
        });

        it('replaces the text with a longer one', () => {
            expect(run(textReceived(text()), textReceived(text({text: 'Hello there'}))).texts.p1?.text).toBe('Hello there');
        });

        it('ignores a shorter text that arrived late', () => {
            const state = run(textReceived(text({text: 'Hello there'})), textReceived(text({text: 'Hello'})));
            expect(state.texts.p1?.text).toBe('Hello there');
        });

        it('marks the text done when the final event repeats the same text', () => {
            expect(run(textReceived(text()), textReceived(text({done: true}))).texts.p1?.done).toBe(true);
        });

        it('does not let a repeated event undo done', () => {
            expect(run(textReceived(text({done: true})), textReceived(text())).texts.p1?.done).toBe(true);
        });

        it('keeps posts apart', () => {
            const state = run(textReceived(text()), textReceived(text({post_id: 'p2', text: 'Other'})));
            expect(state.texts.p1?.text).toBe('Hello');
            expect(state.texts.p2?.text).toBe('Other');
        });
    });

    describe('approvals', () => {
        it('records a decided approval by session and request', () => {
            expect(run(approvalUpdated(approval())).approvals[requestKey('s1', 'r1')]?.decided_by).toBe('alice');
        });

        it('never replaces a decision: the first one wins', () => {
            const state = run(approvalUpdated(approval()), approvalUpdated(approval({status: 'denied', decided_by: 'bob'})));
            expect(state.approvals[requestKey('s1', 'r1')]).toMatchObject({status: 'approved', decided_by: 'alice'});
        });

        it('ignores a pending approval', () => {
            expect(run(approvalUpdated(approval({status: 'pending'}))).approvals).toEqual({});
        });
    });

    describe('guests', () => {
        const guest = (overrides: Partial<GuestInfo> = {}): GuestInfo => ({
            session_id: 's1', request_id: 'g1', user: {id: 'c', username: 'carol'}, text: 'hi', status: 'allowed', decided_by: 'alice', decided_at: 1, ...overrides,
        });

        it('records a decided guest request', () => {
            expect(run(guestUpdated(guest())).guests[requestKey('s1', 'g1')]?.status).toBe('allowed');
        });

        it('never replaces a decision: the first one wins', () => {
            const state = run(guestUpdated(guest()), guestUpdated(guest({status: 'denied', decided_by: 'bob'})));
            expect(state.guests[requestKey('s1', 'g1')]).toMatchObject({status: 'allowed', decided_by: 'alice'});
        });

        it('ignores a pending guest request', () => {
            expect(run(guestUpdated(guest({status: 'pending'}))).guests).toEqual({});
        });
    });

    describe('stopping', () => {
        it('remembers a stop until the session is seen ended', () => {
            expect(run(stopRequested('s1')).stopping).toEqual({s1: true});
            expect(run(stopRequested('s1'), stopSettled('s1')).stopping).toEqual({});
        });

        it('keeps its state when nothing changes', () => {
            const state = run(stopRequested('s1'));
            expect(reducer(state, stopRequested('s1'))).toBe(state);
            expect(reducer(state, stopSettled('other'))).toBe(state);
        });
    });
});
