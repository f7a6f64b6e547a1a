// The hostile suite as a command, for the generated messages or a directory of hostile mail kept
// outside the project:
//   node --import tsx test/hostile/run.ts [DIR] [--no-browser]
// Prints "tried / crashes / hangs / lost", the other figures, and (when Chromium is installed) how
// many payloads executed in the report HTML and the webview. Exit status 1 when any is non-zero.
// The suite runs in a worker thread watched from here: a message that blocks the thread (a
// synchronous hang no time budget can interrupt) is reported as a hang instead of stalling the run.

import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { hostileMessages } from './generate.js';
import { loadHostileDir } from './loadDir.js';
import { formatFigures, runSuite, type SuiteFigures } from './suite.js';
import { checkReportPage, checkWebview, chromiumAvailable, launchChromium } from './browserCheck.js';
import { createMarkdownRenderer } from '../../src/core/report/html.js';
import { renderMarkdown } from '../../src/core/report/markdown.js';

const WATCHDOG_MS = 120_000;

interface WorkerResult {
  figures: SuiteFigures;
  problems: string[];
  executed: number;
  requests: number;
  browser: boolean;
}

async function inWorker(dir: string | null, browser: boolean): Promise<WorkerResult> {
  const inputs = dir ? await loadHostileDir(dir) : hostileMessages();
  const { figures, problems, report, html } = await runSuite(inputs, {
    onProgress: (done, total) => parentPort?.postMessage({ progress: done, total }),
  });
  let executed = 0;
  let requests = 0;
  const useBrowser = browser && chromiumAvailable() && report !== null;
  if (useBrowser) {
    const b = await launchChromium();
    try {
      for (const strip of [false, true]) {
        const o = await checkReportPage(b, html, strip);
        executed += o.executed;
        requests += o.requests.length;
        for (const f of o.domFindings) problems.push(`report html${strip ? ' (no CSP)' : ''}: ${f}`);
      }
      const o = await checkWebview(b, report!, createMarkdownRenderer().render(renderMarkdown(report!)));
      executed += o.executed;
      requests += o.requests.length;
      for (const f of o.domFindings) problems.push(`webview: ${f}`);
      for (const u of o.openExternal) if (!/^https?:\/\//i.test(u)) problems.push(`webview asked to open ${u}`);
    } finally {
      await b.close();
    }
  }
  return { figures, problems, executed, requests, browser: useBrowser };
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const dir = args.find((a) => !a.startsWith('--')) ?? process.env.KVMARM_HOSTILE_DIR ?? null;
  const browser = !args.includes('--no-browser');
  const worker = new Worker(`require('tsx/cjs'); require(${JSON.stringify(__filename)});`, { eval: true, workerData: { dir, browser } });
  let done = 0;
  let total = 0;
  let last = Date.now();
  const result = await new Promise<WorkerResult | { hangAt: number; total: number }>((resolve, reject) => {
    const watchdog = setInterval(() => {
      if (Date.now() - last > WATCHDOG_MS) {
        clearInterval(watchdog);
        void worker.terminate();
        resolve({ hangAt: done, total });
      }
    }, 1000);
    worker.on('message', (m: { progress?: number; total?: number; result?: WorkerResult }) => {
      last = Date.now();
      if (m.result) {
        clearInterval(watchdog);
        resolve(m.result);
      } else if (m.progress !== undefined) {
        done = m.progress;
        total = m.total ?? 0;
      }
    });
    worker.on('error', (err) => {
      clearInterval(watchdog);
      reject(err);
    });
  });
  await worker.terminate();
  if ('hangAt' in result) {
    console.log(`hostile messages tried ${result.total} / crashes 0 / hangs 1 / lost ? : message #${result.hangAt + 1} blocked the thread for ${WATCHDOG_MS / 1000} s`);
    return 1;
  }
  console.log(formatFigures(result.figures));
  console.log(result.browser ? `payloads executed ${result.executed} (requests leaving the page: ${result.requests})` : 'payloads executed: not checked (no /usr/bin/chromium or --no-browser)');
  for (const p of result.problems.slice(0, 100)) console.log(`  - ${p.slice(0, 400)}`);
  const f = result.figures;
  return f.crashes + f.hangs + f.lost + f.activeFindings + result.executed + result.requests + result.problems.length > 0 ? 1 : 0;
}

if (!isMainThread && workerData && parentPort) {
  const { dir, browser } = workerData as { dir: string | null; browser: boolean };
  void inWorker(dir, browser).then((result) => parentPort!.postMessage({ result }));
} else if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error((err as Error).stack ?? String(err));
      process.exit(1);
    },
  );
}
