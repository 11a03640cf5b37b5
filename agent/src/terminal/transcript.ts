/**
 * Claude Code's transcript (`transcript_path`, JSONL), read where the last
 * read stopped: what the terminal session said and did, for the thread.
 *
 * One line per content block of each assistant message (`type: "assistant"`,
 * the blocks of one message share `message.id`); `type: "user"` lines for
 * prompts and `tool_result`s (`isMeta` ones are Claude Code's own, e.g. a Stop
 * hook's feedback); `cost-state` lines with the session's cost; many others
 * (attachments, API request records) that the mirror skips. Lines of
 * subagents (`isSidechain`) are skipped too.
 */
import fs from 'node:fs/promises';

export type TranscriptItem =
  | {kind: 'prompt'; text: string}
  | {kind: 'text'; id: string; text: string}
  /** Assistant tool_use blocks (for ToolCalls.noteCalls). */
  | {kind: 'calls'; content: unknown[]}
  /** A user line's tool_result blocks; `rejected`: the person refused the call in the terminal. */
  | {kind: 'results'; content: unknown[]; rejected: boolean}
  | {kind: 'usage'; model: string; context_tokens: number}
  | {kind: 'cost'; cost_usd: number; input_tokens: number; output_tokens: number}
  | {kind: 'compacted'; pre_tokens?: number}
  /** The person interrupted the turn in the terminal (Esc, or "No" on a permission dialog): no Stop follows. */
  | {kind: 'interrupted'};

/** A line longer than this is skipped whole (it is one of Claude Code's API request records). */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;
const CHUNK = 1024 * 1024;

/**
 * The complete lines from byte `offset` on, parsed, and the offset after the
 * last complete line (a line still being written is left for the next read).
 * A file shorter than `offset` was replaced: reading goes on from its end.
 */
export async function readFrom(file: string, offset: number): Promise<{lines: unknown[]; offset: number}> {
  let fh: fs.FileHandle;
  try {
    fh = await fs.open(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {lines: [], offset};
    throw err;
  }
  try {
    const size = (await fh.stat()).size;
    if (size < offset) return {lines: [], offset: size};
    const lines: unknown[] = [];
    let pos = offset;
    let pending: Buffer[] = [];
    let pendingSize = 0;
    let lineStart = offset;
    while (pos < size) {
      const buf = Buffer.alloc(Math.min(CHUNK, size - pos));
      const {bytesRead} = await fh.read(buf, 0, buf.length, pos);
      if (bytesRead === 0) break;
      let from = 0;
      for (let nl = buf.indexOf(10, 0); nl >= 0 && nl < bytesRead; nl = buf.indexOf(10, from)) {
        const part = buf.subarray(from, nl);
        if (pendingSize + part.length <= MAX_LINE_BYTES) {
          const text = Buffer.concat([...pending, part]).toString('utf8');
          const value = parseLine(text);
          if (value !== undefined) lines.push(value);
        }
        pending = [];
        pendingSize = 0;
        from = nl + 1;
        lineStart = pos + from;
      }
      const rest = buf.subarray(from, bytesRead);
      pendingSize += rest.length;
      if (pendingSize <= MAX_LINE_BYTES) pending.push(Buffer.from(rest));
      else pending = [];
      pos += bytesRead;
    }
    return {lines, offset: lineStart};
  } finally {
    await fh.close();
  }
}

function parseLine(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The size of the file now (0 when it does not exist yet). */
export async function sizeOf(file: string): Promise<number> {
  try {
    return (await fs.stat(file)).size;
  } catch {
    return 0;
  }
}

interface Block {
  type?: unknown;
  text?: unknown;
  [k: string]: unknown;
}

/** What one transcript line means for the thread (pure). */
export function itemsOf(line: unknown): TranscriptItem[] {
  if (!isRecord(line) || line.isSidechain === true) return [];
  switch (line.type) {
    case 'assistant':
      return assistantItems(line);
    case 'user':
      return userItems(line);
    case 'cost-state':
      return costItems(line);
    case 'system':
      if (line.subtype === 'compact_boundary') {
        const meta = isRecord(line.compactMetadata) ? line.compactMetadata : isRecord(line.compact_metadata) ? line.compact_metadata : {};
        return [{kind: 'compacted', ...(typeof meta.preTokens === 'number' ? {pre_tokens: meta.preTokens} : typeof meta.pre_tokens === 'number' ? {pre_tokens: meta.pre_tokens} : {})}];
      }
      return [];
    default:
      return [];
  }
}

function assistantItems(line: Record<string, unknown>): TranscriptItem[] {
  const msg = isRecord(line.message) ? line.message : undefined;
  if (!msg || !Array.isArray(msg.content)) return [];
  const out: TranscriptItem[] = [];
  const id = typeof line.uuid === 'string' && line.uuid ? line.uuid : typeof msg.id === 'string' ? msg.id : '';
  const blocks = (msg.content as unknown[]).filter(isRecord) as Block[];
  blocks.forEach((b, i) => {
    if (b.type === 'text' && typeof b.text === 'string' && b.text.trim() !== '' && id) {
      out.push({kind: 'text', id: blocks.length > 1 ? `${id.slice(0, 56)}-${i}` : id.slice(0, 64), text: b.text});
    }
  });
  const calls = blocks.filter((b) => b.type === 'tool_use');
  if (calls.length > 0) out.push({kind: 'calls', content: calls});
  const model = typeof msg.model === 'string' ? msg.model : '';
  const u = isRecord(msg.usage) ? msg.usage : undefined;
  if (model && !model.startsWith('<') && u && typeof u.input_tokens === 'number') {
    const n = (k: string) => (typeof u[k] === 'number' ? (u[k] as number) : 0);
    out.push({kind: 'usage', model, context_tokens: n('input_tokens') + n('cache_read_input_tokens') + n('cache_creation_input_tokens')});
  }
  return out;
}

/** Text Claude Code puts in a user turn that is not what the person typed. */
const NOT_TYPED = /^\s*(<local-command-|<command-message>|<bash-stdout>|<bash-stderr>|\[Request interrupted by user)/;

function userItems(line: Record<string, unknown>): TranscriptItem[] {
  if (line.isMeta === true || line.isCompactSummary === true || line.isVisibleInTranscriptOnly === true) return [];
  const msg = isRecord(line.message) ? line.message : undefined;
  if (!msg) return [];
  if (typeof msg.content === 'string') return promptItems(msg.content);
  if (!Array.isArray(msg.content)) return [];
  const blocks = (msg.content as unknown[]).filter(isRecord) as Block[];
  const results = blocks.filter((b) => b.type === 'tool_result');
  if (results.length > 0) return [{kind: 'results', content: results, rejected: typeof line.toolDenialKind === 'string' && line.toolDenialKind !== ''}];
  const text = blocks
    .filter((b) => b.type === 'text' && typeof b.text === 'string')
    .map((b) => b.text as string)
    .join('\n');
  const images = blocks.filter((b) => b.type === 'image').length;
  return promptItems(images > 0 ? `${text}${text ? '\n' : ''}(${images} image${images > 1 ? 's' : ''})` : text);
}

/** A typed prompt; a slash command is shown as typed (`/model opus`); bash mode as `! <command>`. */
function promptItems(raw: string): TranscriptItem[] {
  const text = raw.replace(/<system-reminder>[\s\S]*?<\/system-reminder>/g, '').trim();
  if (text.startsWith('[Request interrupted by user')) return [{kind: 'interrupted'}];
  if (text === '' || NOT_TYPED.test(text)) return [];
  const command = /<command-name>([^<]*)<\/command-name>/.exec(text);
  if (command) {
    const args = /<command-args>([\s\S]*?)<\/command-args>/.exec(text)?.[1]?.trim() ?? '';
    return [{kind: 'prompt', text: `${command[1]!.trim()}${args ? ' ' + args : ''}`}];
  }
  const bash = /<bash-input>([\s\S]*?)<\/bash-input>/.exec(text);
  if (bash) return [{kind: 'prompt', text: `! ${bash[1]!.trim()}`}];
  return [{kind: 'prompt', text}];
}

function costItems(line: Record<string, unknown>): TranscriptItem[] {
  if (typeof line.totalCostUSD !== 'number') return [];
  let input = 0;
  let output = 0;
  if (isRecord(line.modelUsage)) {
    for (const m of Object.values(line.modelUsage)) {
      if (!isRecord(m)) continue;
      const n = (k: string) => (typeof m[k] === 'number' ? (m[k] as number) : 0);
      input += n('inputTokens') + n('cacheReadInputTokens') + n('cacheCreationInputTokens');
      output += n('outputTokens');
    }
  }
  return [{kind: 'cost', cost_usd: line.totalCostUSD, input_tokens: input, output_tokens: output}];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
