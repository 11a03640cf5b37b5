import type {SessionStatus} from '../../constants';

export const statusLabels: Record<SessionStatus, string> = {
    starting: 'Starting',
    working: 'Working',
    waiting: 'Waiting for approval',
    idle: 'Idle',
    ended: 'Ended',
    error: 'Error',
};

/** "$0.42"; tiny non-zero costs read "< $0.01" rather than a misleading "$0.00". */
export function formatCost(usd: number): string {
    if (usd > 0 && usd < 0.01) {
        return '< $0.01';
    }
    return `$${usd.toFixed(2)}`;
}
