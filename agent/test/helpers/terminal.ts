/**
 * Terminal sessions with real parts: Claude Code's own binary run as a user
 * would run it (`claude -p …`, HOME a temporary directory), with the hooks
 * installed by `claude-mattermost hooks install`, the directory followed by
 * `claude-mattermost follow`, and the agent (in-process) behind its socket.
 */
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import {createRequire} from 'node:module';
import path from 'node:path';
import type {DaemonOptions} from '../../src/daemon.js';
import {socketPath} from '../../src/terminal/paths.js';
import type {RecordedOutput} from './fake-plugin.js';
import {AGENT_DIR, eventually, harness, type Harness} from './harness.js';

/** The Claude Code binary shipped in the Agent SDK's platform package. */
export const CLAUDE_BIN = path.join(
  path.dirname(createRequire(import.meta.url).resolve(`@anthropic-ai/claude-agent-sdk-${process.platform}-${process.arch}/package.json`)),
  process.platform === 'win32' ? 'claude.exe' : 'claude',
);

export interface ClaudeRun {
  pid: number;
  done: Promise<{code: number | null; stdout: string; stderr: string}>;
}

export interface TerminalHarness extends Harness {
  /** Run the real CLI (`node --import tsx src/cli.ts …`) with the test's HOME and config dir. */
  cli(args: string[], env?: Record<string, string>): Promise<{code: number | null; stdout: string; stderr: string}>;
  /** `claude -p <prompt>` in the workspace, as typed in a terminal. */
  claude(prompt: string, extraArgs?: string[], env?: Record<string, string>): ClaudeRun;
  /** The Mattermost session the agent opened for the nth terminal session (0-based), once it is open. */
  opened(n?: number): Promise<string>;
  /** Outputs of that session of one kind. */
  outs(sid: string, kind: string): RecordedOutput[];
  stopDaemon(): Promise<void>;
}

export async function terminalHarness(opts: {daemon?: Partial<DaemonOptions>} = {}): Promise<TerminalHarness> {
  const h = await harness({chunkDelayMs: 2});
  const cli: TerminalHarness['cli'] = (args, env = {}) =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), path.join(AGENT_DIR, 'src/cli.ts'), ...args], {
        cwd: h.workspace,
        env: {...(h.env as NodeJS.ProcessEnv), ...env},
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      child.on('close', (code) => resolve({code, stdout, stderr}));
    });
  const installed = await cli(['hooks', 'install']);
  if (installed.code !== 0) throw new Error(`hooks install failed: ${installed.stderr}`);
  const followed = await cli(['follow', h.workspace]);
  if (followed.code !== 0) throw new Error(`follow failed: ${followed.stderr}`);

  const daemon = h.daemon({terminal: {cardAcceptMs: 2000, handoverGraceMs: 5000}, ...opts.daemon});
  const running = daemon.run();
  await eventually(() => fs.existsSync(socketPath(h.paths.dir)), 30_000, 'the agent listens on its socket');

  const children: Array<ReturnType<typeof spawn>> = [];
  const verbose = Boolean(process.env.AGENT_TEST_VERBOSE);
  return {
    ...h,
    cli,
    claude(prompt, extraArgs = [], env = {}) {
      const child = spawn(CLAUDE_BIN, ['-p', prompt, '--permission-mode', 'default', ...extraArgs], {
        cwd: h.workspace,
        env: {...(h.env as NodeJS.ProcessEnv), ...env},
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(child);
      let stdout = '';
      let stderr = '';
      child.stdout!.on('data', (b: Buffer) => (stdout += b.toString()));
      child.stderr!.on('data', (b: Buffer) => {
        stderr += b.toString();
        if (verbose) process.stderr.write(b);
      });
      const done = new Promise<{code: number | null; stdout: string; stderr: string}>((resolve) => child.on('close', (code) => resolve({code, stdout, stderr})));
      return {pid: child.pid!, done};
    },
    async opened(n = 0) {
      return h.plugin.waitFor(() => h.plugin.opened[n]?.session_id, 60_000, `terminal session ${n} opened`);
    },
    outs(sid, kind) {
      return h.plugin.of(sid, kind);
    },
    async stopDaemon() {
      daemon.stop();
      await running.catch(() => undefined);
    },
    async close() {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      daemon.stop();
      await running.catch(() => undefined);
      await h.close();
    },
  };
}
