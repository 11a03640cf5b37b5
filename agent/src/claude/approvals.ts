/** Pure helpers for approvals: deny messages, recovery prompts, matching a re-asked tool call. */
import type {Decision} from '../plugin/protocol.js';
import type {PendingApproval} from '../sessions/store.js';

export function denyMessage(d: Pick<Decision, 'by' | 'reason'>): string {
  if (!d.by?.username) return `Denied: ${d.reason?.trim() || 'no decision could be made'}`;
  const who = `@${d.by.username}`;
  const reason = d.reason?.trim();
  return `Denied by ${who}` + (reason ? `: ${reason}` : '');
}

/** The reason a question answered while Claude Code was gone is recorded with (then the answers). */
export const ANSWERED_AFTER_RESTART = 'answered after the restart:';

/**
 * The user message that resumes a session whose Claude Code process went away
 * while a tool call was waiting for approval (the agent was stopped or
 * crashed). The old tool call failed when the process ended, so Claude is told
 * the outcome and, when approved, asked to make the same call again; the agent
 * lets exactly that call through without a second card (see matchesPending).
 */
export function recoveryPrompt(p: Pick<PendingApproval, 'tool_name' | 'input' | 'decision'>): string {
  const d = p.decision;
  const who = d?.by?.username ? `@${d.by.username}` : 'a session participant';
  if (p.tool_name === 'AskUserQuestion') {
    const head = '(Message from the Mattermost agent) While your question (AskUserQuestion) was waiting for an answer, the agent on this machine restarted and the question was cut off.';
    const reason = d?.reason?.trim() ?? '';
    if (reason.startsWith(ANSWERED_AFTER_RESTART)) {
      return `${head} ${who} has now answered: ${reason.slice(ANSWERED_AFTER_RESTART.length).trim()}. Carry on with that answer; do not ask again.`;
    }
    return `${head} It was not answered${reason ? ` (${reason})` : ''}. Carry on without the answer.`;
  }
  if (d?.decision === 'approve' && d.delivered) {
    // Claude Code had the approval: the call may have run, in part or in full, before the restart.
    return (
      `(Message from the Mattermost agent) ${who} approved your ${p.tool_name} call and it started, but the agent on this machine restarted before its result came back, ` +
      `so it may have run in part or in full. Check whether its effect is already there before you run it again; if it still needs to run, make the same ${p.tool_name} call with the same input, and carry on.`
    );
  }
  const head = `(Message from the Mattermost agent) While your ${p.tool_name} request was waiting for approval, the agent on this machine restarted and that tool call was cut off.`;
  if (d?.decision === 'approve') {
    return `${head} ${who} has now approved it. Please make the same ${p.tool_name} call again, with the same input, and carry on.`;
  }
  const why = d?.reason?.trim() ?? '';
  const reason = why ? ` Reason: ${why}${/[.!?]$/.test(why) ? '' : '.'}` : '';
  return `${head} ${d?.by?.username ? `${who} denied it` : 'It was denied'}.${reason} Do not run it; carry on without it.`;
}

/**
 * How an answered question is kept in the session record until Claude has it:
 * a `deny` (the question call itself is not made again) whose reason carries
 * the answers, which recoveryPrompt tells Claude.
 */
export function answeredDecision(answers: Record<string, string>, by?: {id: string; username: string}): NonNullable<PendingApproval['decision']> {
  const told = Object.entries(answers)
    .map(([q, a]) => `"${q}" → ${a}`)
    .join('; ');
  return {decision: 'deny', by, reason: `${ANSWERED_AFTER_RESTART} ${told}`};
}

/** Is a new tool call the same as an approved one? The free-text `description` may differ. */
export function matchesPending(p: Pick<PendingApproval, 'tool_name' | 'input'>, toolName: string, input: Record<string, unknown>): boolean {
  if (p.tool_name !== toolName) return false;
  return stableJson(withoutDescription(p.input)) === stableJson(withoutDescription(input));
}

function withoutDescription(input: Record<string, unknown>): Record<string, unknown> {
  const {description: _description, ...rest} = input;
  return rest;
}

/** JSON with object keys sorted: equal inputs give equal strings. */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const keys = Object.keys(v as object).sort();
    return `{${keys.map((k) => JSON.stringify(k) + ':' + stableJson((v as Record<string, unknown>)[k])).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}
