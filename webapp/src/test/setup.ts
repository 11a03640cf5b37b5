import '@testing-library/jest-dom';
import {configure} from '@testing-library/react';

// findBy* and waitFor wait for a condition; their cap only ends a test that hangs, so it
// is set far above what any condition needs even on a loaded machine (jest.config.js
// sets the test timeout above it). Background work that runs on timers is driven with
// jest's fake timers instead of waited for.
configure({asyncUtilTimeout: 30_000});

afterEach(() => {
    delete window.PostUtils;
    jest.restoreAllMocks();
});
