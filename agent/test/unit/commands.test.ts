/** Thread commands as the agent receives them: parsing rules and the first prompt with thread context. */
import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {planCommand, withThreadContext, type CommandPlan} from '../../src/claude/commands.js';
import {nativeBypassAllowed} from '../../src/claude/session.js';

describe('command event → what the runner does', () => {
  const table: Array<[string, string, string, CommandPlan | RegExp]> = [
    ['escape interrupts', 'escape', '', {do: 'escape'}],
    ['compact compacts', 'compact', '', {do: 'compact'}],
    ['cd takes the directory', 'cd', ' ../other ', {do: 'cd', dir: '../other'}],
    ['cd takes a quoted directory with spaces', 'cd', '"my dir/x"', {do: 'cd', dir: 'my dir/x'}],
    ['cd without a directory is refused with usage', 'cd', '', /^Usage: `!cd <directory>`/],
    ['permissions takes SDK mode names', 'permissions', 'acceptEdits', {do: 'permissions', mode: 'acceptEdits'}],
    ['permissions takes plan', 'permissions', 'plan', {do: 'permissions', mode: 'plan'}],
    ['permissions takes bypassPermissions', 'permissions', 'bypassPermissions', {do: 'permissions', mode: 'bypassPermissions'}],
    ['permissions takes the thread words too', 'permissions', 'approve-all', {do: 'permissions', mode: 'bypassPermissions'}],
    ['permissions takes accept-edits', 'permissions', 'Accept-Edits', {do: 'permissions', mode: 'acceptEdits'}],
    ['permissions refuses an unknown mode, listing the known ones', 'permissions', 'yolo', /^Unknown permission mode `yolo`. Use one of: `default`, `acceptEdits`, `plan`, `bypassPermissions`/],
    ['model takes a name', 'model', 'claude-sonnet-9', {do: 'model', model: 'claude-sonnet-9'}],
    ['model without a name is refused', 'model', '', /^Usage: `!model <name>`/],
    ['model with spaces is refused', 'model', 'a b', /not a model name/],
    ['worktree takes a branch', 'worktree', 'feature/x', {do: 'worktree', branch: 'feature/x'}],
    ['worktree refuses a branch starting with -', 'worktree', '-x', /starts with -/],
    ['worktree refuses ..', 'worktree', 'a..b', /not a valid branch name/],
    ['worktree refuses spaces', 'worktree', 'a b', /not a valid branch name/],
    ['worktree without a branch is refused', 'worktree', '', /a branch name is required/],
    ['an unknown command is answered, not dropped', 'teleport', 'x', /does not know the command `!teleport`/],
  ];
  for (const [rule, name, args, want] of table) {
    it(rule, () => {
      const got = planCommand(name, args);
      if (want instanceof RegExp) {
        assert.equal(got.do, 'refuse');
        assert.match((got as {notice: string}).notice, want);
      } else assert.deepEqual(got, want);
    });
  }
});

describe('first prompt with thread context', () => {
  it('puts the earlier messages first, fenced off, then the prompt', () => {
    assert.equal(
      withThreadContext('@bob: red build\n@carol: since merge', 'fix it'),
      'Earlier messages in this Mattermost thread, oldest first (context for the request below):\n<thread_context>\n@bob: red build\n@carol: since merge\n</thread_context>\n\nfix it',
    );
  });
  it('no context → the prompt alone', () => {
    assert.equal(withThreadContext('  \n', 'fix it'), 'fix it');
  });
});

describe('approve-all: Claude Code or the agent', () => {
  const table: Array<[string, Record<string, string>, number, boolean]> = [
    ['a normal user: Claude Code bypasses itself', {}, 1000, true],
    ['root: Claude Code refuses the flag, the agent approves', {}, 0, false],
    ['root in a sandbox (IS_SANDBOX=1): Claude Code bypasses itself', {IS_SANDBOX: '1'}, 0, true],
  ];
  for (const [rule, env, uid, want] of table) it(rule, () => assert.equal(nativeBypassAllowed(env, uid), want));
});
