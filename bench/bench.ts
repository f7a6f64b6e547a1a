// `npm run bench`: times the CLI (dist/cli.js, built by `npm run build`) on the real corpus read
// through the git source, as a child process under /usr/bin/time (wall seconds, peak RSS), and
// prints a table with PASS/FAIL against the targets of issue 2:
//   week 2022-W45, warm (header index and parse cache present): <= 0.42 s (4x the Python script's 1.7 s)
//   whole corpus in one window: <= 15 s and <= 1 GB peak RSS
// Cold runs (no caches at all) are shown for information.
// The LLM phase (issue 4): the pipeline on the same week with the OpenAI summariser against a fake
// OpenAI server on 127.0.0.1 (0.5 s per answer), in-process: the summarising phase must take less
// than a third of answering thread after thread, with >= 3 requests in flight, <= 1 call per
// thread, and a second run must make no call at all (summary cache).

import { spawnSync } from 'node:child_process';
import { buildSync } from 'esbuild';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { corpusBundle, corpusMirror, REPO_ROOT } from '../test/support/corpus.js';
import { startFakeOpenAi } from '../test/support/fakeOpenAi.js';
import { generateReport } from '../src/core/pipeline.js';
import { openSource } from '../src/core/sources/openSource.js';
import { createOfflineSummarizer } from '../src/core/summarize/offline.js';
import { createOpenAiSummarizer } from '../src/core/summarize/openai.js';
import { isoWeekWindow } from '../src/core/week.js';
import type { Summarizer } from '../src/core/types.js';

interface Run {
  seconds: number;
  /** NaN when not measured (in-process runs). */
  rssMb: number;
  messages: number;
}

interface Row {
  scenario: string;
  run: Run;
  target: string;
  pass: boolean | null;
}

const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
const WORKER = path.join(REPO_ROOT, 'dist', 'parseBatchWorker.js');

/** The worker bundle must sit next to the CLI; build it here when esbuild.mjs does not (yet). */
function ensureWorkerBundle(): void {
  if (existsSync(WORKER)) return;
  console.error('bench: dist/parseBatchWorker.js is missing (esbuild.mjs has no entry for it yet); bundling it');
  buildSync({
    entryPoints: [path.join(REPO_ROOT, 'src', 'core', 'parseBatchWorker.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: WORKER,
    logLevel: 'warning',
  });
}

function runCli(args: string[], outDir: string): Run {
  rmSync(outDir, { recursive: true, force: true });
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', process.execPath, CLI, ...args, '--summarizer', 'offline', '--out', outDir], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const lines = r.stderr.trim().split('\n');
  const last = lines[lines.length - 1];
  if (r.status !== 0) throw new Error(`cli failed (${r.status}): ${lines.slice(-5).join('\n')}`);
  const [seconds, kb] = last.split(' ').map(Number);
  const json = readdirSync(outDir).find((f) => f.endsWith('.json'));
  const report = json ? (JSON.parse(readFileSync(path.join(outDir, json), 'utf8')) as { stats?: { totalMessages?: number } }) : null;
  return { seconds, rssMb: kb / 1024, messages: report?.stats?.totalMessages ?? 0 };
}

const LLM_LATENCY_MS = 500;

/** The week through the OpenAI summariser against the fake server, twice (the second from the summary cache). */
async function llmPhase(mirror: string, cache: string): Promise<Row> {
  const fake = await startFakeOpenAi({ apiKey: 'bench-key', latencyMs: LLM_LATENCY_MS });
  try {
    const window = isoWeekWindow('2022-W45', 'UTC');
    const run = async (): Promise<{ seconds: number; threads: number; messages: number; calls: number; maxInFlight: number }> => {
      fake.reset();
      const openai = createOpenAiSummarizer({
        apiKey: 'bench-key',
        baseURL: fake.baseURL,
        model: 'gpt-4o-mini',
        cacheDir: cache,
        fallback: createOfflineSummarizer(),
      });
      let seconds = 0;
      let threads = 0;
      // Times the summarising phase alone.
      const timed: Summarizer = {
        name: openai.name,
        async summarize(inputs, options) {
          threads = inputs.length;
          const t0 = performance.now();
          try {
            return await openai.summarize(inputs, options);
          } finally {
            seconds = (performance.now() - t0) / 1000;
          }
        },
      };
      const report = await generateReport({ source: openSource(mirror, { cacheDir: cache }), window, summarizer: timed, cacheDir: cache });
      const calls = fake.requests.filter((r) => r.path.includes('/chat/completions')).length;
      return { seconds, threads, messages: report.stats.totalMessages, calls, maxInFlight: fake.maxInFlight };
    };
    const first = await run();
    const second = await run();
    const sequential = first.threads * (LLM_LATENCY_MS / 1000);
    const pass = first.seconds < sequential / 3 && first.maxInFlight >= 3 && first.calls <= first.threads && second.calls === 0;
    return {
      scenario:
        `week 2022-W45, LLM phase (fake OpenAI, ${LLM_LATENCY_MS} ms/answer): ${first.threads} threads, sequential ${sequential.toFixed(1)} s, ` +
        `${first.calls} calls, max ${first.maxInFlight} in flight; second run ${second.calls} calls`,
      run: { seconds: first.seconds, rssMb: Number.NaN, messages: first.messages },
      target: '< 1/3 sequential, >= 3 in flight, <= 1 call/thread, rerun 0 calls',
      pass,
    };
  } finally {
    await fake.close();
  }
}

function best(runs: Run[]): Run {
  return runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
}

function table(rows: Row[]): string {
  const head = ['scenario', 'messages', 'messages/s', 'seconds', 'peak RSS MB', 'target', 'result'];
  const body = rows.map((r) => [
    r.scenario,
    String(r.run.messages),
    r.run.seconds > 0 ? Math.round(r.run.messages / r.run.seconds).toString() : '-',
    r.run.seconds.toFixed(2),
    Number.isNaN(r.run.rssMb) ? '-' : r.run.rssMb.toFixed(0),
    r.target,
    r.pass === null ? 'info' : r.pass ? 'PASS' : 'FAIL',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

async function main(): Promise<void> {
  if (!corpusBundle()) {
    console.error('bench: the corpus ../shared/corpus/kvmarm-2019-2023.bundle is not present');
    process.exit(2);
  }
  if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first');
  ensureWorkerBundle();
  const mirror = await corpusMirror();
  const work = mkdtempSync(path.join(os.tmpdir(), 'kvmarm-bench-'));
  const cache = path.join(work, 'cache');
  const out = path.join(work, 'out');
  const week = ['--source', mirror, '--week', '2022-W45', '--cache-dir', cache];
  const all = ['--source', mirror, '--since', '2019-01-01', '--until', '2023-12-31', '--tz', 'UTC', '--cache-dir', cache];
  const rows: Row[] = [];
  try {
    console.error(`bench: corpus mirror ${mirror}; ${os.availableParallelism()} cores; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);

    rmSync(cache, { recursive: true, force: true });
    const weekCold = runCli(week, out);
    rows.push({ scenario: 'week 2022-W45, git, cold (no index, no parse cache)', run: weekCold, target: 'info (Python: 2.8 s)', pass: null });

    const weekWarm = best([runCli(week, out), runCli(week, out), runCli(week, out), runCli(week, out), runCli(week, out)]);
    rows.push({ scenario: 'week 2022-W45, git, warm (best of 5)', run: weekWarm, target: '<= 0.42 s', pass: weekWarm.seconds <= 0.42 });

    rows.push(await llmPhase(mirror, cache));

    rmSync(cache, { recursive: true, force: true });
    const allCold = runCli(all, out);
    rows.push({
      scenario: 'whole corpus, git, cold (no index, no parse cache)',
      run: allCold,
      target: '<= 15 s, <= 1024 MB',
      pass: allCold.seconds <= 15 && allCold.rssMb <= 1024,
    });
    const allWarm = runCli(all, out);
    rows.push({ scenario: 'whole corpus, git, warm', run: allWarm, target: '<= 15 s, <= 1024 MB', pass: allWarm.seconds <= 15 && allWarm.rssMb <= 1024 });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  console.log(table(rows));
  const failed = rows.filter((r) => r.pass === false);
  console.log(failed.length ? `FAIL: ${failed.map((r) => r.scenario).join('; ')}` : 'PASS: all targets met');
  process.exitCode = failed.length ? 1 : 0;
}

main().catch((err: unknown) => {
  console.error(`bench: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(2);
});
