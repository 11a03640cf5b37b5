// What an approval card shows for each tool Claude asks to use (docs/protocol.md,
// "Approval cards per tool"). Pure: the card's components draw what this returns.
import {PLAN_TOOL} from '../../constants';
import type {ApprovalInfo, DiffPreview, NewFilePreview} from '../../types';

/** A labelled value of the tool's input; `kind` says how to draw it. */
export interface ToolField {
    label: string;
    value: string;
    kind: 'path' | 'text' | 'code' | 'link';
}

export type ToolBody =
    | {kind: 'command'; command: string}
    | {kind: 'diff'; preview: DiffPreview}
    | {kind: 'new_file'; preview: NewFilePreview}
    | {kind: 'fields'}
    | {kind: 'prompt'; label: string; text: string}
    | {kind: 'plan'; plan: string}
    | {kind: 'json'; json: string};

export interface ToolView {
    title: string;

    /** The short tag beside the title: the tool's name, or the MCP tool's. */
    tag: string;
    description: string;
    fields: ToolField[];
    body: ToolBody;
}

function text(value: unknown): string {
    return typeof value === 'string' ? value : '';
}

function field(label: string, value: unknown, kind: ToolField['kind'] = 'text'): ToolField[] {
    const v = typeof value === 'number' ? String(value) : text(value);
    return v === '' ? [] : [{label, value: v, kind}];
}

function list(value: unknown): string {
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string').join(', ') : '';
}

/** `mcp__github__create_issue` → server `github`, tool `create_issue`. */
export function mcpNames(toolName: string): {server: string; tool: string} | null {
    const match = /^mcp__(.+?)__(.+)$/.exec(toolName);
    return match ? {server: match[1] ?? '', tool: match[2] ?? ''} : null;
}

function json(input: Record<string, unknown>): ToolBody {
    return {kind: 'json', json: JSON.stringify(input, null, 2)};
}

export function describeTool(approval: ApprovalInfo): ToolView {
    const {tool_name: tool, input, preview} = approval;
    const description = approval.description || text(input.description);
    const base = {tag: tool || 'Tool', description, fields: [] as ToolField[]};
    const filePath = text(input.file_path) || (preview && preview.kind !== 'mcp' ? preview.file_path : '');

    switch (tool) {
    case 'Bash':
        if (typeof input.command === 'string') {
            return {...base, title: 'Claude wants to run a command', body: {kind: 'command', command: input.command}};
        }
        break;
    case 'Edit':
    case 'MultiEdit':
    case 'Write':
    case 'NotebookEdit': {
        if (preview?.kind === 'diff') {
            const verb = tool === 'Write' ? 'overwrite' : 'edit';
            return {...base, title: `Claude wants to ${verb} a file`, body: {kind: 'diff', preview}};
        }
        if (preview?.kind === 'new_file') {
            return {...base, title: 'Claude wants to create a file', body: {kind: 'new_file', preview}};
        }
        // An agent without previews: the file, then the input as it is.
        const rest = Object.fromEntries(Object.entries(input).filter(([key]) => key !== 'file_path'));
        return {...base, title: tool === 'Write' ? 'Claude wants to write a file' : 'Claude wants to edit a file', fields: field('File', filePath || input.notebook_path, 'path'), body: json(rest)};
    }
    case 'Read':
        return {
            ...base,
            title: 'Claude wants to read a file',
            fields: [...field('File', input.file_path, 'path'), ...field('From line', input.offset), ...field('Lines', input.limit)],
            body: {kind: 'fields'},
        };
    case 'NotebookRead':
        return {...base, title: 'Claude wants to read a notebook', fields: field('Notebook', input.notebook_path || input.file_path, 'path'), body: {kind: 'fields'}};
    case 'Glob':
        return {...base, title: 'Claude wants to find files', fields: [...field('Pattern', input.pattern, 'code'), ...field('In', input.path, 'path')], body: {kind: 'fields'}};
    case 'Grep':
        return {
            ...base,
            title: 'Claude wants to search in files',
            fields: [...field('Pattern', input.pattern, 'code'), ...field('In', input.path, 'path'), ...field('Files', input.glob, 'code'), ...field('Type', input.type)],
            body: {kind: 'fields'},
        };
    case 'LS':
        return {...base, title: 'Claude wants to list a directory', fields: field('Directory', input.path, 'path'), body: {kind: 'fields'}};
    case 'WebFetch':
        return {
            ...base,
            title: 'Claude wants to fetch a web page',
            fields: field('URL', input.url, 'link'),
            body: text(input.prompt) ? {kind: 'prompt', label: 'Looking for', text: text(input.prompt)} : {kind: 'fields'},
        };
    case 'WebSearch':
        return {
            ...base,
            title: 'Claude wants to search the web',
            fields: [...field('Query', input.query), ...field('Only on', list(input.allowed_domains)), ...field('Not on', list(input.blocked_domains))],
            body: {kind: 'fields'},
        };
    case 'Task':
    case 'Agent':
        return {
            ...base,
            description: approval.description,
            title: 'Claude wants to start a subagent',
            fields: [...field('Task', input.description), ...field('Agent type', input.subagent_type, 'code')],
            body: text(input.prompt) ? {kind: 'prompt', label: 'Prompt', text: text(input.prompt)} : {kind: 'fields'},
        };
    case PLAN_TOOL:
        return {...base, title: 'Claude has a plan', body: {kind: 'plan', plan: text(input.plan)}};
    default: {
        const names = preview?.kind === 'mcp' ? {server: preview.server, tool: preview.tool} : mcpNames(tool);
        if (names) {
            return {
                ...base,
                tag: names.tool || tool,
                title: 'Claude wants to use an MCP tool',
                fields: [...field('Server', names.server, 'code'), ...field('Tool', names.tool, 'code')],
                body: json(input),
            };
        }
    }
    }
    return {...base, title: `Claude wants to use ${tool || 'a tool'}`, body: json(input)};
}
