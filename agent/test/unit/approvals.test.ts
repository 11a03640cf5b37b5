import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {denyMessage, matchesPending, recoveryPrompt} from '../../src/claude/approvals.js';

const bob = {id: 'u2', username: 'bob'};

describe('approvals', () => {
  it('deny message names who denied', () => assert.equal(denyMessage({by: bob, reason: ''}), 'Denied by @bob'));
  it('deny message carries the reason', () => assert.equal(denyMessage({by: bob, reason: ' not on main '}), 'Denied by @bob: not on main'));
  it('a deny without a decider (stop, timeout, refusal) says why', () => assert.equal(denyMessage({reason: 'session stopped'}), 'Denied: session stopped'));

  it('a re-asked call with the same input matches, whatever its description', () => {
    assert.equal(matchesPending({tool_name: 'Bash', input: {command: 'ls', description: 'a'}}, 'Bash', {description: 'b', command: 'ls'}), true);
  });
  it('a different command does not match', () => {
    assert.equal(matchesPending({tool_name: 'Bash', input: {command: 'ls'}}, 'Bash', {command: 'rm -rf /'}), false);
  });
  it('a different tool does not match', () => {
    assert.equal(matchesPending({tool_name: 'Bash', input: {file_path: '/x'}}, 'Write', {file_path: '/x'}), false);
  });
  it('nested input is compared by value, not key order', () => {
    assert.equal(matchesPending({tool_name: 'Edit', input: {a: {x: 1, y: [1, 2]}}}, 'Edit', {a: {y: [1, 2], x: 1}}), true);
  });

  it('recovery after approval asks for the same call again', () => {
    const p = recoveryPrompt({tool_name: 'Bash', input: {}, decision: {decision: 'approve', by: bob, reason: ''}});
    assert.match(p, /@bob has now approved it/);
    assert.match(p, /make the same Bash call again/);
  });
  it('recovery after an approval that reached Claude Code says the call may have run, to check before running it again', () => {
    const p = recoveryPrompt({tool_name: 'Bash', input: {}, decision: {decision: 'approve', by: bob, reason: '', delivered: true}});
    assert.match(p, /@bob approved your Bash call and it started/);
    assert.match(p, /may have run in part or in full/);
    assert.match(p, /Check whether its effect is already there/);
    assert.match(p, /make the same Bash call with the same input/);
  });
  it('recovery after denial says not to run it, with the reason', () => {
    const p = recoveryPrompt({tool_name: 'Bash', input: {}, decision: {decision: 'deny', by: bob, reason: 'too risky'}});
    assert.match(p, /@bob denied it\. Reason: too risky/);
    assert.doesNotMatch(p, /call again/);
  });
});
