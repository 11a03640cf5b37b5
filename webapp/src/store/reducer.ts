// Live state of sessions the viewer is watching. The posts in the host store catch up
// later (the server writes streamed text to the database every few seconds and edits
// approval cards after a decision); until then this slice holds what is newer.
import {combineReducers} from 'redux';
import type {AnyAction} from 'redux';

import type {ApprovalInfo} from '../types';

import {ActionTypes} from './actions';
import type {ApprovalUpdatedAction, TextReceivedAction} from './actions';

export interface LiveText {
    text: string;
    done: boolean;
    session_id: string;
    message_id: string;
}

/** Streamed text by post id. */
export type TextsState = Record<string, LiveText | undefined>;

/** Decided approvals by `approvalKey(session_id, request_id)`. */
export type ApprovalsState = Record<string, ApprovalInfo | undefined>;

export interface PluginState {
    texts: TextsState;
    approvals: ApprovalsState;
}

export function approvalKey(sessionId: string, requestId: string): string {
    return `${sessionId}/${requestId}`;
}

// Each event carries the whole text so far, so a longer text is a later one. Events
// can arrive out of order (several server nodes, reconnects): a shorter text is stale.
// The host store sends every action of the webapp through plugin reducers.
function texts(state: TextsState = {}, action: AnyAction): TextsState {
    if (action.type !== ActionTypes.TextReceived) {
        return state;
    }
    const {post_id: postId, text, done, session_id: sessionId, message_id: messageId} = (action as TextReceivedAction).event;
    const current = state[postId];
    if (current) {
        const longer = text.length > current.text.length;
        const finishes = text.length === current.text.length && done && !current.done;
        if (!longer && !finishes) {
            return state;
        }
    }
    return {
        ...state,
        [postId]: {text, done, session_id: sessionId, message_id: messageId},
    };
}

// A decision is final (first one wins on the server), so a decided approval is never
// replaced, and a pending one never overwrites a decision.
function approvals(state: ApprovalsState = {}, action: AnyAction): ApprovalsState {
    if (action.type !== ActionTypes.ApprovalUpdated) {
        return state;
    }
    const {approval} = action as ApprovalUpdatedAction;
    const key = approvalKey(approval.session_id, approval.request_id);
    if (approval.status === 'pending' || state[key]) {
        return state;
    }
    return {...state, [key]: approval};
}

export default combineReducers<PluginState>({texts, approvals});
