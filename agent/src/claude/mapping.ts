/**
 * Pure mapping from Claude Agent SDK messages to plugin outputs
 * (docs/protocol.md "Session output"). No I/O and no clock: callers pass `now`.
 *
 * Text: each top-level assistant text block becomes one `text` output stream
 * with an agent-chosen message_id. The whole text so far is sent at most once
 * per `throttleMs` while it streams (the first delta at once), and once more
 * with `done: true` when the block ends.
 */
import type {SDKMessage} from '@anthropic-ai/claude-agent-sdk';
import {MAX_TEXT_CHARS, type Output, type StatusOutput, type TextOutput} from '../plugin/protocol.js';

/** Claude Code's default context window when the SDK does not report one. */
export const DEFAULT_CONTEXT_WINDOW = 200_000;

/** What the latest main-loop model call put into the context: its input plus cache tokens, and the model. */
export interface ContextSample {
  tokens: number;
  model?: string;
}

interface OpenBlock {
  messageId: string;
  text: string;
  sentText: string;
  lastSentAt: number;
}

export class OutputMapper {
  private blocks = new Map<number, OpenBlock>();
  private streamedMessages = new Set<string>();
  private counter = 0;
  private context: ContextSample | undefined;

  constructor(private readonly idPrefix: string, private readonly throttleMs = 250) {}

  map(msg: SDKMessage, now: number): Output[] {
    switch (msg.type) {
      case 'system':
        return msg.subtype === 'init' ? [statusFromInit(msg)] : [];
      case 'stream_event':
        return msg.parent_tool_use_id ? [] : this.streamEvent(msg.event as StreamEvent, now);
      case 'assistant':
        if (msg.parent_tool_use_id) return [];
        this.context = contextOf(msg.message as AssistantMessage) ?? this.context;
        return this.assistant(msg.message as AssistantMessage);
      case 'result':
        return [...this.closeAll(), statusFromResult(msg, this.context)];
      default:
        return [];
    }
  }

  /** Text that is due to be sent because the throttle window has passed. */
  due(now: number): TextOutput[] {
    const out: TextOutput[] = [];
    for (const b of this.blocks.values()) {
      if (b.text !== b.sentText && now - b.lastSentAt >= this.throttleMs) out.push(this.send(b, now, false));
    }
    return out;
  }

  /** Whether some streamed text has not been sent yet (the caller then schedules a `due` check). */
  hasUnsent(): boolean {
    for (const b of this.blocks.values()) if (b.text !== b.sentText) return true;
    return false;
  }

  private streamEvent(event: StreamEvent, now: number): Output[] {
    switch (event.type) {
      case 'message_start':
        if (event.message?.id) this.streamedMessages.add(event.message.id);
        // Blocks still open belong to a message that was cut off (e.g. a retried request): finish them as they stand.
        return this.closeAll();
      case 'content_block_start':
        if (event.content_block?.type === 'text') {
          const b: OpenBlock = {messageId: this.nextId(), text: event.content_block.text ?? '', sentText: '', lastSentAt: -Infinity};
          this.blocks.set(event.index ?? 0, b);
        }
        return [];
      case 'content_block_delta': {
        const b = this.blocks.get(event.index ?? 0);
        if (!b || event.delta?.type !== 'text_delta' || typeof event.delta.text !== 'string') return [];
        b.text += event.delta.text;
        return now - b.lastSentAt >= this.throttleMs ? [this.send(b, now, false)] : [];
      }
      case 'content_block_stop': {
        const b = this.blocks.get(event.index ?? 0);
        if (!b) return [];
        this.blocks.delete(event.index ?? 0);
        return b.text.trim() === '' ? [] : [this.send(b, now, true)];
      }
      default:
        return [];
    }
  }

  /** Whole assistant messages: only used for text that did not stream (no partial events for that message). */
  private assistant(message: AssistantMessage): Output[] {
    if (!message || (message.id && this.streamedMessages.has(message.id))) return [];
    const out: Output[] = [];
    for (const block of message.content ?? []) {
      if (block.type === 'text' && typeof block.text === 'string' && block.text.trim() !== '') {
        out.push({kind: 'text', message_id: this.nextId(), text: clip(block.text), done: true});
      }
    }
    return out;
  }

  /** End every open text block with what it has so far (the turn ended or the agent is exiting). */
  closeAll(): TextOutput[] {
    const out: TextOutput[] = [];
    for (const b of this.blocks.values()) if (b.text.trim() !== '') out.push(this.send(b, Infinity, true));
    this.blocks.clear();
    return out;
  }

  private send(b: OpenBlock, now: number, done: boolean): TextOutput {
    b.sentText = b.text;
    b.lastSentAt = now;
    return {kind: 'text', message_id: b.messageId, text: clip(b.text), done};
  }

  private nextId(): string {
    this.counter += 1;
    return `${this.idPrefix}-${this.counter}`;
  }
}

export function statusFromInit(msg: Extract<SDKMessage, {type: 'system'; subtype: 'init'}>): StatusOutput {
  return {kind: 'status', status: 'working', claude_session_id: msg.session_id, cwd: msg.cwd, model: msg.model};
}

export function statusFromResult(msg: Extract<SDKMessage, {type: 'result'}>, context?: ContextSample): StatusOutput {
  const tokens = totalTokens(msg);
  const base = {kind: 'status' as const, claude_session_id: msg.session_id, cost_usd: msg.total_cost_usd, ...tokens, ...contextUsage(msg, context)};
  if (msg.subtype === 'success' && !msg.is_error) return {...base, status: 'idle'};
  const why =
    msg.subtype === 'success'
      ? msg.result || 'Claude Code reported an error'
      : msg.errors?.filter(Boolean).join('; ') || RESULT_ERRORS[msg.subtype] || msg.subtype;
  return {...base, status: 'error', error: why};
}

const RESULT_ERRORS: Record<string, string> = {
  error_max_turns: 'Claude Code stopped: too many turns',
  error_max_budget_usd: 'Claude Code stopped: budget reached',
  error_during_execution: 'Claude Code failed while working',
  error_max_structured_output_retries: 'Claude Code could not produce structured output',
};

/** Cumulative tokens for the session: modelUsage is cumulative across turns (usage is per turn). */
function totalTokens(msg: Extract<SDKMessage, {type: 'result'}>): {input_tokens: number; output_tokens: number} {
  const models = Object.values(msg.modelUsage ?? {});
  if (models.length > 0) {
    let input = 0;
    let output = 0;
    for (const m of models) {
      input += (m.inputTokens ?? 0) + (m.cacheReadInputTokens ?? 0) + (m.cacheCreationInputTokens ?? 0);
      output += m.outputTokens ?? 0;
    }
    return {input_tokens: input, output_tokens: output};
  }
  const u = msg.usage;
  return {
    input_tokens: (u?.input_tokens ?? 0) + (u?.cache_read_input_tokens ?? 0) + (u?.cache_creation_input_tokens ?? 0),
    output_tokens: u?.output_tokens ?? 0,
  };
}

/** Input + cache tokens of one model call (the size of the context it was given). */
function contextOf(message: AssistantMessage | undefined): ContextSample | undefined {
  const u = message?.usage;
  if (!u || typeof u.input_tokens !== 'number') return undefined;
  return {tokens: u.input_tokens + (u.cache_read_input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0), model: message?.model};
}

/**
 * Context used and the model's window. Used: the latest main-loop call of the
 * turn (what the next call starts from), else the turn's own usage. Window:
 * the SDK's `modelUsage[model].contextWindow` for that model, else the largest
 * one reported, else 200 000.
 */
export function contextUsage(msg: Extract<SDKMessage, {type: 'result'}>, context?: ContextSample): {context_tokens?: number; context_window: number} {
  const u = msg.usage;
  const fromTurn = u && typeof u.input_tokens === 'number' ? u.input_tokens + (u.cache_read_input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0) : undefined;
  const used = context?.tokens ?? fromTurn;
  const models = msg.modelUsage ?? {};
  const windows = Object.values(models)
    .map((m) => m.contextWindow)
    .filter((w): w is number => typeof w === 'number' && w > 0);
  const own = context?.model ? models[context.model]?.contextWindow : undefined;
  const window = own && own > 0 ? own : windows.length > 0 ? Math.max(...windows) : DEFAULT_CONTEXT_WINDOW;
  return used === undefined ? {context_window: window} : {context_tokens: used, context_window: window};
}

function clip(text: string): string {
  if (text.length <= MAX_TEXT_CHARS) return text;
  const note = '\n\n…(truncated)';
  return text.slice(0, MAX_TEXT_CHARS - note.length) + note;
}

/** The parts of a Messages API stream event that the mapping reads. */
interface StreamEvent {
  type: string;
  index?: number;
  message?: {id?: string};
  content_block?: {type: string; text?: string};
  delta?: {type?: string; text?: string};
}

interface AssistantMessage {
  id?: string;
  model?: string;
  content?: Array<{type: string; text?: string}>;
  usage?: {input_tokens?: number; cache_read_input_tokens?: number | null; cache_creation_input_tokens?: number | null};
}
