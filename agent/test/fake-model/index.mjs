// A fake Anthropic Messages API, scripted by the prompt, for driving the real
// Claude Code binary in tests, the e2e suite and `make demo`.
//
// Script (looked up in the latest user turn; agent/README.md has the table):
//   Claude Code's compaction request → "<summary>…</summary>" listing the user turns
//   "make the same <Tool> call again" / "… call with the same input" (what the
//     agent asks after a restart cut a tool call off) → the conversation's last
//     tool_use, repeated
//   [[recall]]  → "Recall:" and then every earlier user turn, one per line
//     (thread context given with a turn counts as earlier messages, one per line)
//   [[bash: <command>]]  → text "I'll run `<command>`." + a Bash tool_use
//     (a command starting with `sleep` runs as `echo started && <command>`:
//     Claude Code refuses a Bash call that starts with a long sleep)
//   [[plan: <text>]] → ExitPlanMode with a plan built from the text; approved →
//     "Plan approved. …", denied → "Revised plan: <text> … <the reviewer's words>"
//   [[ask: Q | a, b]] / [[ask-multi: Q | a, b, c]] → AskUserQuestion (single /
//     multi-select); after the answer: "You chose: <answers>"
//   [[todos: a; b; c]] → TodoWrite (first item in progress); [[todos-advance]] →
//     TodoWrite with the next item completed
//   [[tasks: a; b; c]] → TaskCreate for each, then TaskUpdate of the first to
//     in_progress; [[tasks-advance]] → TaskList, then TaskUpdate of the task in
//     progress to completed and of the next pending one to in_progress (the ids
//     are read from Claude Code's results); [[task-done: N]] → TaskUpdate of
//     task N to completed, nothing listed first
//   [[edit: <path> | <old> => <new>]] → Read, then Edit; [[write: <path> | <content>]] → Read, then Write
//   [[image?]] → "I see N image(s)" (image blocks in the latest user turn)
//   [[write-big: <path> | <bytes>]] → Read, then Write of that many bytes (a tool input too large for a card)
//   <interrupted_message>X</interrupted_message> (the agent resuming a turn a restart
//     cut off) → answered as if X were the latest user turn
//   Tools Claude Code defers (ExitPlanMode, TodoWrite, …) are loaded first with
//   ToolSearch "select:<name>", as a real model does.
//   a tool_result for our tool_use (and no new user text) → final text quoting
//     the result ("The command was denied: …", "The command failed: …", "Done. Output: …")
//   anything else → "You said: <text>"
// Requests without tools (title/summary side requests) get a short text.
//
// Plain ESM JavaScript so that `node` alone can run it (no build, no tsx).

import http from 'node:http';
import {createHash} from 'node:crypto';

const BASH_RE = /\[\[bash:\s*([\s\S]+?)\]\]/;
const AGAIN_RE = /make the same (\S+) call (?:again|with the same input)/i;
const RECALL_RE = /\[\[recall\]\]/i;
const PLAN_RE = /\[\[plan:\s*([\s\S]+?)\]\]/;
const ASK_RE = /\[\[ask(-multi)?:\s*([^|\]]+?)\s*\|\s*([^\]]+?)\s*\]\]/;
const TODOS_RE = /\[\[todos:\s*([\s\S]+?)\]\]/;
const TODOS_ADVANCE_RE = /\[\[todos-advance\]\]/;
const TASKS_RE = /\[\[tasks:\s*([\s\S]+?)\]\]/;
const TASKS_ADVANCE_RE = /\[\[tasks-advance\]\]/;
const TASK_DONE_RE = /\[\[task-done:\s*(\S+?)\s*\]\]/;
const EDIT_RE = /\[\[edit:\s*([^|\]]+?)\s*\|\s*([\s\S]*?)\s*=>\s*([\s\S]*?)\s*\]\]/;
const WRITE_RE = /\[\[write:\s*([^|\]]+?)\s*\|\s*([\s\S]*?)\]\]/;
const WRITE_BIG_RE = /\[\[write-big:\s*([^|\]]+?)\s*\|\s*(\d+)\s*\]\]/;
const INTERRUPTED_RE = /<interrupted_message>\n?([\s\S]*?)\n?<\/interrupted_message>/;
const IMAGE_RE = /\[\[image\?\]\]/;
const COMPACT_RE = /Your task is to create a detailed summary of the conversation so far/;
const SIDE_ANSWER = 'Fake reply';

/**
 * @param {{port?: number, host?: string, chunkSize?: number, chunkDelayMs?: number, model?: string, log?: (line: string) => void}} [opts]
 */
export async function startFakeModel(opts = {}) {
  const host = opts.host ?? '127.0.0.1';
  const chunkSize = opts.chunkSize ?? 12;
  const chunkDelayMs = opts.chunkDelayMs ?? 10;
  /** @type {Array<{method: string, path: string, headers: Record<string, unknown>, body: unknown, at: number}>} */
  const requests = [];
  const sockets = new Set();
  /** Image blocks that reached the model in a latest user turn, each once: {media_type, bytes, sha256}. */
  const images = [];
  /** Streams that start while this is set stop sending text after that many characters (until their connection closes). */
  let stallAfter;
  let stalled = 0;

  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body = null;
      if (raw) {
        try {
          body = JSON.parse(raw);
        } catch {
          body = raw;
        }
      }
      handle(req, res, body).catch((err) => {
        opts.log?.(`fake-model: ${String(err)}`);
        if (!res.headersSent) json(res, 500, {type: 'error', error: {type: 'api_error', message: String(err)}});
        else res.end();
      });
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  async function handle(req, res, body) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (req.method === 'GET' && path === '/_requests') return json(res, 200, requests);
    if (req.method === 'GET' && path === '/_images') return json(res, 200, images);
    if (req.method === 'POST' && path === '/_reset') {
      requests.length = 0;
      images.length = 0;
      return json(res, 200, {ok: true});
    }
    requests.push({
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: {'anthropic-beta': req.headers['anthropic-beta'], 'x-api-key': req.headers['x-api-key'] ? '<set>' : undefined},
      body,
      at: Date.now(),
    });
    opts.log?.(`fake-model: ${req.method} ${req.url}`);

    if (req.method === 'POST' && path === '/v1/messages/count_tokens') {
      return json(res, 200, {input_tokens: estimateTokens(body)});
    }
    if (req.method === 'POST' && path === '/v1/messages') {
      if (isMain(body)) images.push(...latestImages(body, images));
      const reply = script(body);
      const message = {
        id: 'msg_fake_' + hash(JSON.stringify(body)).slice(0, 20),
        type: 'message',
        role: 'assistant',
        model: (body && body.model) || opts.model || 'claude-fake',
        content: reply.blocks,
        stop_reason: reply.stopReason,
        stop_sequence: null,
        usage: {input_tokens: estimateTokens(body), output_tokens: estimateOutput(reply.blocks)},
      };
      if (body && body.stream) return stream(res, message);
      return json(res, 200, message);
    }
    if (path === '/v1/models') return json(res, 200, {data: [], has_more: false, first_id: null, last_id: null});
    return json(res, 200, {});
  }

  async function stream(res, message) {
    const stallAt = stallAfter;
    let sentChars = 0;
    res.writeHead(200, {'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': 'req_fake'});
    const send = (event, data) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    send('message_start', {
      type: 'message_start',
      message: {...message, content: [], stop_reason: null, usage: {...message.usage, output_tokens: 1}},
    });
    send('ping', {type: 'ping'});
    for (const [index, block] of message.content.entries()) {
      if (block.type === 'text') {
        send('content_block_start', {type: 'content_block_start', index, content_block: {type: 'text', text: ''}});
        for (const piece of split(block.text, chunkSize)) {
          await sleep(chunkDelayMs);
          if (stallAt !== undefined && sentChars >= stallAt) {
            // Stalled mid-text, as a slow model would be: nothing more until the client goes away.
            stalled += 1;
            await new Promise((resolve) => res.once('close', resolve));
            stalled -= 1;
            return;
          }
          send('content_block_delta', {type: 'content_block_delta', index, delta: {type: 'text_delta', text: piece}});
          sentChars += piece.length;
        }
      } else {
        send('content_block_start', {
          type: 'content_block_start',
          index,
          content_block: {type: 'tool_use', id: block.id, name: block.name, input: {}},
        });
        for (const piece of split(JSON.stringify(block.input), chunkSize * 2)) {
          send('content_block_delta', {type: 'content_block_delta', index, delta: {type: 'input_json_delta', partial_json: piece}});
        }
      }
      send('content_block_stop', {type: 'content_block_stop', index});
    }
    send('message_delta', {
      type: 'message_delta',
      delta: {stop_reason: message.stop_reason, stop_sequence: null},
      usage: {output_tokens: message.usage.output_tokens},
    });
    send('message_stop', {type: 'message_stop'});
    res.end();
  }

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve(undefined));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://${host}:${port}`,
    port,
    requests,
    images,
    /** Requests to /v1/messages that Claude Code's main loop made (they carry tools). */
    mainRequests: () => requests.filter((r) => r.path.startsWith('/v1/messages') && !r.path.includes('count_tokens') && isMain(r.body)),
    reset: () => {
      requests.length = 0;
      images.length = 0;
    },
    /** Streams that start from now on stall after `chars` characters of text (undefined: no more stalling). */
    stallTextAfter: (chars) => {
      stallAfter = chars;
    },
    /** Streams stalled now (see stallTextAfter). */
    stalledStreams: () => stalled,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve(undefined));
      }),
  };
}

/** Decide the answer for one Messages API request body. Exported for unit tests. */
export function script(body) {
  const messages = Array.isArray(body?.messages) ? body.messages : [];
  if (!isMain(body)) return {blocks: [{type: 'text', text: SIDE_ANSWER}], stopReason: 'end_turn'};
  // Claude Code may put role "system" entries after the user turn: the latest
  // user turn is the last message whose role is "user".
  const lastIndex = messages.findLastIndex((m) => m && m.role === 'user');
  const last = messages[lastIndex];
  const results = blocksOf(last).filter((b) => b.type === 'tool_result');
  const prompt = promptOf(userText(last));
  const earlier = messages
    .slice(0, Math.max(0, lastIndex))
    .filter((m) => m && m.role === 'user')
    .flatMap((m) => recallLines(promptOf(userText(m))));
  // Thread context that came with the latest turn counts as earlier messages too.
  const context = threadContext(prompt).context;
  if (COMPACT_RE.test(prompt)) {
    return {blocks: [{type: 'text', text: `<analysis>Fake analysis.</analysis>\n<summary>The user said, in order:\n${earlier.join('\n')}</summary>`}], stopReason: 'end_turn'};
  }
  const again = AGAIN_RE.exec(prompt);
  if (again) {
    const previous = messages
      .filter((m) => m && m.role === 'assistant')
      .flatMap(blocksOf)
      .filter((b) => b.type === 'tool_use')
      .at(-1);
    if (previous) {
      return {
        blocks: [
          {type: 'text', text: `Running it again.`},
          {type: 'tool_use', id: 'toolu_fake_' + hash(JSON.stringify(messages)).slice(0, 24), name: previous.name, input: previous.input},
        ],
        stopReason: 'tool_use',
      };
    }
  }
  if (RECALL_RE.test(prompt)) {
    const all = [...earlier, ...context];
    return {blocks: [{type: 'text', text: ['Recall:', ...(all.length > 0 ? all : ['(nothing)'])].join('\n')}], stopReason: 'end_turn'};
  }
  // Multi-step tool flows ([[plan:]], [[ask:]], [[todos:]], [[edit:]], [[write:]]):
  // started by the latest prompt, or continued after a tool_result of one.
  const flowReply = continueFlow(body, messages, lastIndex, prompt, results);
  if (flowReply) return flowReply;
  if (IMAGE_RE.test(prompt)) {
    const n = blocksOf(last).filter((b) => b && b.type === 'image').length;
    return {blocks: [{type: 'text', text: `I see ${n} image(s).`}], stopReason: 'end_turn'};
  }
  // A turn cut short (interrupt) leaves its tool_result in the same user message as the next prompt: the prompt wins.
  if (results.length > 0 && !prompt) {
    const r = results[results.length - 1];
    const content = resultText(r.content);
    let text;
    if (r.is_error && /denied|doesn't want|rejected|not allowed/i.test(content)) text = `The command was denied: ${content}`;
    else if (r.is_error) text = `The command failed: ${content}`;
    else text = `Done. Output: ${content}`;
    return {blocks: [{type: 'text', text}], stopReason: 'end_turn'};
  }
  const m = BASH_RE.exec(prompt);
  if (m) {
    const asked = m[1].trim();
    // Claude Code blocks a Bash call that starts with a long `sleep` ("use Monitor");
    // the prefix keeps `[[bash: sleep 30]]` a long-running, interruptible command.
    const command = /^sleep\b/.test(asked) ? `echo started && ${asked}` : asked;
    return {
      blocks: [
        {type: 'text', text: `I'll run \`${command}\`.`},
        {
          type: 'tool_use',
          // Deterministic: the same conversation gets the same id, so a resumed
          // session that asks again asks for the very same tool call.
          id: 'toolu_fake_' + hash(JSON.stringify(messages)).slice(0, 24),
          name: 'Bash',
          input: {command, description: `Run ${command}`},
        },
      ],
      stopReason: 'tool_use',
    };
  }
  return {blocks: [{type: 'text', text: `You said: ${prompt.trim() || '(nothing)'}`}], stopReason: 'end_turn'};
}

/**
 * A scripted flow: the tool calls a trigger makes, in order, and the final
 * answer once they are done (or one of them failed or was denied).
 * @typedef {{name: string, input: Record<string, unknown>, text?: string, mayFail?: boolean}} Call
 * @typedef {{calls: Call[] | ((results: string[]) => Call[]), finish: (result: {content: string, isError: boolean, toolName: string}) => string}} Flow
 * (calls as a function: the calls given the results of those made so far, for a flow whose later inputs depend on earlier results)
 */

/** @returns {Flow | undefined} */
function flowFor(prompt, all, triggerIndex) {
  const messages = all.slice(0, triggerIndex);
  let m = PLAN_RE.exec(prompt);
  if (m) {
    const text = m[1].trim();
    const plan = `# Plan\n\n1. ${text}`;
    // In plan mode Claude Code names a plan file; ExitPlanMode presents what that file holds.
    // Claude Code's plan-mode reminder comes with the turn (a system entry after it)
    // and names a plan file; ExitPlanMode presents what that file holds. Outside
    // plan mode the model enters it first.
    const planFile = planFilePath(all);
    const write = {name: 'Write', input: {file_path: planFile || 'PLAN.md', content: plan}};
    const calls = inPlanMode(all, triggerIndex)
      ? [{...write, text: 'Here is my plan.'}, {name: 'ExitPlanMode', input: {}}]
      : [{name: 'EnterPlanMode', input: {}, text: 'Let me plan this first.'}, write, {name: 'ExitPlanMode', input: {}}];
    return {
      calls,
      finish: (r) => {
        if (!r.isError) return `Plan approved. Working on: ${text}`;
        return `Revised plan: ${text}, changed as asked: ${reviewerWords(r.content)}`;
      },
    };
  }
  m = ASK_RE.exec(prompt);
  if (m) {
    const multi = Boolean(m[1]);
    const question = m[2].trim();
    const labels = m[3].split(',').map((l) => l.trim()).filter(Boolean);
    const input = {
      questions: [{question, header: multi ? 'Choices' : 'Choice', multiSelect: multi, options: labels.map((label) => ({label, description: `Pick ${label}`}))}],
    };
    return {
      calls: [{name: 'AskUserQuestion', input, text: 'I have a question.'}],
      finish: (r) => (r.isError ? `No answer: ${r.content}` : `You chose: ${chosenAnswers(r.content).join('; ')}`),
    };
  }
  m = TODOS_RE.exec(prompt);
  if (m) {
    const items = m[1].split(';').map((t) => t.trim()).filter(Boolean);
    const todos = items.map((content, i) => ({content, status: i === 0 ? 'in_progress' : 'pending', activeForm: `Working on ${content}`}));
    return {calls: [{name: 'TodoWrite', input: {todos}, text: 'Planning the tasks.'}], finish: (r) => (r.isError ? `Could not update the tasks: ${r.content}` : `Tasks: ${progress(todos)}`)};
  }
  if (TODOS_ADVANCE_RE.test(prompt)) {
    const prev = messages
      .filter((x) => x && x.role === 'assistant')
      .flatMap(blocksOf)
      .filter((b) => b.type === 'tool_use' && b.name === 'TodoWrite')
      .at(-1);
    if (!prev || !Array.isArray(prev.input?.todos)) return undefined;
    const todos = prev.input.todos.map((t) => ({...t}));
    const current = todos.findIndex((t) => t.status !== 'completed');
    if (current >= 0) todos[current].status = 'completed';
    const next = todos.findIndex((t) => t.status === 'pending');
    if (next >= 0) todos[next].status = 'in_progress';
    return {calls: [{name: 'TodoWrite', input: {todos}, text: 'Next task.'}], finish: (r) => (r.isError ? `Could not update the tasks: ${r.content}` : `Tasks: ${progress(todos)}`)};
  }
  m = TASKS_RE.exec(prompt);
  if (m) {
    const items = m[1].split(';').map((t) => t.trim()).filter(Boolean);
    const creates = items.map((subject, i) => ({
      name: 'TaskCreate',
      input: {subject, description: `Do ${subject}`, activeForm: `Working on ${subject}`},
      ...(i === 0 ? {text: 'Planning the tasks.'} : {}),
    }));
    return {
      calls: (results) => {
        const first = results.length > 0 ? taskIdIn(results[0]) : undefined;
        return [...creates, {name: 'TaskUpdate', input: {taskId: first ?? '1', status: 'in_progress'}}];
      },
      finish: (r) => (r.isError ? `Could not update the tasks: ${r.content}` : `Tasks: 0/${items.length} done`),
    };
  }
  if (TASKS_ADVANCE_RE.test(prompt)) {
    return {
      calls: (results) => {
        const list = {name: 'TaskList', input: {}, text: 'Next task.'};
        if (results.length === 0) return [list];
        const tasks = taskListIn(results[0]);
        const current = tasks.find((t) => t.status === 'in_progress') ?? tasks.find((t) => t.status === 'pending');
        const next = tasks.find((t) => t.status === 'pending' && t !== current);
        const calls = [list];
        if (current) calls.push({name: 'TaskUpdate', input: {taskId: current.id, status: 'completed'}});
        if (next) calls.push({name: 'TaskUpdate', input: {taskId: next.id, status: 'in_progress'}});
        return calls;
      },
      finish: (r) => (r.isError ? `Could not update the tasks: ${r.content}` : 'Tasks advanced.'),
    };
  }
  m = TASK_DONE_RE.exec(prompt);
  if (m) {
    const taskId = m[1];
    return {
      calls: [{name: 'TaskUpdate', input: {taskId, status: 'completed'}, text: `Task ${taskId} is done.`}],
      finish: (r) => (r.isError ? `Could not update the task: ${r.content}` : `Task ${taskId} done.`),
    };
  }
  m = EDIT_RE.exec(prompt);
  if (m) {
    // Relative paths are fine: Claude Code takes them from its working directory.
    const file_path = m[1].trim();
    return {
      calls: [
        {name: 'Read', input: {file_path}, text: `Reading ${m[1].trim()}.`},
        {name: 'Edit', input: {file_path, old_string: m[2], new_string: m[3]}},
      ],
      finish: toolResultText,
    };
  }
  m = WRITE_BIG_RE.exec(prompt);
  if (m) {
    const file_path = m[1].trim();
    const size = Number(m[2]);
    const content = ('x'.repeat(99) + '\n').repeat(Math.ceil(size / 100)).slice(0, size);
    return {
      calls: [
        {name: 'Read', input: {file_path}, text: `Writing ${file_path}.`, mayFail: true},
        {name: 'Write', input: {file_path, content}},
      ],
      finish: toolResultText,
    };
  }
  m = WRITE_RE.exec(prompt);
  if (m) {
    const file_path = m[1].trim();
    return {
      calls: [
        // Claude Code refuses to overwrite a file that was not read first; a missing file is fine.
        {name: 'Read', input: {file_path}, text: `Writing ${m[1].trim()}.`, mayFail: true},
        {name: 'Write', input: {file_path, content: m[2]}},
      ],
      finish: toolResultText,
    };
  }
  return undefined;
}

/**
 * Start or continue a flow. The trigger is the latest user turn with text;
 * the calls made so far are the assistant's tool_uses after it (ToolSearch
 * calls that load a deferred tool do not count).
 */
function continueFlow(body, messages, lastIndex, prompt, results) {
  let triggerIndex = lastIndex;
  if (!prompt) {
    if (results.length === 0) return undefined;
    triggerIndex = messages.slice(0, lastIndex).findLastIndex((m) => m && m.role === 'user' && userText(m));
    if (triggerIndex < 0) return undefined;
  }
  const trigger = promptOf(userText(messages[triggerIndex]));
  const flow = flowFor(trigger, messages, triggerIndex);
  if (!flow) return undefined;
  const uses = messages
    .slice(triggerIndex + 1)
    .filter((m) => m && m.role === 'assistant')
    .flatMap(blocksOf)
    .filter((b) => b.type === 'tool_use');
  const made = uses.filter((b) => b.name !== 'ToolSearch');
  if (typeof flow.calls === 'function') flow.calls = flow.calls(made.map((b) => resultOf(messages, b.id)).filter((r) => r !== undefined));
  const lastUse = uses.at(-1);
  const id = 'toolu_fake_' + hash(JSON.stringify(messages)).slice(0, 24);
  if (prompt === '' && lastUse && lastUse.name !== 'ToolSearch') {
    const r = results[results.length - 1];
    const outcome = {content: resultText(r.content), isError: Boolean(r.is_error), toolName: lastUse.name};
    const step = flow.calls[made.length - 1];
    if ((outcome.isError && !step?.mayFail) || made.length >= flow.calls.length) {
      return {blocks: [{type: 'text', text: flow.finish(outcome)}], stopReason: 'end_turn'};
    }
  }
  const next = flow.calls[made.length];
  if (!next) return undefined;
  const intro = made.length === 0 && !uses.some((b) => b.name === 'ToolSearch') && next.text ? [{type: 'text', text: next.text}] : [];
  if (needsToolSearch(next.name, body, messages)) {
    return {
      blocks: [...intro, {type: 'tool_use', id, name: 'ToolSearch', input: {query: `select:${next.name}`, max_results: 5}}],
      stopReason: 'tool_use',
    };
  }
  return {blocks: [...intro, {type: 'tool_use', id, name: next.name, input: next.input}], stopReason: 'tool_use'};
}

/** The text of the tool_result for the tool_use `id`, if it came. */
function resultOf(messages, id) {
  for (const m of messages) {
    if (!m || m.role !== 'user') continue;
    const r = blocksOf(m).find((b) => b && b.type === 'tool_result' && b.tool_use_id === id);
    if (r) return resultText(r.content);
  }
  return undefined;
}

/** The task id in TaskCreate's result ("Task #3 created successfully: …"). */
function taskIdIn(text) {
  return /#(\d+)/.exec(text)?.[1];
}

/** The tasks in TaskList's result: one line each, "#<id> [<status>] <subject>". */
function taskListIn(text) {
  const out = [];
  for (const m of text.matchAll(/#(\d+)\s*\[(pending|in_progress|completed)\]/g)) out.push({id: m[1], status: m[2]});
  return out;
}

/** A deferred tool (only its name is in the prompt) must be loaded with ToolSearch before it can be called. */
function needsToolSearch(name, body, messages) {
  const tools = Array.isArray(body?.tools) ? body.tools : [];
  if (tools.some((t) => t && t.name === name && !t.defer_loading)) return false;
  if (!tools.some((t) => t && t.name === 'ToolSearch')) return false;
  return !messages
    .filter((m) => m && m.role === 'assistant')
    .flatMap(blocksOf)
    .some((b) => b.type === 'tool_use' && (b.name === name || (b.name === 'ToolSearch' && String(b.input?.query ?? '').split(/[:,\s]+/).includes(name))));
}

function toolResultText(r) {
  if (r.isError && /denied|doesn't want|rejected|not allowed/i.test(r.content)) return `The command was denied: ${r.content}`;
  if (r.isError) return `The command failed: ${r.content}`;
  return `Done. Output: ${r.content}`;
}

/** The reviewer's own words in a denial: what follows "Denied by @who:" (else the whole text). */
function reviewerWords(content) {
  const m = /Denied by @[^:\s]+:\s*([^\n]+)/.exec(content);
  return (m ? m[1] : content).trim();
}

/** Answers in Claude Code's AskUserQuestion result: `"<question>"="<answer>"` pairs. */
function chosenAnswers(content) {
  const out = [];
  const re = /"((?:[^"\\]|\\.)*)"="((?:[^"\\]|\\.)*)"/g;
  let m;
  while ((m = re.exec(content))) out.push(m[2]);
  return out.length > 0 ? out : [content.trim()];
}

function progress(todos) {
  return `${todos.filter((t) => t.status === 'completed').length}/${todos.length} done`;
}

/** The plan file Claude Code's plan-mode reminder names ("…create your plan at <path> using…", "A plan file exists at <path>"). */
function planFilePath(messages) {
  const text = messages.map(rawText).join('\n');
  const all = [...text.matchAll(/(?:create your plan at|plan file exists at)\s+(\/\S+?\.md)\b/gi)];
  return all.at(-1)?.[1] ?? '';
}

/** Whether plan mode was on when the trigger came: the reminder is in the trigger turn or the entries that follow it. */
function inPlanMode(messages, triggerIndex) {
  for (let i = triggerIndex; i < messages.length; i++) {
    const m = messages[i];
    if (!m || (i > triggerIndex && m.role === 'assistant')) break;
    if (/Plan mode is active/.test(rawText(m))) return true;
  }
  return false;
}

/** Every text of a message, reminders and tool results included. */
function rawText(m) {
  if (!m) return '';
  if (typeof m.content === 'string') return m.content;
  return JSON.stringify(m.content ?? '');
}

/**
 * A first prompt with earlier thread messages (the agent's `<thread_context>`
 * block, with the line that introduces it): the messages, one per line, and
 * the rest of the text.
 */
function threadContext(text) {
  const m = /(?:^|\n)[^\n]*\n<thread_context>\n?([\s\S]*?)\n?<\/thread_context>\s*/.exec(text);
  if (!m) return {context: [], rest: text};
  const context = m[1].split('\n').map((l) => l.trim()).filter(Boolean);
  return {context, rest: (text.slice(0, m.index) + '\n' + text.slice(m.index + m[0].length)).trim()};
}

/** What one earlier user turn contributes to a recall: its thread context lines, then its own text on one line. */
function recallLines(text) {
  const {context, rest} = threadContext(text);
  const own = rest.replace(/\s+/g, ' ').trim();
  return own ? [...context, own] : context;
}

/** Image blocks of the latest user turn not recorded yet (Claude Code sends the whole conversation every time). */
function latestImages(body, seen) {
  const messages = Array.isArray(body?.messages) ? body.messages : [];
  const last = messages.findLast((m) => m && m.role === 'user');
  const out = [];
  for (const b of blocksOf(last)) {
    if (!b || b.type !== 'image' || b.source?.type !== 'base64' || typeof b.source.data !== 'string') continue;
    const sha256 = hash(b.source.data);
    if (seen.some((i) => i.sha256 === sha256) || out.some((i) => i.sha256 === sha256)) continue;
    out.push({media_type: b.source.media_type, bytes: Buffer.from(b.source.data, 'base64').length, sha256});
  }
  return out;
}

function isMain(body) {
  return Array.isArray(body?.tools) && body.tools.length > 0;
}

function blocksOf(message) {
  if (!message) return [];
  if (typeof message.content === 'string') return [{type: 'text', text: message.content}];
  return Array.isArray(message.content) ? message.content : [];
}

/**
 * The user's own words in a message: text blocks minus what Claude Code adds
 * itself (<system-reminder> blocks, the record of local commands such as
 * `/model` or `/compact`, "[Request interrupted by user…]" markers, the
 * "Tool loaded." that follows a ToolSearch).
 */
function userText(message) {
  return blocksOf(message)
    .filter((b) => b.type === 'text' && typeof b.text === 'string')
    .map((b) =>
      b.text
        .replace(/<system-reminder>[\s\S]*?<\/system-reminder>/g, '')
        .replace(/<(local-command-caveat|local-command-stdout|local-command-stderr|command-name|command-message|command-args)>[\s\S]*?<\/\1>/g, '')
        .replace(/^\[Request interrupted by user[^\]]*\]$/gm, '')
        // What Claude Code says after a ToolSearch loaded a deferred tool.
        .replace(/^Tool loaded\.$/gm, '')
        .trim(),
    )
    .filter(Boolean)
    .join('\n');
}

/**
 * The text a turn asks for: a turn the agent resumes after a restart cut it
 * off carries the original message in <interrupted_message> tags, and a model
 * answers that message.
 */
function promptOf(text) {
  const m = INTERRUPTED_RE.exec(text);
  return m ? m[1].trim() : text;
}

function resultText(content) {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((c) => (c && c.type === 'text' ? c.text : '')).join('');
  return '';
}

function split(text, size) {
  const out = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out.length ? out : [''];
}

function estimateTokens(body) {
  return Math.max(1, Math.ceil(JSON.stringify(body?.messages ?? '').length / 4));
}

function estimateOutput(blocks) {
  return Math.max(1, Math.ceil(JSON.stringify(blocks).length / 4));
}

function hash(s) {
  return createHash('sha256').update(s).digest('hex');
}

function json(res, status, data) {
  res.writeHead(status, {'content-type': 'application/json'});
  res.end(JSON.stringify(data));
}

function sleep(ms) {
  return ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();
}
