/**
 * A Claude Code process left running by an agent that was killed: found by
 * the pid its session record kept, checked to really be Claude Code in
 * stream-json mode in the session's directory (a pid can be reused), and
 * stopped (SIGTERM, then SIGKILL).
 */
import {execFile} from 'node:child_process';
import fs from 'node:fs/promises';
import {promisify} from 'node:util';
import {sleep} from './backoff.js';

const run = promisify(execFile);

/** The command line of a live process, or undefined when there is none. */
async function commandLine(pid: number): Promise<string | undefined> {
  try {
    return (await fs.readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').join(' ');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || (await fs.access('/proc/self').then(() => true, () => false))) return undefined;
  }
  // No /proc (macOS): ask ps.
  try {
    const {stdout} = await run('ps', ['-o', 'args=', '-p', String(pid)]);
    return stdout.trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Whether the process runs (a zombie waiting to be reaped does not). */
async function alive(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return !/^\d+ \(.*\) Z/.test(stat);
}

/**
 * Whether `pid` is a Claude Code process driven by an SDK (as the agent runs
 * it), and, where /proc tells, one running in `cwd`.
 */
export async function isClaudeCode(pid: number, cwd?: string): Promise<boolean> {
  const cmd = await commandLine(pid);
  if (cmd === undefined || !/claude/i.test(cmd) || !cmd.includes('--input-format') || !cmd.includes('stream-json')) return false;
  if (!cwd) return true;
  const where = await fs.readlink(`/proc/${pid}/cwd`).catch(() => undefined);
  return where === undefined || where === cwd;
}

/**
 * Stop a Claude Code process left over from an earlier run. True when one was
 * running (and is gone now). Claude Code ends the commands it runs itself on
 * SIGTERM; SIGKILL follows after `graceMs`.
 */
export async function stopLeftoverClaude(pid: number, opts: {cwd?: string; graceMs?: number} = {}): Promise<boolean> {
  const graceMs = opts.graceMs ?? 5000;
  if (pid === process.pid || !(await alive(pid)) || !(await isClaudeCode(pid, opts.cwd))) return false;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return false;
  }
  let deadline = Date.now() + graceMs;
  while ((await alive(pid)) && Date.now() < deadline) await sleep(50);
  if (await alive(pid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
    deadline = Date.now() + 2000;
    while ((await alive(pid)) && Date.now() < deadline) await sleep(20);
  }
  return true;
}
