import type {ApprovalStatus, ContextOfferStatus, GuestStatus, PermissionMode, QuestionStatus, RunsIn, SessionOrigin, SessionStatus, TodoStatus} from './constants';

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

    /** 'mattermost' for a session started here (and from older plugins). */
    origin: SessionOrigin;

    /** 'terminal' while the conversation runs in the owner's terminal. */
    runs_in: RunsIn;

    /** The owner is away from the terminal: Claude waits for replies and approvals here. */
    away: boolean;

    /** A name the agent gave the session; '' when none. */
    title: string;

    /** What the session was asked (redacted and cut by the plugin); '' from older plugins. */
    prompt: string;

    /** Started while its machine was offline: the session waits for the agent (cleared by its first report). */
    waiting_for_machine: boolean;

    /** When that machine was last seen (unix ms); 0 when it never connected. */
    machine_last_seen: number;
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

    /** How a `resolved` request was settled in the terminal: terminal_allowed, terminal_denied or terminal_asks. */
    resolution?: string;

    /** What the agent worked out for the card (a diff, a new file's content, an MCP tool's names); null for the rest. */
    preview: ApprovalPreview | null;

    /** Decided with Approve all: the session now runs every tool without asking. */
    approve_all: boolean;
}

/** A unified diff of one file, as the agent computes it (3 lines of context, a/ b/ headers). */
export interface DiffPreview {
    kind: 'diff';
    file_path: string;
    diff: string;

    /** From the file extension: ts, go, py, …; '' when unknown. */
    language: string;
    added: number;
    removed: number;

    /** The agent cut the text at 400 000 characters. */
    truncated: boolean;
}

/** Write to a file that does not exist yet: its whole content. */
export interface NewFilePreview {
    kind: 'new_file';
    file_path: string;
    content: string;
    language: string;
    lines: number;
    truncated: boolean;
}

/** An MCP tool `mcp__<server>__<tool>`; its input is shown as JSON. */
export interface McpPreview {
    kind: 'mcp';
    server: string;
    tool: string;
}

export type ApprovalPreview = DiffPreview | NewFilePreview | McpPreview;

/** `props.claude_diff`: an edit Claude applied without asking (accept-edits or approve-all mode). */
export interface AppliedDiffInfo extends Omit<DiffPreview, 'kind'> {
    session_id: string;
    tool_use_id: string;
}

export interface TodoItem {
    content: string;
    status: TodoStatus;

    /** "Running the tests": what Claude says while the item is in progress. */
    activeForm: string;
}

/** `props.claude_todo`: the session's task list (one post, edited in place). */
export interface TodoInfo {
    session_id: string;
    todos: TodoItem[];
    done: number;
    total: number;
}

export interface QuestionOption {
    label: string;
    description: string;
}

export interface QuestionItem {
    question: string;

    /** A short tag for the question ("Auth method"). */
    header: string;
    multiSelect: boolean;
    options: QuestionOption[];
}

/** `props.claude_question`: Claude asks the participants (AskUserQuestion). */
export interface QuestionInfo {
    session_id: string;
    request_id: string;
    questions: QuestionItem[];
    status: QuestionStatus;

    /** Question text → chosen label, comma-joined labels, or free text. */
    answers: Record<string, string>;
    answered_by: string;
    answered_at: number;

    /** As on an approval: how a `resolved` question was settled in the terminal. */
    resolution?: string;
}

/** `props.claude_tool_output`: what a tool printed; the first lines are on the post, the rest on request. */
export interface ToolOutputInfo {
    session_id: string;
    tool_use_id: string;
    tool_name: string;

    /** One line: the command, the path… */
    summary: string;
    is_error: boolean;
    lines: number;
    truncated: boolean;

    /** The first 30 lines / 4 000 characters. */
    preview: string;
}

/** `GET /me/machines`. */
export interface MachineSummary {
    id: string;
    name: string;
    online: boolean;

    /** Unix ms; 0 when never seen. */
    last_seen: number;

    /** Username of the owner when someone shared the machine with me; '' for my own. */
    shared_by: string;
}

/** `GET /me/sessions`. */
export interface SessionSummary {
    id: string;
    status: SessionStatus;
    machine_name: string;
    cwd: string;
    channel_id: string;
    root_id: string;
    prompt: string;
    last_activity: number;

    /** Someone else's session I was invited to; `owner_username` started it. */
    invited: boolean;
    owner_username: string;
}

/** `GET /me/approvals`: a request waiting for me (tool approval, plan or question). */
export interface PendingRequest {
    session_id: string;
    request_id: string;

    /** `approval`, `plan`, `question`, or a newer kind (shown as a link to its card). */
    kind: string;
    tool_name: string;
    summary: string;
    post_id: string;
    channel_id: string;
    created_at: number;
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
