// Live state of sessions the viewer is watching. The posts in the host store catch up
// later (the server writes streamed text to the database every few seconds and edits
// cards after a decision); until then this slice holds what is newer. A card can be
// on screen twice (channel and right-hand thread), so what a click changed lives here
// and both copies agree.
import {combineReducers} from 'redux';
import type {Reducer, UnknownAction} from 'redux';

import type {RefreshTarget} from '../constants';
import type {ApprovalInfo, GuestInfo, QuestionInfo} from '../types';

import {ActionTypes} from './actions';
import type {
    ApprovalUpdatedAction, GuestUpdatedAction, OutputToggledAction, PanelFailedAction, PanelListData, PanelLoadedAction, PanelLoadingAction,
    QuestionUpdatedAction, StopRequestedAction, StopSettledAction, TextReceivedAction, TodoToggledAction,
} from './actions';

export interface LiveText {
    text: string;
    done: boolean;
    session_id: string;
    message_id: string;
}

/** Streamed text by post id. */
export type TextsState = Record<string, LiveText | undefined>;

/** Decided approvals by `requestKey(session_id, request_id)`. */
export type ApprovalsState = Record<string, ApprovalInfo | undefined>;

/** Decided guest requests by `requestKey(session_id, request_id)`. */
export type GuestsState = Record<string, GuestInfo | undefined>;

/** Sessions this tab asked to stop, by session id. */
export type StoppingState = Record<string, true | undefined>;

/** Answered questions by `requestKey(session_id, request_id)`. */
export type QuestionsState = Record<string, QuestionInfo | undefined>;

/** Post ids whose todo panel is folded, or whose tool output is open. */
export type PostFlags = Record<string, true | undefined>;

export interface ListState<T> {
    items: T[];

    /** A first answer arrived; until then the panel says "Loading…" rather than "nothing". */
    loaded: boolean;
    loading: boolean;
    error: string;
}

export type PanelState = {
    [K in RefreshTarget]: ListState<PanelListData[K][number]>;
} & {
    /** How many copies of the right-hand panel are on screen. */
    open: number;
};

export interface PluginState {
    texts: TextsState;
    approvals: ApprovalsState;
    guests: GuestsState;
    stopping: StoppingState;
    questions: QuestionsState;
    todoCollapsed: PostFlags;
    outputsExpanded: PostFlags;
    panel: PanelState;
}

export function requestKey(sessionId: string, requestId: string): string {
    return `${sessionId}/${requestId}`;
}

// Each event carries the whole text so far, so a longer text is a later one. Events
// can arrive out of order (several server nodes, reconnects): a shorter text is stale.
// The host store sends every action of the webapp through plugin reducers.
function texts(state: TextsState = {}, action: UnknownAction): TextsState {
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
function approvals(state: ApprovalsState = {}, action: UnknownAction): ApprovalsState {
    if (action.type !== ActionTypes.ApprovalUpdated) {
        return state;
    }
    const {approval} = action as ApprovalUpdatedAction;
    const key = requestKey(approval.session_id, approval.request_id);
    if (approval.status === 'pending' || state[key]) {
        return state;
    }
    return {...state, [key]: approval};
}

// The same rule as approvals: the first decision wins.
function guests(state: GuestsState = {}, action: UnknownAction): GuestsState {
    if (action.type !== ActionTypes.GuestUpdated) {
        return state;
    }
    const {guest} = action as GuestUpdatedAction;
    const key = requestKey(guest.session_id, guest.request_id);
    if (guest.status === 'pending' || state[key]) {
        return state;
    }
    return {...state, [key]: guest};
}

function stopping(state: StoppingState = {}, action: UnknownAction): StoppingState {
    switch (action.type) {
    case ActionTypes.StopRequested: {
        const {sessionId} = action as StopRequestedAction;
        return state[sessionId] ? state : {...state, [sessionId]: true};
    }
    case ActionTypes.StopSettled: {
        const {sessionId} = action as StopSettledAction;
        if (!state[sessionId]) {
            return state;
        }
        return Object.fromEntries(Object.entries(state).filter(([id]) => id !== sessionId));
    }
    default:
        return state;
    }
}

// The same rule again: the first answer wins.
function questions(state: QuestionsState = {}, action: UnknownAction): QuestionsState {
    if (action.type !== ActionTypes.QuestionUpdated) {
        return state;
    }
    const {question} = action as QuestionUpdatedAction;
    const key = requestKey(question.session_id, question.request_id);
    if (question.status === 'pending' || state[key]) {
        return state;
    }
    return {...state, [key]: question};
}

function setFlag(state: PostFlags, postId: string, on: boolean): PostFlags {
    if ((state[postId] === true) === on) {
        return state;
    }
    if (on) {
        return {...state, [postId]: true};
    }
    return Object.fromEntries(Object.entries(state).filter(([id]) => id !== postId));
}

// Kept here, not in the card: Mattermost unmounts posts scrolled out of view.
function todoCollapsed(state: PostFlags = {}, action: UnknownAction): PostFlags {
    if (action.type !== ActionTypes.TodoToggled) {
        return state;
    }
    const {postId, collapsed} = action as TodoToggledAction;
    return setFlag(state, postId, collapsed);
}

function outputsExpanded(state: PostFlags = {}, action: UnknownAction): PostFlags {
    if (action.type !== ActionTypes.OutputToggled) {
        return state;
    }
    const {postId, expanded} = action as OutputToggledAction;
    return setFlag(state, postId, expanded);
}

function emptyList<T>(): ListState<T> {
    return {items: [], loaded: false, loading: false, error: ''};
}

const initialPanel: PanelState = {open: 0, machines: emptyList(), sessions: emptyList(), approvals: emptyList()};

function panel(state: PanelState = initialPanel, action: UnknownAction): PanelState {
    switch (action.type) {
    case ActionTypes.PanelOpened:
        return {...state, open: state.open + 1};
    case ActionTypes.PanelClosed:
        return {...state, open: Math.max(0, state.open - 1)};
    case ActionTypes.PanelLoading: {
        const {what} = action as PanelLoadingAction;
        return {...state, [what]: {...state[what], loading: true}};
    }
    case ActionTypes.PanelLoaded: {
        const {what, items} = action as PanelLoadedAction;
        return {...state, [what]: {items, loaded: true, loading: false, error: ''}};
    }
    case ActionTypes.PanelFailed: {
        // The last list stays on screen with the error above it.
        const {what, error} = action as PanelFailedAction;
        return {...state, [what]: {...state[what], loading: false, error}};
    }
    default:
        return state;
    }
}

const reducer: Reducer<PluginState> = combineReducers({texts, approvals, guests, stopping, questions, todoCollapsed, outputsExpanded, panel});

export default reducer;
