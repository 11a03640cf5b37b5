// Reads from the host store. Typed against the few fields used, which the real
// GlobalState has, so tests can hand in a small state.
import type {ClientConfig} from '@mattermost/types/config';
import type {PreferenceType} from '@mattermost/types/preferences';
import type {UserProfile} from '@mattermost/types/users';

import {BOT_USERNAME, STATE_KEY} from '../constants';
import type {ApprovalInfo, GuestInfo, PendingRequest, QuestionInfo} from '../types';

import {requestKey} from './reducer';
import type {LiveText, PanelState, PluginState} from './reducer';

export interface HostState {
    entities: {
        general: {config: Partial<ClientConfig>};
        users: {currentUserId?: string; profiles: Record<string, UserProfile | undefined>};
        preferences?: {myPreferences: Record<string, PreferenceType | undefined>};
        teams?: {currentTeamId?: string; teams: Record<string, {name: string} | undefined>};
    };
    [STATE_KEY]?: PluginState;
}

export function getUser(state: HostState, userId: string): UserProfile | undefined {
    return state.entities.users.profiles[userId];
}

/**
 * Only posts by the plugin's bot get a card; anyone else can set a post's type
 * through the API, and their post must not look like Claude's.
 */
export function isClaudeBot(state: HostState, userId: string): boolean {
    const user = getUser(state, userId);
    return user?.username === BOT_USERNAME && user.is_bot === true;
}

/** "decided_by" holds a username; if the server sent a user id we know, show its username. */
export function getDisplayUsername(state: HostState, usernameOrId: string): string {
    return getUser(state, usernameOrId)?.username ?? usernameOrId;
}

export function prefersMilitaryTime(state: HostState): boolean {
    return state.entities.preferences?.myPreferences['display_settings--use_military_time']?.value === 'true';
}

export function getLiveText(state: HostState, postId: string): LiveText | undefined {
    return state[STATE_KEY]?.texts[postId];
}

export function getDecidedApproval(state: HostState, sessionId: string, requestId: string): ApprovalInfo | undefined {
    return state[STATE_KEY]?.approvals[requestKey(sessionId, requestId)];
}

export function getDecidedGuest(state: HostState, sessionId: string, requestId: string): GuestInfo | undefined {
    return state[STATE_KEY]?.guests[requestKey(sessionId, requestId)];
}

export function isStopRequested(state: HostState, sessionId: string): boolean {
    return state[STATE_KEY]?.stopping[sessionId] === true;
}

/** The viewer's id and username; empty strings when the store does not know them (yet). */
export function getCurrentUserId(state: HostState): string {
    return state.entities.users.currentUserId ?? '';
}

export function getCurrentUsername(state: HostState): string {
    return getUser(state, getCurrentUserId(state))?.username ?? '';
}

export function getAnsweredQuestion(state: HostState, sessionId: string, requestId: string): QuestionInfo | undefined {
    return state[STATE_KEY]?.questions[requestKey(sessionId, requestId)];
}

export function isTodoCollapsed(state: HostState, postId: string): boolean {
    return state[STATE_KEY]?.todoCollapsed[postId] === true;
}

export function isOutputExpanded(state: HostState, postId: string): boolean {
    return state[STATE_KEY]?.outputsExpanded[postId] === true;
}

export function getPanel(state: HostState): PanelState | undefined {
    return state[STATE_KEY]?.panel;
}

export function isPanelOpen(state: HostState): boolean {
    return (state[STATE_KEY]?.panel.open ?? 0) > 0;
}

const none = {};

/** Approvals decided in this tab, by request key (a stable object while nothing changes). */
export function getDecidedApprovals(state: HostState): Record<string, ApprovalInfo | undefined> {
    return state[STATE_KEY]?.approvals ?? none;
}

/** Questions answered in this tab, by request key. */
export function getAnsweredQuestions(state: HostState): Record<string, QuestionInfo | undefined> {
    return state[STATE_KEY]?.questions ?? none;
}

/** Whether this tab already settled a request the panel lists (the server's refresh may not have arrived yet). */
export function isSettledHere(request: PendingRequest, approvals: Record<string, unknown>, questions: Record<string, unknown>): boolean {
    const key = requestKey(request.session_id, request.request_id);
    return approvals[key] !== undefined || questions[key] !== undefined;
}

/** The current team's URL name, '' when the store does not know it. */
export function getCurrentTeamName(state: HostState): string {
    const teams = state.entities.teams;
    return teams?.currentTeamId ? teams.teams[teams.currentTeamId]?.name ?? '' : '';
}
