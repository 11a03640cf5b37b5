#!/usr/bin/env node
/**
 * `dist/hook.js`: the command Claude Code's hooks run (see terminal/hookrun.ts).
 * Kept apart from cli.ts so that an unfollowed session costs only Node's own
 * start-up: nothing but Node built-ins is loaded until the session is known
 * to be followed.
 */
import {readStdin, runHook} from './terminal/hookrun.js';

runHook({
  readStdin,
  env: process.env,
  out: (s) => process.stdout.write(s),
  warn: (line) => process.stderr.write(line + '\n'),
}).then(
  () => process.stdout.write('', () => process.exit(0)),
  (err: unknown) => {
    process.stderr.write(`claude-mattermost hook: unexpected error (${err instanceof Error ? err.message : String(err)}); the terminal carries on\n`);
    process.exit(0);
  },
);
