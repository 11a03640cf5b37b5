import fs from 'node:fs/promises';
import os from 'node:os';
import {ConfigError, loadConfig, saveConfig, type Config} from '../config/config.js';
import {paths as pathsFor} from '../config/paths.js';
import {PluginClient, RejectedError, TransientError} from '../plugin/client.js';
import {API_VERSION} from '../plugin/protocol.js';
import {AGENT_VERSION} from '../version.js';
import type {LoginArgs} from './program.js';

export class UserError extends Error {}

export interface LoginOptions {
  dir: string;
  out: (line: string) => void;
  fetch?: typeof fetch;
  /** Asks for the pairing code when none was given (a terminal prompt by default). */
  askCode?: () => Promise<string>;
}

export async function login(args: LoginArgs, opts: LoginOptions): Promise<Config> {
  const url = normaliseUrl(args.url);
  const p = pathsFor(opts.dir);
  const code = (args.code ?? (await (opts.askCode ?? askCode)())).trim();
  if (!code) throw new UserError('a pairing code is required: get one with `/claude connect` in Mattermost');
  const name = args.name?.trim() || os.hostname();

  const client = new PluginClient({url, agentVersion: AGENT_VERSION, fetch: opts.fetch});
  let paired;
  try {
    paired = await client.pair(code, name);
  } catch (err) {
    if (err instanceof RejectedError && err.status === 401) {
      throw new UserError(`the pairing code was not accepted (${err.message}). Get a new one with \`/claude connect\` in Mattermost.`);
    }
    if (err instanceof RejectedError && err.status === 404) {
      throw new UserError(`${url} does not answer like a Mattermost site with the claude-mattermost plugin enabled (HTTP 404).`);
    }
    if (err instanceof TransientError) throw new UserError(`could not reach ${url}: ${err.message}`);
    throw new UserError(`pairing failed: ${(err as Error).message}`);
  }
  if (paired.api_version !== API_VERSION) {
    opts.out(`warning: the plugin speaks API v${paired.api_version}, this agent v${API_VERSION}; \`start\` will refuse if they are incompatible`);
  }

  let previous: Config | undefined;
  try {
    previous = (await loadConfig(p)).config;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
  }
  const defaultDir = args.defaultDir ?? previous?.default_dir ?? os.homedir();
  const allowedRoots = args.allowedRoots.length > 0 ? args.allowedRoots : (previous?.allowed_roots ?? [defaultDir]);
  const config: Config = {url, machine: paired.machine, user: paired.user, allowed_roots: allowedRoots, default_dir: defaultDir};
  const mode = args.permissionMode ?? previous?.default_permission_mode;
  const model = args.model ?? previous?.default_model;
  if (mode) config.default_permission_mode = mode;
  if (model) config.default_model = model;
  await saveConfig(p, config, paired.token);
  if (previous && previous.machine.id !== paired.machine.id) {
    // A new machine identity: the old inbox cursor means nothing to the plugin any more.
    await fs.rm(p.state, {force: true});
  }
  opts.out(`Paired as @${paired.user.username}: machine "${paired.machine.name}" (${paired.machine.id}).`);
  opts.out(`Config saved in ${p.dir} (sessions may run in: ${allowedRoots.join(', ')}).`);
  opts.out('Now run: claude-mattermost start');
  return config;
}

async function askCode(): Promise<string> {
  if (!process.stdin.isTTY) throw new UserError('no --code given and no terminal to ask for it on');
  const {input} = await import('@inquirer/prompts');
  return input({message: 'Pairing code (from `/claude connect` in Mattermost):', required: true});
}

export function normaliseUrl(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    throw new UserError(`--url must be the site URL, like https://chat.example.com (got "${raw}")`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UserError(`--url must start with http:// or https:// (got "${raw}")`);
  return (u.origin + u.pathname).replace(/\/+$/, '');
}
