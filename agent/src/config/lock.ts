import fs from 'node:fs/promises';
import path from 'node:path';

export class AlreadyRunningError extends Error {}

/**
 * One `start` per config dir: two agents polling the same inbox would both
 * handle every event. The lock is a pid file; a stale one (its process is
 * gone) is taken over.
 */
export async function acquireLock(dir: string, pid = process.pid): Promise<() => Promise<void>> {
  const file = path.join(dir, 'agent.pid');
  await fs.mkdir(dir, {recursive: true, mode: 0o700});
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await fs.writeFile(file, `${pid}\n`, {flag: 'wx', mode: 0o600});
      return async () => {
        const owner = Number((await fs.readFile(file, 'utf8').catch(() => '')).trim());
        if (owner === pid) await fs.rm(file, {force: true});
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number((await fs.readFile(file, 'utf8').catch(() => '')).trim());
      if (owner && owner !== pid && alive(owner)) {
        throw new AlreadyRunningError(`another \`claude-mattermost start\` (pid ${owner}) is already using ${dir}`);
      }
      await fs.rm(file, {force: true});
    }
  }
  throw new AlreadyRunningError(`could not take the lock ${file}`);
}

/** The pid in the lock file and whether that process is alive (`claude-mattermost status`). */
export async function readLock(dir: string): Promise<{pid: number; alive: boolean} | undefined> {
  const pid = Number((await fs.readFile(path.join(dir, 'agent.pid'), 'utf8').catch(() => '')).trim());
  if (!pid) return undefined;
  return {pid, alive: alive(pid)};
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
