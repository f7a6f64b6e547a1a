// The LLM summariser: the real openai SDK pointed at any OpenAI-compatible server (OpenAI,
// DeepSeek, Qwen/DashScope, Ollama, vLLM, llama.cpp) through `baseURL`. One streamed chat call per
// thread (map-reduce only for threads that do not fit the budget), `concurrency` threads at a
// time, each result handed to `onSummary` as it completes, results cached by content. Failures are
// bounded and honest: a thread that cannot be summarised gets the offline digest, marked.

import { join } from 'node:path';
import OpenAI from 'openai';
import type { Logger, Summarizer, SummarizeOptions, Summary, SummaryInput, SummaryUsage } from '../types.js';
import {
  classifyFailure,
  ContentFilterError,
  EmptyAnswerError,
  UnsupportedOptionError,
  RequestTimeoutError,
  StreamStallError,
  TruncatedStreamError,
} from './failures.js';
import { defaultContextTokens, defaultPricing, estimateCost, type ModelPricing } from './modelFacts.js';
import { MIN_PROMPT_BUDGET, planPrompts, planReduce, promptBudget, PROMPT_VERSION, type ChatMessage, type PromptPlan } from './prompt.js';
import { redactSecret, safeUrl } from './redact.js';
import { AbortedError, DEFAULT_RETRY_POLICY, withRetry, type RetryPolicy } from './retry.js';
import { createSummaryCache, summaryCacheKey, threadContentHash, type CachedSummary, type SummaryCache } from './summaryCache.js';
import { estimateChatTokens, estimateTokens } from './tokens.js';

export interface OpenAiSummarizerOptions {
  apiKey: string;
  /** An OpenAI-compatible endpoint, e.g. "https://api.deepseek.com/v1", "http://127.0.0.1:11434/v1". */
  baseURL?: string;
  model: string;
  /** Threads summarised at a time (default 4). */
  concurrency?: number;
  /** The model's context window in tokens (default: known models' value, else 16384). */
  contextTokens?: number;
  /** Room for the answer (default 1024). */
  maxOutputTokens?: number;
  /** Cache root (summaries go under `<cacheDir>/summaries`); null or absent: no cache. */
  cacheDir?: string | null;
  /** Bound on one request, first byte to last chunk (default 120 s). */
  requestTimeoutMs?: number;
  /** A stream with no chunk for this long has failed (default 30 s). */
  stallTimeoutMs?: number;
  /** Retries after a failed attempt (default 3). */
  maxRetries?: number;
  /** First backoff step (default 1 s). */
  retryBaseDelayMs?: number;
  /** Cap on any wait between attempts, a server's Retry-After included (default 20 s). */
  maxRetryDelayMs?: number;
  /** The offline digest: what a thread gets when the model fails. */
  fallback: Summarizer;
  logger?: Logger;
  /** Price for the cost estimate (default: known models' list price, else unknown). */
  pricing?: ModelPricing | null;
  /** Some servers (OpenAI o-series, gpt-5) only take max_completion_tokens; most others max_tokens. */
  maxTokensParam?: 'max_tokens' | 'max_completion_tokens';
  /** Ask for token usage in the stream (default true; turned off by itself when a server refuses it). */
  streamUsage?: boolean;
  /** Sampling temperature (default: the server's). */
  temperature?: number;
  /** Jitter source, for tests. */
  random?: () => number;
}

const NO_LOG: Logger = { info() {}, warn() {}, error() {} };

/** Reasoning models wrap their thinking in <think>...</think>: not part of the summary. */
function cleanAnswer(text: string): string {
  return text.replace(/<think>[\s\S]*?<\/think>/g, '').replace(/^\s*<think>[\s\S]*$/, '').trim();
}

interface CallResult {
  text: string;
  promptTokens: number;
  completionTokens: number;
}

interface Prepared {
  key: string;
  hit: CachedSummary | null;
  /** Null on a cache hit; an Error when no prompt could be built. */
  plan: PromptPlan | Error | null;
}

interface RunState {
  usage: { calls: number; cachedThreads: number; promptTokens: number; completionTokens: number };
  /** Set once a failure that dooms every call (401, 403, 404) has been seen. */
  fatalReason: string | null;
  log: Logger;
  /** Pending cache writes. */
  writes: Promise<void>[];
  /** Threads that failed in a row (after their retries): the circuit breaker's count. */
  consecutiveFailures: number;
}

export function createOpenAiSummarizer(options: OpenAiSummarizerOptions): Summarizer {
  const apiKey = options.apiKey;
  if (typeof apiKey !== 'string' || apiKey.trim() === '') throw new Error('an API key is required for the openai summarizer');
  if (!options.model || options.model.trim() === '') throw new Error('a model name is required for the openai summarizer');
  const model = options.model.trim();
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 4));
  const maxOutputTokens = Math.max(64, Math.floor(options.maxOutputTokens ?? 1024));
  const contextTokens = Math.floor(options.contextTokens ?? defaultContextTokens(model));
  const budget = promptBudget(contextTokens, maxOutputTokens);
  if (budget < MIN_PROMPT_BUDGET) {
    throw new Error(`context of ${contextTokens} tokens leaves ${budget} for the prompt after ${maxOutputTokens} for the answer; at least ${MIN_PROMPT_BUDGET} are needed`);
  }
  const requestTimeoutMs = options.requestTimeoutMs ?? 120_000;
  const stallTimeoutMs = options.stallTimeoutMs ?? 30_000;
  const policy: RetryPolicy = {
    maxRetries: Math.max(0, Math.floor(options.maxRetries ?? DEFAULT_RETRY_POLICY.maxRetries)),
    baseDelayMs: options.retryBaseDelayMs ?? DEFAULT_RETRY_POLICY.baseDelayMs,
    maxDelayMs: options.maxRetryDelayMs ?? DEFAULT_RETRY_POLICY.maxDelayMs,
  };
  const breakerThreshold = 2 * concurrency;
  // Some servers refuse stream_options; learnt once per summariser, then usage is estimated.
  let streamUsage = options.streamUsage ?? true;
  const pricing = options.pricing === undefined ? defaultPricing(model) : options.pricing;
  const maxTokensParam = options.maxTokensParam ?? 'max_tokens';
  const cache: SummaryCache | null = options.cacheDir ? createSummaryCache(join(options.cacheDir, 'summaries')) : null;
  // The SDK's own retry would honour any Retry-After, however long: retries are ours (retry.ts).
  const client = new OpenAI({ apiKey, baseURL: options.baseURL, maxRetries: 0, timeout: requestTimeoutMs, logLevel: 'off' });
  const endpoint = safeUrl(options.baseURL);

  /** One streamed request; throws on any failure, including a stream that ends without finishing. */
  async function streamOnce(messages: ChatMessage[], state: RunState, signal: AbortSignal | undefined): Promise<CallResult> {
    const ctrl = new AbortController();
    let why: 'stall' | 'timeout' | null = null;
    const onCancel = (): void => ctrl.abort();
    signal?.addEventListener('abort', onCancel, { once: true });
    const total = setTimeout(() => {
      why = 'timeout';
      ctrl.abort();
    }, requestTimeoutMs);
    let stall: NodeJS.Timeout | undefined;
    const armStall = (): void => {
      clearTimeout(stall);
      stall = setTimeout(() => {
        why ??= 'stall';
        ctrl.abort();
      }, stallTimeoutMs);
    };
    state.usage.calls++;
    try {
      const body: OpenAI.Chat.Completions.ChatCompletionCreateParamsStreaming = {
        model,
        messages,
        stream: true,
        [maxTokensParam]: maxOutputTokens,
      };
      if (streamUsage) body.stream_options = { include_usage: true };
      if (options.temperature !== undefined) body.temperature = options.temperature;
      const stream = await client.chat.completions.create(body, { signal: ctrl.signal, maxRetries: 0, timeout: requestTimeoutMs });
      armStall();
      let text = '';
      let finish: string | null = null;
      let promptTokens: number | null = null;
      let completionTokens: number | null = null;
      for await (const chunk of stream) {
        armStall();
        for (const choice of chunk.choices ?? []) {
          const piece = choice.delta?.content;
          if (typeof piece === 'string') text += piece;
          if (choice.finish_reason) finish = choice.finish_reason;
        }
        if (chunk.usage) {
          promptTokens = chunk.usage.prompt_tokens ?? null;
          completionTokens = chunk.usage.completion_tokens ?? null;
        }
      }
      if (finish === null) throw new TruncatedStreamError();
      if (finish === 'content_filter') throw new ContentFilterError();
      const answer = cleanAnswer(text);
      const pt = promptTokens ?? estimateChatTokens(messages);
      const ct = completionTokens ?? estimateTokens(text);
      // Billed even when the answer is unusable.
      state.usage.promptTokens += pt;
      state.usage.completionTokens += ct;
      if (answer === '') throw new EmptyAnswerError();
      if (finish === 'length') state.log.warn(`model answer hit the ${maxOutputTokens}-token limit and may be cut short`);
      return { text: answer, promptTokens: pt, completionTokens: ct };
    } catch (err) {
      if (signal?.aborted) throw new AbortedError();
      if (streamUsage && err instanceof OpenAI.APIError && err.status === 400 && /stream_options|include_usage/i.test(err.message)) {
        streamUsage = false;
        state.log.info(`${endpoint} does not take stream_options: token usage will be estimated`);
        throw new UnsupportedOptionError();
      }
      if (why === 'stall') throw new StreamStallError(stallTimeoutMs);
      if (why === 'timeout') throw new RequestTimeoutError(requestTimeoutMs);
      throw err;
    } finally {
      clearTimeout(total);
      clearTimeout(stall);
      signal?.removeEventListener('abort', onCancel);
    }
  }

  /** A call with bounded retries; a fatal failure stops every later call of the run. */
  async function call(messages: ChatMessage[], state: RunState, signal: AbortSignal | undefined, label: string): Promise<CallResult> {
    return withRetry({
      policy,
      signal,
      random: options.random,
      classify: (err) => {
        const info = classifyFailure(err);
        // Once the run knows the key is wrong, nothing is worth retrying.
        return state.fatalReason !== null ? { ...info, retryable: false } : info;
      },
      onRetry: (err, retry, delayMs) => {
        const info = classifyFailure(err);
        state.log.info(`${label}: ${info.reason}; retry ${retry}/${policy.maxRetries} in ${Math.round(delayMs)} ms`);
      },
      attempt: () => {
        if (state.fatalReason !== null) return Promise.reject(new Error(state.fatalReason));
        return streamOnce(messages, state, signal);
      },
    });
  }

  /** The model's summary of one thread: one call, or map-reduce when it does not fit. */
  async function summarizeThread(input: SummaryInput, plan: PromptPlan, state: RunState, signal: AbortSignal | undefined): Promise<CallResult> {
    const label = `thread ${input.thread.id}`;
    if (plan.kind === 'single') return call(plan.messages, state, signal, label);
    state.log.info(`${label}: too large for one prompt, summarising ${plan.chunks.length} parts`);
    let notes: string[] = [];
    const sum = { promptTokens: 0, completionTokens: 0 };
    const add = (r: CallResult): string => {
      sum.promptTokens += r.promptTokens;
      sum.completionTokens += r.completionTokens;
      return r.text;
    };
    for (const chunk of plan.chunks) notes.push(add(await call(chunk, state, signal, label)));
    for (;;) {
      const step = planReduce(input, notes, budget);
      if (step.kind === 'final') {
        const text = add(await call(step.messages, state, signal, label));
        return { text, ...sum };
      }
      const merged: string[] = [];
      for (const group of step.groups) merged.push(add(await call(group, state, signal, label)));
      notes = merged;
    }
  }

  async function offline(input: SummaryInput, reason: string, signal: AbortSignal | undefined): Promise<Summary> {
    const { summaries } = await options.fallback.summarize([input], { signal });
    const s = summaries[0]!;
    return { text: s.text, source: 'offline', fallbackReason: reason };
  }

  /** The cache lookup and the prompts of one thread: done ahead, while earlier calls are in flight. */
  async function prepare(input: SummaryInput): Promise<Prepared> {
    const key = summaryCacheKey(threadContentHash(input), model, PROMPT_VERSION);
    const hit = cache ? await cache.get(key) : null;
    if (hit !== null && hit.model === model && hit.promptVersion === PROMPT_VERSION) return { key, hit, plan: null };
    try {
      return { key, hit: null, plan: planPrompts(input, budget) };
    } catch (err) {
      return { key, hit: null, plan: err instanceof Error ? err : new Error(String(err)) };
    }
  }

  async function one(input: SummaryInput, prepared: Prepared, state: RunState, signal: AbortSignal | undefined): Promise<Summary> {
    const { key, hit, plan } = prepared;
    if (hit !== null) {
      state.usage.cachedThreads++;
      return { text: hit.text, source: 'llm', model };
    }
    if (state.fatalReason !== null) return offline(input, state.fatalReason, signal);
    if (plan === null || plan instanceof Error) {
      state.log.warn(`thread ${input.thread.id}: no prompt could be built (${plan instanceof Error ? redactSecret(plan.message, apiKey) : 'no plan'}); using the offline digest`);
      return offline(input, '无法为该线程构造提示词', signal);
    }
    let result: CallResult;
    try {
      result = await summarizeThread(input, plan, state, signal);
    } catch (err) {
      const info = classifyFailure(err);
      if (signal?.aborted || info.aborted) throw new AbortedError();
      if (info.fatal && state.fatalReason === null) {
        state.fatalReason = info.reason;
        state.log.error(`${endpoint} refused the request for model ${model}: ${info.reason}; every thread uses the offline digest`);
      }
      const reason = state.fatalReason ?? info.reason;
      if (!info.fatal && state.fatalReason === null) {
        const detail = err instanceof Error ? redactSecret(err.message, apiKey).slice(0, 200) : '';
        state.log.warn(`thread ${input.thread.id}: model summary failed (${info.reason}${detail ? `: ${detail}` : ''}); using the offline digest`);
        // A server that fails thread after thread, retries included, is down: stop asking it.
        state.consecutiveFailures++;
        if (state.consecutiveFailures >= breakerThreshold && state.fatalReason === null) {
          state.fatalReason = `${info.reason}；连续 ${state.consecutiveFailures} 个线程失败后不再调用模型`;
          state.log.error(`${endpoint}: ${state.consecutiveFailures} threads in a row failed (${info.reason}); the remaining threads use the offline digest`);
        }
      }
      return offline(input, reason, signal);
    }
    state.consecutiveFailures = 0;
    if (cache) {
      // Written off the critical path (an fsync per entry); summarize() awaits them before returning.
      const entry = {
        text: result.text,
        model,
        promptVersion: PROMPT_VERSION,
        promptTokens: result.promptTokens,
        completionTokens: result.completionTokens,
        createdAt: new Date().toISOString(),
      };
      state.writes.push(
        cache.set(key, entry).catch((err: unknown) => {
          state.log.warn(`summary cache write failed: ${err instanceof Error ? redactSecret(err.message, apiKey) : 'unknown error'}`);
        }),
      );
    }
    return { text: result.text, source: 'llm', model };
  }

  return {
    name: `openai:${model}`,
    async summarize(inputs: SummaryInput[], opts: SummarizeOptions = {}) {
      const signal = opts.signal;
      if (signal?.aborted) throw new AbortedError();
      const raw = opts.logger ?? options.logger ?? NO_LOG;
      // Every line the summariser logs passes through the redactor.
      const log: Logger = {
        info: (m) => raw.info(redactSecret(m, apiKey)),
        warn: (m) => raw.warn(redactSecret(m, apiKey)),
        error: (m) => raw.error(redactSecret(m, apiKey)),
      };
      const state: RunState = { usage: { calls: 0, cachedThreads: 0, promptTokens: 0, completionTokens: 0 }, fatalReason: null, log, writes: [], consecutiveFailures: 0 };
      const summaries: Summary[] = new Array(inputs.length);
      let next = 0;
      let done = 0;
      // Cancel every worker as soon as one fails hard (only a cancel or a bug gets here).
      const inner = new AbortController();
      const onCancel = (): void => inner.abort();
      signal?.addEventListener('abort', onCancel, { once: true });
      opts.progress?.('summarize', 0, inputs.length);
      // Preparation is memoised per thread: a worker prepares its own thread if the look-ahead
      // below has not reached it yet.
      const prepared = new Map<number, Promise<Prepared>>();
      const prepareAt = (i: number): Promise<Prepared> => {
        let p = prepared.get(i);
        if (!p) {
          p = prepare(inputs[i]!);
          prepared.set(i, p);
        }
        return p;
      };
      const worker = async (): Promise<void> => {
        while (next < inputs.length && !inner.signal.aborted) {
          const i = next++;
          const input = inputs[i]!;
          const ready = await prepareAt(i);
          prepared.delete(i);
          const summary = await one(input, ready, state, inner.signal);
          summaries[i] = summary;
          done++;
          opts.progress?.('summarize', done, inputs.length);
          opts.onSummary?.(input.thread.id, summary);
        }
      };
      // Look ahead: build the next threads' prompts while the calls in flight wait on the network,
      // so a finished call is followed by the next one at once. A few threads ahead only, so a
      // huge week does not hold every prompt in memory.
      const lookAhead = async (): Promise<void> => {
        for (let i = 0; i < inputs.length && !inner.signal.aborted; i++) {
          while (i >= next + concurrency * 2 && !inner.signal.aborted) await new Promise((r) => setTimeout(r, 5));
          if (i >= next) await prepareAt(i);
          await new Promise((r) => setImmediate(r));
        }
      };
      const workers = Array.from({ length: Math.min(concurrency, inputs.length) }, () =>
        worker().catch((err: unknown) => {
          inner.abort();
          throw err;
        }),
      );
      const ahead = lookAhead().catch(() => undefined);
      try {
        const settled = await Promise.allSettled(workers);
        inner.abort();
        await ahead;
        if (signal?.aborted) throw new AbortedError();
        // The first real failure, not the aborts it caused in the other workers.
        const failures = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected').map((s) => s.reason as unknown);
        if (failures.length > 0) throw failures.find((e) => !(e instanceof AbortedError)) ?? failures[0];
      } finally {
        signal?.removeEventListener('abort', onCancel);
        await Promise.all(state.writes);
      }
      const usage: SummaryUsage = {
        ...state.usage,
        estimatedCostUsd: estimateCost(pricing, state.usage.promptTokens, state.usage.completionTokens),
      };
      log.info(
        `summaries by ${model}: ${state.usage.calls} calls, ${state.usage.cachedThreads} cached, ${state.usage.promptTokens}+${state.usage.completionTokens} tokens`,
      );
      return { summaries, usage };
    },
  };
}

/** Options for building the summariser from the environment (the CLI). */
export interface EnvSummarizerOptions extends Omit<OpenAiSummarizerOptions, 'apiKey' | 'model' | 'baseURL'> {
  /** --model; falls back to OPENAI_MODEL, then DEFAULT_MODEL. */
  model?: string;
  /** Falls back to OPENAI_BASE_URL, then the SDK's default (api.openai.com). */
  baseURL?: string;
}

export const DEFAULT_MODEL = 'gpt-4o-mini';

/**
 * The CLI's way in: OPENAI_API_KEY (required), OPENAI_BASE_URL, OPENAI_MODEL, and
 * KVMARM_LLM_CONTEXT_TOKENS / KVMARM_LLM_CONCURRENCY when the flags do not say.
 * Throws a one-line error naming the missing variable (never its value).
 */
export function summarizerFromEnv(env: Readonly<Record<string, string | undefined>>, options: EnvSummarizerOptions): Summarizer {
  const apiKey = env.OPENAI_API_KEY?.trim();
  if (!apiKey) throw new Error('OPENAI_API_KEY is not set (the openai summarizer needs it)');
  const num = (name: string): number | undefined => {
    const v = env[name];
    if (v === undefined || v.trim() === '') return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number`);
    return n;
  };
  return createOpenAiSummarizer({
    ...options,
    apiKey,
    model: options.model ?? (env.OPENAI_MODEL?.trim() || DEFAULT_MODEL),
    baseURL: options.baseURL ?? (env.OPENAI_BASE_URL?.trim() || undefined),
    contextTokens: options.contextTokens ?? num('KVMARM_LLM_CONTEXT_TOKENS'),
    concurrency: options.concurrency ?? num('KVMARM_LLM_CONCURRENCY'),
  });
}
