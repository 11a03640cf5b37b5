import {mkdirSync, mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A fresh working folder for one run; logs end up in it. */
export function runDir(prefix: string): string {
    const base = process.env.E2E_WORK_DIR ?? join(tmpdir(), 'claude-mattermost-e2e');
    mkdirSync(base, {recursive: true});
    return mkdtempSync(join(base, `${prefix}-`));
}
