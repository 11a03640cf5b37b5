/**
 * Command line (commander): `setup`, `login`, `start`, `status`, `sessions`,
 * `logs`, `doctor`. Actions are injected so parsing can be tested on its own.
 * Flags fall back to CLAUDE_MATTERMOST_* environment variables (commander's
 * `.env()`), which fall back to config.yaml.
 */
import path from 'node:path';
import {Command, InvalidArgumentError, Option} from 'commander';
import {expandHome} from '../config/config.js';
import {ENV_VARS, parsePathList} from '../config/overrides.js';
import {PERMISSION_MODES, type PermissionMode} from '../plugin/protocol.js';
import {AGENT_VERSION} from '../version.js';
import {UserError} from './login.js';

export interface LoginArgs {
  url: string;
  code?: string;
  name?: string;
  allowedRoots: string[];
  defaultDir?: string;
  permissionMode?: PermissionMode;
  model?: string;
}

export interface StartArgs {
  allowedRoots: string[];
  defaultDir?: string;
  verbose: boolean;
  url?: string;
  permissionMode?: PermissionMode;
  model?: string;
  /** `--prompt`: start this session once connected (a one-shot container). */
  prompt?: {text: string; dir?: string; channel?: string; exitWhenDone: boolean};
}

export interface LogsArgs {
  follow: boolean;
  lines: number;
}

export interface Actions {
  login(args: LoginArgs): Promise<void>;
  start(args: StartArgs): Promise<void>;
  setup(args: {url?: string}): Promise<void>;
  status(): Promise<void>;
  sessions(args: {all: boolean}): Promise<void>;
  logs(args: LogsArgs): Promise<void>;
  doctor(): Promise<void>;
}

const dirArg = (value: string) => path.resolve(expandHome(value));

const modeArg = (value: string): PermissionMode => {
  if ((PERMISSION_MODES as readonly string[]).includes(value)) return value as PermissionMode;
  throw new InvalidArgumentError(`use one of ${PERMISSION_MODES.join(', ')}`);
};

const countArg = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('a whole number of lines');
  return n;
};

const envHelp = Object.entries(ENV_VARS)
  .map(([name, what]) => `  ${name.padEnd(34)} ${what}`)
  .join('\n');

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
else ~/.config/claude-mattermost (config.yaml, token, agent.log, outbox, sessions).
A flag wins over its environment variable, which wins over config.yaml.

Environment:
${envHelp}

Examples:
  claude-mattermost setup                              # interactive: pair and configure
  claude-mattermost login --url https://chat.example.com --code ABCD-1234 --name laptop
  claude-mattermost start --allowed-root ~/src
  claude-mattermost doctor                             # what is missing, and how to fix it`,
    );

  const rootsOption = (help: string) =>
    new Option('--allowed-root <dirs>', help).argParser((v: string, prev: string[]) => parsePathList(v, prev)).default([]).env('CLAUDE_MATTERMOST_ALLOWED_ROOTS');
  const defaultDirOption = (help: string) => new Option('--default-dir <dir>', help).argParser(dirArg).env('CLAUDE_MATTERMOST_DEFAULT_DIR');
  const modeOption = () =>
    new Option('--permission-mode <mode>', 'permission mode when Mattermost names none').argParser(modeArg).env('CLAUDE_MATTERMOST_PERMISSION_MODE');
  const modelOption = () => new Option('--model <name>', 'Claude model when Mattermost names none').env('CLAUDE_MATTERMOST_MODEL');

  program
    .command('setup')
    .description('interactive setup: server, pairing code, machine name, directories, defaults (writes config.yaml)')
    .addOption(new Option('--url <url>', 'Mattermost site URL to suggest').env('CLAUDE_MATTERMOST_URL'))
    .action(async (o: {url?: string}) => actions.setup({url: o.url}));

  program
    .command('login')
    .description('pair this machine with a code from `/claude connect` in Mattermost (non-interactive setup)')
    .addOption(new Option('--url <url>', 'Mattermost site URL, e.g. https://chat.example.com').env('CLAUDE_MATTERMOST_URL').makeOptionMandatory())
    .addOption(new Option('--code <code>', 'pairing code (asked for when omitted)').env('CLAUDE_MATTERMOST_CODE'))
    .addOption(new Option('--name <name>', 'machine name shown in Mattermost (default: this host name)').env('CLAUDE_MATTERMOST_MACHINE_NAME'))
    .addOption(rootsOption('directories sessions may run in (repeatable; default: the default dir)'))
    .addOption(defaultDirOption('directory for sessions that name none (default: your home directory)'))
    .addOption(modeOption())
    .addOption(modelOption())
    .action(async (o: {url: string; code?: string; name?: string; allowedRoot: string[]; defaultDir?: string; permissionMode?: PermissionMode; model?: string}) => {
      await actions.login({
        url: o.url,
        code: o.code,
        name: o.name,
        allowedRoots: o.allowedRoot,
        defaultDir: o.defaultDir,
        ...(o.permissionMode ? {permissionMode: o.permissionMode} : {}),
        ...(o.model !== undefined ? {model: o.model} : {}),
      });
    });

  program
    .command('start')
    .description('run the agent in the foreground: receive sessions from Mattermost and drive Claude Code')
    .addOption(rootsOption('directories sessions may run in (repeatable; replaces allowed_roots from config.yaml)'))
    .addOption(defaultDirOption('directory for sessions that name none (overrides config.yaml)'))
    .addOption(new Option('--url <url>', 'reach the paired site at this URL instead').env('CLAUDE_MATTERMOST_URL'))
    .addOption(modeOption())
    .addOption(modelOption())
    .addOption(new Option('--verbose', 'also log debug details (Claude Code stderr, acks)').default(false).env('CLAUDE_MATTERMOST_VERBOSE'))
    .option('--prompt <prompt>', 'start a session with this prompt once connected (and print its link in the log)')
    .option('--dir <dir>', 'with --prompt: the directory to work in (default: the current one)', dirArg)
    .option('--channel <channel>', 'with --prompt: a channel instead of your DM with @claude')
    .option('--exit-when-done', 'with --prompt: exit when that session ends', false)
    .action(async (o: {
      allowedRoot: string[];
      defaultDir?: string;
      verbose: boolean | string;
      url?: string;
      permissionMode?: PermissionMode;
      model?: string;
      prompt?: string;
      dir?: string;
      channel?: string;
      exitWhenDone: boolean;
    }) => {
      if (!o.prompt && (o.dir || o.channel || o.exitWhenDone)) throw new UserError('--dir, --channel and --exit-when-done go with --prompt');
      await actions.start({
        allowedRoots: o.allowedRoot,
        defaultDir: o.defaultDir,
        verbose: o.verbose === true || o.verbose === '1' || o.verbose === 'true',
        ...(o.url ? {url: o.url} : {}),
        ...(o.permissionMode ? {permissionMode: o.permissionMode} : {}),
        ...(o.model !== undefined ? {model: o.model} : {}),
        ...(o.prompt ? {prompt: {text: o.prompt, dir: o.dir, channel: o.channel, exitWhenDone: Boolean(o.exitWhenDone)}} : {}),
      });
    });

  program
    .command('status')
    .description('paired server, machine, whether the token works, whether the agent runs, live sessions')
    .action(async () => actions.status());

  program
    .command('sessions')
    .description('sessions this machine knows: status, directory, branch, thread link')
    .option('-a, --all', 'include sessions that ended', false)
    .action(async (o: {all: boolean}) => actions.sessions({all: Boolean(o.all)}));

  program
    .command('logs')
    .description("show the agent's log (agent.log in the config dir)")
    .option('-f, --follow', 'keep printing new lines as they are written', false)
    .addOption(new Option('-n, --lines <n>', 'how many of the last lines to show').argParser(countArg).default(50))
    .action(async (o: {follow: boolean; lines: number}) => actions.logs({follow: Boolean(o.follow), lines: o.lines}));

  program
    .command('doctor')
    .description('check Claude Code, its login, the plugin, the token and API versions; exit 1 if something is wrong')
    .action(async () => actions.doctor());

  return program;
}
