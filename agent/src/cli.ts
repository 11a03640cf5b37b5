#!/usr/bin/env node
/** Entry point of the `claude-mattermost` command. */
import {buildProgram} from './cli/program.js';
import {login, UserError} from './cli/login.js';
import {ConfigError, loadConfig} from './config/config.js';
import {acquireLock, AlreadyRunningError} from './config/lock.js';
import {configDir, paths} from './config/paths.js';
import {Daemon, FatalError} from './daemon.js';
import {consoleLogger} from './util/log.js';
import {AGENT_VERSION} from './version.js';

const program = buildProgram({
  async login(args) {
    await login(args, {dir: configDir(), out: (line) => console.log(line)});
  },
  async start(args) {
    const p = paths(configDir());
    const {config, token} = await loadConfig(p);
    const unlock = await acquireLock(p.dir);
    const log = consoleLogger({verbose: args.verbose});
    log.info(`claude-mattermost ${AGENT_VERSION} starting (config ${p.dir})`);
    const daemon = new Daemon({config, token, paths: p, agentVersion: AGENT_VERSION, log, allowedRoots: args.allowedRoots, defaultDir: args.defaultDir});
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
});

program.parseAsync(process.argv).then(
  () => process.exit(0),
  (err: unknown) => {
    if (err instanceof UserError || err instanceof ConfigError || err instanceof FatalError || err instanceof AlreadyRunningError) {
      console.error(`claude-mattermost: ${err.message}`);
    } else {
      console.error('claude-mattermost: unexpected error:', err);
    }
    process.exit(1);
  },
);
