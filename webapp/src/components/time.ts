/** "10:42 AM", or "10:42" for people who chose 24-hour time in Display settings. */
export function formatClock(millis: number, militaryTime: boolean): string {
    return new Intl.DateTimeFormat(undefined, {hour: 'numeric', minute: '2-digit', hourCycle: militaryTime ? 'h23' : 'h12'}).format(millis);
}

/** Full date and time for a tooltip. */
export function formatFull(millis: number): string {
    return new Intl.DateTimeFormat(undefined, {dateStyle: 'medium', timeStyle: 'short'}).format(millis);
}
