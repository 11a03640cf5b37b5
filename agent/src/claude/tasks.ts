/**
 * The todo panel from Claude Code's task tools (TaskCreate, TaskUpdate,
 * TaskList, TaskGet), which current Claude Code offers instead of TodoWrite.
 * Unlike TodoWrite, each call carries one task, so `TaskBoard` keeps the list
 * and gives the whole of it (the `todo` output) after each change.
 *
 * Shapes, as the real binary gives them (sdk-tools.d.ts; checked with Claude
 * Code 2.1 against the fake model):
 * - TaskCreate input `{subject, description, activeForm?}`; result
 *   `{task: {id, subject}}`, text "Task #1 created successfully: <subject>".
 * - TaskUpdate input `{taskId, status?: pending|in_progress|completed|deleted,
 *   subject?, activeForm?, …}`; result `{success, taskId, updatedFields,
 *   statusChange?, error?}`, text "Updated task #1 status".
 * - TaskList result `{tasks: [{id, subject, status, blockedBy}]}`, text one
 *   line a task: "#1 [in_progress] <subject>".
 * - TaskGet result `{task: {id, subject, status, …} | null}`.
 * Tasks live in Claude Code's own store (`<config dir>/tasks/<session id>/<id>.json`),
 * so a resumed conversation still has them: `seed` takes that list.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type {Todo, TodoOutput} from '../plugin/protocol.js';
import {MAX_TODOS, todoOutput} from './tools.js';

/** The task tools that change or show the list. */
export const TASK_TOOLS = new Set(['TaskCreate', 'TaskUpdate', 'TaskList', 'TaskGet']);

type Status = Todo['status'];

interface Task {
  id: string;
  subject: string;
  activeForm?: string;
  status: Status;
}

/** One finished task tool call: its input, Claude Code's structured result (`tool_use_result`) and its text. */
export interface TaskCall {
  name: string;
  input: Record<string, unknown>;
  structured?: unknown;
  content: string;
  isError: boolean;
}

export class TaskBoard {
  private tasks = new Map<string, Task>();
  private sent = '';

  /**
   * Apply one task tool call; the `todo` output to send when the list changed
   * (undefined when it did not, or the call failed).
   */
  apply(call: TaskCall): TodoOutput | undefined {
    if (call.isError || !TASK_TOOLS.has(call.name)) return undefined;
    const result = isRecord(call.structured) ? call.structured : {};
    switch (call.name) {
      case 'TaskCreate': {
        const created = isRecord(result.task) ? result.task : {};
        const id = str(created.id) ?? /Task #(\S+) created/.exec(call.content)?.[1];
        const subject = str(created.subject) ?? str(call.input.subject);
        if (!id || !subject) return undefined;
        this.tasks.set(id, {id, subject, activeForm: str(call.input.activeForm), status: 'pending'});
        break;
      }
      case 'TaskUpdate': {
        if (result.success === false) return undefined;
        const id = str(call.input.taskId) ?? str(result.taskId);
        if (!id) return undefined;
        const status = call.input.status;
        if (status === 'deleted') {
          this.tasks.delete(id);
          break;
        }
        const cur = this.tasks.get(id);
        const subject = str(call.input.subject) ?? cur?.subject;
        if (!subject) return undefined; // a task this board never saw: nothing to show it by
        this.tasks.set(id, {
          id,
          subject,
          activeForm: str(call.input.activeForm) ?? cur?.activeForm,
          status: isStatus(status) ? status : (cur?.status ?? 'pending'),
        });
        break;
      }
      case 'TaskList': {
        const listed = Array.isArray(result.tasks) ? result.tasks.filter(isRecord).flatMap(readTask) : parseList(call.content);
        const next = new Map<string, Task>();
        for (const t of listed) next.set(t.id, {...t, activeForm: this.tasks.get(t.id)?.activeForm});
        this.tasks = next;
        break;
      }
      case 'TaskGet': {
        const got = isRecord(result.task) ? readTask(result.task) : [];
        for (const t of got) this.tasks.set(t.id, {...t, activeForm: this.tasks.get(t.id)?.activeForm});
        break;
      }
    }
    return this.changed();
  }

  /**
   * Start from the tasks Claude Code kept for a resumed conversation (read by
   * `readTaskStore`); tasks this board already knows keep what it knows.
   */
  seed(tasks: Array<{id: string; subject: string; activeForm?: string; status: Status}>): void {
    const next = new Map<string, Task>();
    for (const t of tasks) next.set(t.id, {...t});
    for (const [id, t] of this.tasks) next.set(id, t);
    this.tasks = new Map([...next].sort(([a], [b]) => compareIds(a, b)));
    // What the plugin shows is the last list it was sent; nothing new to send yet.
    this.sent = JSON.stringify(this.todos());
  }

  get size(): number {
    return this.tasks.size;
  }

  private todos(): Todo[] {
    return [...this.tasks.values()].slice(0, MAX_TODOS).map((t) => ({content: t.subject, status: t.status, activeForm: t.activeForm ?? t.subject}));
  }

  private changed(): TodoOutput | undefined {
    const out = todoOutput({todos: this.todos()});
    if (!out) return undefined;
    const key = JSON.stringify(out.todos);
    if (key === this.sent) return undefined;
    this.sent = key;
    return out;
  }
}

/**
 * The tasks Claude Code keeps for a conversation on disk
 * (`<CLAUDE_CONFIG_DIR or ~/.claude>/tasks/<claude session id>/<id>.json`),
 * oldest first; [] when there are none or they cannot be read.
 */
export async function readTaskStore(claudeSessionId: string, env: Record<string, string | undefined>): Promise<Array<{id: string; subject: string; activeForm?: string; status: Status}>> {
  if (!/^[A-Za-z0-9._-]+$/.test(claudeSessionId)) return [];
  const dir = path.join(env.CLAUDE_CONFIG_DIR || path.join(env.HOME || os.homedir(), '.claude'), 'tasks', claudeSessionId);
  let names: string[];
  try {
    names = (await fs.readdir(dir)).filter((n) => n.endsWith('.json') && !n.startsWith('.'));
  } catch {
    return [];
  }
  const out: Task[] = [];
  for (const name of names) {
    try {
      const raw: unknown = JSON.parse(await fs.readFile(path.join(dir, name), 'utf8'));
      if (!isRecord(raw) || (isRecord(raw.metadata) && raw.metadata._internal)) continue;
      for (const t of readTask(raw)) out.push({...t, activeForm: str(raw.activeForm)});
    } catch {
      // A task file being written right now, or not a task: skip it.
    }
  }
  return out.sort((a, b) => compareIds(a.id, b.id));
}

function readTask(t: Record<string, unknown>): Task[] {
  const id = str(t.id);
  const subject = str(t.subject);
  return id && subject && isStatus(t.status) ? [{id, subject, status: t.status}] : [];
}

/** TaskList's text when no structured result came: "#1 [in_progress] subject" per line. */
function parseList(text: string): Task[] {
  const out: Task[] = [];
  for (const m of text.matchAll(/^#(\S+) \[(pending|in_progress|completed)\] (.+)$/gm)) out.push({id: m[1]!, status: m[2] as Status, subject: m[3]!.trim()});
  return out;
}

/** Claude Code numbers tasks 1, 2, 3…: numbers in order, anything else after them. */
function compareIds(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  if (Number.isInteger(na) && Number.isInteger(nb)) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}

function isStatus(s: unknown): s is Status {
  return s === 'pending' || s === 'in_progress' || s === 'completed';
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
