import type {ApprovalInfo, GuestInfo, TextEvent} from '../types';

export const ActionTypes = {
    TextReceived: 'claude-mattermost/text_received',
    ApprovalUpdated: 'claude-mattermost/approval_updated',
    GuestUpdated: 'claude-mattermost/guest_updated',
    StopRequested: 'claude-mattermost/stop_requested',
    StopSettled: 'claude-mattermost/stop_settled',
} as const;

export interface TextReceivedAction {
    type: typeof ActionTypes.TextReceived;
    event: TextEvent;
}

/** The decide route answered with the approval's new state (decided, or already decided by someone else). */
export interface ApprovalUpdatedAction {
    type: typeof ActionTypes.ApprovalUpdated;
    approval: ApprovalInfo;
}

/** A guest request was decided in this tab (or the server said someone decided first). */
export interface GuestUpdatedAction {
    type: typeof ActionTypes.GuestUpdated;
    guest: GuestInfo;
}

/** The stop route accepted; the header says "Stopping…" until the session reads `ended`. */
export interface StopRequestedAction {
    type: typeof ActionTypes.StopRequested;
    sessionId: string;
}

/** The header saw the session end, so a later resume does not read "Stopping…". */
export interface StopSettledAction {
    type: typeof ActionTypes.StopSettled;
    sessionId: string;
}

export type PluginAction = TextReceivedAction | ApprovalUpdatedAction | GuestUpdatedAction | StopRequestedAction | StopSettledAction;

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
