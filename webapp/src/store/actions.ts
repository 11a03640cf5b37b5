import type {ApprovalInfo, TextEvent} from '../types';

export const ActionTypes = {
    TextReceived: 'claude-mattermost/text_received',
    ApprovalUpdated: 'claude-mattermost/approval_updated',
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

export type PluginAction = TextReceivedAction | ApprovalUpdatedAction;

export function textReceived(event: TextEvent): TextReceivedAction {
    return {type: ActionTypes.TextReceived, event};
}

export function approvalUpdated(approval: ApprovalInfo): ApprovalUpdatedAction {
    return {type: ActionTypes.ApprovalUpdated, approval};
}
