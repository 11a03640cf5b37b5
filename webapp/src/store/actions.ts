import type {RefreshTarget} from '../constants';
import type {ApprovalInfo, GuestInfo, MachineSummary, PendingRequest, QuestionInfo, SessionSummary, TextEvent} from '../types';

export const ActionTypes = {
    TextReceived: 'claude-mattermost/text_received',
    ApprovalUpdated: 'claude-mattermost/approval_updated',
    GuestUpdated: 'claude-mattermost/guest_updated',
    StopRequested: 'claude-mattermost/stop_requested',
    StopSettled: 'claude-mattermost/stop_settled',
    QuestionUpdated: 'claude-mattermost/question_updated',
    TodoToggled: 'claude-mattermost/todo_toggled',
    OutputToggled: 'claude-mattermost/output_toggled',
    PanelOpened: 'claude-mattermost/panel_opened',
    PanelClosed: 'claude-mattermost/panel_closed',
    PanelLoading: 'claude-mattermost/panel_loading',
    PanelLoaded: 'claude-mattermost/panel_loaded',
    PanelFailed: 'claude-mattermost/panel_failed',
} as const;

export type TextReceivedAction = {
    type: typeof ActionTypes.TextReceived;
    event: TextEvent;
};

/** The decide route answered with the approval's new state (decided, or already decided by someone else). */
export type ApprovalUpdatedAction = {
    type: typeof ActionTypes.ApprovalUpdated;
    approval: ApprovalInfo;
};

/** A guest request was decided in this tab (or the server said someone decided first). */
export type GuestUpdatedAction = {
    type: typeof ActionTypes.GuestUpdated;
    guest: GuestInfo;
};

/** The stop route accepted; the header says "Stopping…" until the session reads `ended`. */
export type StopRequestedAction = {
    type: typeof ActionTypes.StopRequested;
    sessionId: string;
};

/** The header saw the session end, so a later resume does not read "Stopping…". */
export type StopSettledAction = {
    type: typeof ActionTypes.StopSettled;
    sessionId: string;
};

/** A question was answered in this tab (or the server said someone answered first). */
export type QuestionUpdatedAction = {
    type: typeof ActionTypes.QuestionUpdated;
    question: QuestionInfo;
};

/** The todo panel of a post was folded or unfolded; remembered while the page lives. */
export type TodoToggledAction = {
    type: typeof ActionTypes.TodoToggled;
    postId: string;
    collapsed: boolean;
};

/** A tool output card was opened or closed. */
export type OutputToggledAction = {
    type: typeof ActionTypes.OutputToggled;
    postId: string;
    expanded: boolean;
};

/** The right-hand panel mounted / unmounted: refresh events refetch only while it shows. */
export type PanelVisibilityAction = {
    type: typeof ActionTypes.PanelOpened | typeof ActionTypes.PanelClosed;
};

export interface PanelListData {
    machines: MachineSummary[];
    sessions: SessionSummary[];
    approvals: PendingRequest[];
}

export type PanelLoadingAction = {
    type: typeof ActionTypes.PanelLoading;
    what: RefreshTarget;
};

export type PanelLoadedAction = {
    [K in RefreshTarget]: {type: typeof ActionTypes.PanelLoaded; what: K; items: PanelListData[K]};
}[RefreshTarget];

export type PanelFailedAction = {
    type: typeof ActionTypes.PanelFailed;
    what: RefreshTarget;
    error: string;
};

export type PluginAction = TextReceivedAction | ApprovalUpdatedAction | GuestUpdatedAction | StopRequestedAction | StopSettledAction |
    QuestionUpdatedAction | TodoToggledAction | OutputToggledAction | PanelVisibilityAction | PanelLoadingAction | PanelLoadedAction | PanelFailedAction;

export function textReceived(event: TextEvent): TextReceivedAction {
    return {type: ActionTypes.TextReceived, event};
}

export function approvalUpdated(approval: ApprovalInfo): ApprovalUpdatedAction {
    return {type: ActionTypes.ApprovalUpdated, approval};
}

export function guestUpdated(guest: GuestInfo): GuestUpdatedAction {
    return {type: ActionTypes.GuestUpdated, guest};
}

export function stopRequested(sessionId: string): StopRequestedAction {
    return {type: ActionTypes.StopRequested, sessionId};
}

export function stopSettled(sessionId: string): StopSettledAction {
    return {type: ActionTypes.StopSettled, sessionId};
}

export function questionUpdated(question: QuestionInfo): QuestionUpdatedAction {
    return {type: ActionTypes.QuestionUpdated, question};
}

export function todoToggled(postId: string, collapsed: boolean): TodoToggledAction {
    return {type: ActionTypes.TodoToggled, postId, collapsed};
}

export function outputToggled(postId: string, expanded: boolean): OutputToggledAction {
    return {type: ActionTypes.OutputToggled, postId, expanded};
}

export function panelOpened(): PanelVisibilityAction {
    return {type: ActionTypes.PanelOpened};
}

export function panelClosed(): PanelVisibilityAction {
    return {type: ActionTypes.PanelClosed};
}

export function panelLoading(what: RefreshTarget): PanelLoadingAction {
    return {type: ActionTypes.PanelLoading, what};
}

export function panelLoaded<K extends RefreshTarget>(what: K, items: PanelListData[K]): PanelLoadedAction {
    return {type: ActionTypes.PanelLoaded, what, items} as PanelLoadedAction;
}

export function panelFailed(what: RefreshTarget, error: string): PanelFailedAction {
    return {type: ActionTypes.PanelFailed, what, error};
}
