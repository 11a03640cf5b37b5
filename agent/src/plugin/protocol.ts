/**
 * The agent side of docs/protocol.md (API v1). Every plugin response is
 * validated here, at the boundary.
 */
import {z} from 'zod';

export const API_VERSION = 1;
export const API_BASE = '/plugins/claude-mattermost/api/v1';

const userRef = z.object({id: z.string(), username: z.string()});
const machineRef = z.object({id: z.string(), name: z.string()});

export const pairResponse = z.object({
  token: z.string().min(1),
  machine: machineRef,
  user: userRef,
  plugin_version: z.string().optional(),
  api_version: z.number().int(),
});
export type PairResponse = z.infer<typeof pairResponse>;

export const helloResponse = z.object({
  plugin_version: z.string().optional(),
  api_version: z.number().int(),
  machine: machineRef,
  user: userRef,
});
export type HelloResponse = z.infer<typeof helloResponse>;

const base = {seq: z.number().int().nonnegative(), session_id: z.string().min(1), created_at: z.number().optional()};

/** Claude Code permission modes the plugin may ask for (docs/protocol.md, team sessions). */
export const PERMISSION_MODES = ['default', 'acceptEdits', 'plan', 'bypassPermissions'] as const;
export const permissionMode = z.enum(PERMISSION_MODES);
export type PermissionMode = z.infer<typeof permissionMode>;

/** An unknown mode from a newer plugin is not worth dropping the whole start for: it becomes "" (the default). */
const lenientMode = z.union([permissionMode, z.literal('')]).catch('');

export const startEvent = z.object({
  ...base,
  type: z.literal('start'),
  payload: z.object({
    prompt: z.string(),
    cwd: z.string().default(''),
    user: userRef.optional(),
    channel_id: z.string().optional(),
    root_id: z.string().optional(),
    // v1 additions for team sessions: all optional, so an older plugin's start still parses.
    branch: z.string().default(''),
    context: z.string().default(''),
    permission_mode: lenientMode.default(''),
    model: z.string().default(''),
    resume: z.string().default(''),
    participants: z.array(userRef).default([]),
    machine: machineRef.optional(),
  }),
});
export const decisionEvent = z.object({
  ...base,
  type: z.literal('decision'),
  payload: z
    .object({
      request_id: z.string().min(1),
      // The plugin sends "approve" with `approve_all: true` for Approve all; "approve_all" itself is taken too.
      decision: z.enum(['approve', 'approve_all', 'deny']),
      by: userRef.optional(),
      reason: z.string().default(''),
      approve_all: z.boolean().default(false),
    })
    .transform(({decision, approve_all, ...rest}) => ({
      ...rest,
      decision: decision === 'deny' ? ('deny' as const) : ('approve' as const),
      approve_all: decision !== 'deny' && (approve_all || decision === 'approve_all'),
    })),
});
/** A file attached to a participant's reply (rich cards). */
export const fileRef = z.object({id: z.string().min(1), name: z.string(), mime_type: z.string().default(''), size: z.number().nonnegative().default(0)});
export type FileRef = z.infer<typeof fileRef>;
export const messageEvent = z.object({
  ...base,
  type: z.literal('message'),
  payload: z.object({text: z.string(), user: userRef.optional(), post_id: z.string().optional(), files: z.array(fileRef).default([])}),
});
/** The answer to a question card (AskUserQuestion): per question text, the label(s) or free text. */
export const answerEvent = z.object({
  ...base,
  type: z.literal('answer'),
  payload: z.object({
    request_id: z.string().min(1),
    // Multi-select answers are comma-joined labels; a list is joined here the same way.
    answers: z.record(z.string(), z.union([z.string(), z.array(z.string()).transform((a) => a.join(', '))])),
    by: userRef.optional(),
  }),
});
export const stopEvent = z.object({
  ...base,
  type: z.literal('stop'),
  payload: z.object({by: userRef.optional()}).default({}),
});

export const COMMAND_NAMES = ['escape', 'cd', 'permissions', 'model', 'compact', 'worktree', 'file'] as const;
export const commandEvent = z.object({
  ...base,
  type: z.literal('command'),
  // A plain string: a command this agent does not know is answered with a notice, not dropped as invalid.
  payload: z.object({name: z.string().min(1), args: z.string().default(''), by: userRef.optional()}),
});

export const EVENT_TYPES = ['start', 'decision', 'message', 'stop', 'command', 'answer'] as const;
export const agentEvent = z.discriminatedUnion('type', [startEvent, decisionEvent, messageEvent, stopEvent, commandEvent, answerEvent]);
export type AgentEvent = z.infer<typeof agentEvent>;
export type StartEvent = z.infer<typeof startEvent>;
export type DecisionEvent = z.infer<typeof decisionEvent>;
export type MessageEvent = z.infer<typeof messageEvent>;
export type StopEvent = z.infer<typeof stopEvent>;
export type CommandEvent = z.infer<typeof commandEvent>;
export type AnswerEvent = z.infer<typeof answerEvent>;
export type Answer = AnswerEvent['payload'];
export type UserRef = z.infer<typeof userRef>;
/** A decision for a waiting tool call; a question's answer arrives as an approve with `answers`. */
export type Decision = Omit<DecisionEvent['payload'], 'approve_all'> & {approve_all?: boolean; answers?: Record<string, string>};

/** Events are parsed one by one so that one unknown event type cannot wedge the inbox. */
export const eventsResponse = z.object({
  events: z.array(z.unknown()),
  cursor: z.number().int().nonnegative(),
});

export type SessionStatus = 'starting' | 'working' | 'waiting' | 'idle' | 'ended' | 'error';

export type StatusOutput = {
  kind: 'status';
  status: SessionStatus;
  claude_session_id?: string;
  cwd?: string;
  model?: string;
  error?: string;
  cost_usd?: number;
  input_tokens?: number;
  output_tokens?: number;
  branch?: string;
  permission_mode?: PermissionMode;
  context_tokens?: number;
  context_window?: number;
  /** Where the conversation runs now (terminal sessions). */
  runs_in?: RunsIn;
  /**
   * Terminal sessions: the owner is no longer away (they typed in the
   * terminal). Not in the contract yet: the plugin ignores it until it is.
   */
  away?: false;
};
export type TextOutput = {kind: 'text'; message_id: string; text: string; done: boolean};
/**
 * What an approval card shows beyond the input (rich cards). `note` is an
 * agent addition: why a diff preview has no diff (binary, too large, …).
 */
export type DiffPreview = {
  kind: 'diff';
  file_path: string;
  diff: string;
  language: string;
  added: number;
  removed: number;
  truncated?: boolean;
  note?: string;
};
export type NewFilePreview = {kind: 'new_file'; file_path: string; content: string; language: string; lines: number; truncated?: boolean};
export type McpPreview = {kind: 'mcp'; server: string; tool: string};
export type Preview = DiffPreview | NewFilePreview | McpPreview;

export type ApprovalOutput = {
  kind: 'approval';
  request_id: string;
  tool_name: string;
  input: Record<string, unknown>;
  cwd?: string;
  description?: string;
  preview?: Preview;
  /** A terminal session's card: its timeout outcome is "the terminal asks". */
  terminal?: boolean;
};
/** A plain bot reply in the thread: what a command did, or why not. */
export type NoticeOutput = {kind: 'notice'; text: string};
/** An Edit / MultiEdit / Write that ran without a card (accept-edits, approve-all, allow rules). */
export type DiffOutput = {
  kind: 'diff';
  tool_use_id: string;
  file_path: string;
  diff: string;
  language: string;
  added: number;
  removed: number;
  truncated?: boolean;
};
export type Todo = {content: string; status: 'pending' | 'in_progress' | 'completed'; activeForm: string};
export type TodoOutput = {kind: 'todo'; todos: Todo[]};
export type Question = {question: string; header: string; multiSelect: boolean; options: Array<{label: string; description: string}>};
export type QuestionOutput = {kind: 'question'; request_id: string; questions: Question[]; terminal?: boolean};
export type ToolOutputOutput = {kind: 'tool_output'; tool_use_id: string; tool_name: string; summary: string; output: string; is_error: boolean};
export type Output =
  | StatusOutput
  | TextOutput
  | ApprovalOutput
  | NoticeOutput
  | DiffOutput
  | TodoOutput
  | QuestionOutput
  | ToolOutputOutput
  | PromptOutput
  | ResolvedOutput
  | AttentionOutput;

export const MAX_TEXT_CHARS = 200_000;
export const MAX_NOTICE_CHARS = 16_000;
export const MAX_TOOL_OUTPUT_CHARS = 1_000_000;
/** The output route takes bodies up to 8 MiB (the other routes 1 MiB). */
export const MAX_OUTPUT_BODY_BYTES = 8 * 1024 * 1024;
/** Files to and from the thread (attachments, `!file`). */
export const MAX_FILE_BYTES = 20 * 1024 * 1024;

// Terminal sessions (docs/protocol.md, "Terminal sessions").

export type RunsIn = 'terminal' | 'agent';
/** What the owner typed in the terminal. */
export type PromptOutput = {kind: 'prompt'; text: string; source: 'terminal'};
export type ResolvedOutcome = 'terminal_allowed' | 'terminal_denied' | 'terminal_asks';
/** Closes a pending card without a decision from Mattermost (the terminal answered, or was left to). */
export type ResolvedOutput = {kind: 'resolved'; request_id: string; outcome: ResolvedOutcome};
export type AttentionReason = 'approval' | 'question' | 'turn_ended' | 'waiting';
/** A reply that mentions the owner: Claude waits for them. */
export type AttentionOutput = {kind: 'attention'; reason: AttentionReason; text: string};

/** `POST /agent/sessions`: open a session thread for a terminal session or a headless start. */
export type OpenSessionRequest = {
  origin: 'terminal' | 'cli';
  claude_session_id?: string;
  cwd: string;
  branch?: string;
  model?: string;
  permission_mode?: string;
  /** A channel name (team/channel or channel) or id; "" = the DM with @claude. */
  channel?: string;
  prompt?: string;
  title?: string;
};
export const openSessionResponse = z.object({
  session_id: z.string().min(1),
  channel_id: z.string().default(''),
  root_id: z.string().default(''),
  permalink: z.string().default(''),
});
export type OpenSessionResponse = z.infer<typeof openSessionResponse>;
