// kvmarm-report: the headless CLI over the core. argv -> window, source, summariser -> pipeline ->
// files. Progress and the closing line go to stderr; errors are one line and exit 1 (2 for usage);
// report files are written atomically, so a failure leaves none behind.

import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import packageJson from '../package.json';
import type { Logger, ProgressFn, Report, Summarizer, Window } from './core/types.js';
import { currentIsoWeek, dayRangeWindow, isoWeekWindow, systemTimeZone, assertTimeZone } from './core/week.js';
import { generateReport, reportBaseName } from './core/pipeline.js';
import { renderJson } from './core/report/json.js';
import { REPORT_FORMATS, renderFormat, writeFilesAtomically, type FileContent } from './core/report/writeReportFiles.js';
import { createOfflineSummarizer } from './core/summarize/offline.js';
import { formatUsage } from './core/summarize/usageText.js';
import { openSource } from './core/sources/openSource.js';
import { resolveDemoSource } from './core/demo.js';

export const DEFAULT_SOURCE = 'https://lore.kernel.org/kvmarm/';
const NAME = 'kvmarm-report';

export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** The clock: the default week and generatedAt. */
  now?: () => Date;
  signal?: AbortSignal;
  fetch?: typeof fetch;
  /** Where the demo data is looked up (the repository root). */
  repoRoot?: string;
}

export class UsageError extends Error {}

export const HELP = `Usage: ${NAME} [options]

Turns a week of the KVM/arm64 mailing list into a Chinese weekly report (Markdown, HTML, JSON).

Source:
  --source URL|DIR|FILE   public-inbox base URL, git mirror (inbox dir, .git, .bundle) or
                          .mbox/.mbox.gz file (default ${DEFAULT_SOURCE})
  --list-url URL          archive base for message links when the source is local
                          (default https://lore.kernel.org/kvmarm/)
  --demo                  week 2022-W45 of the bundled corpus (or the shipped sample mbox),
                          offline summaries: no key, no network
Window:
  --week YYYY-Www         an ISO week, e.g. 2022-W45 (default: the current week)
  --since YYYY-MM-DD      first day (inclusive), with --until
  --until YYYY-MM-DD      last day (inclusive)
  --tz ZONE               IANA time zone for the window and every time shown
                          (default: the system zone, here ${systemTimeZone()})
Summaries:
  --summarizer NAME       offline (default, deterministic) or openai (needs OPENAI_API_KEY;
                          OPENAI_BASE_URL selects any OpenAI-compatible server)
  --model NAME            model for --summarizer openai (default OPENAI_MODEL or gpt-4o-mini)
Output:
  --out DIR               write <base>.md, <base>.html, <base>.json into DIR (default .);
                          <base> is kvmarm_<isoyear>_week<WW> or kvmarm_<since>_<until>
  --json FILE|-           write the JSON report to FILE (- = stdout) and, unless --out is
                          given too, nothing else
  --cache-dir DIR         caches (default $XDG_CACHE_HOME/kvmarm-weekly or ~/.cache/kvmarm-weekly)
  --no-cache              use no cache at all
  --verbose               log details on stderr
  -h, --help              show this help
  -V, --version           show the version

Exit status: 0 on success, 1 on failure, 2 on a usage error.
`;

const OPTIONS = {
  source: { type: 'string' },
  'list-url': { type: 'string' },
  week: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  tz: { type: 'string' },
  summarizer: { type: 'string' },
  model: { type: 'string' },
  out: { type: 'string' },
  json: { type: 'string' },
  'cache-dir': { type: 'string' },
  'no-cache': { type: 'boolean' },
  demo: { type: 'boolean' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const;

export interface CliPlan {
  help: boolean;
  version: boolean;
  demo: boolean;
  source: string;
  listUrl: string | undefined;
  window: Window;
  summarizer: 'offline' | 'openai';
  model: string | undefined;
  outDir: string | null;
  json: string | null;
  cacheDir: string | null;
  verbose: boolean;
}

export function defaultCacheDir(env: Readonly<Record<string, string | undefined>>): string {
  const xdg = env.XDG_CACHE_HOME?.trim();
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(env.HOME?.trim() || os.homedir(), '.cache');
  return path.join(base, 'kvmarm-weekly');
}

/** argv -> what to do. Throws UsageError for anything the user has to fix on the command line. */
export function parseCli(argv: string[], io: Pick<CliIo, 'env' | 'cwd' | 'now' | 'repoRoot'>): CliPlan {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: false, strict: true }));
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
  const str = (k: string): string | undefined => values[k] as string | undefined;
  const plan: Partial<CliPlan> = { help: !!values.help, version: !!values.version, demo: !!values.demo, verbose: !!values.verbose };
  if (plan.help || plan.version) return plan as CliPlan;

  for (const k of ['source', 'list-url', 'week', 'since', 'until', 'tz', 'summarizer', 'model', 'out', 'json', 'cache-dir']) {
    const v = str(k);
    if (v !== undefined && v.trim() === '') throw new UsageError(`--${k} needs a value`);
  }
  const tz = str('tz') ?? systemTimeZone();
  try {
    assertTimeZone(tz);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }

  if (plan.demo && str('source')) throw new UsageError('--demo and --source cannot be used together');
  let week = str('week');
  const since = str('since');
  const until = str('until');
  if (week && (since || until)) throw new UsageError('use either --week or --since/--until, not both');
  if ((since && !until) || (!since && until)) throw new UsageError('--since and --until go together');

  let source = str('source') ?? DEFAULT_SOURCE;
  if (plan.demo) {
    if (since) throw new UsageError('--demo reports a fixed week; do not combine it with --since/--until');
    const demo = resolveDemoSource(io.repoRoot ?? path.resolve(__dirname, '..'));
    source = demo.spec;
    week = week ?? demo.week;
  }

  let window: Window;
  try {
    if (since && until) window = dayRangeWindow(since, until, tz);
    else window = isoWeekWindow(week ?? currentIsoWeek((io.now ?? (() => new Date()))(), tz), tz);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }

  const summarizer = str('summarizer') ?? 'offline';
  if (summarizer !== 'offline' && summarizer !== 'openai') {
    throw new UsageError(`unknown summarizer "${summarizer}" (expected offline or openai)`);
  }
  if (str('model') && summarizer !== 'openai') throw new UsageError('--model only applies to --summarizer openai');
  if (values['no-cache'] && str('cache-dir')) throw new UsageError('--no-cache and --cache-dir cannot be used together');

  const listUrl = str('list-url');
  if (listUrl && !/^https?:\/\/\S+$/i.test(listUrl)) throw new UsageError(`--list-url must be an http(s) URL, got "${listUrl}"`);

  const json = str('json') ?? null;
  const out = str('out');
  return {
    ...(plan as Pick<CliPlan, 'help' | 'version' | 'demo' | 'verbose'>),
    source: /^https?:\/\//i.test(source) ? source : path.resolve(io.cwd, source),
    listUrl,
    window,
    summarizer,
    model: str('model'),
    outDir: out !== undefined ? path.resolve(io.cwd, out) : json !== null ? null : io.cwd,
    json: json === null || json === '-' ? json : path.resolve(io.cwd, json),
    cacheDir: values['no-cache'] ? null : path.resolve(io.cwd, str('cache-dir') ?? defaultCacheDir(io.env)),
  };
}

/** Progress on stderr: one redrawn line on a TTY, a plain line per phase otherwise. */
function createProgress(stderr: CliIo['stderr'], now: () => number): { progress: ProgressFn; done(): void } {
  let lastPhase = '';
  let lastDraw = 0;
  let drawn = false;
  return {
    progress(phase, done, total) {
      if (stderr.isTTY) {
        const t = now();
        if (phase === lastPhase && t - lastDraw < 80 && done !== total) return;
        lastPhase = phase;
        lastDraw = t;
        let line = `${NAME}: ${phase}`;
        if (total !== undefined && total > 0 && done !== undefined) {
          const width = 24;
          const filled = Math.min(width, Math.round((done / total) * width));
          line += ` [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`;
        } else if (done !== undefined) {
          line += ` ${done}`;
        }
        stderr.write(`\r\x1b[K${line}`);
        drawn = true;
      } else if (phase !== lastPhase) {
        lastPhase = phase;
        stderr.write(`${NAME}: ${phase}${total !== undefined ? ` (${total})` : ''}\n`);
      }
    },
    done() {
      if (drawn) stderr.write('\r\x1b[K');
      drawn = false;
    },
  };
}

function createLogger(stderr: CliIo['stderr'], verbose: boolean, clearLine: () => void): Logger {
  return {
    info(message) {
      if (!verbose) return;
      clearLine();
      stderr.write(`${NAME}: ${message}\n`);
    },
    warn(message) {
      clearLine();
      stderr.write(`${NAME}: warning: ${message}\n`);
    },
    error(message) {
      clearLine();
      stderr.write(`${NAME}: error: ${message}\n`);
    },
  };
}

async function makeSummarizer(plan: CliPlan, io: CliIo, logger: Logger): Promise<Summarizer> {
  const offline = createOfflineSummarizer();
  if (plan.summarizer === 'offline') return offline;
  // The OpenAI SDK is loaded only when it is used.
  const { summarizerFromEnv } = await import('./core/summarize/openai.js');
  return summarizerFromEnv(io.env, { model: plan.model, cacheDir: plan.cacheDir, fallback: offline, logger });
}

function closingLine(report: Report, seconds: number, files: string[]): string {
  const s = report.stats;
  let line = `${NAME}: ${s.threads} threads, ${s.totalMessages} messages (${s.inWindowMessages} in the window) in ${seconds.toFixed(2)} s`;
  if (report.unparsed.length > 0) line += `, ${report.unparsed.length} unparsed`;
  if (report.usage) line += `; ${formatUsage(report.usage)}`;
  if (files.length > 0) line += `; wrote ${files.join(', ')}`;
  return line + '\n';
}

/** Runs the CLI in-process; resolves to the exit code. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  let plan: CliPlan;
  try {
    plan = parseCli(argv, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`${NAME}: error: ${err.message}\nTry '${NAME} --help' for more information.\n`);
      return 2;
    }
    io.stderr.write(`${NAME}: error: ${(err as Error).message}\n`);
    return 1;
  }
  if (plan.help) {
    io.stdout.write(HELP);
    return 0;
  }
  if (plan.version) {
    io.stdout.write(`${NAME} ${packageJson.version}\n`);
    return 0;
  }

  const started = performance.now();
  const bar = createProgress(io.stderr, () => performance.now());
  const logger = createLogger(io.stderr, plan.verbose, () => bar.done());
  try {
    const summarizer = await makeSummarizer(plan, io, logger);
    const source = openSource(plan.source, { cacheDir: plan.cacheDir, listUrl: plan.listUrl, fetch: io.fetch });
    logger.info(`source: ${source.description}; window ${plan.window.since} .. ${plan.window.until} (${plan.window.tz})`);
    const report = await generateReport({
      source,
      window: plan.window,
      summarizer,
      cacheDir: plan.cacheDir,
      signal: io.signal,
      progress: bar.progress,
      logger,
      now: io.now,
      // A weekly job must end: no message may hang it (the parse watchdog runs in workers).
      isolateParsing: true,
    });
    bar.progress('write');
    // Every file of the run lands together or not at all; each is rendered as it is written.
    const files: Array<[string, FileContent]> = [];
    if (plan.json !== null && plan.json !== '-') files.push([plan.json, () => renderJson(report)]);
    if (plan.outDir !== null) {
      const base = reportBaseName(plan.window);
      for (const f of REPORT_FORMATS) files.push([path.join(plan.outDir, `${base}.${f}`), () => renderFormat(report, f)]);
    }
    for (const dir of new Set(files.map(([f]) => path.dirname(f)))) await mkdir(dir, { recursive: true });
    const written = await writeFilesAtomically(files);
    if (plan.json === '-') io.stdout.write(renderJson(report));
    bar.done();
    io.stderr.write(closingLine(report, (performance.now() - started) / 1000, written));
    return 0;
  } catch (err) {
    bar.done();
    const message = err instanceof Error ? err.message : String(err);
    io.stderr.write(`${NAME}: error: ${message.split('\n')[0]}\n`);
    if (plan.verbose && err instanceof Error && err.stack) io.stderr.write(err.stack + '\n');
    return 1;
  }
}

if (require.main === module) {
  const controller = new AbortController();
  const onSignal = (): void => controller.abort(new Error('interrupted'));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  main(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    signal: controller.signal,
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`${NAME}: error: ${(err as Error)?.message ?? String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
