import type {ApprovalStatus, ContextOfferStatus, GuestStatus, PermissionMode, SessionStatus} from './constants';

/** `props.claude_session` of a session header post. Numbers are 0 and strings '' when not known yet. */
export interface SessionInfo {
    id: string;
    status: SessionStatus;
    machine_name: string;
    cwd: string;
    branch: string;
    owner_id: string;
    owner_username: string;

    /** Usernames; the owner is one of them (the card puts the owner first). */
    participants: string[];
    model: string;

    /** '' when the server did not say (older plugin); the header then shows no mode. */
    permission_mode: PermissionMode | '';
    cost_usd: number;
    input_tokens: number;
    output_tokens: number;
    context_tokens: number;
    context_window: number;

    /** Unix milliseconds. */
    last_activity: number;

    /** Why an `ended` session ended: `stopped`, `idle`, `error` or a newer reason. */
    ended_reason: string;
    error: string;
    claude_session_id: string;
}

/** `props.claude_approval` of an approval card, and the `approval` of the decide route. */
export interface ApprovalInfo {
    session_id: string;
    request_id: string;
    tool_name: string;
    input: Record<string, unknown>;
    cwd: string;
    description: string;
    status: ApprovalStatus;

    /** Username of whoever decided (a user id is resolved through the store when it is one). */
    decided_by: string;

    /** Unix milliseconds; 0 while pending. */
    decided_at: number;
    reason: string;

    /** How long an `expired` request waited, in the server's words ("30 minutes"); '' if not sent. */
    expired_after: string;
}

export interface UserRef {
    id: string;
    username: string;
}

/** `props.claude_guest`: a non-participant's reply held until a participant decides. */
export interface GuestInfo {
    session_id: string;
    request_id: string;
    user: UserRef;
    text: string;
    status: GuestStatus;
    decided_by: string;
    decided_at: number;
}

/** `props.claude_context_offer`: asked before a session starts inside an existing thread. */
export interface ContextOfferInfo {
    session_id: string;
    request_id: string;

    /** Who mentioned Claude; only they may choose. */
    user: UserRef;
    message_count: number;
    status: ContextOfferStatus;
}

/** One interactive-message button of a post (Mattermost strips the integration before clients see it). */
export interface PostActionRef {
    id: string;
    name: string;
}

/** `props.claude_text` of a streamed assistant reply; the text itself is `post.message`. */
export interface TextInfo {
    session_id: string;
    message_id: string;
    done: boolean;
}

/** Payload of the `custom_claude-mattermost_text` websocket event. */
export interface TextEvent {
    post_id: string;
    session_id: string;
    message_id: string;
    text: string;
    done: boolean;
}
