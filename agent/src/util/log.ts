/**
 * Human logs: one line per thing that happened, e.g.
 *   12:01:07 session 1a2b3c4d: started Claude Code in /home/me/proj
 * Plain lines on stderr and, for `start`, the same lines with the date in
 * `<config dir>/agent.log` (rotated by size; `claude-mattermost logs` reads it).
 */
import fs from 'node:fs';

export interface Logger {
  info(line: string): void;
  warn(line: string): void;
  error(line: string): void;
  debug(line: string): void;
}

export interface ConsoleLoggerOptions {
  verbose?: boolean;
  write?: (s: string) => void;
  /** Also append every line, with its date, here (see fileSink). */
  file?: (s: string) => void;
}

export function consoleLogger(opts: ConsoleLoggerOptions = {}): Logger {
  const write = opts.write ?? ((s: string) => process.stderr.write(s));
  const emit = (prefix: string, line: string) => {
    const now = new Date();
    write(`${now.toTimeString().slice(0, 8)} ${prefix}${line}\n`);
    opts.file?.(`${localStamp(now)} ${prefix}${line}\n`);
  };
  return {
    info: (line) => emit('', line),
    warn: (line) => emit('warning: ', line),
    error: (line) => emit('error: ', line),
    debug: (line) => {
      if (opts.verbose) emit('debug: ', line);
    },
  };
}

/** `2026-11-21 09:12:01` in local time. */
function localStamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${d.toTimeString().slice(0, 8)}`;
}

export const LOG_MAX_BYTES = 5 * 1024 * 1024;
export const LOG_KEEP = 3;

/**
 * Append-only log file rotated by size: when a line would take `file` past
 * `maxBytes`, it becomes `file.1` (`file.1` → `file.2` …, the oldest of `keep`
 * is dropped). Appends are synchronous so the last line before an exit is
 * never lost; a failing disk never stops the agent (the line still reaches
 * stderr).
 */
export function fileSink(file: string, opts: {maxBytes?: number; keep?: number} = {}): (s: string) => void {
  const maxBytes = opts.maxBytes ?? LOG_MAX_BYTES;
  const keep = opts.keep ?? LOG_KEEP;
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch {
    size = 0;
  }
  return (s) => {
    const bytes = Buffer.byteLength(s);
    try {
      if (size > 0 && size + bytes > maxBytes) {
        rotate(file, keep);
        size = 0;
      }
      fs.appendFileSync(file, s, {mode: 0o600});
      size += bytes;
    } catch {
      // Logging must never take the agent down.
    }
  };
}

function rotate(file: string, keep: number): void {
  fs.rmSync(`${file}.${keep}`, {force: true});
  for (let i = keep - 1; i >= 1; i--) {
    try {
      fs.renameSync(`${file}.${i}`, `${file}.${i + 1}`);
    } catch {
      // that generation does not exist yet
    }
  }
  fs.renameSync(file, `${file}.1`);
}

export const silentLogger: Logger = {info() {}, warn() {}, error() {}, debug() {}};

/** Short form of a session id for log lines. */
export function shortId(id: string): string {
  return id.slice(0, 8);
}

/** A short human description of an error (no stack). */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as {cause?: unknown}).cause;
    if (cause instanceof Error && cause.message && !err.message.includes(cause.message)) {
      return `${err.message}: ${cause.message}`;
    }
    return err.message;
  }
  return String(err);
}
