// Times in the cards are shown in the viewer's zone; pin it so tests are stable.
process.env.TZ = 'UTC';

/** @type {import('jest').Config} */
module.exports = {
    testEnvironment: 'jsdom',
    roots: ['<rootDir>/src'],
    // A cap for a hung test, not a speed requirement: see src/test/setup.ts.
    testTimeout: 60_000,
    setupFilesAfterEnv: ['<rootDir>/src/test/setup.ts'],
    transform: {
        '^.+\\.tsx?$': ['ts-jest', {tsconfig: '<rootDir>/tsconfig.test.json'}],
    },
};
