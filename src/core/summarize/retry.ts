// Bounded retries with exponential backoff and full jitter. The openai SDK's own retry honours a
// server's Retry-After without any cap (a 429 saying "retry in an hour" would hang the report), so
// the SDK runs with maxRetries: 0 and this loop decides: a bounded number of attempts, each wait
// capped, every wait cut short by the caller's cancel.

import { retryAfterMs as readRetryAfter } from '../retryAfter.js';

export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** First backoff step. */
  baseDelayMs: number;
  /** Cap on any single wait, including a server's Retry-After. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 3, baseDelayMs: 1000, maxDelayMs: 20_000 };

/** What a failed attempt tells the retry loop. */
export interface AttemptFailure {
  retryable: boolean;
  /** Server-requested wait (Retry-After), uncapped as received. */
  retryAfterMs?: number;
}

/**
 * The wait before retry number `retry` (0-based): full jitter over an exponential step, or the
 * server's Retry-After when it asks for longer; never above the cap.
 */
export function backoffDelay(policy: RetryPolicy, retry: number, retryAfterMs: number | undefined, random: () => number): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  const jittered = step / 2 + random() * (step / 2);
  const wanted = retryAfterMs !== undefined && Number.isFinite(retryAfterMs) && retryAfterMs > jittered ? retryAfterMs : jittered;
  return Math.max(0, Math.min(policy.maxDelayMs, wanted));
}

/** Parses Retry-After / retry-after-ms headers into milliseconds (undefined when absent or bad). */
export function parseRetryAfter(headers: { get(name: string): string | null } | undefined, now: number): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '' && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  return readRetryAfter(headers.get('retry-after'), now) ?? undefined;
}

export class AbortedError extends Error {
  constructor() {
    super('aborted');
    this.name = 'AbortError';
  }
}

/** Resolves after `ms`, or rejects with AbortedError as soon as `signal` aborts. */
export function abortableSleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new AbortedError());
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new AbortedError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export interface RetryOptions<T> {
  policy: RetryPolicy;
  signal?: AbortSignal;
  random?: () => number;
  /** Classifies a failure; anything it marks non-retryable ends the loop at once. */
  classify: (error: unknown) => AttemptFailure;
  /** Told about each retry before its wait (for logging). */
  onRetry?: (error: unknown, retry: number, delayMs: number) => void;
  attempt: (attemptNumber: number) => Promise<T>;
}

/** Runs `attempt` until it succeeds, a failure is not retryable, retries run out, or `signal` aborts. */
export async function withRetry<T>(options: RetryOptions<T>): Promise<T> {
  const random = options.random ?? Math.random;
  for (let n = 0; ; n++) {
    if (options.signal?.aborted) throw new AbortedError();
    try {
      return await options.attempt(n);
    } catch (err) {
      if (options.signal?.aborted) throw new AbortedError();
      const failure = options.classify(err);
      if (!failure.retryable || n >= options.policy.maxRetries) throw err;
      const delay = backoffDelay(options.policy, n, failure.retryAfterMs, random);
      options.onRetry?.(err, n + 1, delay);
      await abortableSleep(delay, options.signal);
    }
  }
}
