// Issue 4's acceptance on the real corpus week 2022-W45 (25 threads) through the real pipeline:
// git-bundle source -> parse -> threads -> series -> categories -> the openai summariser talking to
// the fake server at 0.5 s per call -> report files. Skipped when ../shared/corpus is not there.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateReport, reportBaseName, writeReportFiles } from '../../src/core/pipeline.js';
import { openSource } from '../../src/core/sources/openSource.js';
import { createOfflineSummarizer } from '../../src/core/summarize/offline.js';
import { createOpenAiSummarizer } from '../../src/core/summarize/openai.js';
import type { Logger, Summarizer } from '../../src/core/types.js';
import { isoWeekWindow } from '../../src/core/week.js';
import { FAKE_REPLY_MARK, startFakeOpenAi, type FakeOpenAiServer } from '../support/fakeOpenAi.js';

const BUNDLE = resolve(process.cwd(), '..', 'shared', 'corpus', 'kvmarm-2019-2023.bundle');
const KEY = 'sk-corpus-week-3b9f0c1d2e4a5b6c7d8e';

/** Times the summariser's own phase inside the pipeline. */
function timed(inner: Summarizer, times: number[]): Summarizer {
  return {
    name: inner.name,
    async summarize(inputs, options) {
      const t0 = performance.now();
      try {
        return await inner.summarize(inputs, options);
      } finally {
        times.push(performance.now() - t0);
      }
    },
  };
}

async function allFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out.push(join(e.parentPath ?? (e as unknown as { path: string }).path, e.name));
  }
  return out;
}

describe('corpus week 2022-W45 with model summaries', { skip: existsSync(BUNDLE) ? false : 'corpus bundle not found' }, () => {
  let server: FakeOpenAiServer;
  let tmp: string;
  const lines: string[] = [];
  const logger: Logger = { info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };

  before(async () => {
    server = await startFakeOpenAi({ apiKey: KEY, latencyMs: 500 });
    tmp = await mkdtemp(join(tmpdir(), 'kvmarm-llm-corpus-'));
  });
  after(async () => {
    await server.close();
    await rm(tmp, { recursive: true, force: true });
  });

  it('summarises every thread concurrently, once, then from the cache; the key is written nowhere', async () => {
    const cacheDir = join(tmp, 'cache');
    const outDir = join(tmp, 'out');
    const window = isoWeekWindow('2022-W45', 'UTC');
    const times: number[] = [];
    const run = () =>
      generateReport({
        source: openSource(BUNDLE, { cacheDir, listUrl: 'https://lore.kernel.org/kvmarm/' }),
        window,
        cacheDir,
        logger,
        summarizer: timed(
          createOpenAiSummarizer({ apiKey: KEY, baseURL: server.baseURL, model: 'gpt-4o-mini', cacheDir, fallback: createOfflineSummarizer(), logger }),
          times,
        ),
      });

    const report = await run();
    const n = report.threads.length;
    assert.ok(n >= 20 && n <= 30, `${n} threads`);
    for (const rt of report.threads) {
      assert.equal(rt.summary.source, 'llm', `${rt.thread.id}: ${rt.summary.fallbackReason}`);
      assert.ok(rt.summary.text.includes(FAKE_REPLY_MARK));
      assert.ok(rt.summary.text.includes(rt.thread.subject.full), 'each thread carries its own model text');
    }
    assert.equal(server.requests.length, n, 'one call per thread');
    assert.ok(server.maxInFlight >= 3, `max in flight ${server.maxInFlight}`);
    const sequential = server.requests.reduce((s, r) => s + (r.endedAt! - r.startedAt), 0);
    console.log(
      `corpus week: ${n} threads summarised in ${times[0]!.toFixed(0)} ms; sequential ${sequential} ms (a third: ${(sequential / 3).toFixed(0)} ms); max in flight ${server.maxInFlight}`,
    );
    // 25 threads at concurrency 4 need 7 rounds of 0.5 s = 3.5 s against a third of 12.5 s = 4.17 s:
    // too thin a margin to assert on a busy machine. The strict bound is asserted in openai.test.ts
    // (24 threads, 6 rounds); here a serial regression is what must not pass.
    assert.ok(times[0]! < sequential / 2, `summarising took ${times[0]!.toFixed(0)} ms, sequential ${sequential} ms`);
    assert.equal(report.usage!.calls, n);
    assert.ok(report.usage!.estimatedCostUsd !== null && report.usage!.estimatedCostUsd > 0);

    const written = await writeReportFiles(report, outDir, reportBaseName(window));
    const md = await readFile(written.find((f) => f.endsWith('.md'))!, 'utf8');
    assert.ok(md.includes('模型摘要（gpt-4o-mini）'));

    // Again: zero calls.
    server.reset();
    const again = await run();
    assert.equal(server.requests.length, 0);
    assert.equal(again.usage!.cachedThreads, n);
    assert.deepEqual(
      again.threads.map((t) => t.summary.text),
      report.threads.map((t) => t.summary.text),
    );

    for (const f of await allFiles(tmp)) {
      const body = await readFile(f);
      assert.ok(!body.includes(KEY), `${f} holds the key`);
    }
    assert.ok(lines.length > 0);
    for (const l of lines) assert.ok(!l.includes(KEY), l);
  });
});
