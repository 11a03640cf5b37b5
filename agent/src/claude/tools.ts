/**
 * Pure mapping of Claude's tool calls and their results to rich-card outputs
 * (docs/protocol.md, "v1 additions for rich cards"): the todo panel from every
 * TodoWrite, a tool_output post per tool result, and the diff of an edit that
 * ran without a card. `ToolCalls` remembers the main conversation's tool_use
 * blocks so that a later tool_result can be matched to its call.
 */
import path from 'node:path';
import {MAX_TOOL_OUTPUT_CHARS, type DiffOutput, type Question, type Todo, type TodoOutput, type ToolOutputOutput} from '../plugin/protocol.js';
import {EDIT_TOOLS, contentAfter, displayPath, languageOf, unifiedDiff, type FileSnapshot} from './preview.js';

export interface ToolCall {
  id: string;
  name: string;
  input: Record<string, unknown>;
}

export interface ToolResult extends ToolCall {
  /** The text the model got back (text blocks joined; an image is "[image]"). */
  content: string;
  isError: boolean;
  /** Claude Code's structured result (the SDK message's `tool_use_result`), when the message carried this one result only. */
  structured?: unknown;
}

/**
 * Tools whose result gets no tool_output post: those with a card of their own
 * (edits → diff, TodoWrite and the task tools → todo, questions, plans), Read (the file's text is
 * on disk: `!file` fetches it) and Claude Code's own bookkeeping.
 */
export const NO_OUTPUT_POST = new Set([
  'Edit', 'MultiEdit', 'Write', 'NotebookEdit', 'TodoWrite', 'AskUserQuestion', 'ExitPlanMode', 'EnterPlanMode',
  'ToolSearch', 'Read', 'NotebookRead', 'TaskCreate', 'TaskUpdate', 'TaskGet', 'TaskList',
]);

interface Block {
  type: string;
  id?: string;
  name?: string;
  input?: unknown;
  tool_use_id?: string;
  content?: unknown;
  is_error?: boolean;
  text?: string;
}

/** Remembers tool_use blocks of the main conversation until their result arrives. */
export class ToolCalls {
  private calls = new Map<string, ToolCall>();

  /** Record the tool calls of an assistant message. */
  noteCalls(content: unknown): ToolCall[] {
    const out: ToolCall[] = [];
    for (const b of blocks(content)) {
      if (b.type !== 'tool_use' || typeof b.id !== 'string' || typeof b.name !== 'string') continue;
      const call = {id: b.id, name: b.name, input: isRecord(b.input) ? b.input : {}};
      this.calls.set(b.id, call);
      out.push(call);
    }
    return out;
  }

  /**
   * The results in a user message, each with its call (results of unknown
   * calls are skipped). `structured` is the message's `tool_use_result`,
   * given to its result when the message holds one.
   */
  takeResults(content: unknown, structured?: unknown): ToolResult[] {
    const results = blocks(content).filter((b) => b.type === 'tool_result' && typeof b.tool_use_id === 'string');
    const out: ToolResult[] = [];
    for (const b of results) {
      const call = this.calls.get(b.tool_use_id!);
      if (!call) continue;
      this.calls.delete(b.tool_use_id!);
      out.push({...call, content: resultText(b.content), isError: b.is_error === true, ...(results.length === 1 && structured !== undefined ? {structured} : {})});
    }
    return out;
  }
}

/** The outputs one finished tool call makes, apart from an applied-edit diff (that needs the file, see appliedDiff). */
export function resultOutputs(r: ToolResult): Array<TodoOutput | ToolOutputOutput> {
  if (r.name === 'TodoWrite') {
    const todo = todoOutput(r.input);
    return !r.isError && todo ? [todo] : [];
  }
  if (NO_OUTPUT_POST.has(r.name) || r.content.trim() === '') return [];
  return [toolOutput(r)];
}

/** The plugin takes at most 200 items of 2 000 characters each. */
export const MAX_TODOS = 200;
const MAX_TODO_CHARS = 2000;

/** The todo panel: TodoWrite always carries the whole list. */
export function todoOutput(input: Record<string, unknown>): TodoOutput | undefined {
  if (!Array.isArray(input.todos)) return undefined;
  const todos: Todo[] = [];
  for (const t of input.todos as unknown[]) {
    if (!isRecord(t) || typeof t.content !== 'string' || t.content.trim() === '') continue;
    const status = t.status === 'in_progress' || t.status === 'completed' ? t.status : 'pending';
    const activeForm = typeof t.activeForm === 'string' && t.activeForm.trim() !== '' ? t.activeForm : t.content;
    todos.push({content: clip(t.content, MAX_TODO_CHARS), status, activeForm: clip(activeForm, MAX_TODO_CHARS)});
    if (todos.length === MAX_TODOS) break;
  }
  return {kind: 'todo', todos};
}

function clip(s: string, max: number): string {
  return s.length <= max ? s : s.slice(0, max - 1) + '…';
}

export function toolOutput(r: ToolResult): ToolOutputOutput {
  let output = r.content;
  if (output.length > MAX_TOOL_OUTPUT_CHARS) {
    const note = `\n… (cut: the output had ${output.length.toLocaleString('en-US')} characters)`;
    output = output.slice(0, MAX_TOOL_OUTPUT_CHARS - note.length) + note;
  }
  return {kind: 'tool_output', tool_use_id: r.id, tool_name: r.name, summary: summaryOf(r.name, r.input), output, is_error: r.isError};
}

/** One line saying what the tool call was: the command, else its description, path, pattern, URL or query. */
export function summaryOf(toolName: string, input: Record<string, unknown>): string {
  const str = (k: string) => (typeof input[k] === 'string' && (input[k] as string).trim() !== '' ? (input[k] as string) : undefined);
  let s: string | undefined;
  switch (toolName) {
    case 'Bash':
      s = str('command') ?? str('description');
      break;
    case 'Grep':
      s = str('pattern') && (str('path') ? `${str('pattern')} in ${str('path')}` : str('pattern'));
      break;
    case 'Glob':
      s = str('pattern') && (str('path') ? `${str('pattern')} in ${str('path')}` : str('pattern'));
      break;
    default:
      s = str('description') ?? str('command') ?? str('file_path') ?? str('path') ?? str('notebook_path') ?? str('pattern') ?? str('url') ?? str('query') ?? str('prompt');
  }
  return oneLine(s ?? toolName);
}

/** The first line, at most 200 characters, with "…" when anything was left out. */
export function oneLine(s: string, max = 200): string {
  const lines = s.trim().split('\n');
  let line = lines[0]!.trim();
  let cut = lines.length > 1;
  if (line.length > max) {
    line = line.slice(0, max - 1);
    cut = true;
  }
  return cut ? `${line}…` : line;
}

/**
 * The diff of an Edit / MultiEdit / Write that ran without a card: the file as
 * it was just before (captured when the call was made) against the content the
 * input gives. Undefined when there is nothing to show (no snapshot, binary,
 * no change, or an edit that would not apply, which Claude Code refused too).
 */
export function appliedDiff(call: ToolCall, before: FileSnapshot, cwd: string): DiffOutput | undefined {
  if (!EDIT_TOOLS.has(call.name) || typeof call.input.file_path !== 'string') return undefined;
  if (before.state !== 'text' && before.state !== 'missing') return undefined;
  const old = before.state === 'text' ? before.content : '';
  const after = contentAfter(call.name, call.input, old);
  if (!after.ok) return undefined;
  // The model may name the file relative to the session's directory; the post shows where it is.
  const filePath = path.resolve(cwd, call.input.file_path);
  const d = unifiedDiff(displayPath(filePath, cwd), old, after.content);
  if (d.diff === '') return undefined;
  return {
    kind: 'diff',
    tool_use_id: call.id,
    file_path: filePath,
    diff: d.diff,
    language: languageOf(filePath),
    added: d.added,
    removed: d.removed,
    ...(d.truncated ? {truncated: true} : {}),
  };
}

/** AskUserQuestion's questions in the shape of the `question` output (bad entries are dropped). */
export function questionsOf(input: Record<string, unknown>): Question[] {
  if (!Array.isArray(input.questions)) return [];
  const out: Question[] = [];
  for (const q of input.questions as unknown[]) {
    if (!isRecord(q) || typeof q.question !== 'string') continue;
    const options = Array.isArray(q.options)
      ? (q.options as unknown[]).filter(isRecord).map((o) => ({label: String(o.label ?? ''), description: String(o.description ?? '')}))
      : [];
    out.push({question: q.question, header: typeof q.header === 'string' ? q.header : '', multiSelect: q.multiSelect === true, options});
  }
  return out;
}

/**
 * The `updatedInput` that answers AskUserQuestion (Agent SDK, "Handle
 * approvals and user input"): the questions as asked and `answers` keyed by
 * question text; a multi-select answer is its labels joined with ", ".
 * Answers to questions that were not asked are dropped.
 */
export function answeredInput(input: Record<string, unknown>, answers: Record<string, string>): Record<string, unknown> {
  const asked = new Set(questionsOf(input).map((q) => q.question));
  const kept: Record<string, string> = {};
  for (const [q, a] of Object.entries(answers)) if (asked.has(q)) kept[q] = a;
  return {...input, answers: kept};
}

function resultText(content: unknown): string {
  if (typeof content === 'string') return content;
  return blocks(content)
    .map((b) => (b.type === 'text' && typeof b.text === 'string' ? b.text : b.type === 'image' ? '[image]' : ''))
    .filter(Boolean)
    .join('\n');
}

function blocks(content: unknown): Block[] {
  return Array.isArray(content) ? (content.filter((b) => isRecord(b) && typeof b.type === 'string') as unknown as Block[]) : [];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
