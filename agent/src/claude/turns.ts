/** What goes into a user turn beyond its text (images), and reading a plan file. */
import fs from 'node:fs/promises';
import path from 'node:path';
import type {SDKUserMessage} from '@anthropic-ai/claude-agent-sdk';

/** An image saved on this machine, sent to Claude as an image content block. */
export interface Attachment {
  path: string;
  media_type: string;
}

/** The media types the Messages API takes as image blocks. */
export const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

type UserContent = SDKUserMessage['message']['content'];

/**
 * A user turn's content: the text alone, or the text and one base64 image
 * block per image. An image that cannot be read any more is named in the
 * text instead, so the turn still goes through.
 */
export async function userContent(text: string, images: Attachment[]): Promise<UserContent> {
  if (images.length === 0) return text;
  const blocks: Array<{type: 'image'; source: {type: 'base64'; media_type: 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp'; data: string}}> = [];
  const missing: string[] = [];
  for (const img of images) {
    try {
      const data = (await fs.readFile(img.path)).toString('base64');
      blocks.push({type: 'image', source: {type: 'base64', media_type: img.media_type as 'image/png', data}});
    } catch {
      missing.push(path.basename(img.path));
    }
  }
  const note = missing.length > 0 ? `\n\n(The image${missing.length > 1 ? 's' : ''} ${missing.join(', ')} could not be read on this machine.)` : '';
  return [{type: 'text', text: text + note}, ...blocks];
}

/** The markdown of a plan file, or undefined when there is none to read. */
export async function planOf(file: string | undefined, cwd: string): Promise<string | undefined> {
  if (!file) return undefined;
  try {
    const text = await fs.readFile(path.resolve(cwd, file), 'utf8');
    return text.trim() === '' ? undefined : text;
  } catch {
    return undefined;
  }
}
