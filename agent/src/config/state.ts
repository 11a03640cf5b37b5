import {z} from 'zod';
import {readFileIfExists, writeFileAtomic} from '../util/files.js';

/** Small durable agent state: the inbox cursor (highest handled event seq). */
const stateSchema = z.object({
  machine_id: z.string().optional(),
  cursor: z.number().int().nonnegative().default(0),
});
export type AgentState = z.infer<typeof stateSchema>;

export async function loadState(file: string): Promise<AgentState> {
  const text = await readFileIfExists(file);
  if (!text) return {cursor: 0};
  const parsed = stateSchema.safeParse(JSON.parse(text));
  return parsed.success ? parsed.data : {cursor: 0};
}

export async function saveState(file: string, state: AgentState): Promise<void> {
  await writeFileAtomic(file, JSON.stringify(state) + '\n');
}
