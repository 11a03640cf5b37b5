/** `claude-mattermost logs [-f] [-n N]`: the tail of agent.log, and new lines as they come (across rotations). */
import fs from 'node:fs/promises';
import {sleep} from '../util/backoff.js';

export interface LogsOptions {
  file: string;
  lines: number;
  follow: boolean;
  write: (s: string) => void;
  /** Ends a follow (Ctrl-C in real use). */
  signal?: AbortSignal;
  pollMs?: number;
}

export async function logs(opts: LogsOptions): Promise<void> {
  let text: string;
  try {
    text = await fs.readFile(opts.file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    text = '';
    if (!opts.follow) {
      opts.write(`No log yet (${opts.file} is written by \`claude-mattermost start\`).\n`);
      return;
    }
  }
  opts.write(lastLines(text, opts.lines));
  if (opts.follow) await follow(opts, Buffer.byteLength(text));
}

/** The last `n` lines of `text` (each ending in a newline). */
export function lastLines(text: string, n: number): string {
  if (n <= 0 || text === '') return '';
  const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
  return lines.slice(-n).join('\n') + '\n';
}

/** Poll for growth; a shorter or replaced file (rotation) is read again from its start. */
async function follow(opts: LogsOptions, from: number): Promise<void> {
  let pos = from;
  let ino = (await fs.stat(opts.file).catch(() => undefined))?.ino;
  while (!opts.signal?.aborted) {
    await sleep(opts.pollMs ?? 500, opts.signal);
    const st = await fs.stat(opts.file).catch(() => undefined);
    if (!st) continue;
    if (st.ino !== ino || st.size < pos) {
      ino = st.ino;
      pos = 0;
    }
    if (st.size <= pos) continue;
    const fh = await fs.open(opts.file, 'r');
    try {
      const buf = Buffer.alloc(st.size - pos);
      const {bytesRead} = await fh.read(buf, 0, buf.length, pos);
      pos += bytesRead;
      opts.write(buf.subarray(0, bytesRead).toString('utf8'));
    } finally {
      await fh.close();
    }
  }
}
