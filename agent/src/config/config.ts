import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import {z} from 'zod';
import {readFileIfExists, writeFileAtomic} from '../util/files.js';
import type {Paths} from './paths.js';

export const configSchema = z.object({
  url: z.url({protocol: /^https?$/, error: 'url must be an http(s) URL of the Mattermost site'}),
  machine: z.object({
    id: z.string().min(1),
    name: z.string().min(1),
  }),
  user: z.object({id: z.string(), username: z.string()}).optional(),
  allowed_roots: z.array(z.string().refine((p) => path.isAbsolute(expandHome(p)), 'allowed_roots entries must be absolute paths')).min(1, 'allowed_roots must list at least one directory'),
  default_dir: z.string().refine((p) => path.isAbsolute(expandHome(p)), 'default_dir must be an absolute path'),
  /** Used when a start event names none (an older plugin). */
  default_permission_mode: z.enum(['default', 'acceptEdits', 'plan', 'bypassPermissions']).optional(),
  /** Claude model for new sessions when Mattermost names none; empty: Claude Code's own default. */
  default_model: z.string().optional(),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {}

/** `~` and `~/x` mean the home directory, as in a shell. */
export function expandHome(p: string, home = os.homedir()): string {
  if (p === '~') return home;
  if (p.startsWith('~/')) return path.join(home, p.slice(2));
  return p;
}

export function parseConfig(text: string, source = 'config.yaml'): Config {
  let raw: unknown;
  try {
    raw = YAML.parse(text);
  } catch (err) {
    throw new ConfigError(`${source} is not valid YAML: ${(err as Error).message}`);
  }
  const parsed = configSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ');
    throw new ConfigError(`${source} is invalid: ${problems}`);
  }
  return parsed.data;
}

export async function loadConfig(p: Paths): Promise<{config: Config; token: string}> {
  const text = await readFileIfExists(p.config);
  if (text === undefined) {
    throw new ConfigError(`not paired yet: ${p.config} does not exist. Run \`claude-mattermost login --url <site>\` first.`);
  }
  const config = parseConfig(text, p.config);
  const token = (await readFileIfExists(p.token))?.trim();
  if (!token) {
    throw new ConfigError(`no agent token in ${p.token}. Run \`claude-mattermost login --url ${config.url}\` again.`);
  }
  const st = await fs.stat(p.token);
  if ((st.mode & 0o077) !== 0) {
    // Someone loosened it; put it back rather than refusing to run.
    await fs.chmod(p.token, 0o600);
  }
  return {config, token};
}

export async function saveConfig(p: Paths, config: Config, token?: string): Promise<void> {
  await fs.mkdir(p.dir, {recursive: true, mode: 0o700});
  const header = '# claude-mattermost agent configuration. The token lives in ./token (mode 0600).\n';
  await writeFileAtomic(p.config, header + YAML.stringify(configSchema.parse(config)), 0o600);
  if (token !== undefined) await writeFileAtomic(p.token, token + '\n', 0o600);
}
