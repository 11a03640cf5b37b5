import React, {useMemo} from 'react';

interface PostUtils {
    formatText: (text: string, options?: Record<string, unknown>) => string;
    messageHtmlToComponent: (html: string, options?: Record<string, unknown>) => React.ReactNode;
}

declare global {
    interface Window {
        /** The webapp's own markdown renderer, exposed for plugins. */
        PostUtils?: PostUtils;
    }
}

interface Props {
    text: string;
    className?: string;
}

/**
 * Renders Mattermost markdown the way posts are rendered (mentions, code blocks,
 * emoji, links) when the host webapp provides its renderer; plain text otherwise.
 */
export default function Markdown({text: given, className = ''}: Props) {
    // Post props arrive as untyped JSON: a field that should hold text may not.
    const text = typeof given === 'string' ? given : '';
    const postUtils = window.PostUtils;
    const content = useMemo(() => {
        if (!postUtils) {
            return null;
        }
        const html = postUtils.formatText(text, {atMentions: true, markdown: true});
        return postUtils.messageHtmlToComponent(html, {mentionHighlight: true});
    }, [postUtils, text]);

    if (!postUtils) {
        return <div className={`cm-markdown cm-markdown--plain ${className}`}>{text}</div>;
    }
    return <div className={`cm-markdown post-message__text ${className}`}>{content}</div>;
}
