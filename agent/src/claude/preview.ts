/**
 * What an approval card (and an applied-edit post) shows for a tool call,
 * computed on this machine: the plugin never reads the developer's disk
 * (docs/protocol.md, "v1 additions for rich cards"). Pure functions; the file
 * content comes in as a FileSnapshot read by the caller (see files.ts).
 *
 * Diffs are made with the `diff` package (jsdiff): unified format, 3 lines of
 * context, `a/` and `b/` headers, paths relative to the session's directory.
 */
import path from 'node:path';
import {FILE_HEADERS_ONLY, formatPatch, structuredPatch, type StructuredPatch} from 'diff';
import type {DiffPreview, NewFilePreview, Preview} from '../plugin/protocol.js';

/** Diff and content text in a card is cut to this many characters (`truncated: true`). */
export const MAX_PREVIEW_CHARS = 400_000;
/** Time allowed for one line diff (a card waits for it); past it, the whole file is shown as rewritten. */
const DIFF_TIMEOUT_MS = 1_000;

/** A file as it was before the tool ran, as far as the agent could tell. */
export type FileSnapshot =
  | {state: 'missing'}
  | {state: 'text'; content: string}
  | {state: 'binary'}
  | {state: 'too_large'; size: number}
  | {state: 'unreadable'; reason: string};

const LANGUAGES: Record<string, string> = {
  ts: 'ts', mts: 'ts', cts: 'ts', tsx: 'tsx', js: 'js', mjs: 'js', cjs: 'js', jsx: 'jsx',
  go: 'go', py: 'py', pyi: 'py', rs: 'rs', java: 'java', kt: 'kotlin', kts: 'kotlin', scala: 'scala', swift: 'swift',
  c: 'c', h: 'c', cc: 'cpp', cpp: 'cpp', cxx: 'cpp', hpp: 'cpp', hh: 'cpp', cs: 'csharp', m: 'objectivec',
  rb: 'ruby', php: 'php', pl: 'perl', lua: 'lua', r: 'r', dart: 'dart', ex: 'elixir', exs: 'elixir', erl: 'erlang',
  hs: 'haskell', clj: 'clojure', ml: 'ocaml', fs: 'fsharp', zig: 'zig', nim: 'nim', vue: 'vue', svelte: 'svelte',
  css: 'css', scss: 'scss', sass: 'scss', less: 'less', html: 'html', htm: 'html', xml: 'xml', svg: 'xml',
  json: 'json', jsonc: 'json', yaml: 'yaml', yml: 'yaml', toml: 'toml', ini: 'ini', md: 'md', markdown: 'md',
  sh: 'sh', bash: 'sh', zsh: 'sh', fish: 'sh', ps1: 'powershell', sql: 'sql', graphql: 'graphql', gql: 'graphql',
  proto: 'protobuf', tf: 'hcl', hcl: 'hcl', dockerfile: 'dockerfile', makefile: 'makefile', mk: 'makefile', diff: 'diff', patch: 'diff',
};

/** The code-block language of a file, from its extension (or its name: Dockerfile, Makefile); "" when unknown. */
export function languageOf(filePath: string): string {
  const base = path.basename(filePath).toLowerCase();
  if (base === 'dockerfile' || base.startsWith('dockerfile.')) return 'dockerfile';
  if (base === 'makefile' || base === 'gnumakefile') return 'makefile';
  const ext = base.includes('.') ? base.slice(base.lastIndexOf('.') + 1) : '';
  return LANGUAGES[ext] ?? '';
}

/** The name a diff header shows: relative to the session's directory when inside it, else the absolute path. */
export function displayPath(filePath: string, cwd: string): string {
  const abs = path.resolve(cwd, filePath);
  const rel = path.relative(cwd, abs);
  if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) return rel.split(path.sep).join('/');
  return abs.replace(/^\/+/, '');
}

export interface DiffResult {
  diff: string;
  added: number;
  removed: number;
  truncated: boolean;
}

/**
 * A unified diff with 3 lines of context and a/ b/ headers, cut to
 * MAX_PREVIEW_CHARS. When the line diff takes too long (a file rewritten from
 * top to bottom), the diff is the whole old file removed and the new one added.
 */
export function unifiedDiff(name: string, before: string, after: string, timeoutMs = DIFF_TIMEOUT_MS): DiffResult {
  const patch =
    structuredPatch(`a/${name}`, `b/${name}`, before, after, undefined, undefined, {context: 3, timeout: timeoutMs}) ?? rewritePatch(name, before, after);
  let added = 0;
  let removed = 0;
  for (const h of patch.hunks) {
    for (const line of h.lines) {
      if (line.startsWith('+')) added += 1;
      else if (line.startsWith('-')) removed += 1;
    }
  }
  const text = patch.hunks.length > 0 ? formatPatch(patch, FILE_HEADERS_ONLY) : '';
  const cut = clipLines(text, MAX_PREVIEW_CHARS);
  return {diff: cut.text, added, removed, truncated: cut.truncated};
}

/** The patch that replaces every line of `before` with every line of `after` (one hunk). */
export function rewritePatch(name: string, before: string, after: string): StructuredPatch {
  const side = (text: string, sign: '-' | '+') => {
    if (text === '') return [];
    const lines = text.split('\n');
    const endsWithNewline = lines.at(-1) === '';
    if (endsWithNewline) lines.pop();
    const out = lines.map((l) => sign + l);
    if (!endsWithNewline) out.push('\\ No newline at end of file');
    return out;
  };
  const removed = side(before, '-');
  const added = side(after, '+');
  const oldLines = countLines(before);
  const newLines = countLines(after);
  const hunks =
    before === after
      ? []
      : [{oldStart: oldLines === 0 ? 0 : 1, oldLines, newStart: newLines === 0 ? 0 : 1, newLines, lines: [...removed, ...added]}];
  return {oldFileName: `a/${name}`, newFileName: `b/${name}`, oldHeader: undefined, newHeader: undefined, hunks};
}

/** Cut text to at most `max` characters at a line end (or hard, for one enormous line). */
export function clipLines(text: string, max: number): {text: string; truncated: boolean} {
  if (text.length <= max) return {text, truncated: false};
  const nl = text.lastIndexOf('\n', max - 1);
  return {text: nl > 0 ? text.slice(0, nl + 1) : text.slice(0, max), truncated: true};
}

export type EditOutcome = {ok: true; content: string} | {ok: false; reason: string};

/** Apply one Edit the way Claude Code does: `old_string` must be found (once, unless `replace_all`). */
export function applyEdit(content: string, oldString: string, newString: string, replaceAll = false): EditOutcome {
  if (oldString === '') return content === '' ? {ok: true, content: newString} : {ok: false, reason: 'old_string is empty'};
  const first = content.indexOf(oldString);
  if (first < 0) return {ok: false, reason: 'old_string is not in the file'};
  if (replaceAll) return {ok: true, content: content.split(oldString).join(newString)};
  if (content.indexOf(oldString, first + oldString.length) >= 0) return {ok: false, reason: 'old_string is in the file more than once'};
  return {ok: true, content: content.slice(0, first) + newString + content.slice(first + oldString.length)};
}

/** The file after an Edit / MultiEdit / Write, from its input and the content before (a missing file is ""). */
export function contentAfter(toolName: string, input: Record<string, unknown>, before: string): EditOutcome {
  switch (toolName) {
    case 'Write':
      return typeof input.content === 'string' ? {ok: true, content: input.content} : {ok: false, reason: 'no content'};
    case 'Edit':
      if (typeof input.old_string !== 'string' || typeof input.new_string !== 'string') return {ok: false, reason: 'no old_string/new_string'};
      return applyEdit(before, input.old_string, input.new_string, input.replace_all === true);
    case 'MultiEdit': {
      if (!Array.isArray(input.edits)) return {ok: false, reason: 'no edits'};
      let content = before;
      for (const [i, e] of (input.edits as unknown[]).entries()) {
        const edit = (e ?? {}) as Record<string, unknown>;
        if (typeof edit.old_string !== 'string' || typeof edit.new_string !== 'string') return {ok: false, reason: `edit ${i + 1} has no old_string/new_string`};
        const r = applyEdit(content, edit.old_string, edit.new_string, edit.replace_all === true);
        if (!r.ok) return {ok: false, reason: `edit ${i + 1}: ${r.reason}`};
        content = r.content;
      }
      return {ok: true, content};
    }
    default:
      return {ok: false, reason: `${toolName} does not edit files`};
  }
}

export const EDIT_TOOLS = new Set(['Edit', 'MultiEdit', 'Write']);

/**
 * The preview of a file-editing tool call: a diff against the file as it is
 * (a Write of a new file shows its content instead). A file the agent cannot
 * diff (binary, too large, unreadable) or an edit that would not apply gives a
 * diff preview with no diff, `truncated: true` and a `note` saying why.
 */
export function editPreview(toolName: string, input: Record<string, unknown>, before: FileSnapshot, cwd: string): DiffPreview | NewFilePreview | undefined {
  if (!EDIT_TOOLS.has(toolName) || typeof input.file_path !== 'string' || input.file_path === '') return undefined;
  const filePath = input.file_path;
  const language = languageOf(filePath);
  if (toolName === 'Write' && before.state === 'missing' && typeof input.content === 'string') {
    const cut = clipLines(input.content, MAX_PREVIEW_CHARS);
    return {kind: 'new_file', file_path: filePath, content: cut.text, language, lines: countLines(input.content), ...(cut.truncated ? {truncated: true} : {})};
  }
  const empty = (note: string): DiffPreview => ({kind: 'diff', file_path: filePath, diff: '', language, added: 0, removed: 0, truncated: true, note});
  switch (before.state) {
    case 'binary':
      return empty('binary file: no diff shown');
    case 'too_large':
      return empty(`the file is too large to diff (${before.size.toLocaleString('en-US')} bytes)`);
    case 'unreadable':
      return empty(`the file could not be read: ${before.reason}`);
    default: {
      const old = before.state === 'text' ? before.content : '';
      const after = contentAfter(toolName, input, old);
      if (!after.ok) return empty(`the edit does not apply to the file as it is: ${after.reason}`);
      const d = unifiedDiff(displayPath(filePath, cwd), old, after.content);
      return {kind: 'diff', file_path: filePath, diff: d.diff, language, added: d.added, removed: d.removed, ...(d.truncated ? {truncated: true} : {})};
    }
  }
}

/** `mcp__<server>__<tool>` → its server and tool (the server name ends at the first `__`). */
export function mcpPreview(toolName: string): {kind: 'mcp'; server: string; tool: string} | undefined {
  const m = /^mcp__(.+?)__(.+)$/.exec(toolName);
  return m ? {kind: 'mcp', server: m[1]!, tool: m[2]!} : undefined;
}

/** The preview of any tool call, given the snapshot of the file it edits (when it edits one). */
export function previewFor(toolName: string, input: Record<string, unknown>, before: FileSnapshot | undefined, cwd: string): Preview | undefined {
  if (EDIT_TOOLS.has(toolName)) return before ? editPreview(toolName, input, before, cwd) : undefined;
  return mcpPreview(toolName);
}

/**
 * What an approval card shows beside the input: the preview, and a
 * description. Why a diff preview has no diff (binary, too large, …) is not a
 * preview field: the card shows it as the description (unless the input has
 * its own).
 */
export function cardPreview(toolName: string, input: Record<string, unknown>, before: FileSnapshot | undefined, cwd: string): {preview?: Preview; description?: string} {
  let preview = previewFor(toolName, input, before, cwd);
  let note: string | undefined;
  if (preview && 'note' in preview) {
    const {note: why, ...rest} = preview;
    note = why;
    preview = rest;
  }
  const description = typeof input.description === 'string' ? input.description : note;
  return {...(preview ? {preview} : {}), ...(description ? {description} : {})};
}

export function countLines(text: string): number {
  if (text === '') return 0;
  const n = text.split('\n').length;
  return text.endsWith('\n') ? n - 1 : n;
}
