// Reads the plugin's post props and websocket payloads. They arrive as untyped JSON,
// so every field is checked here once and the components get whole, typed objects.
import {ApprovalStatuses, ContextOfferStatuses, GuestStatuses, PermissionModes, PropKeys, SessionStatuses} from './constants';
import type {ApprovalStatus, ContextOfferStatus, GuestStatus, PermissionMode, SessionStatus} from './constants';
import type {ApprovalInfo, ContextOfferInfo, GuestInfo, PostActionRef, SessionInfo, TextEvent, TextInfo, UserRef} from './types';

type Props = Record<string, unknown> | undefined | null;

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string {
    return typeof value === 'string' ? value : '';
}

function num(value: unknown): number {
    return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/** Counts and money: a negative number is a bug upstream, shown as nothing rather than "-3". */
function count(value: unknown): number {
    return Math.max(0, num(value));
}

function readUser(value: unknown): UserRef {
    const raw = isRecord(value) ? value : {};
    return {id: str(raw.id), username: str(raw.username)};
}

function oneOf<T extends string>(allowed: readonly T[], value: unknown, fallback: T): T {
    return (allowed as readonly unknown[]).includes(value) ? value as T : fallback;
}

/** Accepts unix ms, unix seconds or an ISO date; 0 when absent or unreadable. */
export function toMillis(value: unknown): number {
    if (typeof value === 'number' && Number.isFinite(value) && value > 0) {
        return value < 1e12 ? value * 1000 : value;
    }
    if (typeof value === 'string' && value !== '') {
        const parsed = Date.parse(value);
        return Number.isNaN(parsed) ? 0 : parsed;
    }
    return 0;
}

export function readSession(props: Props): SessionInfo | null {
    const raw = props?.[PropKeys.Session];
    if (!isRecord(raw)) {
        return null;
    }
    return {
        id: str(raw.id),
        status: oneOf<SessionStatus>(SessionStatuses, raw.status, 'starting'),
        machine_name: str(raw.machine_name),
        cwd: str(raw.cwd),
        branch: str(raw.branch),
        owner_id: str(raw.owner_id),
        owner_username: str(raw.owner_username),
        participants: Array.isArray(raw.participants) ? raw.participants.filter((p): p is string => typeof p === 'string' && p !== '') : [],
        model: str(raw.model),
        permission_mode: oneOf<PermissionMode | ''>(PermissionModes, raw.permission_mode, ''),
        cost_usd: count(raw.cost_usd),
        input_tokens: count(raw.input_tokens),
        output_tokens: count(raw.output_tokens),
        context_tokens: count(raw.context_tokens),
        context_window: count(raw.context_window),
        last_activity: toMillis(raw.last_activity),
        ended_reason: str(raw.ended_reason),
        error: str(raw.error),
        claude_session_id: str(raw.claude_session_id),
    };
}

export function parseApproval(raw: unknown): ApprovalInfo | null {
    if (!isRecord(raw) || str(raw.session_id) === '' || str(raw.request_id) === '') {
        return null;
    }
    return {
        session_id: str(raw.session_id),
        request_id: str(raw.request_id),
        tool_name: str(raw.tool_name),
        input: isRecord(raw.input) ? raw.input : {},
        cwd: str(raw.cwd),
        description: str(raw.description),
        status: oneOf<ApprovalStatus>(ApprovalStatuses, raw.status, 'pending'),
        decided_by: str(raw.decided_by),
        decided_at: toMillis(raw.decided_at),
        reason: str(raw.reason),
        expired_after: str(raw.expired_after),
    };
}

export function readApproval(props: Props): ApprovalInfo | null {
    return parseApproval(props?.[PropKeys.Approval]);
}

export function parseGuest(raw: unknown): GuestInfo | null {
    if (!isRecord(raw) || str(raw.session_id) === '' || str(raw.request_id) === '') {
        return null;
    }
    return {
        session_id: str(raw.session_id),
        request_id: str(raw.request_id),
        user: readUser(raw.user),
        text: str(raw.text),
        status: oneOf<GuestStatus>(GuestStatuses, raw.status, 'pending'),
        decided_by: str(raw.decided_by),
        decided_at: toMillis(raw.decided_at),
    };
}

export function readGuest(props: Props): GuestInfo | null {
    return parseGuest(props?.[PropKeys.Guest]);
}

/**
 * The server writes `{offer_id, user_id, username, count, status: pending|included|without}`
 * (server/cards/offer.go); the first draft of the contract had `{request_id, user: {id,
 * username}, message_count, status: …|skipped}`. Both read the same, so neither side
 * has to move in lockstep.
 */
export function readContextOffer(props: Props): ContextOfferInfo | null {
    const raw = props?.[PropKeys.ContextOffer];
    if (!isRecord(raw)) {
        return null;
    }
    const user = isRecord(raw.user) ? readUser(raw.user) : {id: str(raw.user_id), username: str(raw.username)};
    const status = raw.status === 'without' ? 'skipped' : raw.status;
    return {
        session_id: str(raw.session_id),
        request_id: str(raw.offer_id) || str(raw.request_id),
        user,
        message_count: Math.floor(count(raw.count ?? raw.message_count)),
        status: oneOf<ContextOfferStatus>(ContextOfferStatuses, status, 'pending'),
    };
}

/** The buttons in `props.attachments`, in order; the integration is stripped before clients see a post. */
export function readPostActions(props: Props): PostActionRef[] {
    const attachments = props?.[PropKeys.Attachments];
    if (!Array.isArray(attachments)) {
        return [];
    }
    return attachments.flatMap((attachment: unknown) => {
        const actions = isRecord(attachment) && Array.isArray(attachment.actions) ? attachment.actions as unknown[] : [];
        return actions.filter(isRecord).map((action) => ({id: str(action.id), name: str(action.name)})).filter((action) => action.id !== '');
    });
}

export function readText(props: Props): TextInfo {
    const raw = props?.[PropKeys.Text];
    const info = isRecord(raw) ? raw : {};
    return {
        session_id: str(info.session_id),
        message_id: str(info.message_id),
        done: info.done === true,
    };
}

export function parseTextEvent(raw: unknown): TextEvent | null {
    if (!isRecord(raw) || typeof raw.post_id !== 'string' || raw.post_id === '' || typeof raw.text !== 'string') {
        return null;
    }
    return {
        post_id: raw.post_id,
        session_id: str(raw.session_id),
        message_id: str(raw.message_id),
        text: raw.text,
        done: raw.done === true,
    };
}
