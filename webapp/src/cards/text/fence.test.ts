import {closeOpenFence} from './fence';

describe('closeOpenFence', () => {
    it.each([
        ['text without code stays as it is', 'hello', 'hello'],
        ['a closed block stays as it is', '```\na\n```', '```\na\n```'],
        ['an open block is closed', '```ts\nconst a = 1;', '```ts\nconst a = 1;\n```'],
        ['an open block ending in a newline is closed', '```\na\n', '```\na\n```'],
        ['a tilde fence is closed with tildes', '~~~\na', '~~~\na\n~~~'],
        ['a longer fence needs a fence as long', '````\n```\na', '````\n```\na\n````'],
        ['a second block that is open is closed', '```\na\n```\ntext\n```py\nb', '```\na\n```\ntext\n```py\nb\n```'],
        ['backticks inside a line are not a fence', 'use ```x``` inline', 'use ```x``` inline'],
    ])('%s', (_, input, expected) => {
        expect(closeOpenFence(input)).toBe(expected);
    });
});
