import type {ApprovalStatus, SessionStatus} from './constants';

/** `props.claude_session` of a session header post. */
export interface SessionInfo {
    id: string;
    status: SessionStatus;
    machine_name: string;
    cwd: string;
    owner_username: string;
    participants: string[];
    model: string;
    cost_usd: number;
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
