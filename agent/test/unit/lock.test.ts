import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {describe, it} from 'node:test';
import {acquireLock, AlreadyRunningError} from '../../src/config/lock.js';

describe('one agent per config dir', () => {
  it('a second start while the first runs is refused', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cmm-lock-'));
    const unlock = await acquireLock(dir, process.pid);
    await assert.rejects(acquireLock(dir, process.ppid), (err: Error) => err instanceof AlreadyRunningError && /already using/.test(err.message));
    await unlock();
    const again = await acquireLock(dir, process.ppid);
    await again();
    await fs.rm(dir, {recursive: true});
  });

  it('a lock left by a process that is gone is taken over', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cmm-lock-'));
    await fs.writeFile(path.join(dir, 'agent.pid'), '999999\n');
    const unlock = await acquireLock(dir);
    assert.equal((await fs.readFile(path.join(dir, 'agent.pid'), 'utf8')).trim(), String(process.pid));
    await unlock();
    await assert.rejects(fs.access(path.join(dir, 'agent.pid')));
    await fs.rm(dir, {recursive: true});
  });
});
