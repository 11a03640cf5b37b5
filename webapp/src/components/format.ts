/** "950", "4.1k", "41k", "1.2M": token counts as people say them. */
export function formatTokens(n: number): string {
    if (n < 1000) {
        return String(Math.round(n));
    }
    if (n < 10_000) {
        return `${trimZero((n / 1000).toFixed(1))}k`;
    }
    if (n < 999_500) {
        return `${Math.round(n / 1000)}k`;
    }
    return `${trimZero((n / 1_000_000).toFixed(1))}M`;
}

function trimZero(fixed: string): string {
    return fixed.replace(/\.0$/, '');
}

/** "45 seconds", "1 minute", "30 minutes", "2 hours": how long something waited. */
export function formatDuration(millis: number): string {
    const seconds = Math.max(1, Math.round(millis / 1000));
    if (seconds < 60) {
        return plural(seconds, 'second');
    }
    const minutes = Math.round(seconds / 60);
    if (minutes < 120 || minutes % 60 !== 0) {
        return plural(minutes, 'minute');
    }
    return plural(minutes / 60, 'hour');
}

export function plural(n: number, word: string): string {
    return `${n} ${word}${n === 1 ? '' : 's'}`;
}
