/**
 * Command line: `claude-mattermost login` and `claude-mattermost start`
 * (commander). Actions are injected so parsing can be tested on its own.
 */
import path from 'node:path';
import {Command, Option} from 'commander';
import {AGENT_VERSION} from '../version.js';

export interface LoginArgs {
  url: string;
  code?: string;
  name?: string;
  allowedRoots: string[];
  defaultDir?: string;
}

export interface StartArgs {
  allowedRoots: string[];
  defaultDir?: string;
  verbose: boolean;
}

export interface Actions {
  login(args: LoginArgs): Promise<void>;
  start(args: StartArgs): Promise<void>;
}

const collect = (value: string, previous: string[]) => [...previous, path.resolve(value)];

export function buildProgram(actions: Actions): Command {
  const program = new Command()
    .name('claude-mattermost')
    .description('Run Claude Code on this machine for your Mattermost team. Talks to the Mattermost plugin, outbound only.')
    .version(AGENT_VERSION, '-v, --version', 'print the agent version')
    .showHelpAfterError()
    .addHelpText(
      'after',
      `
Config lives in $CLAUDE_MATTERMOST_CONFIG_DIR, else $XDG_CONFIG_HOME/claude-mattermost,
else ~/.config/claude-mattermost (config.yaml, token, outbox, sessions).

Examples:
  claude-mattermost login --url https://chat.example.com
  claude-mattermost login --url https://chat.example.com --code ABCD-1234 --name laptop
  claude-mattermost start --allowed-root ~/src`,
    );

  program
    .command('login')
    .description('pair this machine with a code from `/claude connect` in Mattermost')
    .requiredOption('--url <url>', 'Mattermost site URL, e.g. https://chat.example.com')
    .option('--code <code>', 'pairing code (asked for when omitted)')
    .option('--name <name>', 'machine name shown in Mattermost (default: this host name)')
    .addOption(new Option('--allowed-root <dir>', 'directory sessions may run in (repeatable; default: the default dir)').argParser(collect).default([]))
    .option('--default-dir <dir>', 'directory for sessions that name none (default: your home directory)')
    .action(async (o: {url: string; code?: string; name?: string; allowedRoot: string[]; defaultDir?: string}) => {
      await actions.login({
        url: o.url,
        code: o.code,
        name: o.name,
        allowedRoots: o.allowedRoot,
        defaultDir: o.defaultDir ? path.resolve(o.defaultDir) : undefined,
      });
    });

  program
    .command('start')
    .description('run the agent in the foreground: receive sessions from Mattermost and drive Claude Code')
    .addOption(new Option('--allowed-root <dir>', 'directory sessions may run in (repeatable; replaces allowed_roots from config.yaml)').argParser(collect).default([]))
    .option('--default-dir <dir>', 'directory for sessions that name none (overrides config.yaml)')
    .option('--verbose', 'also log debug details (Claude Code stderr, acks)', false)
    .action(async (o: {allowedRoot: string[]; defaultDir?: string; verbose: boolean}) => {
      await actions.start({
        allowedRoots: o.allowedRoot,
        defaultDir: o.defaultDir ? path.resolve(o.defaultDir) : undefined,
        verbose: Boolean(o.verbose),
      });
    });

  return program;
}
