/**
 * Closes a code block that is still being streamed, so the text after the opening
 * fence renders as code now rather than as prose that flips to code later.
 */
export function closeOpenFence(text: string): string {
    let open: string | null = null;
    for (const line of text.split('\n')) {
        const match = /^ {0,3}(`{3,}|~{3,})/.exec(line);
        if (!match?.[1]) {
            continue;
        }
        const fence = match[1];
        if (open === null) {
            open = fence;
        } else if (fence[0] === open[0] && fence.length >= open.length && line.trim() === fence) {
            open = null;
        }
    }
    if (open === null) {
        return text;
    }
    return `${text}${text.endsWith('\n') ? '' : '\n'}${open}`;
}
