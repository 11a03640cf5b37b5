/**
 * The terminal's Claude Code process: found at SessionStart by walking up
 * from the hook command (Claude Code → /bin/sh -c → node hook.js), recorded
 * with its start time so that a later pid reuse is never mistaken for it, and
 * ended on **Continue here**. Linux reads /proc; elsewhere `ps`.
 */
import {execFile} from 'node:child_process';
import fs from 'node:fs/promises';
import {promisify} from 'node:util';

const run = promisify(execFile);

export interface ProcInfo {
  pid: number;
  ppid: number;
  /** Start time (clock ticks since boot on Linux; `ps` lstart elsewhere): with the pid, the process's identity. */
  start: string;
  /** The command line, arguments joined with spaces. */
  command: string;
}

export async function procInfo(pid: number): Promise<ProcInfo | undefined> {
  if (!Number.isInteger(pid) || pid <= 1) return undefined;
  if (process.platform === 'linux') {
    try {
      const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8');
      // The command name (field 2) may hold spaces and parentheses: the fields after it start at the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const command = (await fs.readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').filter(Boolean).join(' ');
      // A zombie has exited; only its parent has not collected it yet.
      if (fields[0] === 'Z') return undefined;
      return {pid, ppid: Number(fields[1]), start: fields[19] ?? '', command};
    } catch {
      return undefined;
    }
  }
  try {
    const {stdout} = await run('ps', ['-o', 'ppid=,lstart=,command=', '-p', String(pid)]);
    const m = /^\s*(\d+)\s+(\S+\s+\S+\s+\d+\s+[\d:]+\s+\d+)\s+(.*)$/.exec(stdout.trim());
    if (!m) return undefined;
    return {pid, ppid: Number(m[1]), start: m[2]!, command: m[3]!};
  } catch {
    return undefined;
  }
}

/** Does this command line look like Claude Code (the native `claude` binary, or `node …/claude-code/cli.js`)? */
export function looksLikeClaude(command: string): boolean {
  const argv0 = command.split(' ')[0] ?? '';
  if (/(^|\/)claude(\.exe)?$/i.test(argv0)) return true;
  return /(^|\/)(node|bun)(\.exe)?$/i.test(argv0) && /claude-code|(^|\/)claude(\.js|\.mjs)?( |$)/i.test(command.slice(argv0.length));
}

/** The Claude Code process above the hook command (at most `depth` levels up). */
export async function findClaude(fromPid: number, depth = 4): Promise<ProcInfo | undefined> {
  let pid = fromPid;
  for (let i = 0; i < depth && pid > 1; i++) {
    const p = await procInfo(pid);
    if (!p) return undefined;
    if (looksLikeClaude(p.command)) return p;
    pid = p.ppid;
  }
  return undefined;
}

/** Is the recorded process still the same one (same pid and start time)? */
export async function stillRunning(pid: number, start: string): Promise<boolean> {
  const p = await procInfo(pid);
  return Boolean(p && p.start === start);
}

/** The terminal the process writes to (/dev/pts/N), when it has one. */
export async function ttyOf(pid: number): Promise<string | undefined> {
  if (process.platform !== 'linux') return undefined;
  for (const fd of [1, 2, 0]) {
    const target = await fs.readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    if (/^\/dev\/(pts\/\d+|tty\w*)$/.test(target)) return target;
  }
  return undefined;
}

/**
 * Ask the process to exit (SIGTERM: Claude Code saves the session and prints
 * how to resume it), wait for it, and only after `graceMs` force it.
 * Resolves true when it is gone.
 */
export async function endProcess(pid: number, start: string, graceMs = 10_000, signal: NodeJS.Signals = 'SIGTERM'): Promise<boolean> {
  if (!(await stillRunning(pid, start))) return true;
  try {
    process.kill(pid, signal);
  } catch {
    return !(await stillRunning(pid, start));
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    if (!(await stillRunning(pid, start))) return true;
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone meanwhile
  }
  for (let i = 0; i < 20; i++) {
    if (!(await stillRunning(pid, start))) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}
