// Error boundaries for everything the plugin hands the Mattermost web app. The web app
// renders a post type component, the right-hand panel and the header icon without one,
// so a card that throws while rendering would unmount the whole channel view. Instead,
// the failing piece shows its fallback (a card: the post's own markdown message) and the
// error is logged once.
import type {Post} from '@mattermost/types/posts';
import React from 'react';

import type {PostTypeProps} from './ClaudePost';
import Markdown from './Markdown';

interface BoundaryProps {
    /** What to show in the failed piece's place. */
    fallback: React.ReactNode;

    /** Names the piece in the log line, and logs it only once per page (remounts included). */
    logKey: string;

    /** A new value (a post edit) tries rendering the children again. */
    resetWith?: unknown;
    children: React.ReactNode;
}

interface BoundaryState {
    failed: boolean;
}

const logged = new Set<string>();

/** Forgets which pieces were logged (tests). */
export function resetBoundaryLog(): void {
    logged.clear();
}

export class Boundary extends React.Component<BoundaryProps, BoundaryState> {
    override state: BoundaryState = {failed: false};

    static getDerivedStateFromError(): BoundaryState {
        return {failed: true};
    }

    override componentDidCatch(error: unknown): void {
        if (logged.has(this.props.logKey)) {
            return;
        }
        logged.add(this.props.logKey);
        // eslint-disable-next-line no-console -- the one place the plugin reports a rendering fault
        console.error(`claude-mattermost: ${this.props.logKey} failed to render and shows its fallback instead:`, error);
    }

    override componentDidUpdate(prev: BoundaryProps): void {
        if (this.state.failed && prev.resetWith !== this.props.resetWith) {
            this.setState({failed: false});
        }
    }

    override render(): React.ReactNode {
        return this.state.failed ? this.props.fallback : this.props.children;
    }
}

const NO_MESSAGE = 'This Claude Code card could not be shown.';

/**
 * A post's markdown message, as Mattermost renders it, or as plain text when the host's
 * renderer is missing or fails on it. Never blank.
 */
export function PostMessage({message}: {message: unknown}) {
    const text = typeof message === 'string' && message.trim() !== '' ? message : NO_MESSAGE;
    const plain = <div className='cm-markdown cm-markdown--plain'>{text}</div>;
    return (
        <Boundary
            fallback={plain}
            logKey={`the markdown of a message (${text.length} characters)`}
        >
            <Markdown text={text}/>
        </Boundary>
    );
}

/**
 * Wraps a registered post type component: when it throws, the post's `message` shows
 * in its place (the same text the mobile apps show), and the card tries again when the
 * post changes.
 */
export function withCardBoundary(type: string, Card: React.ComponentType<PostTypeProps>): React.ComponentType<PostTypeProps> {
    function CardBoundary(props: PostTypeProps) {
        const post = props.post as Partial<Post> | undefined;
        return (
            <Boundary
                fallback={<PostMessage message={post?.message}/>}
                logKey={`the ${type} card of post ${String(post?.id)}`}
                resetWith={post}
            >
                <Card {...props}/>
            </Boundary>
        );
    }
    CardBoundary.displayName = `CardBoundary(${type})`;
    return CardBoundary;
}
