// The fake Anthropic Messages API the agent's tests use (agent/test/fake-model),
// run in this process, with readers for what Claude Code told it.
import {startFakeModel as start, type FakeModel as Base} from '../../agent/test/fake-model/index.mjs';

export interface ToolResult {
    toolName: string;
    toolInput: string;
    isError: boolean;
    content: string;
}

export interface FakeModel extends Base {
    /** Every tool_result Claude Code sent back, with the tool_use it answers. */
    toolResults(): ToolResult[];
}

type Block = {type: string; id?: string; name?: string; input?: unknown; tool_use_id?: string; is_error?: boolean; content?: unknown};
type Message = {role: string; content: string | Block[]};

function text(content: unknown): string {
    if (typeof content === 'string') {
        return content;
    }
    if (Array.isArray(content)) {
        return content.map((c: {text?: string}) => c.text ?? '').join('\n');
    }
    return '';
}

export async function startFakeModel(): Promise<FakeModel> {
    const base = await start({chunkDelayMs: 5});
    return Object.assign(base, {
        toolResults(): ToolResult[] {
            const seen = new Map<string, ToolResult>();
            for (const req of base.mainRequests()) {
                const messages = ((req.body as {messages?: Message[]}).messages ?? []);
                const uses = new Map<string, Block>();
                for (const m of messages) {
                    for (const b of typeof m.content === 'string' ? [] : m.content) {
                        if (b.type === 'tool_use' && b.id) {
                            uses.set(b.id, b);
                        } else if (b.type === 'tool_result' && b.tool_use_id) {
                            const use = uses.get(b.tool_use_id);
                            seen.set(b.tool_use_id, {
                                toolName: use?.name ?? '',
                                toolInput: JSON.stringify(use?.input ?? {}),
                                isError: Boolean(b.is_error),
                                content: text(b.content),
                            });
                        }
                    }
                }
            }
            return [...seen.values()];
        },
    });
}
