/**
 * `npm run bench -w agent` (after `npm run build -w agent`): what a terminal
 * session's hooks cost, with the built `dist/hook.js` run as Claude Code runs
 * it (one process per event, JSON on stdin), the agent in this process behind
 * its real socket, and the fake plugin. Figures only, never asserted: median
 * (min–max) of BENCH_HOOK_RUNS runs.
 *
 *   hook, session not followed        node dist/hook.js for a directory nobody follows (DESIGN.md: ≤ 50 ms)
 *   node itself                       `node -e 0`, the floor under the line above
 *   hook, followed, answered at once  a PreToolUse handed to the agent and answered
 *   PermissionRequest → card          the hook starts → the plugin has the approval card
 *   click → terminal goes on          the decision is queued → the hook has printed it and exited
 *
 * The click figure includes the fake plugin's long-poll delivery; the e2e
 * bench measures the real plugin's side.
 */
import {spawn} from 'node:child_process';
import {randomUUID} from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {saveConfig} from '../src/config/config.js';
import {paths} from '../src/config/paths.js';
import {Daemon} from '../src/daemon.js';
import {addFollowed} from '../src/terminal/follow.js';
import {followFile, socketPath} from '../src/terminal/paths.js';
import {silentLogger} from '../src/util/log.js';
import {FakePlugin} from '../test/helpers/fake-plugin.js';

const RUNS = Number(process.env.BENCH_HOOK_RUNS ?? 20);
const agentDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const hookJs = path.join(agentDir, 'dist', 'hook.js');
const hookSh = path.join(agentDir, 'dist', 'hook.sh');
if (!fs.existsSync(hookJs)) {
  console.error(`${hookJs} is missing: run \`npm run build -w agent\` first`);
  process.exit(1);
}

const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cmm-bench-')));
const work = path.join(root, 'work');
const elsewhere = path.join(root, 'elsewhere');
const configDir = path.join(root, 'config');
const home = path.join(root, 'home');
for (const d of [work, elsewhere, home]) fs.mkdirSync(d, {recursive: true});

function stats(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  const f = (x: number) => x.toFixed(1);
  return `${f(s[Math.floor(s.length / 2)]!)} ms (${f(s[0]!)}–${f(s.at(-1)!)})`;
}

function report(what: string, xs: number[], target = '') {
  console.log(`  ${what}: ${stats(xs)}${target ? `   (target ${target})` : ''}`);
}

/** Run a command with `stdin`; resolves with its stdout and how long it took. */
function timed(cmd: string, args: string[], stdin: string, env: NodeJS.ProcessEnv, onStart?: () => void, cwd?: string): Promise<{ms: number; stdout: string}> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, {env, cwd, stdio: ['pipe', 'pipe', 'ignore']});
    onStart?.();
    let stdout = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b));
    child.on('error', reject);
    child.on('close', () => resolve({ms: performance.now() - t0, stdout}));
    child.stdin.end(stdin);
  });
}

const env: NodeJS.ProcessEnv = {...process.env, HOME: home, CLAUDE_MATTERMOST_CONFIG_DIR: configDir};
delete env.CLAUDE_MATTERMOST_FOLLOW;
const event = (name: string, cwd: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    session_id: randomUUID(),
    transcript_path: path.join(home, '.claude', 'projects', 'p', 'x.jsonl'),
    cwd,
    hook_event_name: name,
    permission_mode: 'default',
    tool_name: 'Bash',
    tool_input: {command: 'touch x', description: 'Run touch x'},
    tool_use_id: 'toolu_' + randomUUID().slice(0, 8),
    ...extra,
  });
// As `hooks install` writes it: through the shell launcher beside hook.js.
const hook = (stdin: string, onStart?: () => void, cwd = work) => timed('sh', [hookSh, process.execPath, hookJs, 'claude-mattermost-hook'], stdin, env, onStart, cwd);
const hookJsAlone = (stdin: string) => timed(process.execPath, [hookJs, 'claude-mattermost-hook'], stdin, env);

const plugin = await new FakePlugin().start();
const p = paths(configDir);
const config = {url: plugin.url, machine: {id: 'm1', name: 'bench'}, allowed_roots: [work], default_dir: work};
await saveConfig(p, config, plugin.token);
addFollowed(followFile(configDir), work);
const daemon = new Daemon({
  config,
  token: plugin.token,
  paths: p,
  agentVersion: 'bench',
  log: silentLogger,
  env,
  pollWaitSeconds: 25,
  query: (() => {
    throw new Error('no Claude Code in this bench');
  }) as never,
});
const running = daemon.run();
while (!fs.existsSync(socketPath(configDir))) await new Promise((r) => setTimeout(r, 50));

try {
  console.log(`terminal hooks (dist/hook.js, ${RUNS} runs each; median (min–max)):`);
  const unfollowed: number[] = [];
  const unfollowedJs: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    // Claude Code runs hooks in the session's project directory.
    unfollowed.push((await hook(event('PreToolUse', elsewhere), undefined, elsewhere)).ms);
    unfollowedJs.push((await hookJsAlone(event('PreToolUse', elsewhere))).ms);
    bare.push((await timed(process.execPath, ['-e', '0'], '', env)).ms);
  }
  report('hook, session not followed (hook.sh ends it)', unfollowed, '≤ 50 ms');
  report('hook.js alone, session not followed', unfollowedJs);
  report('node itself (node -e 0)', bare);

  const followed: number[] = [];
  const sessionId = randomUUID();
  await hook(event('SessionStart', work, {session_id: sessionId, source: 'startup'}));
  for (let i = 0; i < RUNS; i++) followed.push((await hook(event('PreToolUse', work, {session_id: sessionId}))).ms);
  report('hook, followed, answered at once (PreToolUse)', followed);

  const toCard: number[] = [];
  const clickToGo: number[] = [];
  const sid = plugin.opened.find((o) => o.body.claude_session_id === sessionId)!.session_id;
  for (let i = 0; i < RUNS; i++) {
    const command = `touch bench-${i}`;
    let started = 0;
    const answered = hook(event('PermissionRequest', work, {session_id: sessionId, tool_input: {command}}), () => (started = performance.now()));
    const card = await plugin.waitFor((outs) => outs.find((o) => o.session_id === sid && o.body.kind === 'approval' && o.body.input.command === command), 30_000, 'the card');
    toCard.push(card.at - performance.timeOrigin - started);
    const clicked = performance.now();
    plugin.decide(sid, card.body.request_id, 'approve');
    const got = await answered;
    clickToGo.push(performance.now() - clicked);
    if (!got.stdout.includes('"allow"')) throw new Error(`the hook did not allow: ${got.stdout}`);
  }
  report('PermissionRequest → card at the plugin', toCard);
  report('click → the hook answers (the terminal goes on)', clickToGo);
} finally {
  daemon.stop();
  await running.catch(() => undefined);
  await plugin.close();
  fs.rmSync(root, {recursive: true, force: true});
}
