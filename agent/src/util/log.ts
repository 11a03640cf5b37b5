/**
 * Human logs: one line per thing that happened, e.g.
 *   12:01:07 session 1a2b3c4d: started Claude Code in /home/me/proj
 * Plain lines on stderr, no dependency: nothing here needs levels, JSON or rotation.
 */
export interface Logger {
  info(line: string): void;
  warn(line: string): void;
  error(line: string): void;
  debug(line: string): void;
}

export function consoleLogger(opts: {verbose?: boolean; write?: (s: string) => void} = {}): Logger {
  const write = opts.write ?? ((s: string) => process.stderr.write(s));
  const stamp = () => new Date().toTimeString().slice(0, 8);
  return {
    info: (line) => write(`${stamp()} ${line}\n`),
    warn: (line) => write(`${stamp()} warning: ${line}\n`),
    error: (line) => write(`${stamp()} error: ${line}\n`),
    debug: (line) => {
      if (opts.verbose) write(`${stamp()} debug: ${line}\n`);
    },
  };
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
