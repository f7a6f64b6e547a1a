// The LLM summariser against an OpenAI-compatible server on 127.0.0.1, through the real openai SDK.
// Covers issue 4's acceptance: speed through concurrency, one call per thread, the cache, the
// budget, faults ending in marked offline digests, cancel, and the key never leaking.

import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createOfflineSummarizer, offlineDigest } from '../../src/core/summarize/offline.js';
import { createOpenAiSummarizer, summarizerFromEnv, type OpenAiSummarizerOptions } from '../../src/core/summarize/openai.js';
import { promptBudget } from '../../src/core/summarize/prompt.js';
import { estimateChatTokens } from '../../src/core/summarize/tokens.js';
import type { Logger, Summary, SummaryInput } from '../../src/core/types.js';
import { FAKE_REPLY_MARK, startFakeOpenAi, subjectOfPrompt, type FakeOpenAiServer } from '../support/fakeOpenAi.js';
import { hugeThread, makeInput, makeMail, weekOfThreads } from '../support/llmThreads.js';

const KEY = 'sk-test-kvmarm-7f3a9c2e1b5d4e6f8a0b';

interface CapturedLog extends Logger {
  lines: string[];
  errors: string[];
}

function captureLog(): CapturedLog {
  const lines: string[] = [];
  const errors: string[] = [];
  return {
    lines,
    errors,
    info: (m) => lines.push(`info ${m}`),
    warn: (m) => lines.push(`warn ${m}`),
    error: (m) => {
      lines.push(`error ${m}`);
      errors.push(m);
    },
  };
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out.push(join(e.parentPath ?? (e as unknown as { path: string }).path, e.name));
  }
  return out;
}

describe('openai summarizer', () => {
  let server: FakeOpenAiServer;
  let tmp: string;

  before(async () => {
    server = await startFakeOpenAi({ apiKey: KEY });
    tmp = await mkdtemp(join(tmpdir(), 'kvmarm-llm-'));
  });
  after(async () => {
    await server.close();
    await rm(tmp, { recursive: true, force: true });
  });

  const make = (over: Partial<OpenAiSummarizerOptions> = {}) =>
    createOpenAiSummarizer({
      apiKey: KEY,
      baseURL: server.baseURL,
      model: 'test-model',
      fallback: createOfflineSummarizer(),
      retryBaseDelayMs: 20,
      maxRetryDelayMs: 100,
      ...over,
    });

  it('summarises a week of 24 threads concurrently (default concurrency), one call each, then from the cache', async () => {
    server.options = { apiKey: KEY, latencyMs: 500 };
    server.reset();
    const cacheDir = join(tmp, 'week');
    // 24 threads at the default concurrency of 4: 6 rounds of 0.5 s = 3 s against a bound of 4 s.
    const inputs = weekOfThreads(24);
    const streamed: Array<[string, Summary]> = [];
    const summarizer = make({ cacheDir });
    const t0 = performance.now();
    const { summaries, usage } = await summarizer.summarize(inputs, { onSummary: (id, s) => streamed.push([id, s]) });
    const elapsed = performance.now() - t0;

    assert.equal(summaries.length, 24);
    summaries.forEach((s, i) => {
      assert.equal(s.source, 'llm', `thread ${i} fell back: ${s.fallbackReason}`);
      assert.equal(s.model, 'test-model');
      assert.ok(s.text.includes(FAKE_REPLY_MARK), s.text);
      assert.ok(s.text.includes(inputs[i]!.thread.subject.full), `thread ${i} got another thread's text`);
    });
    // At most one call per thread: 24 requests, each about a different thread.
    assert.equal(server.requests.length, 24);
    const subjects = new Set(server.requests.map((r) => subjectOfPrompt(r.messages)));
    assert.equal(subjects.size, 24);
    assert.ok(server.maxInFlight >= 3, `only ${server.maxInFlight} in flight at once`);
    const sequential = server.requests.reduce((sum, r) => sum + (r.endedAt! - r.startedAt), 0);
    assert.ok(sequential >= 24 * 500);
    assert.ok(elapsed < sequential / 3, `summarising took ${elapsed.toFixed(0)} ms, sequential ${sequential} ms`);
    console.log(`24 threads at 500 ms/call: ${elapsed.toFixed(0)} ms (sequential ${sequential} ms), max in flight ${server.maxInFlight}`);

    // Streamed as they came, each thread once.
    assert.equal(streamed.length, 24);
    assert.deepEqual(new Set(streamed.map(([id]) => id)), new Set(inputs.map((x) => x.thread.id)));
    assert.equal(usage!.calls, 24);
    assert.equal(usage!.cachedThreads, 0);
    assert.ok(usage!.promptTokens > 0 && usage!.completionTokens > 0);
    // The server reported usage (prompt chars / 3 in the fake): the summariser used it, not its estimate.
    const reported = server.requests.reduce((n, r) => n + Math.ceil(r.messages.reduce((c, m) => c + m.content.length, 0) / 3), 0);
    assert.equal(usage!.promptTokens, reported);
    // The stream asked for usage.
    assert.ok(server.requests.every((r) => r.stream && (r.body.stream_options as { include_usage?: boolean })?.include_usage === true));

    // Again: zero calls, same texts.
    server.reset();
    const again = await make({ cacheDir }).summarize(inputs, {});
    assert.equal(server.requests.length, 0);
    assert.deepEqual(
      again.summaries.map((s) => s.text),
      summaries.map((s) => s.text),
    );
    assert.equal(again.usage!.cachedThreads, 24);
    assert.equal(again.usage!.calls, 0);

    // A thread with a new message is summarised again; the others are not.
    const changed = inputs.map((x) => ({ ...x, thread: { ...x.thread, messages: [...x.thread.messages] } }));
    const t = changed[3]!.thread;
    t.messages.push({
      mail: makeMail({ id: 'new-reply@example.org', parent: t.id, text: 'Applied to kvmarm/next, thanks.' }, t.subject.full),
      parentId: t.id,
      depth: 1,
      inWindow: true,
    });
    server.reset();
    server.options = { apiKey: KEY, latencyMs: 10 };
    const third = await make({ cacheDir }).summarize(changed, {});
    assert.equal(server.requests.length, 1);
    assert.equal(subjectOfPrompt(server.requests[0]!.messages), t.subject.full);
    assert.equal(third.usage!.cachedThreads, 23);
  });

  it('keeps every prompt within the budget and still summarises a thread larger than it', async () => {
    server.options = { apiKey: KEY };
    server.reset();
    const contextTokens = 4096;
    const maxOutputTokens = 512;
    const budget = promptBudget(contextTokens, maxOutputTokens);
    const huge = makeInput(hugeThread(60, 30), 'RFC');
    const inputs = [...weekOfThreads(6), huge];
    const { summaries } = await make({ contextTokens, maxOutputTokens }).summarize(inputs, {});
    for (const s of summaries) assert.equal(s.source, 'llm', s.fallbackReason);
    const sizes = server.requests.map((r) => estimateChatTokens(r.messages as Array<{ role: string; content: string }>));
    assert.ok(Math.max(...sizes) <= budget, `largest prompt ${Math.max(...sizes)} > budget ${budget}`);
    // The huge thread took several calls (map-reduce); the others one each.
    const hugeCalls = server.requests.filter((r) => subjectOfPrompt(r.messages) === huge.thread.subject.full).length;
    assert.ok(hugeCalls >= 3, `huge thread made ${hugeCalls} calls`);
    assert.equal(server.requests.length, 6 + hugeCalls);
    assert.ok(summaries[6]!.text.includes(FAKE_REPLY_MARK));
    // The answer may be at most maxOutputTokens long.
    assert.ok(server.requests.every((r) => r.body.max_tokens === maxOutputTokens));
  });

  describe('faults end in marked offline digests', () => {
    const inputs = weekOfThreads(6);
    const offlineTexts = inputs.map((x) => offlineDigest(x));

    const expectOffline = (summaries: Summary[], reasonPattern: RegExp): void => {
      summaries.forEach((s, i) => {
        assert.equal(s.source, 'offline');
        assert.match(s.fallbackReason ?? '', reasonPattern);
        // The digest itself, never an error string in the text.
        assert.equal(s.text, offlineTexts[i]);
      });
    };

    it('429 with a huge Retry-After: bounded retries, capped waits', async () => {
      server.options = { apiKey: KEY, fault: () => ({ kind: 'status', status: 429, retryAfter: '3600' }) };
      server.reset();
      const t0 = performance.now();
      const { summaries } = await make({ maxRetries: 2, maxRetryDelayMs: 150 }).summarize(inputs, {});
      const elapsed = performance.now() - t0;
      expectOffline(summaries, /429/);
      assert.equal(server.requests.length, inputs.length * 3);
      assert.ok(elapsed < 5000, `took ${elapsed} ms`);
    });

    it('500 on every attempt', async () => {
      server.options = { apiKey: KEY, fault: () => ({ kind: 'status', status: 500 }) };
      server.reset();
      const { summaries } = await make({ maxRetries: 2 }).summarize(inputs, {});
      expectOffline(summaries, /500/);
      assert.equal(server.requests.length, inputs.length * 3);
    });

    it('a 500 once is retried and the model text arrives', async () => {
      const failedOnce = new Set<string>();
      server.options = {
        apiKey: KEY,
        fault: (r) => {
          const s = subjectOfPrompt(r.messages);
          if (failedOnce.has(s)) return null;
          failedOnce.add(s);
          return { kind: 'status', status: 500 };
        },
      };
      server.reset();
      const { summaries, usage } = await make({ maxRetries: 2 }).summarize(inputs, {});
      for (const s of summaries) assert.equal(s.source, 'llm');
      assert.equal(server.requests.length, inputs.length * 2);
      assert.equal(usage!.calls, inputs.length * 2);
    });

    it('a stream that stalls fails by the stall timer', async () => {
      server.options = { apiKey: KEY, fault: () => ({ kind: 'stall', afterChunks: 1 }) };
      server.reset();
      const t0 = performance.now();
      const { summaries } = await make({ maxRetries: 1, stallTimeoutMs: 300 }).summarize(inputs, {});
      const elapsed = performance.now() - t0;
      expectOffline(summaries, /停滞/);
      assert.equal(server.requests.length, inputs.length * 2);
      assert.ok(elapsed < 8000, `took ${elapsed} ms`);
      // The client hung up on every stalled stream.
      await new Promise((r) => setTimeout(r, 50));
      assert.ok(server.requests.every((r) => r.aborted));
    });

    it('a request that takes too long fails by the request timeout', async () => {
      server.options = { apiKey: KEY, latencyMs: 5000 };
      server.reset();
      const t0 = performance.now();
      const { summaries } = await make({ maxRetries: 0, requestTimeoutMs: 300 }).summarize(inputs.slice(0, 2), {});
      expectOffline(summaries, /超时/);
      assert.ok(performance.now() - t0 < 3000);
    });

    it('a stream ending without finish_reason is a failure', async () => {
      server.options = { apiKey: KEY, fault: () => ({ kind: 'truncate', afterChunks: 2 }) };
      server.reset();
      const { summaries } = await make({ maxRetries: 1 }).summarize(inputs, {});
      expectOffline(summaries, /截断/);
      assert.equal(server.requests.length, inputs.length * 2);
    });

    it('a connection cut mid-stream is a failure', async () => {
      server.options = { apiKey: KEY, fault: () => ({ kind: 'cut', afterChunks: 2 }) };
      server.reset();
      const { summaries } = await make({ maxRetries: 1 }).summarize(inputs, {});
      expectOffline(summaries, /./);
      assert.equal(server.requests.length, inputs.length * 2);
    });

    it('a server failing thread after thread is given up on (circuit breaker)', async () => {
      server.options = { apiKey: KEY, fault: () => ({ kind: 'status', status: 502 }) };
      server.reset();
      const log = captureLog();
      const many = weekOfThreads(20);
      const { summaries } = await make({ maxRetries: 1, concurrency: 4 }).summarize(many, { logger: log });
      summaries.forEach((s, i) => {
        assert.equal(s.source, 'offline');
        assert.match(s.fallbackReason!, /502/);
        assert.equal(s.text, offlineDigest(many[i]!));
      });
      // 8 threads in a row (2 x concurrency) trip it; those in flight then finish: far fewer than 20 x 2 calls.
      assert.ok(server.requests.length >= 16 && server.requests.length <= 24, `${server.requests.length} calls`);
      assert.equal(log.errors.length, 1);
      assert.match(log.errors[0]!, /in a row/);
    });

    it('a wrong key fails fast, without retries, reported once', async () => {
      server.options = { apiKey: 'sk-the-right-one' };
      server.reset();
      const log = captureLog();
      const many = weekOfThreads(20);
      const { summaries } = await make({ maxRetries: 3, concurrency: 4 }).summarize(many, { logger: log });
      summaries.forEach((s, i) => {
        assert.equal(s.source, 'offline');
        assert.match(s.fallbackReason!, /401/);
        assert.equal(s.text, offlineDigest(many[i]!));
      });
      // Only the calls already in flight when the first 401 came back.
      assert.ok(server.requests.length <= 4, `${server.requests.length} calls`);
      assert.equal(log.errors.length, 1);
      assert.match(log.errors[0]!, /401/);
      assert.ok(!log.lines.some((l) => l.includes(KEY)));
    });
  });

  describe('cancel', () => {
    it('stops all work within 0.5 s while calls are in flight', async () => {
      server.options = { apiKey: KEY, latencyMs: 5000 };
      server.reset();
      const ctrl = new AbortController();
      const inputs = weekOfThreads(25);
      const run = make().summarize(inputs, { signal: ctrl.signal });
      await new Promise((r) => setTimeout(r, 300));
      assert.ok(server.inFlight >= 3);
      const t0 = performance.now();
      ctrl.abort();
      await assert.rejects(run, (err: Error) => err.name === 'AbortError');
      const stopped = performance.now() - t0;
      assert.ok(stopped < 500, `took ${stopped} ms to stop`);
      const before = server.requests.length;
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(server.requests.length, before, 'a call started after cancel');
      assert.equal(server.inFlight, 0, 'connections left open');
      assert.ok(server.requests.every((r) => r.aborted));
    });

    it('interrupts a backoff wait at once', async () => {
      server.options = { apiKey: KEY, fault: () => ({ kind: 'status', status: 503, retryAfter: '60' }) };
      server.reset();
      const ctrl = new AbortController();
      const run = make({ maxRetries: 5, retryBaseDelayMs: 10_000, maxRetryDelayMs: 60_000 }).summarize(weekOfThreads(3), {
        signal: ctrl.signal,
      });
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(server.requests.length, 3, 'all three in their first backoff');
      const t0 = performance.now();
      ctrl.abort();
      await assert.rejects(run, (err: Error) => err.name === 'AbortError');
      assert.ok(performance.now() - t0 < 500);
    });

    it('rejects at once when already cancelled', async () => {
      server.reset();
      await assert.rejects(make().summarize(weekOfThreads(2), { signal: AbortSignal.abort() }), (err: Error) => err.name === 'AbortError');
      assert.equal(server.requests.length, 0);
    });
  });

  it('never writes the API key to a file, a log line or a summary', async () => {
    const cacheDir = join(tmp, 'secret');
    const log = captureLog();
    const inputs = weekOfThreads(4);
    // A successful run (the cache gets written) ...
    server.options = { apiKey: KEY };
    const ok = await make({ cacheDir, logger: log }).summarize(inputs, {});
    // ... a wrong-key run against a server that echoes the key it got ...
    server.options = { apiKey: 'sk-the-right-one' };
    const bad = await make({ cacheDir, logger: log }).summarize(weekOfThreads(3).map((x) => ({ ...x, category: 'Other' as const })), {});
    // ... and a run of transient failures whose messages carry the key.
    server.options = { apiKey: KEY, fault: () => ({ kind: 'status', status: 500, message: `upstream said ${KEY}` }) };
    const flaky = await make({ cacheDir, logger: log, maxRetries: 1 }).summarize(weekOfThreads(2).map((x) => ({ ...x, category: 'Bug Report' as const })), {});
    assert.ok(log.lines.some((l) => l.includes('500')), 'the failure was logged');

    const files = await filesUnder(cacheDir);
    assert.ok(files.length >= 4, 'the cache was written');
    for (const f of files) {
      assert.ok((await stat(f)).isFile());
      const body = await readFile(f, 'utf8');
      assert.ok(!body.includes(KEY), `${f} holds the key`);
      assert.ok(!body.includes(KEY.slice(3, 20)), `${f} holds part of the key`);
    }
    for (const line of log.lines) assert.ok(!line.includes(KEY) && !line.includes(KEY.slice(3, 20)), line);
    const everything = JSON.stringify([ok, bad, flaky]);
    assert.ok(!everything.includes(KEY));
    assert.ok(!everything.includes(KEY.slice(3, 20)));
  });

  it('drops stream_options for a server that refuses it, and estimates usage instead', async () => {
    server.options = { apiKey: KEY, rejectStreamOptions: true };
    server.reset();
    const summarizer = make({ concurrency: 1 });
    const { summaries, usage } = await summarizer.summarize(weekOfThreads(3), {});
    for (const s of summaries) assert.equal(s.source, 'llm');
    assert.equal(server.requests.length, 4, 'one refused call, then one per thread');
    assert.equal(server.requests[0]!.status, 400);
    assert.ok(server.requests.slice(1).every((r) => r.body.stream_options === undefined));
    assert.ok(usage!.promptTokens > 0 && usage!.completionTokens > 0, 'estimated usage');
    // Learnt once: the next run does not ask again.
    server.reset();
    await summarizer.summarize(weekOfThreads(1), {});
    assert.equal(server.requests.length, 1);
  });

  it('builds from the environment: OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_MODEL', async () => {
    server.options = { apiKey: KEY };
    server.reset();
    const env = { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: server.baseURL, OPENAI_MODEL: 'env-model' };
    const s = summarizerFromEnv(env, { fallback: createOfflineSummarizer() });
    assert.equal(s.name, 'openai:env-model');
    const { summaries } = await s.summarize(weekOfThreads(1), {});
    assert.equal(summaries[0]!.source, 'llm');
    assert.equal(server.requests[0]!.model, 'env-model');
    assert.equal(server.requests[0]!.authorization, `Bearer ${KEY}`);
    // --model wins over OPENAI_MODEL.
    assert.equal(summarizerFromEnv(env, { model: 'flag-model', fallback: createOfflineSummarizer() }).name, 'openai:flag-model');
    assert.throws(() => summarizerFromEnv({}, { fallback: createOfflineSummarizer() }), /OPENAI_API_KEY is not set/);
    assert.throws(() => summarizerFromEnv({ ...env, KVMARM_LLM_CONTEXT_TOKENS: 'lots' }, { fallback: createOfflineSummarizer() }), /KVMARM_LLM_CONTEXT_TOKENS/);
  });

  it('rejects a context too small for any prompt, and an empty key', () => {
    assert.throws(() => make({ contextTokens: 1000, maxOutputTokens: 512 }), /at least/);
    assert.throws(() => make({ apiKey: '  ' }), /API key/);
  });

  it('strips a reasoning model\'s <think> block from the answer', async () => {
    server.options = { apiKey: KEY, reply: () => '<think>let me think about the vgic</think>\n1. **原始补丁/问题**：思考之后的回答' };
    server.reset();
    const { summaries } = await make().summarize(weekOfThreads(1), {});
    assert.equal(summaries[0]!.text, '1. **原始补丁/问题**：思考之后的回答');
  });

  it('an empty input list makes no call', async () => {
    server.reset();
    const r = await make().summarize([] as SummaryInput[], {});
    assert.deepEqual(r.summaries, []);
    assert.equal(server.requests.length, 0);
  });
});
