/** What terminal sessions say: to Claude (hook answers), in the thread (notices, attention) and in the terminal. */

export interface Queued {
  text: string;
  /** Username of who wrote it ("" when unknown). */
  by: string;
}

const from = (m: Queued) => `Message from ${m.by ? `@${m.by}` : 'a participant'} in Mattermost: ${m.text}`;

export const TEXTS = {
  /** A Stop hook's block: Claude goes on with this as its next instruction. */
  stopFeedback: (messages: Queued[]) => messages.map(from).join('\n\n'),
  /** Added to the next prompt typed in the terminal (UserPromptSubmit additionalContext). */
  promptContext: (messages: Queued[]) =>
    ['While you were idle, these messages arrived in the Mattermost thread that follows this session:', ...messages.map(from)].join('\n\n'),

  queuedWhileIdle: (owner: string) =>
    `Claude is idle at the terminal, so this message waits for the next prompt typed there. To have Claude answer it now, ${owner ? `@${owner} can` : 'the owner can'} use **Continue here** (\`!continue\`).`,
  awayIdle: 'Claude is idle at the terminal right now: the replies waiting here go to it at its next turn, or use **Continue here** to continue in this thread.',
  autoBack: (owner: string) => `${owner ? `@${owner}` : 'The owner'} typed in the terminal, so they are no longer away.`,
  handedOver: (machine: string) =>
    `Continuing here: the terminal's Claude Code was closed and this thread now drives the conversation on ${machine}. Take it back with \`claude-mattermost resume\` in a terminal there.`,
  terminalGone: (machine: string) => `The terminal session has ended, so the conversation continues here on ${machine}.`,
  takenBack: (machine: string) => `Continued in a terminal on ${machine}. Replies here reach Claude at the end of its turns there.`,
  ended: (reason: string, machine: string) =>
    `The terminal session ended${reason && reason !== 'other' ? ` (${reason})` : ''}. Reply here to continue it on ${machine}, or run \`claude-mattermost resume\` in a terminal there.`,
  cannotEnd: (pid: number) => `Could not close the terminal's Claude Code (pid ${pid}); the conversation stays in the terminal.`,
  notHere: (command: string, machine: string) => `This session runs in a terminal on ${machine}: \`!${command}\` works here after **Continue here** (\`!continue\`).`,
  escape: 'This session runs in a terminal: interrupt Claude there (Esc), or use **Continue here** first.',
  compacted: (before?: number) => `Conversation compacted${typeof before === 'number' ? ` (it was ${before.toLocaleString('en-US')} tokens)` : ''}.`,
  mode: (by?: string) => `Permission mode is now approve-all (every tool runs without asking)${by ? ` (set by @${by})` : ''}.`,

  attentionApproval: (tool: string, summary: string) => `Claude is waiting for your approval: ${tool}${summary && summary !== tool ? ` \`${summary}\`` : ''}`,
  attentionQuestion: 'Claude has a question for you.',
  attentionTurnEnded: 'Claude finished its turn in the terminal and waits for your reply here.',

  /** Shown in the terminal when the session continues in Mattermost. */
  ttyHandover: (permalink: string, claudeSessionId: string) =>
    `\r\n[claude-mattermost] This conversation continues in Mattermost${permalink ? `: ${permalink}` : '.'}\r\n` +
    `[claude-mattermost] Take it back here with: claude-mattermost resume ${claudeSessionId}\r\n`,
  /** SessionStart's systemMessage: the terminal shows where the session is mirrored. */
  mirrored: (permalink: string) => `Following in Mattermost: ${permalink}`,
};
