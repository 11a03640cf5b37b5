/**
 * Pure helpers for picking a session up after its Claude Code process went
 * away mid-turn (agent crash, stop, restart): how a cut-off post is finished,
 * and what Claude is told so that the turn goes on. agent/README.md,
 * "Restarts", tells the whole story.
 */
import {MAX_TEXT_CHARS} from '../plugin/protocol.js';
import type {MessageItem} from '../sessions/store.js';

/** What ends a post whose text was cut off, by why it was cut. */
export const CUT_MARKERS = {
  /** The agent was killed (or crashed) while the text streamed; found on the next start. */
  restart: '… (interrupted: the agent restarted)',
  /** The agent was stopped (Ctrl-C, SIGTERM) while the text streamed. */
  shutdown: '… (interrupted: the agent was stopped)',
  /** A participant stopped the session. */
  stopped: '… (stopped)',
  /** Claude Code ended on its own in the middle of the text. */
  ended: '… (interrupted: Claude Code ended)',
} as const;

/**
 * The last text of a cut-off block, finished with a marker: a code block
 * left open is closed first, so the marker reads as text, and the whole fits
 * in a text report.
 */
export function finishCutText(text: string, marker: string): string {
  let body = text.trimEnd();
  const fences = body.split('\n').filter((line) => /^\s*(```|~~~)/.test(line)).length;
  const tail = (fences % 2 === 1 ? '\n```' : '') + '\n\n' + marker;
  if (body.length + tail.length > MAX_TEXT_CHARS) body = body.slice(0, MAX_TEXT_CHARS - tail.length);
  return body + tail;
}

/** The notice in the thread when a session whose turn was cut off goes on after a restart. */
export const RESUMED_TURN_NOTICE = 'Agent restarted — session resumed. Claude was interrupted in the middle of its turn and carries on with it now.';
/** The notice when the agent died before Claude Code got going: the session starts again from its first message. */
export const RESTARTED_START_NOTICE = 'Agent restarted — session resumed. Claude Code had not started yet; starting it again with the first message.';
/** The notice when a conversation to resume is not on this machine any more: a new one starts with the message. */
export const NEW_CONVERSATION_NOTICE = 'The earlier Claude conversation of this session could not be found on this machine, so Claude starts a new one with the message.';

/**
 * What Claude gets for a turn that a restart cut off, in the same (resumed)
 * conversation. The message is repeated inside `<interrupted_message>` tags:
 * the conversation may or may not have it, depending on when the cut came.
 */
export function interruptedTurnPrompt(text: string): string {
  return [
    '(Message from the Mattermost agent) The agent on this machine restarted while you were working on the message below, and your work on it was cut off: the people in the thread saw your answer only up to that point.',
    'Carry on with it: check what was already done, finish the task, and give your answer. The message was:',
    '<interrupted_message>',
    text,
    '</interrupted_message>',
  ].join('\n');
}

/** The text Claude Code gets for a queued user turn. A slash command (`/compact`) cut off is simply run again. */
export function turnPrompt(item: MessageItem): string {
  return item.interrupted && !item.text.startsWith('/') ? interruptedTurnPrompt(item.text) : item.text;
}

/** Claude Code's answer when `resume` names a conversation it does not have. */
export function isMissingConversation(errors: readonly string[]): boolean {
  return errors.some((e) => /No conversation found with session ID/i.test(e));
}
