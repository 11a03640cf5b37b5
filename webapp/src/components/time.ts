/** "10:42 AM", or "10:42" for people who chose 24-hour time in Display settings. */
export function formatClock(millis: number, militaryTime: boolean): string {
    return new Intl.DateTimeFormat(undefined, {hour: 'numeric', minute: '2-digit', hourCycle: militaryTime ? 'h23' : 'h12'}).format(millis);
}

/** Full date and time for a tooltip. */
export function formatFull(millis: number): string {
    return new Intl.DateTimeFormat(undefined, {dateStyle: 'medium', timeStyle: 'short'}).format(millis);
}

/** "just now", "5 min ago", "3 h ago", "2 days ago": how long since, as the panel says it. */
export function formatAgo(millis: number, now: number): string {
    const seconds = Math.max(0, Math.round((now - millis) / 1000));
    if (seconds < 45) {
        return 'just now';
    }
    const minutes = Math.max(1, Math.round(seconds / 60));
    if (minutes < 60) {
        return `${minutes} min ago`;
    }
    const hours = Math.round(minutes / 60);
    if (hours < 24) {
        return `${hours} h ago`;
    }
    const days = Math.round(hours / 24);
    return days === 1 ? 'yesterday' : `${days} days ago`;
}
