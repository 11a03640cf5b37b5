import {act, fireEvent, render, screen} from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import React from 'react';

import {shownLines} from '../test/fixtures';

import DiffView, {HIGHLIGHT_FIRST, HIGHLIGHT_STEP} from './DiffView';

const SMALL = '--- a/a.ts\n+++ b/a.ts\n@@ -1,2 +1,2 @@\n keep\n-old\n+new\n';

function longDiff(changes: number): string {
    const lines = Array.from({length: changes}, (_, i) => [`-line ${i}`, `+line ${i} changed`]).flat();
    return ['--- a/x.yaml', '+++ b/x.yaml', `@@ -1,${changes} +1,${changes} @@`, ...lines].join('\n');
}

/** A ResizeObserver that reports the width the test sets, as a browser would on layout. */
function fakeResizeObserver() {
    const observers: {cb: ResizeObserverCallback; el: Element}[] = [];
    class FakeObserver {
        constructor(private readonly cb: ResizeObserverCallback) {}

        observe(el: Element) {
            observers.push({cb: this.cb, el});
        }

        disconnect() {
            observers.length = 0;
        }

        unobserve() {}
    }
    window.ResizeObserver = FakeObserver as unknown as typeof ResizeObserver;
    return (width: number) => act(() => {
        for (const {cb, el} of observers) {
            cb([{contentRect: {width}, target: el} as unknown as ResizeObserverEntry], {} as ResizeObserver);
        }
    });
}

describe('diff viewer', () => {
    afterEach(() => {
        delete (window as {ResizeObserver?: unknown}).ResizeObserver;
    });

    it('counts +N −M from the diff when the agent did not', () => {
        render(<DiffView diff={SMALL} language='ts' label='Changes'/>);

        expect(screen.getByText('1 line added, 1 removed')).toBeInTheDocument();
    });

    it('shows a short diff whole, without a Show all button', () => {
        render(<DiffView diff={longDiff(25)} language='yaml' label='Changes'/>);

        expect(shownLines(screen.getByRole('region', {name: 'Changes'}))).toHaveLength(51);
        expect(screen.queryByRole('button', {name: /Show all/})).not.toBeInTheDocument();
    });

    it('shows the first 40 lines of a long diff and all of them on request', async () => {
        render(<DiffView diff={longDiff(1000)} language='yaml' label='Changes'/>);
        const block = screen.getByRole('region', {name: 'Changes'});
        expect(shownLines(block)).toHaveLength(41); // the hunk header and 40 lines

        await userEvent.click(screen.getByRole('button', {name: 'Show all 2,000 lines'}));

        expect(shownLines(block)).toHaveLength(2001);
        expect(shownLines(block)[2000]).toBe('1000+line 999 changed');
        expect(screen.getByRole('button', {name: 'Show fewer lines'})).toHaveAttribute('aria-expanded', 'true');
    });

    it('shows every line of a long diff at once and colours the lines past the first few hundred afterwards, a slice at a time', () => {
        // The background slices are timers: the test runs them one by one instead of
        // waiting for them, so it passes the same on a loaded machine.
        jest.useFakeTimers();
        try {
            const diff = ['--- a/x.ts', '+++ b/x.ts', '@@ -1,1000 +1,1000 @@', ...Array.from({length: 1000}, (_, i) => ` const value${i} = ${i};`)].join('\n');
            render(<DiffView diff={diff} language='ts' label='Changes'/>);

            fireEvent.click(screen.getByRole('button', {name: 'Show all 1,000 lines'}));

            const block = screen.getByRole('region', {name: 'Changes'});
            const rows = () => block.querySelectorAll('.cm-code-line__text');
            const coloured = (row: number) => rows()[row]?.querySelector('.hljs-keyword') !== null;
            expect(rows()).toHaveLength(1001);
            expect(coloured(1)).toBe(true);
            expect(coloured(HIGHLIGHT_FIRST)).toBe(true);
            expect(coloured(HIGHLIGHT_FIRST + 1)).toBe(false);
            expect(rows()[1000]?.textContent).toBe('const value999 = 999;');
            expect(jest.getTimerCount()).toBe(1);

            act(() => {
                jest.runOnlyPendingTimers();
            });
            expect(coloured(HIGHLIGHT_FIRST + HIGHLIGHT_STEP)).toBe(true);
            expect(coloured(HIGHLIGHT_FIRST + HIGHLIGHT_STEP + 1)).toBe(false);

            // The rest: one slice per timer, and no timer left once the last line has its colours.
            const slicesLeft = Math.ceil((1000 - HIGHLIGHT_FIRST - HIGHLIGHT_STEP) / HIGHLIGHT_STEP);
            for (let i = 0; i < slicesLeft; i++) {
                act(() => {
                    jest.runOnlyPendingTimers();
                });
            }
            expect(coloured(1000)).toBe(true);
            expect(jest.getTimerCount()).toBe(0);
        } finally {
            jest.useRealTimers();
        }
    });

    it('stays unified, without a layout choice, in a narrow container', () => {
        const resize = fakeResizeObserver();
        render(<DiffView diff={SMALL} language='ts' label='Changes'/>);
        resize(640);

        expect(screen.queryByRole('group', {name: 'Diff layout'})).not.toBeInTheDocument();
        expect(shownLines(screen.getByRole('region', {name: 'Changes'}))[2]).toBe('2−old');
    });

    it('puts old and new side by side in a container 900px wide, and switches back on request', async () => {
        const resize = fakeResizeObserver();
        render(<DiffView diff={SMALL} language='ts' label='Changes'/>);
        resize(1000);

        expect(screen.getByRole('button', {name: 'Split'})).toHaveAttribute('aria-pressed', 'true');
        // The removed line and its replacement share a row: old number, −, text, new number, +, text.
        expect(shownLines(screen.getByRole('region', {name: 'Changes'}))).toEqual(['⋯@@ -1,2 +1,2 @@', '1 keep1 keep', '2−old2+new']);

        await userEvent.click(screen.getByRole('button', {name: 'Unified'}));
        expect(shownLines(screen.getByRole('region', {name: 'Changes'}))).toEqual(['⋯@@ -1,2 +1,2 @@', '11 keep', '2−old', '2+new']);

        resize(500);
        expect(screen.queryByRole('button', {name: 'Split'})).not.toBeInTheDocument();
    });

    it('names each file of a diff with several', () => {
        render(<DiffView diff={'--- a/one.ts\n+++ b/one.ts\n@@ -1 +1 @@\n-a\n+b\n--- a/two.go\n+++ b/two.go\n@@ -1 +1 @@\n-c\n+d\n'} language='' label='Changes'/>);

        const lines = shownLines(screen.getByRole('region', {name: 'Changes'}));
        expect(lines).toContain('one.ts');
        expect(lines).toContain('two.go');
    });

    it('says so when there are no lines to show', () => {
        render(<DiffView diff={'diff --git a/logo.png b/logo.png\nBinary files a/logo.png and b/logo.png differ\n'} language='' label='Changes'/>);

        expect(screen.getByText('Binary file: no lines to show.')).toBeInTheDocument();
    });

    it('never lets the diff\'s text become markup', () => {
        const {container} = render(<DiffView diff={'@@ -1 +1 @@\n-<img src=x onerror=alert(1)>\n+<b>bold</b>\n'} language='' label='Changes'/>);

        expect(container.querySelector('img, b')).toBeNull();
        expect(shownLines(screen.getByRole('region', {name: 'Changes'}))[1]).toBe('1−<img src=x onerror=alert(1)>');
    });
});
