// Reads the plugin's post props and websocket payloads. They arrive as untyped JSON,
// so every field is checked here once and the components get whole, typed objects.
import {ApprovalStatuses, ContextOfferStatuses, GuestStatuses, PermissionModes, PropKeys, QuestionStatuses, RefreshTargets, RunsInPlaces, SessionOrigins, SessionStatuses, TodoStatuses} from './constants';
import type {ApprovalStatus, ContextOfferStatus, GuestStatus, PermissionMode, QuestionStatus, RefreshTarget, RunsIn, SessionOrigin, SessionStatus, TodoStatus} from './constants';
import type {
    AppliedDiffInfo, ApprovalInfo, ApprovalPreview, ContextOfferInfo, GuestInfo, MachineSummary, PendingRequest, PostActionRef, QuestionInfo,
    QuestionItem, SessionInfo, SessionSummary, TextEvent, TextInfo, TodoInfo, TodoItem, ToolOutputInfo, UserRef,
} from './types';

type Props = Record<string, unknown> | undefined | null;

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string {
    return typeof value === 'string' ? value : '';
}

/**
 * The most a card lays out. The server writes less, but a post written by hand can
 * carry megabytes, and laying out a megabyte of text (above all one long line, which the
 * browser must break anywhere) takes seconds. Longer text is cut, and says so. A field:
 * more than a Mattermost message holds (16,383 characters). Code (a diff, a file, an
 * output, a tool's input): as much as the server lets an agent send in a preview, with
 * no line longer than a minified file's would be worth reading.
 */
export const TEXT_LIMIT = 20_000;
export const CODE_LIMIT = 400_000;
export const LINE_LIMIT = 10_000;

/** `text` cut at `limit`, with what was cut said at the end. */
export function cut(text: string, limit: number): string {
    return text.length <= limit ? text : `${text.slice(0, limit)} … ${(text.length - limit).toLocaleString('en-US')} more characters not shown`;
}

/** Each line of `text` cut at LINE_LIMIT, saying what was cut. */
function cutLongLines(text: string): string {
    if (text.length <= LINE_LIMIT) {
        return text;
    }
    return text.split('\n').map((line) => (line.length <= LINE_LIMIT
        ? line
        : `${line.slice(0, LINE_LIMIT)} … ${(line.length - LINE_LIMIT).toLocaleString('en-US')} more characters on this line`)).join('\n');
}

/** A field shown as text. */
function text(value: unknown, limit = TEXT_LIMIT): string {
    return cut(str(value), limit);
}

/** Code that has a "cut short" flag: long lines cut; past the limit, cut at a line end and flagged. */
function code<K extends string>(value: unknown, truncated: unknown, key: K): Record<K, string> & {truncated: boolean} {
    const whole = cutLongLines(str(value));
    if (whole.length <= CODE_LIMIT) {
        return {[key]: whole, truncated: truncated === true} as Record<K, string> & {truncated: boolean};
    }
    const head = whole.slice(0, CODE_LIMIT);
    const lineEnd = head.lastIndexOf('\n');
    return {[key]: lineEnd > 0 ? head.slice(0, lineEnd) : head, truncated: true} as Record<K, string> & {truncated: boolean};
}

/** A tool's input: every string in it cut at the code limit (records and lists keep their shape). */
function cutLeaves(value: unknown, depth: number): unknown {
    if (typeof value === 'string') {
        return cut(cutLongLines(value), CODE_LIMIT);
    }
    if (depth > 32 || typeof value !== 'object' || value === null) {
        return value;
    }
    if (Array.isArray(value)) {
        return value.map((v) => cutLeaves(v, depth + 1));
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cutLeaves(v, depth + 1)]));
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
    return {id: str(raw.id), username: text(raw.username)};
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
        machine_name: text(raw.machine_name),
        cwd: text(raw.cwd),
        branch: text(raw.branch),
        owner_id: str(raw.owner_id),
        owner_username: text(raw.owner_username),
        participants: Array.isArray(raw.participants) ? raw.participants.filter((p): p is string => typeof p === 'string' && p !== '').map((p) => cut(p, TEXT_LIMIT)) : [],
        model: text(raw.model),
        permission_mode: oneOf<PermissionMode | ''>(PermissionModes, raw.permission_mode, ''),
        cost_usd: count(raw.cost_usd),
        input_tokens: count(raw.input_tokens),
        output_tokens: count(raw.output_tokens),
        context_tokens: count(raw.context_tokens),
        context_window: count(raw.context_window),
        last_activity: toMillis(raw.last_activity),
        ended_reason: text(raw.ended_reason),
        error: text(raw.error),
        claude_session_id: str(raw.claude_session_id),
        origin: oneOf<SessionOrigin>(SessionOrigins, raw.origin, 'mattermost'),
        runs_in: oneOf<RunsIn>(RunsInPlaces, raw.runs_in, 'agent'),
        away: raw.away === true,
        title: text(raw.title),
        prompt: text(raw.prompt),
        waiting_for_machine: raw.waiting_for_machine === true,
        machine_last_seen: toMillis(raw.machine_last_seen),
    };
}

export function parseApproval(raw: unknown): ApprovalInfo | null {
    if (!isRecord(raw) || str(raw.session_id) === '' || str(raw.request_id) === '') {
        return null;
    }
    return {
        session_id: str(raw.session_id),
        request_id: str(raw.request_id),
        tool_name: text(raw.tool_name),
        input: isRecord(raw.input) ? cutLeaves(raw.input, 0) as Record<string, unknown> : {},
        cwd: text(raw.cwd),
        description: text(raw.description),
        status: oneOf<ApprovalStatus>(ApprovalStatuses, raw.status, 'pending'),
        decided_by: text(raw.decided_by),
        decided_at: toMillis(raw.decided_at),
        reason: text(raw.reason),
        expired_after: text(raw.expired_after),
        resolution: str(raw.resolution),
        preview: readPreview(raw.preview),
        approve_all: raw.approve_all === true || raw.decision === 'approve_all',
    };
}

function readPreview(raw: unknown): ApprovalPreview | null {
    if (!isRecord(raw)) {
        return null;
    }
    switch (raw.kind) {
    case 'diff':
        return {kind: 'diff', ...readDiffFields(raw)};
    case 'new_file':
        return {
            kind: 'new_file',
            file_path: text(raw.file_path),
            ...code(raw.content, raw.truncated, 'content'),
            language: text(raw.language),
            lines: Math.floor(count(raw.lines)),
        };
    case 'mcp':
        return {kind: 'mcp', server: text(raw.server), tool: text(raw.tool)};
    default:
        return null;
    }
}

function readDiffFields(raw: Record<string, unknown>) {
    return {
        file_path: text(raw.file_path),
        ...code(raw.diff, raw.truncated, 'diff'),
        language: text(raw.language),
        added: Math.floor(count(raw.added)),
        removed: Math.floor(count(raw.removed)),
    };
}

export function readAppliedDiff(props: Props): AppliedDiffInfo | null {
    const raw = props?.[PropKeys.Diff];
    if (!isRecord(raw) || typeof raw.diff !== 'string') {
        return null;
    }
    return {session_id: str(raw.session_id), tool_use_id: str(raw.tool_use_id), ...readDiffFields(raw)};
}

function readTodoItem(raw: unknown): TodoItem | null {
    if (!isRecord(raw) || text(raw.content) === '') {
        return null;
    }
    return {
        content: text(raw.content),
        status: oneOf<TodoStatus>(TodoStatuses, raw.status, 'pending'),
        activeForm: text(raw.activeForm),
    };
}

export function readTodo(props: Props): TodoInfo | null {
    const raw = props?.[PropKeys.Todo];
    if (!isRecord(raw) || !Array.isArray(raw.todos)) {
        return null;
    }
    const todos = raw.todos.map(readTodoItem).filter((t): t is TodoItem => t !== null);
    // The counts are the server's, but the list is what the card shows: they must agree.
    return {
        session_id: str(raw.session_id),
        todos,
        done: todos.filter((t) => t.status === 'completed').length,
        total: todos.length,
    };
}

/** The first item of each key: answers name questions and options by their text, so a repeat cannot be told apart. */
function uniqueBy<T>(items: T[], key: (item: T) => string): T[] {
    const seen = new Set<string>();
    return items.filter((item) => !seen.has(key(item)) && Boolean(seen.add(key(item))));
}

function readQuestionItem(raw: unknown): QuestionItem | null {
    if (!isRecord(raw) || text(raw.question) === '') {
        return null;
    }
    const options = Array.isArray(raw.options) ? raw.options.filter(isRecord).map((o) => ({label: text(o.label), description: text(o.description)})).filter((o) => o.label !== '') : [];
    return {question: text(raw.question), header: text(raw.header), multiSelect: raw.multiSelect === true, options: uniqueBy(options, (o) => o.label)};
}

export function parseQuestion(raw: unknown): QuestionInfo | null {
    if (!isRecord(raw) || str(raw.session_id) === '' || str(raw.request_id) === '' || !Array.isArray(raw.questions)) {
        return null;
    }
    const answers = isRecord(raw.answers) ? Object.fromEntries(Object.entries(raw.answers).filter((e): e is [string, string] => typeof e[1] === 'string').map(([q, a]) => [q, cut(a, TEXT_LIMIT)])) : {};
    return {
        session_id: str(raw.session_id),
        request_id: str(raw.request_id),
        questions: uniqueBy(raw.questions.map(readQuestionItem).filter((q): q is QuestionItem => q !== null), (q) => q.question),
        status: oneOf<QuestionStatus>(QuestionStatuses, raw.status, 'pending'),
        answers,
        answered_by: text(raw.answered_by),
        answered_at: toMillis(raw.answered_at),
        resolution: str(raw.resolution),
    };
}

export function readQuestion(props: Props): QuestionInfo | null {
    return parseQuestion(props?.[PropKeys.Question]);
}

export function readToolOutput(props: Props): ToolOutputInfo | null {
    const raw = props?.[PropKeys.ToolOutput];
    if (!isRecord(raw)) {
        return null;
    }
    const {preview, truncated} = code(raw.preview, raw.truncated, 'preview');
    return {
        session_id: str(raw.session_id),
        tool_use_id: str(raw.tool_use_id),
        tool_name: text(raw.tool_name),
        summary: text(raw.summary),
        is_error: raw.is_error === true,
        lines: Math.floor(count(raw.lines)) || (preview === '' ? 0 : preview.replace(/\n$/, '').split('\n').length),
        truncated,
        preview,
    };
}

function list<T>(raw: unknown, read: (item: Record<string, unknown>) => T | null): T[] {
    return Array.isArray(raw) ? raw.filter(isRecord).map(read).filter((item): item is T => item !== null) : [];
}

/** `GET /me/machines`; a bare array, or `{machines: [...]}`. */
export function parseMachines(raw: unknown): MachineSummary[] {
    return list(isRecord(raw) ? raw.machines : raw, (m) => (str(m.id) === '' ? null : {
        id: str(m.id),
        name: text(m.name),
        online: m.online === true,
        last_seen: toMillis(m.last_seen),
        shared_by: text(m.shared_by),
    }));
}

/** `GET /me/sessions`. */
export function parseSessions(raw: unknown): SessionSummary[] {
    return list(isRecord(raw) ? raw.sessions : raw, (s) => (str(s.id) === '' ? null : {
        id: str(s.id),
        status: oneOf<SessionStatus>(SessionStatuses, s.status, 'starting'),
        machine_name: text(s.machine_name),
        cwd: text(s.cwd),
        channel_id: str(s.channel_id),
        root_id: str(s.root_id),
        prompt: text(s.prompt),
        last_activity: toMillis(s.last_activity),
        invited: s.invited === true,
        owner_username: text(s.owner_username),
    }));
}

/** `GET /me/approvals`. */
export function parsePending(raw: unknown): PendingRequest[] {
    return list(isRecord(raw) ? raw.approvals : raw, (a) => (str(a.session_id) === '' || str(a.request_id) === '' ? null : {
        session_id: str(a.session_id),
        request_id: str(a.request_id),
        kind: str(a.kind) || 'approval',
        tool_name: text(a.tool_name),
        summary: text(a.summary),
        post_id: str(a.post_id),
        channel_id: str(a.channel_id),
        created_at: toMillis(a.created_at),
    }));
}

/** `custom_claude-mattermost_refresh`: which list changed; every list when the event does not say. */
export function parseRefreshEvent(raw: unknown): RefreshTarget[] {
    const what = isRecord(raw) ? raw.what : undefined;
    return (RefreshTargets as readonly unknown[]).includes(what) ? [what as RefreshTarget] : [...RefreshTargets];
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
        text: text(raw.text),
        status: oneOf<GuestStatus>(GuestStatuses, raw.status, 'pending'),
        decided_by: text(raw.decided_by),
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
    const user = isRecord(raw.user) ? readUser(raw.user) : {id: str(raw.user_id), username: text(raw.username)};
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
        return actions.filter(isRecord).map((action) => ({id: str(action.id), name: text(action.name)})).filter((action) => action.id !== '');
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
