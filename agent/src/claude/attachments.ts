/**
 * Files to and from the thread. A participant's attachments are downloaded
 * from the plugin: images (png, jpeg, gif, webp) go to Claude as image blocks;
 * every file is saved under `<cwd>/.claude-mattermost/uploads/<post_id>/<name>`
 * and named in the message, so Claude can open it. Names come from Mattermost
 * users: they are made safe (one path segment, no control characters, no
 * leading dot) and the result is checked to stay in its directory.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type {FileRef} from '../plugin/protocol.js';
import {IMAGE_TYPES, type Attachment} from './turns.js';

export const UPLOADS_DIR = path.join('.claude-mattermost', 'uploads');
const MAX_NAME_BYTES = 200;

/** A file name that is one harmless path segment ("file" when nothing is left). */
export function safeFileName(name: string): string {
  let base = name.replace(/\\/g, '/').split('/').pop() ?? '';
  base = base
    .normalize('NFC')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '_')
    .trim()
    .replace(/^[.\s]+/, '');
  if (base === '' || base === '.' || base === '..') base = 'file';
  while (Buffer.byteLength(base) > MAX_NAME_BYTES) {
    const ext = path.extname(base);
    const stem = base.slice(0, base.length - ext.length);
    base = ext.length < base.length - 1 && ext.length < 20 ? stem.slice(0, -1) + ext : base.slice(0, -1);
  }
  return base;
}

/** The directory a post's files are saved in (post ids are Mattermost ids; anything else is made safe too). */
export function uploadDir(cwd: string, postId: string): string {
  const id = postId.replace(/[^A-Za-z0-9_-]/g, '_') || 'message';
  return path.join(cwd, UPLOADS_DIR, id);
}

/** Is this attachment an image Claude can look at? By MIME type, else by extension. */
export function isImage(file: Pick<FileRef, 'name' | 'mime_type'>): string | undefined {
  const mime = file.mime_type.toLowerCase().split(';')[0]!.trim();
  if (IMAGE_TYPES.has(mime)) return mime;
  if (mime && mime !== 'application/octet-stream') return undefined;
  const ext = path.extname(file.name).toLowerCase();
  const byExt: Record<string, string> = {'.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.webp': 'image/webp'};
  return byExt[ext];
}

export interface SavedFile {
  name: string;
  path: string;
  /** Set for an image that goes to Claude as an image block. */
  media_type?: string;
}

/**
 * Save downloaded bytes under `dir` with a safe, unused name (`a.txt`,
 * `a-1.txt`, …). The final path is checked to be inside `dir`.
 */
export async function saveUpload(dir: string, name: string, bytes: Uint8Array): Promise<string> {
  await fs.mkdir(dir, {recursive: true});
  const safe = safeFileName(name);
  const ext = path.extname(safe);
  const stem = safe.slice(0, safe.length - ext.length) || safe;
  for (let i = 0; i < 1000; i++) {
    const candidate = path.join(dir, i === 0 ? safe : `${stem}-${i}${ext}`);
    if (path.dirname(candidate) !== dir) throw new Error(`unsafe file name ${JSON.stringify(name)}`);
    try {
      await fs.writeFile(candidate, bytes, {flag: 'wx'});
      return candidate;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  throw new Error(`too many files named ${safe}`);
}

/** The images among saved files, for the user turn's image blocks. */
export function imagesOf(saved: SavedFile[]): Attachment[] {
  return saved.filter((f) => f.media_type).map((f) => ({path: f.path, media_type: f.media_type!}));
}

/**
 * The message Claude gets: the participant's text, then where the attached
 * files are on this machine, and which ones could not be fetched and why.
 */
export function withAttachments(text: string, saved: SavedFile[], failed: Array<{name: string; reason: string}>, cwd: string): string {
  const lines: string[] = [];
  if (saved.length > 0) {
    lines.push('Files attached to this message in Mattermost, saved on this machine:');
    for (const f of saved) {
      const rel = path.relative(cwd, f.path);
      lines.push(`- ${rel.startsWith('..') ? f.path : rel}${f.media_type ? ' (image, also attached to this message)' : ''}`);
    }
  }
  if (failed.length > 0) {
    lines.push('Files attached in Mattermost that could not be fetched:');
    for (const f of failed) lines.push(`- ${f.name}: ${f.reason}`);
  }
  if (lines.length === 0) return text;
  return text.trim() === '' ? lines.join('\n') : `${text}\n\n${lines.join('\n')}`;
}
