import {formatAgo} from './time';

const NOW = Date.UTC(2025, 0, 2, 12, 0);

describe('time since', () => {
    it.each([
        [10_000, 'just now'],
        [50_000, '1 min ago'],
        [5 * 60_000, '5 min ago'],
        [59 * 60_000, '59 min ago'],
        [3 * 3600_000, '3 h ago'],
        [26 * 3600_000, 'yesterday'],
        [5 * 86400_000, '5 days ago'],
        [-60_000, 'just now'], // a clock a little ahead
    ])('%i ms ago reads %p', (ago, text) => {
        expect(formatAgo(NOW - ago, NOW)).toBe(text);
    });
});
