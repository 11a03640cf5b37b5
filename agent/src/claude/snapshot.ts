/** Reading a file as it is before a tool changes it, for previews and applied-edit diffs. */
import fs from 'node:fs/promises';
import path from 'node:path';
import type {FileSnapshot} from './preview.js';

/** Files larger than this are not diffed (a card can show 400 000 characters at most anyway). */
export const MAX_DIFF_FILE_BYTES = 4 * 1024 * 1024;

/** The file at `filePath` (relative paths from `cwd`): missing, its text, or why there is no text. Never throws. */
export async function readSnapshot(filePath: string, cwd: string, maxBytes = MAX_DIFF_FILE_BYTES): Promise<FileSnapshot> {
  const abs = path.resolve(cwd, filePath);
  try {
    const st = await fs.stat(abs);
    if (!st.isFile()) return {state: 'unreadable', reason: 'not a regular file'};
    if (st.size > maxBytes) return {state: 'too_large', size: st.size};
    const buf = await fs.readFile(abs);
    if (isBinary(buf)) return {state: 'binary'};
    return {state: 'text', content: buf.toString('utf8')};
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return {state: 'missing'};
    return {state: 'unreadable', reason: code ?? (err instanceof Error ? err.message : String(err))};
  }
}

/** Binary as git decides it: a NUL byte in the first 8 000 bytes, or text that is not UTF-8. */
export function isBinary(buf: Buffer): boolean {
  if (buf.subarray(0, 8000).includes(0)) return true;
  try {
    new TextDecoder('utf-8', {fatal: true}).decode(buf);
    return false;
  } catch {
    return true;
  }
}
