/** Shared set-up for integration tests: fake model + fake plugin + a paired config dir. */
import {spawn, type ChildProcess} from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {saveConfig} from '../../src/config/config.js';
import {paths, type Paths} from '../../src/config/paths.js';
import {Daemon, type DaemonOptions} from '../../src/daemon.js';
import {consoleLogger, silentLogger} from '../../src/util/log.js';
import {startFakeModel, type FakeModel} from '../fake-model/index.mjs';
import {FakePlugin} from './fake-plugin.js';

export const AGENT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface Harness {
  model: FakeModel;
  plugin: FakePlugin;
  root: string;
  workspace: string;
  home: string;
  paths: Paths;
  env: Record<string, string | undefined>;
  daemon(extra?: Partial<DaemonOptions>): Daemon;
  spawnAgent(): ChildProcess & {logs: string[]};
  close(): Promise<void>;
}

/** `env` adds to (or, with undefined, removes from) the environment Claude Code gets. */
export async function harness(opts: {chunkDelayMs?: number; env?: Record<string, string | undefined>} = {}): Promise<Harness> {
  const root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'cmm-it-')));
  const workspace = path.join(root, 'work');
  const home = path.join(root, 'home');
  const cfg = path.join(root, 'config');
  await fs.mkdir(workspace, {recursive: true});
  await fs.mkdir(home, {recursive: true});
  const model = await startFakeModel({chunkDelayMs: opts.chunkDelayMs ?? 2});
  const plugin = await new FakePlugin().start();
  const p = paths(cfg);
  await saveConfig(p, {url: plugin.url, machine: {id: 'm1', name: 'laptop'}, allowed_roots: [workspace], default_dir: workspace}, plugin.token);
  const env: Record<string, string | undefined> = {
    ...process.env,
    HOME: home,
    ANTHROPIC_BASE_URL: model.url,
    ANTHROPIC_API_KEY: 'test-key',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_AUTOUPDATER: '1',
    CLAUDE_MATTERMOST_CONFIG_DIR: cfg,
    ...opts.env,
  };
  const verbose = Boolean(process.env.AGENT_TEST_VERBOSE);
  const children: ChildProcess[] = [];
  const daemons: Daemon[] = [];
  return {
    model,
    plugin,
    root,
    workspace,
    home,
    paths: p,
    env,
    daemon(extra = {}) {
      const d = new Daemon({
        config: {url: plugin.url, machine: {id: 'm1', name: 'laptop'}, allowed_roots: [workspace], default_dir: workspace},
        token: plugin.token,
        paths: p,
        agentVersion: '0.0.0-test',
        log: verbose ? consoleLogger({verbose: true}) : silentLogger,
        env,
        pollWaitSeconds: 5,
        throttleMs: 100,
        ...extra,
      });
      daemons.push(d);
      return d;
    },
    /** The real CLI in a child process (under tsx), so tests can kill it like a user would. */
    spawnAgent() {
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(AGENT_DIR, 'src/cli.ts'), 'start'], {
        cwd: AGENT_DIR,
        env: env as NodeJS.ProcessEnv,
        stdio: ['ignore', 'pipe', 'pipe'],
      }) as ChildProcess & {logs: string[]};
      child.logs = [];
      const collect = (b: Buffer) => {
        child.logs.push(...b.toString('utf8').split('\n').filter(Boolean));
        if (verbose) process.stderr.write(b);
      };
      child.stdout!.on('data', collect);
      child.stderr!.on('data', collect);
      children.push(child);
      return child;
    },
    async close() {
      for (const d of daemons) d.stop();
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      await plugin.close();
      await model.close();
      await fs.rm(root, {recursive: true, force: true}).catch(() => undefined);
    },
  };
}

export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

export async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

/** Processes (pid and command line) whose working directory is `dir`: Claude Code and the commands it runs there. */
export async function processesIn(dir: string): Promise<Array<{pid: number; cmd: string}>> {
  const out: Array<{pid: number; cmd: string}> = [];
  for (const name of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if ((await fs.readlink(`/proc/${name}/cwd`)) !== dir) continue;
      const cmd = (await fs.readFile(`/proc/${name}/cmdline`, 'utf8')).split('\0').join(' ').trim();
      out.push({pid: Number(name), cmd});
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return out;
}

/** Poll until `check` holds (or fail after `timeoutMs` saying `what`). */
export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
