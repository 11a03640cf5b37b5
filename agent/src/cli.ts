#!/usr/bin/env node
/** Entry point of the `claude-mattermost` command. */
import {formatChecks, runChecks} from './cli/doctor.js';
import {follow, hooksInstall, hooksStatus, hooksUninstall, unfollow, type TerminalCliOptions} from './cli/hooks.js';
import {login, UserError} from './cli/login.js';
import {logs} from './cli/logs.js';
import {buildProgram} from './cli/program.js';
import {setup, type Prompts} from './cli/setup.js';
import {newSession, resume} from './cli/resume.js';
import {sessions, status} from './cli/status.js';
import {addTerminalCommands} from './cli/terminal.js';
import {ConfigError, loadConfig} from './config/config.js';
import {acquireLock, AlreadyRunningError} from './config/lock.js';
import {effectiveConfig} from './config/overrides.js';
import {configDir, paths} from './config/paths.js';
import {Daemon, FatalError} from './daemon.js';
import {readStdin, runHook} from './terminal/hookrun.js';
import {consoleLogger, fileSink} from './util/log.js';
import {AGENT_VERSION} from './version.js';

const out = (line: string) => console.log(line);

const program = buildProgram({
  async setup(args) {
    if (!process.stdin.isTTY) throw new UserError('setup asks questions and needs a terminal; use `claude-mattermost login --url … --code …` in scripts');
    const inquirer = await import('@inquirer/prompts');
    const prompts: Prompts = {input: inquirer.input, confirm: inquirer.confirm, select: inquirer.select};
    await setup({dir: configDir(), out, prompts, url: args.url});
    out('If something does not work, `claude-mattermost doctor` says what is missing.');
  },
  async login(args) {
    await login(args, {dir: configDir(), out});
  },
  async start(args) {
    const p = paths(configDir());
    const loaded = await loadConfig(p);
    const config = effectiveConfig(loaded.config, {
      url: args.url,
      allowedRoots: args.allowedRoots,
      defaultDir: args.defaultDir,
      permissionMode: args.permissionMode,
      model: args.model,
    });
    const unlock = await acquireLock(p.dir);
    const log = consoleLogger({verbose: args.verbose, file: fileSink(p.log)});
    log.info(`claude-mattermost ${AGENT_VERSION} starting (config ${p.dir}, log ${p.log})`);
    const startPrompt = args.prompt && {prompt: args.prompt.text, dir: args.prompt.dir ?? process.cwd(), channel: args.prompt.channel ?? '', exitWhenDone: args.prompt.exitWhenDone};
    const daemon = new Daemon({config, token: loaded.token, paths: p, agentVersion: AGENT_VERSION, log, startPrompt});
    let signals = 0;
    const onSignal = (sig: string) => {
      signals += 1;
      if (signals > 1) {
        log.warn(`${sig} again: exiting now`);
        process.exit(130);
      }
      log.info(`${sig}: shutting down (sessions resume on the next start)`);
      daemon.stop();
    };
    process.on('SIGINT', () => onSignal('SIGINT'));
    process.on('SIGTERM', () => onSignal('SIGTERM'));
    try {
      await daemon.run();
    } finally {
      await unlock();
    }
    log.info('stopped');
  },
  async status() {
    await status({paths: paths(configDir()), out});
  },
  async sessions(args) {
    await sessions({paths: paths(configDir()), out, all: args.all});
  },
  async logs(args) {
    const ctl = new AbortController();
    process.once('SIGINT', () => ctl.abort());
    await logs({file: paths(configDir()).log, lines: args.lines, follow: args.follow, write: (s) => process.stdout.write(s), signal: ctl.signal});
  },
  async doctor() {
    const checks = await runChecks({paths: paths(configDir()), env: process.env});
    for (const line of formatChecks(checks)) out(line);
    if (checks.some((c) => c.level === 'fail')) {
      process.exitCode = 1;
      out('Some checks failed: see the fixes above.');
    } else out('Everything needed is in place.');
  },
});

const terminalOptions = (): TerminalCliOptions => ({dir: configDir(), env: process.env, cwd: process.cwd(), out});
addTerminalCommands(program, {
  hooksInstall: (args) => hooksInstall(args, terminalOptions()),
  hooksUninstall: (args) => hooksUninstall(args, terminalOptions()),
  hooksStatus: () => hooksStatus(terminalOptions()),
  follow: (args) => follow(args, terminalOptions()),
  unfollow: (args) => unfollow(args, terminalOptions()),
  async resume(args) {
    process.exitCode = await resume(args, terminalOptions());
  },
  newSession: (args) => newSession(args, terminalOptions()),
  hook: () => runHook({readStdin, env: process.env, out: (s) => process.stdout.write(s), warn: (line) => process.stderr.write(line + '\n')}),
});

program.parseAsync(process.argv).then(
  () => process.exit(process.exitCode ?? 0),
  (err: unknown) => {
    if (err instanceof UserError || err instanceof ConfigError || err instanceof FatalError || err instanceof AlreadyRunningError) {
      console.error(`claude-mattermost: ${err.message}`);
    } else if (err instanceof Error && err.name === 'ExitPromptError') {
      console.error('claude-mattermost: setup cancelled; nothing was changed');
    } else {
      console.error('claude-mattermost: unexpected error:', err);
    }
    process.exit(1);
  },
);
