// Retry policy, failure classification, key redaction, usage line: the summariser's small parts.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { APIConnectionError, APIError, APIUserAbortError } from 'openai';
import { classifyFailure, RequestTimeoutError, StreamStallError, TruncatedStreamError } from '../../src/core/summarize/failures.js';
import { defaultContextTokens, defaultPricing, estimateCost } from '../../src/core/summarize/modelFacts.js';
import { redactSecret, safeUrl } from '../../src/core/summarize/redact.js';
import { abortableSleep, backoffDelay, parseRetryAfter, withRetry, type RetryPolicy } from '../../src/core/summarize/retry.js';
import { formatUsage } from '../../src/core/summarize/usageText.js';

const POLICY: RetryPolicy = { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 1000 };

function apiError(status: number, headers: Record<string, string> = {}): APIError {
  return APIError.generate(status, { error: { message: 'x' } }, 'x', new Headers(headers));
}

describe('backoffDelay', () => {
  it('grows exponentially with jitter and never exceeds the cap', () => {
    for (let retry = 0; retry < 10; retry++) {
      const step = Math.min(1000, 100 * 2 ** retry);
      assert.equal(backoffDelay(POLICY, retry, undefined, () => 0), step / 2);
      assert.equal(backoffDelay(POLICY, retry, undefined, () => 1), step);
      assert.ok(backoffDelay(POLICY, retry, undefined, Math.random) <= 1000);
    }
  });

  it('honours Retry-After only up to the cap', () => {
    assert.equal(backoffDelay(POLICY, 0, 600, () => 0), 600);
    assert.equal(backoffDelay(POLICY, 0, 3_600_000, () => 0), 1000);
    assert.equal(backoffDelay(POLICY, 0, Infinity, () => 0), 50);
  });
});

describe('parseRetryAfter', () => {
  const h = (o: Record<string, string>) => new Headers(o);
  it('reads seconds, milliseconds and HTTP dates', () => {
    assert.equal(parseRetryAfter(h({ 'retry-after': '3600' }), 0), 3_600_000);
    assert.equal(parseRetryAfter(h({ 'retry-after-ms': '250' }), 0), 250);
    const now = Date.parse('2022-11-08T10:00:00Z');
    assert.equal(parseRetryAfter(h({ 'retry-after': 'Tue, 08 Nov 2022 10:00:30 GMT' }), now), 30_000);
    assert.equal(parseRetryAfter(h({ 'retry-after': 'soon' }), now), undefined);
    assert.equal(parseRetryAfter(h({}), now), undefined);
    assert.equal(parseRetryAfter(undefined, now), undefined);
  });
});

describe('withRetry', () => {
  it('retries retryable failures up to the bound, then throws the last error', async () => {
    let attempts = 0;
    const waits: number[] = [];
    await assert.rejects(
      withRetry({
        policy: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 5 },
        classify: () => ({ retryable: true }),
        onRetry: (_e, _n, d) => waits.push(d),
        attempt: async () => {
          attempts++;
          throw new Error(`boom ${attempts}`);
        },
      }),
      /boom 3/,
    );
    assert.equal(attempts, 3);
    assert.equal(waits.length, 2);
  });

  it('stops at once on a failure that is not retryable', async () => {
    let attempts = 0;
    await assert.rejects(
      withRetry({
        policy: POLICY,
        classify: () => ({ retryable: false }),
        attempt: async () => {
          attempts++;
          throw new Error('401');
        },
      }),
    );
    assert.equal(attempts, 1);
  });

  it('returns the first success', async () => {
    let attempts = 0;
    const v = await withRetry({
      policy: { maxRetries: 5, baseDelayMs: 1, maxDelayMs: 2 },
      classify: () => ({ retryable: true }),
      attempt: async () => {
        if (++attempts < 3) throw new Error('transient');
        return 'ok';
      },
    });
    assert.equal(v, 'ok');
    assert.equal(attempts, 3);
  });

  it('is interrupted by a cancel during its wait', async () => {
    const ctrl = new AbortController();
    const t0 = performance.now();
    const run = withRetry({
      policy: { maxRetries: 3, baseDelayMs: 60_000, maxDelayMs: 60_000 },
      signal: ctrl.signal,
      classify: () => ({ retryable: true, retryAfterMs: 3_600_000 }),
      attempt: async () => {
        throw new Error('429');
      },
    });
    setTimeout(() => ctrl.abort(), 50);
    await assert.rejects(run, (e: Error) => e.name === 'AbortError');
    assert.ok(performance.now() - t0 < 1000);
  });

  it('abortableSleep resolves after its time and rejects when already aborted', async () => {
    await abortableSleep(5, undefined);
    await assert.rejects(abortableSleep(10_000, AbortSignal.abort()), (e: Error) => e.name === 'AbortError');
  });
});

describe('classifyFailure', () => {
  it('tells fatal, retryable and final failures apart', () => {
    assert.deepEqual([classifyFailure(apiError(401)).fatal, classifyFailure(apiError(401)).retryable], [true, false]);
    assert.equal(classifyFailure(apiError(403)).fatal, true);
    assert.equal(classifyFailure(apiError(404)).fatal, true);
    const rate = classifyFailure(apiError(429, { 'retry-after': '3600' }));
    assert.equal(rate.retryable, true);
    assert.equal(rate.retryAfterMs, 3_600_000);
    assert.equal(classifyFailure(apiError(500)).retryable, true);
    assert.equal(classifyFailure(apiError(503)).retryable, true);
    assert.equal(classifyFailure(apiError(400)).retryable, false);
    assert.equal(classifyFailure(apiError(400)).fatal, false);
    assert.equal(classifyFailure(new StreamStallError(30_000)).retryable, true);
    assert.match(classifyFailure(new StreamStallError(30_000)).reason, /30 秒/);
    assert.equal(classifyFailure(new RequestTimeoutError(1000)).retryable, true);
    assert.equal(classifyFailure(new TruncatedStreamError()).retryable, true);
    assert.equal(classifyFailure(new APIConnectionError({ message: 'refused' })).retryable, true);
    assert.equal(classifyFailure(new APIUserAbortError()).aborted, true);
    assert.equal(classifyFailure(new TypeError('terminated')).retryable, true);
  });

  it('never carries the server\'s words into the reason', () => {
    const e = APIError.generate(500, { error: { message: 'sk-secret-leak in upstream' } }, 'sk-secret-leak', new Headers());
    assert.ok(!classifyFailure(e).reason.includes('sk-secret'));
  });
});

describe('redactSecret', () => {
  it('removes the key and key-shaped strings', () => {
    const key = 'sk-proj-abcdefghijklmnop1234';
    assert.equal(redactSecret(`Incorrect API key provided: ${key}.`, key), 'Incorrect API key provided: ***.');
    assert.equal(redactSecret('Incorrect API key provided: sk-abc1***********wxyz.', key), 'Incorrect API key provided: sk-***.');
    assert.equal(redactSecret('nothing here', key), 'nothing here');
    assert.equal(redactSecret('plain-key-value x', 'plain-key-value'), '*** x');
  });

  it('drops credentials and query from a base URL', () => {
    assert.equal(safeUrl('https://user:pw@example.org/v1?key=abc'), 'https://example.org/v1');
    assert.equal(safeUrl(undefined), '(default)');
    assert.equal(safeUrl('::'), '(invalid URL)');
  });
});

describe('usage and cost', () => {
  it('estimates cost for known models and says unknown otherwise', () => {
    assert.ok(defaultPricing('gpt-4o-mini') !== null);
    assert.equal(defaultPricing('my-local-llama'), null);
    assert.equal(estimateCost({ promptPerMTok: 1, completionPerMTok: 2 }, 1_000_000, 500_000), 2);
    assert.equal(estimateCost(null, 10, 10), null);
    assert.equal(defaultContextTokens('gpt-4o-mini-2024-07-18'), 128_000);
    assert.equal(defaultContextTokens('qwen/qwen-max'), 32_000);
    assert.equal(defaultContextTokens('unknown'), 16_384);
  });

  it('formats one closing line', () => {
    assert.equal(
      formatUsage({ calls: 25, cachedThreads: 3, promptTokens: 12345, completionTokens: 678, estimatedCostUsd: 0.0023 }),
      'LLM: 25 calls, 3 cached threads, 12,345 prompt + 678 completion tokens, ~$0.0023',
    );
    assert.match(formatUsage({ calls: 1, cachedThreads: 0, promptTokens: 1, completionTokens: 1, estimatedCostUsd: null }), /cost unknown$/);
  });
});
