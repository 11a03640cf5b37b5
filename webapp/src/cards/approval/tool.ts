import type {ApprovalInfo} from '../../types';

/** What the card shows as the thing to approve: a shell command, or the tool's input. */
export interface ToolSummary {
    title: string;
    body: string;
    isCommand: boolean;
    description: string;
}

function text(value: unknown): string {
    return typeof value === 'string' ? value : '';
}

export function summarizeTool(approval: ApprovalInfo): ToolSummary {
    const {tool_name: tool, input} = approval;
    // Claude's Bash tool carries its own one-line description; the request's wins.
    const description = approval.description || text(input.description);
    if (tool === 'Bash' && typeof input.command === 'string') {
        return {title: 'Claude wants to run a command', body: input.command, isCommand: true, description};
    }
    // Edit, Write, WebFetch, MCP tools…: their input as JSON until each gets its own view.
    return {
        title: `Claude wants to use ${tool || 'a tool'}`,
        body: JSON.stringify(input, null, 2),
        isCommand: false,
        description: approval.description,
    };
}
