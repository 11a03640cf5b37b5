// Every registered card against props it was not written for: wrong types, missing
// fields, 1 MB strings, and the shapes an older plugin version (or a person with the
// API) wrote. A card either shows itself or its post's message; never a blank, never
// an error that reaches the page.
import {act} from '@testing-library/react';
import React from 'react';

import {resetBoundaryLog, withCardBoundary} from '../components/Boundary';
import {PostTypes, PropKeys} from '../constants';
import type {PostType} from '../constants';
import {ALICE_ID, makePost, renderWithStore} from '../test/fixtures';

import {cards} from '.';

// No message to fall back on: whatever a card cannot show from its props must still
// not leave it blank (components/Boundary.test.tsx covers showing the message).
const MESSAGE = '';
const MB = 'x'.repeat(1 << 20);
const DIFF = '--- a/a.ts\n+++ b/a.ts\n@@ -1,2 +1,2 @@\n keep\n-old\n+new\n';

/** One post's props each card reads, as the current server writes them. */
const good: Record<PostType, Record<string, unknown>> = {
    [PostTypes.Session]: {[PropKeys.Session]: {
        id: 's1', status: 'working', machine_name: 'laptop', cwd: '/repo', branch: 'main', owner_id: ALICE_ID, owner_username: 'alice',
        participants: ['alice'], model: 'claude-sonnet-4-5', permission_mode: 'default', cost_usd: 0.42, input_tokens: 1000, output_tokens: 200,
        context_tokens: 5000, context_window: 200000, last_activity: 1735814520000, ended_reason: '', error: '', claude_session_id: 'c1',
    }},
    [PostTypes.Approval]: {[PropKeys.Approval]: {
        session_id: 's1', request_id: 'r1', tool_name: 'Edit', input: {file_path: '/repo/a.ts', old_string: 'a', new_string: 'b', command: 'ls'},
        cwd: '/repo', description: 'Edit a file', status: 'pending', decided_by: '', decided_at: 0, reason: '', expired_after: '',
        preview: {kind: 'diff', file_path: '/repo/a.ts', diff: DIFF, language: 'ts', added: 1, removed: 1},
    }, [PropKeys.Attachments]: [{actions: [{id: 'approve', name: 'Approve'}, {id: 'approveall', name: 'Approve all'}]}]},
    [PostTypes.Text]: {[PropKeys.Text]: {session_id: 's1', message_id: 'm1', done: true}},
    [PostTypes.Guest]: {[PropKeys.Guest]: {
        session_id: 's1', request_id: 'g1', user: {id: 'carol', username: 'carol'}, text: 'also check the retry', status: 'pending', decided_by: '', decided_at: 0,
    }},
    [PostTypes.ContextOffer]: {[PropKeys.ContextOffer]: {offer_id: 'o1', user_id: ALICE_ID, username: 'alice', count: 3, status: 'pending'},
        [PropKeys.Attachments]: [{actions: [{id: 'include', name: 'Include thread'}, {id: 'without', name: 'Start without'}]}]},
    [PostTypes.Diff]: {[PropKeys.Diff]: {session_id: 's1', tool_use_id: 't1', file_path: 'a.ts', diff: DIFF, language: 'ts', added: 1, removed: 1}},
    [PostTypes.Todo]: {[PropKeys.Todo]: {session_id: 's1', todos: [{content: 'Find it', status: 'in_progress', activeForm: 'Finding it'}, {content: 'Fix it', status: 'pending', activeForm: 'Fixing it'}]}},
    [PostTypes.Plan]: {[PropKeys.Approval]: {
        session_id: 's1', request_id: 'p1', tool_name: 'ExitPlanMode', input: {plan: '1. Find\n2. Fix'}, cwd: '/repo', description: '', status: 'pending',
    }},
    [PostTypes.Question]: {[PropKeys.Question]: {
        session_id: 's1', request_id: 'q1', status: 'pending', answers: {}, answered_by: '', answered_at: 0,
        questions: [{question: 'Which runner?', header: 'Runner', multiSelect: false, options: [{label: 'Jest', description: ''}, {label: 'Vitest', description: ''}]}],
    }},
    [PostTypes.ToolOutput]: {[PropKeys.ToolOutput]: {
        session_id: 's1', tool_use_id: 't1', tool_name: 'Bash', summary: 'npm test', is_error: false, lines: 2, truncated: false, preview: 'ok\nok',
    }},
};

/** The card's own prop (the one that is not the attachments). */
function keyOf(type: PostType): string {
    return Object.keys(good[type]).find((k) => k !== PropKeys.Attachments) as string;
}

/** Every leaf of a value replaced by `leaf(value)`; arrays and records keep their shape. */
function mapLeaves(value: unknown, leaf: (v: unknown) => unknown): unknown {
    if (Array.isArray(value)) {
        return value.map((v) => mapLeaves(v, leaf));
    }
    if (typeof value === 'object' && value !== null) {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapLeaves(v, leaf)]));
    }
    return leaf(value);
}

/** Every field of the card's record (and of the records in it) replaced by `to`, shape and all. */
function everyField(record: Record<string, unknown>, to: unknown): Record<string, unknown> {
    return Object.fromEntries(Object.keys(record).map((k) => [k, to]));
}

type Variant = [string, (type: PostType) => Record<string, unknown> | null];

const variants: Variant[] = [
    ['no props at all', () => null],
    ['empty props', () => ({})],
    ...[['a string', 'pending'], ['a number', 42], ['a list', [1, 2]], ['null', null], ['true', true]].map(([name, value]): Variant => [
        `the card's prop is ${String(name)}`, (type) => ({[keyOf(type)]: value}),
    ]),
    ['every field missing', (type) => ({[keyOf(type)]: {}})],
    ...[['null', null], ['a number', 7], ['a string', 'x'], ['a list', ['x', 1]], ['a record', {a: 1}], ['NaN', NaN], ['negative', -1e308]].map(([name, value]): Variant => [
        `every field is ${String(name)}`, (type) => ({[keyOf(type)]: everyField(good[type][keyOf(type)] as Record<string, unknown>, value)}),
    ]),
    ['every leaf has the wrong type', (type) => mapLeaves(good[type], (v) => (typeof v === 'string' ? 7 : typeof v === 'number' ? 'seven' : 'yes')) as Record<string, unknown>],
    ['every string is 1 MB', (type) => mapLeaves(good[type], (v) => (typeof v === 'string' ? MB : v)) as Record<string, unknown>],
    ['a list of a million-character lines', (type) => mapLeaves(good[type], (v) => (typeof v === 'string' ? `${MB}\n${MB}` : v)) as Record<string, unknown>],
    ['attachments of the wrong shape', (type) => ({...good[type], [PropKeys.Attachments]: {actions: 'approve'}})],
    ['attachments whose actions are not records', (type) => ({...good[type], [PropKeys.Attachments]: [{actions: [null, 7, 'approve', {id: 7}]}]})],
    // What an older plugin version wrote: numbers as strings, statuses it no longer
    // uses, timestamps in seconds or as dates, the fields added since left out.
    ['an older version\'s shapes', (type) => ({[keyOf(type)]: mapLeaves(good[type][keyOf(type)], (v) => {
        if (typeof v === 'number') {
            return v === 0 ? '2025-01-02T10:42:00Z' : String(v);
        }
        if (v === 'pending' || v === 'working' || v === 'in_progress') {
            return 'waiting_for_input';
        }
        return v;
    })})],
];

describe('cards with hostile props', () => {
    let consoleError: jest.SpyInstance;

    /** What was logged, each argument cut short (a 1 MB value would flood the report). */
    const logged = () => consoleError.mock.calls.map((args: unknown[]) => args.map((a) => String(a).slice(0, 200)).join(' '));

    beforeEach(() => {
        resetBoundaryLog();
        consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    });

    const cases = Object.keys(cards).flatMap((type) => variants.map(([name, make]) => [type, name, make] as const));

    it.each(cases)('%s: %s renders something, never a blank', (type, _, make) => {
        const Card = withCardBoundary(type, cards[type as PostType]);
        const post = makePost({type, message: MESSAGE, props: make(type as PostType) as Record<string, unknown>});

        let container: HTMLElement | undefined;
        act(() => {
            container = renderWithStore(<Card post={post}/>).container;
        });

        expect(container?.textContent?.trim()).not.toBe('');
        // The props are read defensively (props.ts): none of these should need the
        // boundary, nor make React warn (a repeated key, say).
        expect(logged()).toEqual([]);
    });
});
