// The agent as users get it: `npm pack` of agent/ (its prepack builds dist/),
// installed with `npm install -g` into a temporary prefix under a clean HOME,
// then run from that copy only: --version, --help, doctor, a pairing with a
// code from /claude connect against the real server, and a first answer.
// The prepack rebuilds agent/dist, which the other files run: like `make e2e`,
// run the files one at a time (--test-concurrency=1).
import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {delimiter, dirname, join, relative} from 'node:path';
import {after, before, describe, it} from 'node:test';
import {promisify} from 'node:util';
import {claudeEnv, pairingCode} from '../src/agent.ts';
import {startFakeModel, type FakeModel} from '../src/fakemodel.ts';
import {repoRoot, runDir} from '../src/paths.ts';
import {startProcess, stopAll, type Proc} from '../src/proc.ts';
import {startStack, type Stack} from '../src/stack.ts';
import {waitForSession, waitForText} from '../src/threads.ts';

const run = promisify(execFile);
const agentDir = join(repoRoot, 'agent');
const agentPackage = JSON.parse(readFileSync(join(agentDir, 'package.json'), 'utf8')) as {name: string; version: string};
const sdkPackage = JSON.parse(readFileSync(join(repoRoot, 'node_modules', '@anthropic-ai', 'claude-agent-sdk', 'package.json'), 'utf8')) as {peerDependencies: Record<string, string>};

/** What a packed tarball may weigh: the built JavaScript, its maps, README and LICENSE. */
const MAX_TARBALL_BYTES = 512 * 1024;

/** The caller's environment without what npm sets for its scripts (npm_config_*, npm_package_*, …). */
function withoutNpmVars(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
    return Object.fromEntries(Object.entries(env).filter(([k]) => !/^npm_/i.test(k)));
}

function filesUnder(dir: string): string[] {
    return readdirSync(dir, {recursive: true, withFileTypes: true})
        .filter((e) => e.isFile())
        .map((e) => join(e.parentPath, e.name));
}

describe('the agent installed from its npm tarball', () => {
    let dir: string;
    let tarball: string;
    let unpacked: string;
    let prefix: string;
    let home: string;
    let work: string;
    let bin: string;
    let env: NodeJS.ProcessEnv;
    let stack: Stack | undefined;
    let model: FakeModel | undefined;
    let agent: Proc | undefined;
    let installLog = '';

    /** Runs the installed `claude-mattermost` as a user would, from a directory outside the checkout. */
    async function cli(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<{code: number; out: string}> {
        try {
            const {stdout, stderr} = await run(bin, args, {env: {...env, ...extraEnv}, cwd: home, timeout: 120_000});
            return {code: 0, out: stdout + stderr};
        } catch (err) {
            const e = err as {code?: number; stdout?: string; stderr?: string};
            if (typeof e.code !== 'number') {
                throw err;
            }
            return {code: e.code, out: (e.stdout ?? '') + (e.stderr ?? '')};
        }
    }

    async function install() {
        // A new user on this machine: a clean HOME (no ~/.npmrc, no
        // ~/.config), a new global prefix, a PATH without the checkout. What
        // the machine itself has to reach the registry stays: its global
        // npmrc (CA file, registry), proxy and CA variables, and the npm cache
        // the checkout's `npm ci` filled, so packages come from there or from
        // the registry, never from the checkout. `npm config` is asked from
        // outside the checkout: inside a workspace it refuses (ENOWORKSPACES).
        const npmConfig = async (key: string) => (await run('npm', ['config', 'get', key], {env: withoutNpmVars(process.env), cwd: dir})).stdout.trim();
        const network = ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy', 'NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE', 'SSL_CERT_DIR'];
        env = {
            ...Object.fromEntries(network.filter((k) => process.env[k]).map((k) => [k, process.env[k]])),
            PATH: [join(prefix, 'bin'), dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(delimiter),
            HOME: home,
            TMPDIR: tmpdir(),
            LANG: 'C.UTF-8',
            npm_config_globalconfig: await npmConfig('globalconfig'),
            npm_config_cache: await npmConfig('cache'),
            npm_config_prefer_offline: 'true',
            npm_config_audit: 'false',
            npm_config_fund: 'false',
            npm_config_update_notifier: 'false',
        };
        const {stdout, stderr} = await run('npm', ['install', '--global', '--prefix', prefix, tarball], {env, cwd: home, timeout: 600_000, maxBuffer: 64 * 1024 * 1024});
        installLog = stdout + stderr;
    }

    before(async () => {
        dir = runDir('install');
        prefix = join(dir, 'prefix');
        home = join(dir, 'home');
        work = join(home, 'src');
        unpacked = join(dir, 'unpacked');
        for (const d of [prefix, work, unpacked]) {
            mkdirSync(d, {recursive: true});
        }
        bin = join(prefix, 'bin', 'claude-mattermost');

        // `npm pack` runs the package's prepack, which rebuilds dist/ from scratch.
        await run('npm', ['pack', '--pack-destination', dir], {cwd: agentDir, env: withoutNpmVars(process.env), timeout: 300_000});
        tarball = join(dir, `${agentPackage.name}-${agentPackage.version}.tgz`);
        await run('tar', ['-xzf', tarball, '-C', unpacked]);

        // The install (hundreds of MB: Claude Code's platform package) and the
        // server start are independent; do them at once.
        const [, s, m] = await Promise.all([install(), startStack(dir), startFakeModel()]);
        stack = s;
        model = m;
    });

    after(async () => {
        await agent?.stop();
        await model?.close();
        await stack?.stop();
        await stopAll();
        // The installed copy is large; the logs stay.
        rmSync(prefix, {recursive: true, force: true});
        console.log(`logs: ${dir}`);
    });

    it('the tarball holds the built agent, its README and LICENSE, and nothing else', () => {
        const pkg = join(unpacked, 'package');
        const files = filesUnder(pkg).map((f) => relative(pkg, f)).sort();
        const unexpected = files.filter((f) => !['package.json', 'README.md', 'LICENSE', 'dist/hook.sh'].includes(f) && !/^dist\/.+\.js(\.map)?$/.test(f));
        assert.deepEqual(unexpected, [], 'only package.json, README.md, LICENSE, dist/**/*.js(.map) and the hook launcher dist/hook.sh');
        assert.ok(files.includes('dist/cli.js'));
        assert.ok(files.includes('dist/hook.sh'), 'the hook launcher is packed');
        assert.ok(!files.some((f) => /(^|\/)(test|tests|fake-model)(\/|$)|\.test\.|\.ts$/.test(f)), 'no tests, no fake model, no TypeScript sources');
        assert.match(readFileSync(join(pkg, 'dist', 'cli.js'), 'utf8'), /^#!\/usr\/bin\/env node\n/);

        // Every map a script names is shipped and carries its sources, so no
        // map points at a file the package does not have.
        for (const js of files.filter((f) => f.endsWith('.js'))) {
            const ref = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(readFileSync(join(pkg, js), 'utf8'))?.[1];
            assert.ok(ref, `${js} names its source map`);
            const mapFile = join(dirname(join(pkg, js)), ref);
            assert.ok(existsSync(mapFile), `${js}: its map ${ref} is in the package`);
            const map = JSON.parse(readFileSync(mapFile, 'utf8')) as {sources: string[]; sourcesContent?: (string | null)[]};
            assert.equal(map.sourcesContent?.filter((c) => typeof c === 'string').length, map.sources.length, `${ref} carries the sources it names`);
        }
        for (const f of files) {
            assert.ok(!readFileSync(join(pkg, f), 'utf8').includes(repoRoot), `${f} names no path of the checkout`);
        }

        const size = statSync(tarball).size;
        console.log(`packed ${files.length} files, ${size} bytes`);
        assert.ok(size <= MAX_TARBALL_BYTES, `the tarball is ${size} bytes, more than ${MAX_TARBALL_BYTES}`);
    });

    it('the packed package.json is publishable and pins what the Claude Agent SDK requires', () => {
        const pkg = JSON.parse(readFileSync(join(unpacked, 'package', 'package.json'), 'utf8')) as Record<string, unknown> & {dependencies: Record<string, string>; bin: Record<string, string>; engines: {node: string}};
        assert.equal(pkg.private, undefined, 'not private');
        assert.deepEqual(pkg.bin, {'claude-mattermost': 'dist/cli.js'});
        assert.equal(pkg.license, 'MIT');
        assert.match(pkg.engines.node, /^>=\d+/);
        assert.ok(pkg.repository, 'names its repository');
        assert.match(pkg.dependencies['@anthropic-ai/claude-agent-sdk'] ?? '', /^\d+\.\d+\.\d+$/, 'the SDK (and with it the Claude Code version) is pinned exactly');
        for (const peer of Object.keys(sdkPackage.peerDependencies)) {
            assert.ok(pkg.dependencies[peer], `the SDK's peer ${peer} is a dependency`);
        }
        for (const [name, spec] of Object.entries(pkg.dependencies)) {
            assert.doesNotMatch(spec, /^(file|link|workspace|git|https?):/, `${name}: ${spec} is a registry version`);
        }
    });

    it('installs into a clean global prefix with every peer dependency satisfied', async () => {
        const cliFile = realpathSync(bin);
        assert.equal(cliFile, join(realpathSync(prefix), 'lib', 'node_modules', agentPackage.name, 'dist', 'cli.js'), 'the command is the installed copy, not a link into the checkout');
        // npm ls exits non-zero on a missing or invalid (peer) dependency.
        const ls = await run('npm', ['ls', '--global', '--prefix', prefix, '--all'], {env, cwd: home, maxBuffer: 16 * 1024 * 1024}).catch((err: {stdout?: string; stderr?: string}) => {
            throw new Error(`npm ls found problems in the installed tree:\n${err.stdout}\n${err.stderr}\ninstall log:\n${installLog}`);
        });
        assert.match(ls.stdout, /@anthropic-ai\/claude-agent-sdk@/);
    });

    it('--version and --help answer from the installed copy', async () => {
        const version = await cli(['--version']);
        assert.equal(version.code, 0, version.out);
        assert.equal(version.out.trim(), agentPackage.version);
        const help = await cli(['--help']);
        assert.equal(help.code, 0, help.out);
        assert.match(help.out, /Usage: claude-mattermost/);
        for (const command of ['setup', 'login', 'start', 'status', 'doctor']) {
            assert.match(help.out, new RegExp(`\\n\\s+${command}\\b`), `--help lists ${command}`);
        }
    });

    it('doctor finds the Claude Code binary inside the installed copy and says what is missing', async () => {
        const doctor = await cli(['doctor']);
        assert.equal(doctor.code, 1, doctor.out);
        const claude = /✓ Claude Code binary: (.+) \((.+)\)$/m.exec(doctor.out);
        assert.ok(claude, `doctor reports the Claude Code binary:\n${doctor.out}`);
        assert.ok(claude[2]?.startsWith(join(realpathSync(prefix), 'lib', 'node_modules')), `the binary is the installed platform package's: ${claude[2]}`);
        assert.match(doctor.out, /✗ Configuration: .*\n\s+fix: run `claude-mattermost setup`/);
    });

    it('pairs with a code from /claude connect, passes doctor, starts and answers in a thread', async () => {
        assert.ok(stack && model);
        const fake = claudeEnv(model.url);
        const code = await pairingCode(stack.alice, stack.channel.id);
        const login = await cli(['login', '--url', stack.url, '--code', code, '--name', 'installed-laptop', '--allowed-root', work, '--default-dir', work], fake);
        assert.equal(login.code, 0, login.out);
        assert.ok(existsSync(join(home, '.config', 'claude-mattermost', 'config.yaml')), 'the configuration is in the clean HOME');

        const doctor = await cli(['doctor'], fake);
        assert.equal(doctor.code, 0, doctor.out);
        for (const check of ['Claude Code binary', 'Claude login', 'Configuration', 'Plugin reachable', 'Token valid', 'API versions compatible', 'Allowed directories']) {
            assert.match(doctor.out, new RegExp(`✓ ${check}:`), `doctor: ${check}\n${doctor.out}`);
        }

        agent = startProcess('installed-agent', bin, ['start'], join(dir, 'agent.log'), {env: {...env, ...fake}, cwd: work});
        await stack.alice.post(stack.channel.id, '@claude hello from the installed agent');
        const root = await waitForSession(stack.alice, stack.channel.id, 'hello from the installed agent', stack.bot.id);
        await waitForText(stack.alice, root.id, /You said: hello from the installed agent/);
        assert.match(agent.log(), /connected to .* as @alice, machine "installed-laptop"/);

        await agent.stop('SIGTERM');
        assert.equal(await agent.exited, 0, agent.log());
        agent = undefined;
    });

    it("installs its terminal hooks into Claude Code's settings; the installed command ends an unfollowed session's hook", async () => {
        const install = await cli(['hooks', 'install']);
        assert.equal(install.code, 0, install.out);
        const settings = JSON.parse(readFileSync(join(home, '.claude', 'settings.json'), 'utf8')) as {hooks: Record<string, Array<{hooks: Array<{command: string}>}>>};
        const command = settings.hooks.PreToolUse?.[0]?.hooks[0]?.command ?? '';
        const installed = realpathSync(join(prefix, 'lib', 'node_modules', 'claude-mattermost', 'dist'));
        assert.ok(command.startsWith(`sh ${join(installed, 'hook.sh')} `), `the command runs the installed launcher: ${command}`);
        assert.ok(!command.includes(repoRoot), 'nothing in the command points into the checkout');

        // Run it as Claude Code does: through a shell, in the project directory, the event on stdin.
        const event = JSON.stringify({session_id: 's1', cwd: home, transcript_path: join(home, 't.jsonl'), hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: {command: 'ls'}});
        const ran = run('sh', ['-c', command], {env: {...env, CLAUDE_PROJECT_DIR: home}, cwd: home});
        ran.child.stdin?.end(event);
        const {stdout, stderr} = await ran;
        assert.equal(stdout, '', 'no decision for a session nobody follows');
        assert.equal(stderr, '');

        const uninstall = await cli(['hooks', 'uninstall']);
        assert.equal(uninstall.code, 0, uninstall.out);
        assert.ok(!readFileSync(join(home, '.claude', 'settings.json'), 'utf8').includes('claude-mattermost-hook'), 'uninstall removes our entries');
    });
});
