#!/usr/bin/env node
// Render benchmark: a generated 2,000-line diff in the approval card, in Chromium with
// the built dist/main.js. Prints figures only (the target is ≤ 100 ms, DESIGN.md).
/* global window -- used inside page.evaluate(), which runs in the browser */
import {launchBrowser, checkBundle, startServer} from './harness.mjs';

const RUNS = 5;
const LINES = 2000;

/** A TypeScript file's unified diff with LINES lines: hunks of context, removals and additions. */
function generateDiff() {
    const out = ['--- a/src/generated/handlers.ts', '+++ b/src/generated/handlers.ts'];
    let oldNo = 1;
    let newNo = 1;
    let written = 0;
    for (let h = 0; written < LINES; h++) {
        const body = [];
        let oldCount = 0;
        let newCount = 0;
        for (let i = 0; i < 40 && written < LINES; i++, written++) {
            const n = h * 40 + i;
            const kind = i % 10 < 6 ? ' ' : i % 10 < 8 ? '-' : '+';
            const text = n % 4 === 0
                ? `export async function handle${n}(req: Request, res: Response): Promise<void> { // route ${n}`
                : `    const value${n} = await store.get(\`key-${n}\`, {timeout: ${n % 500}, retries: 3}); /* ${'x'.repeat(n % 30)} */`;
            body.push(kind + text);
            if (kind !== '+') {
                oldCount++;
            }
            if (kind !== '-') {
                newCount++;
            }
        }
        out.push(`@@ -${oldNo},${oldCount} +${newNo},${newCount} @@ export class Handlers${h} {`, ...body);
        oldNo += oldCount + 10;
        newNo += newCount + 10;
    }
    return out.join('\n');
}

function median(values) {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
}

async function measure(page, post, then) {
    const runs = [];
    const react = [];
    const layout = [];
    const coloured = [];
    const longest = [];
    let rows = 0;
    // One warm-up run (JIT, fonts), then RUNS timed runs.
    for (let i = 0; i <= RUNS; i++) {
        const result = await page.evaluate(([p, t]) => window.__host.benchRender(p, t), [post, then]);
        rows = result.rows;
        if (i > 0) {
            runs.push(result.took);
            react.push(result.react);
            layout.push(result.layout);
            coloured.push(result.coloured ?? 0);
            longest.push(result.longest ?? 0);
        }
    }
    return {median: median(runs), runs, rows, react: median(react), layout: median(layout), coloured: median(coloured), longest: median(longest)};
}

async function main() {
    checkBundle();
    const diff = generateDiff();
    const post = {
        id: 'bench', type: 'custom_claude_approval', user_id: 'bot0000000000000000000000', channel_id: 'c1', root_id: 'r', create_at: 0, message: '',
        props: {claude_approval: {
            session_id: 's', request_id: 'bench', tool_name: 'Edit', input: {file_path: '/repo/src/generated/handlers.ts'}, cwd: '/repo', description: '',
            status: 'pending', preview: {kind: 'diff', file_path: '/repo/src/generated/handlers.ts', diff, language: process.env.BENCH_LANG ?? 'ts', added: 400, removed: 400},
        }},
    };
    const {base, close} = await startServer();
    const browser = await launchBrowser();
    try {
        for (const [label, width] of [['unified, 820px', 820], ['split, 1300px', 1300]]) {
            const page = await browser.newPage({viewport: {width: width + 20, height: 900}, deviceScaleFactor: 1});
            await page.goto(`${base}/?bench&width=${width}`);
            await page.waitForFunction(() => window.__host && window.__host.ready);
            const first = await measure(page, post);
            const all = await measure(page, post, `Show all ${LINES.toLocaleString('en-US')} lines`);
            const fmt = (r) => `${r.median.toFixed(1)} ms median of ${RUNS} (${r.runs.map((t) => t.toFixed(1)).join(', ')}; render ${r.react.toFixed(1)} + layout ${r.layout.toFixed(1)}), ${r.rows} rows`;
            console.log(`2,000-line diff, ${label}: first render (collapsed) ${fmt(first)}`);
            console.log(`2,000-line diff, ${label}: Show all ${fmt(all)}`);
            console.log(`2,000-line diff, ${label}: every line highlighted ${all.coloured.toFixed(1)} ms after the click (in the background; longest pause ${all.longest.toFixed(1)} ms)`);
            await page.close();
        }
    } finally {
        await browser.close();
        close();
    }
}

main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
});
