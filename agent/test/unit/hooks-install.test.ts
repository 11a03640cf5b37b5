/** `claude-mattermost hooks install | uninstall | status` and `follow` / `unfollow`. */
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, it} from 'node:test';
import {follow, hooksInstall, hooksStatus, hooksUninstall, unfollow, type TerminalCliOptions} from '../../src/cli/hooks.js';
import {UserError} from '../../src/cli/login.js';
import {saveConfig} from '../../src/config/config.js';
import {paths} from '../../src/config/paths.js';
import {readFollowed} from '../../src/terminal/follow.js';
import {HOOK_EVENTS} from '../../src/terminal/hookinput.js';
import {followFile} from '../../src/terminal/paths.js';
import {HOOK_MARKER, hookCommand, ourHooks, withOurHooks, withoutOurHooks, type Settings} from '../../src/terminal/settings.js';

const OURS = hookCommand('/usr/bin/node', '/opt/claude-mattermost/dist/hook.js');
const THEIRS = {type: 'command', command: '/home/me/bin/audit.sh'};

describe('hook entries in Claude Code settings (pure)', () => {
  it('adds one entry per event, matcher "*" for tool events, long timeouts for the events that wait', () => {
    const {settings, changed} = withOurHooks({}, OURS);
    assert.equal(changed, true);
    const hooks = settings.hooks as Record<string, any[]>;
    assert.deepEqual(Object.keys(hooks).sort(), [...HOOK_EVENTS].sort());
    assert.deepEqual(hooks.PreToolUse, [{matcher: '*', hooks: [{type: 'command', command: OURS, timeout: 30}]}]);
    assert.deepEqual(hooks.PermissionRequest![0].hooks[0].timeout, 86400);
    assert.deepEqual(hooks.Stop, [{hooks: [{type: 'command', command: OURS, timeout: 86400}]}]);
    assert.match(OURS, new RegExp(`${HOOK_MARKER}$`));
  });

  it("merges with what is there: other settings and the user's own hooks stay", () => {
    const mine: Settings = {model: 'opus', permissions: {allow: ['Bash(ls)']}, hooks: {PreToolUse: [{matcher: 'Bash', hooks: [THEIRS]}], PreCompact: [{hooks: [THEIRS]}]}};
    const {settings} = withOurHooks(mine, OURS);
    assert.equal(settings.model, 'opus');
    assert.deepEqual(settings.permissions, {allow: ['Bash(ls)']});
    const hooks = settings.hooks as Record<string, any[]>;
    assert.deepEqual(hooks.PreToolUse![0], {matcher: 'Bash', hooks: [THEIRS]});
    assert.equal(hooks.PreToolUse!.length, 2);
    assert.deepEqual(hooks.PreCompact, [{hooks: [THEIRS]}]);
  });

  it('is idempotent, and replaces an older command of ours rather than adding a second', () => {
    const once = withOurHooks({}, OURS).settings;
    const twice = withOurHooks(once, OURS);
    assert.equal(twice.changed, false);
    assert.deepEqual(twice.settings, once);
    const moved = hookCommand('/usr/local/bin/node', '/opt/claude-mattermost/dist/hook.js');
    const upgraded = withOurHooks(once, moved);
    assert.equal(upgraded.changed, true);
    const found = ourHooks(upgraded.settings);
    assert.equal(found.size, HOOK_EVENTS.length);
    for (const cmd of found.values()) assert.equal(cmd, moved);
    for (const groups of Object.values(upgraded.settings.hooks as Record<string, any[]>)) assert.equal(groups.length, 1);
  });

  it('uninstall removes exactly ours: a shared group keeps the user\'s handler, emptied events and an empty "hooks" go', () => {
    const mixed: Settings = {
      theme: 'dark',
      hooks: {
        Stop: [{hooks: [THEIRS, {type: 'command', command: OURS, timeout: 86400}]}],
        PreToolUse: [{matcher: '*', hooks: [{type: 'command', command: OURS}]}],
        PreCompact: [{hooks: [THEIRS]}],
      },
    };
    const {settings, removed} = withoutOurHooks(mixed);
    assert.equal(removed, 2);
    assert.deepEqual(settings, {theme: 'dark', hooks: {Stop: [{hooks: [THEIRS]}], PreCompact: [{hooks: [THEIRS]}]}});
    const only = withoutOurHooks(withOurHooks({theme: 'dark'}, OURS).settings);
    assert.deepEqual(only.settings, {theme: 'dark'});
    assert.equal(withoutOurHooks({theme: 'dark'}).removed, 0);
  });

  it('quotes paths with spaces for the shell', () => {
    assert.equal(
      hookCommand('/usr/bin/node', "/Users/Jo Doe/it's/hook.js", [], 'linux'),
      `sh '/Users/Jo Doe/it'\\''s/hook.sh' /usr/bin/node '/Users/Jo Doe/it'\\''s/hook.js' ${HOOK_MARKER}`,
    );
    assert.equal(hookCommand('C:\\node.exe', 'C:\\a b\\hook.js', [], 'win32'), `"C:\\node.exe" "C:\\a b\\hook.js" "${HOOK_MARKER}"`);
  });
});

describe('hooks install / uninstall / status and follow on disk', () => {
  let root: string;
  let home: string;
  let out: string[];
  let opts: TerminalCliOptions;
  let work: string;
  const hookScript = () => path.join(root, 'dist', 'hook.js');
  const settingsFile = () => path.join(home, '.claude', 'settings.json');
  const backups = () => fs.readdirSync(path.dirname(settingsFile())).filter((n) => n.startsWith('settings.json.bak-'));

  before(async () => {
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cmm-hooks-')));
    home = path.join(root, 'home');
    work = path.join(root, 'work');
    fs.mkdirSync(path.join(root, 'dist'), {recursive: true});
    fs.mkdirSync(work, {recursive: true});
    fs.writeFileSync(hookScript(), '// hook');
    fs.writeFileSync(path.join(root, 'dist', 'hook.sh'), '# launcher');
    await saveConfig(paths(path.join(root, 'config')), {url: 'http://127.0.0.1:1', machine: {id: 'm1', name: 'laptop'}, allowed_roots: [work], default_dir: work}, 'tok');
    out = [];
    opts = {dir: path.join(root, 'config'), env: {HOME: home}, cwd: work, out: (l) => out.push(l), hook: {node: process.execPath, nodeArgs: [], script: hookScript()}, now: new Date('2026-01-02T03:04:05Z')};
  });
  after(() => fs.rmSync(root, {recursive: true, force: true}));

  it('install into a new settings file: no backup needed; the file has our entries', async () => {
    await hooksInstall({project: false}, opts);
    assert.equal(ourHooks(JSON.parse(fs.readFileSync(settingsFile(), 'utf8'))).size, HOOK_EVENTS.length);
    assert.deepEqual(backups(), []);
    assert.match(out.join('\n'), /Installed the claude-mattermost hooks/);
    assert.equal(fs.statSync(settingsFile()).mode & 0o777, 0o600);
  });

  it('install again changes nothing (no write, no backup)', async () => {
    const before = fs.readFileSync(settingsFile(), 'utf8');
    out = [];
    await hooksInstall({project: false}, opts);
    assert.equal(fs.readFileSync(settingsFile(), 'utf8'), before);
    assert.deepEqual(backups(), []);
    assert.match(out.join('\n'), /already installed/);
  });

  it('uninstall keeps a backup of the file as it was and leaves the user\'s own settings', async () => {
    const withTheirs = JSON.parse(fs.readFileSync(settingsFile(), 'utf8'));
    withTheirs.model = 'opus';
    withTheirs.hooks.Stop[0].hooks.unshift(THEIRS);
    fs.writeFileSync(settingsFile(), JSON.stringify(withTheirs));
    const before = fs.readFileSync(settingsFile(), 'utf8');
    await hooksUninstall({project: false}, opts);
    const after = JSON.parse(fs.readFileSync(settingsFile(), 'utf8'));
    assert.deepEqual(after, {model: 'opus', hooks: {Stop: [{hooks: [THEIRS]}]}});
    assert.deepEqual(backups(), ['settings.json.bak-20260102T030405Z']);
    assert.equal(fs.readFileSync(path.join(path.dirname(settingsFile()), backups()[0]!), 'utf8'), before);
    out = [];
    await hooksUninstall({project: false}, opts);
    assert.match(out.join('\n'), /nothing to remove/);
    assert.equal(backups().length, 1);
  });

  it('a settings file that is not JSON is refused and left as it is', async () => {
    const file = path.join(root, 'broken-home', '.claude', 'settings.json');
    fs.mkdirSync(path.dirname(file), {recursive: true});
    fs.writeFileSync(file, '{"model": "opus",,}');
    await assert.rejects(hooksInstall({project: false}, {...opts, env: {HOME: path.join(root, 'broken-home')}}), (err: Error) => err instanceof UserError && /not valid JSON/.test(err.message));
    assert.equal(fs.readFileSync(file, 'utf8'), '{"model": "opus",,}');
  });

  it('--project writes .claude/settings.local.json at the top of the repository', async () => {
    const repo = path.join(root, 'repo');
    fs.mkdirSync(path.join(repo, 'sub'), {recursive: true});
    execFileSync('git', ['init', '-q', repo]);
    await hooksInstall({project: true}, {...opts, cwd: path.join(repo, 'sub')});
    const file = path.join(repo, '.claude', 'settings.local.json');
    assert.equal(ourHooks(JSON.parse(fs.readFileSync(file, 'utf8'))).size, HOOK_EVENTS.length);
    await hooksUninstall({project: true}, {...opts, cwd: path.join(repo, 'sub')});
    assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), {});
  });

  it('status says where they are installed and when the hook script is gone', async () => {
    await hooksInstall({project: false}, opts);
    fs.renameSync(hookScript(), hookScript() + '.moved');
    out = [];
    await hooksStatus(opts);
    fs.renameSync(hookScript() + '.moved', hookScript());
    const text = out.join('\n');
    assert.match(text, new RegExp(`${settingsFile()}: installed for SessionStart`));
    assert.match(text, /✗ .*hook\.js no longer exists/);
    assert.match(text, /Agent: not running/);
  });

  it('follow: a directory inside the allowed roots (resolved), with an optional channel; outside is refused', async () => {
    fs.mkdirSync(path.join(work, 'app'), {recursive: true});
    fs.symlinkSync(path.join(work, 'app'), path.join(root, 'app-link'));
    out = [];
    await follow({dir: path.join(root, 'app-link'), channel: 'team/town-square', list: false}, opts);
    assert.deepEqual(readFollowed(followFile(opts.dir)), [{dir: path.join(work, 'app'), channel: 'team/town-square'}]);
    await assert.rejects(follow({dir: root, list: false}, opts), (err: Error) => err instanceof UserError && /outside the directories this machine allows/.test(err.message));
    out = [];
    await follow({list: true}, opts);
    assert.deepEqual(out, [`${path.join(work, 'app')}  → team/town-square`]);
    out = [];
    await unfollow({dir: path.join(work, 'app')}, opts);
    assert.deepEqual(readFollowed(followFile(opts.dir)), []);
    assert.match(out.join('\n'), /No longer following/);
  });
});
