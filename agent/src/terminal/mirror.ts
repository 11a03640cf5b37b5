/**
 * What a terminal session's transcript means for its thread, item by item
 * (no I/O): prompts, text, tool output, todos and applied diffs, with the
 * session's tool calls remembered until their results come.
 */
import {EDIT_TOOLS, type FileSnapshot} from '../claude/preview.js';
import {TASK_TOOLS, TaskBoard} from '../claude/tasks.js';
import {ToolCalls, appliedDiff, resultOutputs, type ToolCall} from '../claude/tools.js';
import {MAX_TEXT_CHARS, type Output} from '../plugin/protocol.js';
import {TEXTS} from './texts.js';
import type {TranscriptItem} from './transcript.js';

/** What one transcript item brings, in order. */
export type Step =
  | {kind: 'output'; out: Output}
  /** A tool call Claude made (a card waiting without its tool_use id learns it here). */
  | {kind: 'call'; call: ToolCall}
  /** A call's result: it ran, or the person refused it in the terminal. */
  | {kind: 'result'; id: string; rejected: boolean}
  | {kind: 'model'; model: string}
  | {kind: 'cost'; cost_usd: number; input_tokens: number; output_tokens: number}
  | {kind: 'interrupted'};

export class Mirror {
  private readonly calls = new ToolCalls();
  /** The todo panel from Claude Code's task tools (from the results' text: the transcript has no structured result here). */
  private readonly tasks = new TaskBoard();
  /** Files just before an Edit/MultiEdit/Write (PreToolUse), by tool_use id. */
  readonly snapshots = new Map<string, FileSnapshot>();
  /** Calls that had a card: 'approved' (its edit was on the card: no diff post) or 'denied' (no output post). */
  readonly carded = new Map<string, 'approved' | 'denied'>();
  /** The latest main-loop call's model and context size. */
  context: {model: string; tokens: number} | undefined;
  /** A prompt already posted from its UserPromptSubmit: its transcript line is skipped once. */
  skipPrompt: string | undefined;

  /** Keep the file as it is before an edit runs (bounded: calls of subagents never come back). */
  snapshot(toolUseId: string, s: FileSnapshot): void {
    this.snapshots.set(toolUseId, s);
    if (this.snapshots.size > 100) this.snapshots.delete(this.snapshots.keys().next().value!);
  }

  step(item: TranscriptItem, cwd: string): Step[] {
    switch (item.kind) {
      case 'prompt':
        if (this.skipPrompt !== undefined && this.skipPrompt.trim() === item.text.trim()) {
          this.skipPrompt = undefined;
          return [];
        }
        return [{kind: 'output', out: {kind: 'prompt', text: clip(item.text, MAX_TEXT_CHARS), source: 'terminal'}}];
      case 'text':
        return [{kind: 'output', out: {kind: 'text', message_id: item.id, text: clip(item.text, MAX_TEXT_CHARS), done: true}}];
      case 'calls':
        return this.calls.noteCalls(item.content).map((call) => ({kind: 'call', call}));
      case 'results': {
        const out: Step[] = [];
        for (const r of this.calls.takeResults(item.content)) {
          out.push({kind: 'result', id: r.id, rejected: item.rejected});
          const carded = this.carded.get(r.id);
          this.carded.delete(r.id);
          const before = this.snapshots.get(r.id);
          this.snapshots.delete(r.id);
          if (carded === 'denied' || item.rejected) continue;
          if (TASK_TOOLS.has(r.name)) {
            const todo = this.tasks.apply(r);
            if (todo) out.push({kind: 'output', out: todo});
            continue;
          }
          for (const o of resultOutputs(r)) out.push({kind: 'output', out: o});
          if (EDIT_TOOLS.has(r.name) && !r.isError && !carded && before) {
            const diff = appliedDiff(r, before, cwd);
            if (diff) out.push({kind: 'output', out: diff});
          }
        }
        return out;
      }
      case 'usage': {
        const changed = this.context?.model !== item.model;
        this.context = {model: item.model, tokens: item.context_tokens};
        return changed ? [{kind: 'model', model: item.model}] : [];
      }
      case 'cost':
        return [{kind: 'cost', cost_usd: item.cost_usd, input_tokens: item.input_tokens, output_tokens: item.output_tokens}];
      case 'compacted':
        return [{kind: 'output', out: {kind: 'notice', text: TEXTS.compacted(item.pre_tokens)}}];
      case 'interrupted':
        return [{kind: 'interrupted'}];
    }
  }
}

export function clip(s: string, max: number): string {
  return s.length <= max ? s : s.slice(0, max - 3) + '...';
}
