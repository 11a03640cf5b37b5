import {permalinkPath} from './navigate';

describe('permalinks', () => {
    it('go through the current team when it is known', () => {
        expect(permalinkPath('post1', 'dev team')).toBe('/dev%20team/pl/post1');
    });

    it('use Mattermost\'s redirect when the team is not known', () => {
        expect(permalinkPath('post1', '')).toBe('/_redirect/pl/post1');
    });
});
