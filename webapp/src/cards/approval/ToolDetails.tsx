import React, {useMemo} from 'react';

import CodeView from '../../code/CodeView';
import {highlightLines} from '../../code/highlight';
import Markdown from '../../components/Markdown';
import {plural} from '../../components/format';
import {breakable, relativePath} from '../../components/paths';
import DiffView from '../../diff/DiffView';

import type {ToolField, ToolView} from './tool';

/** Only web addresses become links: a `javascript:` URL in a tool's input must stay text. */
function isWebURL(value: string): boolean {
    return /^https?:\/\//i.test(value);
}

function FieldValue({field, cwd}: {field: ToolField; cwd: string}) {
    switch (field.kind) {
    case 'path': {
        const shown = relativePath(field.value, cwd);
        return <code title={shown === field.value ? undefined : field.value}>{breakable(shown)}</code>;
    }
    case 'code':
        return <code>{field.value}</code>;
    case 'link':
        return isWebURL(field.value) ? (
            <a
                className='cm-link'
                href={field.value}
                target='_blank'
                rel='noopener noreferrer'
            >
                {field.value}
            </a>
        ) : <code>{field.value}</code>;
    default:
        return <span>{field.value}</span>;
    }
}

/** The tool's input as labelled values, the working directory last. */
export function ToolFields({fields, cwd}: {fields: readonly ToolField[]; cwd: string}) {
    if (fields.length === 0 && cwd === '') {
        return null;
    }
    return (
        <dl className='cm-fields'>
            {fields.map((field) => (
                <div
                    key={field.label}
                    className='cm-fields__row'
                >
                    <dt className='cm-label'>{field.label}</dt>
                    <dd>
                        <FieldValue
                            field={field}
                            cwd={cwd}
                        />
                    </dd>
                </div>
            ))}
            {cwd && (
                <div className='cm-fields__row'>
                    <dt className='cm-label'>{'Working directory'}</dt>
                    <dd><code>{breakable(cwd)}</code></dd>
                </div>
            )}
        </dl>
    );
}

/** The whole command, wrapped (never cut), highlighted as shell. */
function Command({command}: {command: string}) {
    const html = useMemo(() => highlightLines(command, 'bash').join('\n'), [command]);
    return (
        <pre
            className='cm-code cm-code--command'
            aria-label='Command'
            tabIndex={0} // it scrolls when very long: reachable with the keyboard
        >
            <code dangerouslySetInnerHTML={{__html: html}}/>
        </pre>
    );
}

/** What the tool will do: a command, a diff, a new file's content, a prompt, a plan or its input. */
export function ToolBodyView({view, cwd}: {view: ToolView; cwd: string}) {
    const {body} = view;
    switch (body.kind) {
    case 'command':
        return <Command command={body.command}/>;
    case 'diff': {
        const {preview} = body;
        const path = relativePath(preview.file_path, cwd);
        return (
            <DiffView
                diff={preview.diff}
                language={preview.language}
                label={`Changes to ${path}`}
                path={path}
                fullPath={preview.file_path}
                added={preview.added}
                removed={preview.removed}
                truncated={preview.truncated}
            />
        );
    }
    case 'new_file': {
        const {preview} = body;
        const path = relativePath(preview.file_path, cwd);
        const lines = preview.lines || (preview.content === '' ? 0 : preview.content.replace(/\n$/, '').split('\n').length);
        return (
            <CodeView
                code={preview.content}
                language={preview.language}
                label={`Content of ${path}`}
                path={path}
                fullPath={preview.file_path}
                meta={`new file · ${plural(lines, 'line')}`}
                truncated={preview.truncated}
            />
        );
    }
    case 'prompt':
        return (
            <div className='cm-block'>
                <span className='cm-label'>{body.label}</span>
                <div
                    className='cm-code cm-code--prose'
                    role='region'
                    aria-label={body.label}
                    tabIndex={0}
                >
                    {body.text}
                </div>
            </div>
        );
    case 'plan':
        return (
            <div className='cm-plan__body'>
                <Markdown text={body.plan}/>
            </div>
        );
    case 'json':
        return (
            <CodeView
                code={body.json}
                language='json'
                label='Tool input'
                numbers={false}
            />
        );
    default:
        return null;
    }
}
