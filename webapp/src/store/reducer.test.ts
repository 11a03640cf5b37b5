import type {ApprovalInfo, TextEvent} from '../types';

import {approvalUpdated, textReceived} from './actions';
import reducer, {approvalKey} from './reducer';
import type {PluginState} from './reducer';

function text(overrides: Partial<TextEvent> = {}): TextEvent {
    return {post_id: 'p1', session_id: 's1', message_id: 'm1', text: 'Hello', done: false, ...overrides};
}

function approval(overrides: Partial<ApprovalInfo> = {}): ApprovalInfo {
    return {
        session_id: 's1', request_id: 'r1', tool_name: 'Bash', input: {command: 'ls'}, cwd: '', description: '',
        status: 'approved', decided_by: 'alice', decided_at: 1, reason: '', ...overrides,
    };
}

function run(...actions: Parameters<typeof reducer>[1][]): PluginState {
    return actions.reduce<PluginState>((state, action) => reducer(state, action), reducer(undefined, {type: '@@INIT'}));
}

describe('plugin reducer', () => {
    it('starts empty', () => {
        expect(run()).toEqual({texts: {}, approvals: {}});
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
            expect(run(approvalUpdated(approval())).approvals[approvalKey('s1', 'r1')]?.decided_by).toBe('alice');
        });

        it('never replaces a decision: the first one wins', () => {
            const state = run(approvalUpdated(approval()), approvalUpdated(approval({status: 'denied', decided_by: 'bob'})));
            expect(state.approvals[approvalKey('s1', 'r1')]).toMatchObject({status: 'approved', decided_by: 'alice'});
        });

        it('ignores a pending approval', () => {
            expect(run(approvalUpdated(approval({status: 'pending'}))).approvals).toEqual({});
        });
    });
});
