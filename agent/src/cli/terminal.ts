/**
 * The command line for sessions started in a terminal: `hooks`, `follow`,
 * `unfollow`, `resume`, `new` and `hook`. Actions are injected so that
 * parsing can be tested on its own (as in program.ts).
 */
import {Command, Option} from 'commander';

export interface TerminalActions {
  hooksInstall(args: {project: boolean}): Promise<void>;
  hooksUninstall(args: {project: boolean}): Promise<void>;
  hooksStatus(): Promise<void>;
  follow(args: {dir?: string; channel?: string; list: boolean}): Promise<void>;
  unfollow(args: {dir?: string}): Promise<void>;
  resume(args: {target?: string}): Promise<void>;
  newSession(args: {prompt: string; dir?: string; channel?: string}): Promise<void>;
  hook(): Promise<void>;
}

export function addTerminalCommands(program: Command, actions: TerminalActions): void {
  const hooks = program
    .command('hooks')
    .description("Claude Code hooks that mirror terminal sessions to Mattermost (in Claude Code's settings)");
  hooks
    .command('install')
    .description('add the hooks to ~/.claude/settings.json (kept: your own hooks; a backup of the file)')
    .option('--project', "write this repository's .claude/settings.local.json instead", false)
    .action(async (o: {project: boolean}) => actions.hooksInstall({project: Boolean(o.project)}));
  hooks
    .command('uninstall')
    .description('remove exactly the hooks `install` added')
    .option('--project', "from this repository's .claude/settings.local.json", false)
    .action(async (o: {project: boolean}) => actions.hooksUninstall({project: Boolean(o.project)}));
  hooks
    .command('status')
    .description('where the hooks are installed, the followed directories, whether the agent runs')
    .action(async () => actions.hooksStatus());

  program
    .command('follow')
    .description('mirror Claude Code sessions started in this directory (or below) to Mattermost; it must be inside the allowed roots')
    .argument('[dir]', 'the directory (default: the current one)')
    .addOption(new Option('--channel <channel>', 'post their threads in this channel (team/channel, channel or id) instead of your DM with @claude'))
    .option('--list', 'list the followed directories', false)
    .action(async (dir: string | undefined, o: {channel?: string; list: boolean}) => actions.follow({dir, channel: o.channel, list: Boolean(o.list)}));

  program
    .command('unfollow')
    .description('stop mirroring sessions started in this directory')
    .argument('[dir]', 'the directory (default: the current one)')
    .action(async (dir: string | undefined) => actions.unfollow({dir}));

  program
    .command('resume')
    .description("take a conversation back to this terminal: ends it in Mattermost and runs `claude --resume` here")
    .argument('[target]', 'a thread link or a session id (default: the latest session of this directory)')
    .action(async (target: string | undefined) => actions.resume({target}));

  program
    .command('new')
    .description('start a session from the shell and print its thread link')
    .argument('<prompt...>', 'what Claude should do')
    .option('--dir <dir>', 'the directory to work in (default: the current one)')
    .option('--channel <channel>', 'a channel (team/channel, channel or id) instead of your DM with @claude')
    .action(async (prompt: string[], o: {dir?: string; channel?: string}) => actions.newSession({prompt: prompt.join(' '), dir: o.dir, channel: o.channel}));

  program
    .command('hook')
    .description("Claude Code's hook command (reads the event on stdin); installed as `node dist/hook.js`, which starts faster")
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async () => actions.hook());
}
