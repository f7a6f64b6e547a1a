// An OpenAI-compatible chat completions server for tests, on 127.0.0.1 with an ephemeral port.
// The real `openai` SDK talks to it through `baseURL`. It records every request (tests count
// calls, measure how many were in flight at once, inspect prompts) and injects faults: an error
// status with any Retry-After (429, 500...), a stream that stalls, a stream that ends without a
// finish_reason, a connection cut mid-stream, and 401 for a wrong key.

import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeChatMessage {
  role: string;
  content: string;
}

export interface RecordedRequest {
  /** 0-based arrival order. */
  index: number;
  method: string;
  path: string;
  /** The Authorization header as received. */
  authorization: string;
  model: string;
  stream: boolean;
  messages: FakeChatMessage[];
  /** The parsed JSON body. */
  body: Record<string, unknown>;
  startedAt: number;
  endedAt: number | null;
  /** The client went away before the response was complete. */
  aborted: boolean;
  /** HTTP status sent. */
  status: number;
}

export type FakeFault =
  /** An error response: 429 with a Retry-After, 500, 400... */
  | { kind: 'status'; status: number; retryAfter?: string; message?: string }
  /** Headers and `afterChunks` content chunks, then nothing: the connection stays open. */
  | { kind: 'stall'; afterChunks?: number }
  /** `afterChunks` chunks, then a clean end with neither finish_reason nor [DONE]. */
  | { kind: 'truncate'; afterChunks?: number }
  /** `afterChunks` chunks, then the socket is destroyed. */
  | { kind: 'cut'; afterChunks?: number };

export interface FakeOpenAiOptions {
  /** The key the server accepts; any other gets 401 (whose message echoes the key sent, as a hostile server might). */
  apiKey?: string;
  /** Delay before the response starts. */
  latencyMs?: number;
  /** Delay between stream chunks. */
  chunkDelayMs?: number;
  /** The answer text for a request (default: a structured Chinese summary naming the subject). */
  reply?: (request: RecordedRequest) => string;
  /** A fault for a request, or null to answer normally. */
  fault?: (request: RecordedRequest) => FakeFault | null;
  /** Answer 400 to requests carrying stream_options, as some older servers do. */
  rejectStreamOptions?: boolean;
}

export interface FakeOpenAiServer {
  /** Base URL for the SDK, ending in /v1. */
  readonly baseURL: string;
  readonly requests: RecordedRequest[];
  /** Chat requests currently being answered. */
  readonly inFlight: number;
  /** The most chat requests answered at the same time since start (or the last reset). */
  readonly maxInFlight: number;
  /** Options may be changed between runs. */
  options: FakeOpenAiOptions;
  reset(): void;
  close(): Promise<void>;
}

/** The marker every default reply carries, so tests can tell model text from the offline digest. */
export const FAKE_REPLY_MARK = '【fake-model】';

/** The subject line the prompt carries ("主题: ..."), or "". */
export function subjectOfPrompt(messages: readonly FakeChatMessage[]): string {
  const user = messages.find((m) => m.role === 'user')?.content ?? '';
  return /^主题: (.*)$/m.exec(user)?.[1] ?? '';
}

export function defaultReply(request: RecordedRequest): string {
  const user = request.messages.find((m) => m.role === 'user')?.content ?? '';
  const digest = createHash('sha256').update(user).digest('hex').slice(0, 8);
  const subject = subjectOfPrompt(request.messages);
  return [
    `1. **原始补丁/问题**：${FAKE_REPLY_MARK}${subject}（${digest}）`,
    '2. **之前的讨论**：无。',
    '3. **本周进展/结论**：审阅中。',
  ].join('\n');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Splits a reply into a few stream pieces (by code points: never half a character). */
function pieces(text: string, count: number): string[] {
  const chars = Array.from(text);
  const size = Math.max(1, Math.ceil(chars.length / count));
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(''));
  return out;
}

export async function startFakeOpenAi(initial: FakeOpenAiOptions = {}): Promise<FakeOpenAiServer> {
  const requests: RecordedRequest[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const state = { options: initial };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const record: RecordedRequest = {
      index: requests.length,
      method: req.method ?? '',
      path: req.url ?? '',
      authorization: String(req.headers.authorization ?? ''),
      model: '',
      stream: false,
      messages: [],
      body: {},
      startedAt: Date.now(),
      endedAt: null,
      aborted: false,
      status: 0,
    };
    requests.push(record);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      inFlight--;
      record.endedAt = Date.now();
    };
    res.on('close', () => {
      if (!res.writableFinished) record.aborted = true;
      finish();
    });
    const json = (status: number, payload: unknown, headers: Record<string, string> = {}): void => {
      record.status = status;
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(payload));
    };

    const raw = await readBody(req);
    if (req.method !== 'POST' || !/\/v1\/chat\/completions$/.test(req.url ?? '')) {
      json(404, { error: { message: 'not found', type: 'invalid_request_error' } });
      return;
    }
    try {
      record.body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      json(400, { error: { message: 'bad JSON', type: 'invalid_request_error' } });
      return;
    }
    record.model = String(record.body.model ?? '');
    record.stream = record.body.stream === true;
    record.messages = Array.isArray(record.body.messages) ? (record.body.messages as FakeChatMessage[]) : [];

    const options = state.options;
    const sentKey = record.authorization.replace(/^Bearer\s+/i, '');
    if (options.apiKey !== undefined && sentKey !== options.apiKey) {
      json(401, {
        error: { message: `Incorrect API key provided: ${sentKey}.`, type: 'invalid_request_error', code: 'invalid_api_key' },
      });
      return;
    }
    if (options.rejectStreamOptions && record.body.stream_options !== undefined) {
      json(400, { error: { message: 'Unrecognized request argument supplied: stream_options', type: 'invalid_request_error' } });
      return;
    }
    if (options.latencyMs) await sleep(options.latencyMs);
    if (res.destroyed) return;

    const fault = options.fault?.(record) ?? null;
    if (fault?.kind === 'status') {
      const headers: Record<string, string> = {};
      if (fault.retryAfter !== undefined) headers['retry-after'] = fault.retryAfter;
      json(fault.status, { error: { message: fault.message ?? `injected ${fault.status}`, type: 'server_error' } }, headers);
      return;
    }

    const text = (options.reply ?? defaultReply)(record);
    const promptChars = record.messages.reduce((n, m) => n + String(m.content).length, 0);
    const usage = { prompt_tokens: Math.ceil(promptChars / 3), completion_tokens: Array.from(text).length, total_tokens: 0 };
    usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;
    const id = `chatcmpl-fake-${record.index}`;
    const created = Math.floor(Date.now() / 1000);

    if (!record.stream) {
      json(200, {
        id,
        object: 'chat.completion',
        created,
        model: record.model,
        choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop', logprobs: null }],
        usage,
      });
      return;
    }

    record.status = 200;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const send = (payload: unknown): void => {
      res.write(`data: ${JSON.stringify(payload)}\n\n`);
    };
    const chunk = (delta: Record<string, unknown>, finishReason: string | null): Record<string, unknown> => ({
      id,
      object: 'chat.completion.chunk',
      created,
      model: record.model,
      choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }],
    });
    const parts = pieces(text, 5);
    const limit = fault ? (fault.afterChunks ?? 1) : parts.length;
    send(chunk({ role: 'assistant', content: '' }, null));
    for (let i = 0; i < parts.length && i < limit; i++) {
      if (options.chunkDelayMs) await sleep(options.chunkDelayMs);
      if (res.destroyed) return;
      send(chunk({ content: parts[i] }, null));
    }
    if (fault?.kind === 'stall') return; // Leave the stream open and silent until the client gives up.
    if (fault?.kind === 'truncate') {
      res.end();
      return;
    }
    if (fault?.kind === 'cut') {
      res.socket?.destroy();
      return;
    }
    send(chunk({}, 'stop'));
    const streamOptions = record.body.stream_options as { include_usage?: boolean } | undefined;
    if (streamOptions?.include_usage) send({ id, object: 'chat.completion.chunk', created, model: record.model, choices: [], usage });
    res.write('data: [DONE]\n\n');
    res.end();
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    get options() {
      return state.options;
    },
    set options(o: FakeOpenAiOptions) {
      state.options = o;
    },
    reset() {
      requests.length = 0;
      maxInFlight = inFlight;
    },
    close() {
      return new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}
