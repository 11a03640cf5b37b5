import type {PermissionMode, SessionStatus} from '../../constants';
import {formatTokens} from '../../components/format';
import type {SessionInfo} from '../../types';

export const statusLabels: Record<SessionStatus, string> = {
    starting: 'Starting',
    working: 'Working',
    waiting: 'Waiting for approval',
    idle: 'Idle',
    ended: 'Ended',
    error: 'Error',
};

/** `ended_reason` words; a reason not listed here is shown as sent. */
const endedReasons: Record<string, string | undefined> = {
    stopped: 'stopped',
    idle: 'idle timeout',
    error: 'error',
    exited: 'Claude exited',
};

/** The pill's words: "Ended · stopped" says why an ended session ended; "Waiting for laptop" that a starting one waits for its offline machine. */
export function statusLabel(session: SessionInfo): string {
    if (session.status === 'starting' && session.waiting_for_machine) {
        return `Waiting for ${session.machine_name || 'its machine'}`;
    }
    if (session.status !== 'ended' || session.ended_reason === '') {
        return statusLabels[session.status];
    }
    return `Ended · ${endedReasons[session.ended_reason] ?? session.ended_reason.replace(/_/g, ' ')}`;
}

export const permissionLabels: Record<PermissionMode, string> = {
    default: 'Ask before tools',
    acceptEdits: 'Accept edits',
    plan: 'Plan only',
    bypassPermissions: 'Approve all',
};

/** "$0.42"; tiny non-zero costs read "< $0.01" rather than a misleading "$0.00". */
export function formatCost(usd: number): string {
    if (usd > 0 && usd < 0.01) {
        return '< $0.01';
    }
    return `$${usd.toFixed(2)}`;
}

/** Usernames with the owner first, each once. */
export function orderedParticipants(session: SessionInfo): string[] {
    const names = [session.owner_username, ...session.participants].filter((name) => name !== '');
    return [...new Set(names)];
}

export interface ContextUse {
    text: string;

    /** 0–100, or null when the window size is not known. */
    percent: number | null;
}

/** "41k of 200k · 21%" */
export function contextUse(session: SessionInfo): ContextUse | null {
    const {context_tokens: used, context_window: window} = session;
    if (window <= 0) {
        return used > 0 ? {text: formatTokens(used), percent: null} : null;
    }
    const percent = Math.min(100, Math.round((used / window) * 100));
    return {text: `${formatTokens(used)} of ${formatTokens(window)} · ${percent}%`, percent};
}

/** Whether the viewer may press Interrupt / Stop; true when the store does not know the viewer. */
export function isParticipant(session: SessionInfo, userId: string, username: string): boolean {
    if (userId === '' && username === '') {
        return true;
    }
    if (session.owner_id !== '' && session.owner_id === userId) {
        return true;
    }
    return username !== '' && orderedParticipants(session).includes(username);
}

/** Whether the viewer started the session (only they may Continue here); true when the store does not know the viewer. */
export function isOwner(session: SessionInfo, userId: string, username: string): boolean {
    if (userId === '' && username === '') {
        return true;
    }
    return session.owner_id !== '' ? session.owner_id === userId : session.owner_username === username;
}

/** "Terminal on alice-laptop" while the conversation runs there; "Mattermost on …" once a terminal session moved here; '' otherwise. */
export function runsIn(session: SessionInfo): string {
    if (session.runs_in === 'terminal') {
        return `Terminal on ${session.machine_name}`;
    }
    return session.origin === 'terminal' ? `Mattermost on ${session.machine_name}` : '';
}
