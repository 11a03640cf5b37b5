// Reading a session's thread the way a user would see it.
import type {Client, Post} from './mmapi.ts';
import {waitFor} from './proc.ts';

export const POST_TYPE = {
    session: 'custom_claude_session',
    approval: 'custom_claude_approval',
    text: 'custom_claude_text',
} as const;

export interface ApprovalProps {
    session_id: string;
    request_id: string;
    tool_name: string;
    input: Record<string, unknown>;
    status: 'pending' | 'approved' | 'denied';
    decided_by?: string;
    reason?: string;
}

export function approvalOf(post: Post): ApprovalProps {
    return post.props.claude_approval as ApprovalProps;
}

/**
 * The session header the bot posts for `prompt` (the thread root). Matched by
 * the prompt it quotes: headers of earlier sessions may be just as new.
 */
export function waitForSession(user: Client, channelId: string, prompt: string, botId: string): Promise<Post> {
    return waitFor(`the session header for "${prompt}"`, async () => {
        const posts = await user.channelPosts(channelId);
        return posts.find((p) => p.type === POST_TYPE.session && p.user_id === botId && !p.root_id && p.message.includes(prompt));
    }, 60_000, 300);
}

export function waitForApproval(user: Client, rootId: string, match: (a: ApprovalProps) => boolean = () => true, timeoutMs = 120_000): Promise<Post> {
    return waitFor('an approval card in the thread', async () => {
        const thread = await user.thread(rootId);
        return thread.find((p) => p.type === POST_TYPE.approval && match(approvalOf(p)));
    }, timeoutMs, 300);
}

export function actionId(post: Post, name: string): string {
    const actions = post.props.attachments?.flatMap((a) => a.actions ?? []) ?? [];
    const action = actions.find((a) => a.name.toLowerCase().startsWith(name.toLowerCase()));
    if (!action) {
        throw new Error(`no "${name}" button on post ${post.id}: ${JSON.stringify(actions)}`);
    }
    return action.id;
}

/** Waits until some text post of the bot in the thread matches `re`. */
export function waitForText(user: Client, rootId: string, re: RegExp, timeoutMs = 120_000): Promise<Post> {
    return waitFor(`a reply matching ${re}`, async () => {
        const thread = await user.thread(rootId);
        return thread.find((p) => p.type === POST_TYPE.text && re.test(p.message));
    }, timeoutMs, 300);
}

export interface SessionProps {
    id: string;
    status: string;
    participants: string[];
    ended_reason?: string;
    error?: string;
    permission_mode?: string;
    branch?: string;
    cwd?: string;
}

export function sessionOf(post: Post): SessionProps {
    return post.props.claude_session as SessionProps;
}

/** Waits until the session header (the thread root, or a reply in an adopted thread) matches. */
export function waitForHeader(user: Client, rootId: string, match: (s: SessionProps) => boolean, what = 'the session header', timeoutMs = 60_000): Promise<Post> {
    return waitFor(what, async () => {
        const thread = await user.thread(rootId);
        return thread.find((p) => p.type === POST_TYPE.session && match(sessionOf(p)));
    }, timeoutMs, 300);
}

/** Waits for any bot post in the thread (text, notice or reply) matching `re`. */
export function waitForBotPost(user: Client, rootId: string, botId: string, re: RegExp, timeoutMs = 60_000): Promise<Post> {
    return waitFor(`a bot post matching ${re}`, async () => {
        const thread = await user.thread(rootId);
        return thread.find((p) => p.user_id === botId && p.type !== POST_TYPE.session && re.test(p.message));
    }, timeoutMs, 300);
}
