export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, unknown>;
  body: any;
  at: number;
}

export interface FakeModelOptions {
  port?: number;
  host?: string;
  /** Characters per text_delta (default 12). */
  chunkSize?: number;
  /** Pause before each text_delta in ms (default 10). */
  chunkDelayMs?: number;
  model?: string;
  log?: (line: string) => void;
}

export interface FakeModel {
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** Image blocks that reached the model in a latest user turn, each once (sha256 of the base64 data). */
  images: Array<{media_type: string; bytes: number; sha256: string}>;
  /** Requests from Claude Code's main loop (they carry tools). */
  mainRequests(): RecordedRequest[];
  reset(): void;
  /** Streams that start from now on stall after this many characters of text, until their client goes away (undefined: none stall). */
  stallTextAfter(chars: number | undefined): void;
  /** Streams stalled now, waiting for their client to go away. */
  stalledStreams(): number;
  close(): Promise<void>;
}

export interface ScriptedReply {
  blocks: Array<{type: 'text'; text: string} | {type: 'tool_use'; id: string; name: string; input: Record<string, unknown>}>;
  stopReason: 'end_turn' | 'tool_use';
}

export function startFakeModel(opts?: FakeModelOptions): Promise<FakeModel>;
export function script(body: unknown): ScriptedReply;
