import type {Post} from '@mattermost/types/posts';
import React from 'react';
import {useSelector} from 'react-redux';

import {isClaudeBot} from '../store/selectors';
import type {HostState} from '../store/selectors';

import Markdown from './Markdown';

/** The props Mattermost hands a registered post type component (the ones used here). */
export interface PostTypeProps {
    post: Post;
}

/**
 * Wraps a card so it renders only for posts written by the Claude bot. Anyone can
 * create a post with a custom type through the API; theirs shows as the plain
 * message, as Mattermost would show it without this plugin.
 */
export function claudeOnly(Card: React.ComponentType<PostTypeProps>): React.ComponentType<PostTypeProps> {
    function ClaudeOnly(props: PostTypeProps) {
        const fromBot = useSelector((state: HostState) => isClaudeBot(state, props.post.user_id));
        if (!fromBot) {
            return <Markdown text={props.post.message}/>;
        }
        return <Card {...props}/>;
    }
    ClaudeOnly.displayName = `ClaudeOnly(${Card.displayName ?? Card.name})`;
    return ClaudeOnly;
}
