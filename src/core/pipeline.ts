// From a mail source to a Report: fetch the window (with complete threads) -> parse -> thread ->
// keep threads with at least one message received in the window -> series -> category ->
// summaries -> stats. Pure core: the source, summariser, clock, logger and cache dir come in as
// parameters; cancellation is checked between every phase.

import path from 'node:path';
import type {
  Logger,
  Mail,
  MailSource,
  ProgressFn,
  RawMessage,
  Report,
  ReportThread,
  Series,
  Summarizer,
  Summary,
  SummaryInput,
  Thread,
  UnparsedMail,
  Window,
} from './types.js';
import { parseRawMessages } from './parseBatch.js';
import { buildThreads } from './thread.js';
import { buildSeries } from './series/buildSeries.js';
import { classifyThread } from './classify.js';
import { isInWindow } from './week.js';
import { buildReport, sortReportThreads } from './report/buildReport.js';
import { parseHeaderFields } from './headers.js';
import { linkPreviousVersions } from './series/linkPreviousVersions.js';
import { createChangesSinceCache, describeChangesSince, type ThreadLookup } from './series/changesSince.js';
import { createMailsVersionFinder } from './series/mailsVersionFinder.js';
import { createHeaderIndexVersionFinder } from './series/headerIndexVersionFinder.js';
import { createLoreVersionFinder } from './series/loreVersionFinder.js';
import type { SeriesVersionFinder } from './series/versionFinder.js';
import type { HeaderIndex } from './sources/headerIndex.js';
import { receivedTime } from './receivedTime.js';

export { reportBaseName, writeReportFiles } from './report/writeReportFiles.js';

export interface GenerateOptions {
  source: MailSource;
  window: Window;
  summarizer: Summarizer;
  /** Parsed-mail cache root; null or absent: no cache. */
  cacheDir?: string | null;
  signal?: AbortSignal;
  progress?: ProgressFn;
  logger?: Logger;
  /** The clock for generatedAt (tests pin it). */
  now?: () => Date;
  /** Each thread's summary as it arrives (the extension streams them into the view). */
  onSummary?: (threadId: string, summary: Summary) => void;
  /**
   * The report before any summary is written (every summary `pending`): a view can show the
   * threads at once and fill summaries in as onSummary delivers them.
   */
  onDraft?: (draft: Report) => void;
  /**
   * Where earlier versions of a series are looked up (fills series.previous). Absent: the git
   * mirror's header index when the source has one, else the archive's search when the source is
   * a public-inbox over HTTP, else the mails at hand; null: no lookup.
   */
  versionFinder?: SeriesVersionFinder | null;
  /**
   * Parse every batch in a worker thread under the watchdog, however small, so that no message
   * can hang the caller's thread (the CLI and the extension set it). Default false: small batches
   * parse inline.
   */
  isolateParsing?: boolean;
}

/** A source that can expose its header index (the git mirror does). */
interface IndexedSource {
  headerIndex(options?: { signal?: AbortSignal; logger?: Logger }): Promise<HeaderIndex>;
}

function hasHeaderIndex(source: MailSource): source is MailSource & IndexedSource {
  return typeof (source as Partial<IndexedSource>).headerIndex === 'function';
}

async function defaultVersionFinder(source: MailSource, mails: Mail[], signal?: AbortSignal, logger?: Logger): Promise<SeriesVersionFinder> {
  if (hasHeaderIndex(source)) {
    try {
      return createHeaderIndexVersionFinder(await source.headerIndex({ signal, logger }));
    } catch (err) {
      if (signal?.aborted) throw err;
      logger?.warn(`header index unavailable for version links: ${(err as Error).message}`);
    }
  }
  // An archive that answers searches finds versions posted long before the window.
  if (source.searchUrl) return createLoreVersionFinder({ baseUrl: source.searchUrl });
  return createMailsVersionFinder(mails);
}

/** Finds threads' mails among those at hand, else asks the source for the rest in one batch. */
function threadLookup(threads: readonly Thread[], source: MailSource, cacheDir: string | null, logger?: Logger, isolate = false): ThreadLookup {
  const mailsOf = (list: readonly Thread[]): Map<string, Mail[]> => {
    const byId = new Map<string, Mail[]>();
    for (const t of list) {
      const mails = t.messages.map((m) => m.mail);
      for (const m of mails) byId.set(m.messageId, mails);
    }
    return byId;
  };
  const atHand = mailsOf(threads);
  return async (messageIds, signal) => {
    const found = new Map<string, Mail[]>();
    const missing: string[] = [];
    for (const id of messageIds) {
      const mails = atHand.get(id);
      if (mails) found.set(id, mails);
      else missing.push(id);
    }
    if (missing.length === 0 || !source.fetchThreads) return found;
    const raws = await source.fetchThreads(missing, { signal, logger });
    const { mails } = await parseRawMessages(raws, { cacheDir, signal, isolate, logger });
    const fetched = mailsOf(buildThreads(mails, () => false));
    for (const id of missing) {
      const list = fetched.get(id);
      if (list) found.set(id, list);
    }
    return found;
  };
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (!signal?.aborted) return;
  const reason: unknown = signal.reason;
  throw reason instanceof Error ? reason : new Error('the report was cancelled');
}

/**
 * An unparsed message belongs to the report when its headers say it was received in the window,
 * or when they do not say when it was received at all (never silently dropped).
 */
function unparsedInWindow(u: UnparsedMail, window: Window): boolean {
  const seconds = receivedTime(parseHeaderFields(u.headers ?? ''));
  if (seconds === null) return true;
  return isInWindow(new Date(seconds * 1000).toISOString(), window);
}

export async function generateReport(options: GenerateOptions): Promise<Report> {
  const { source, window, summarizer, signal, progress, logger } = options;
  const now = options.now ?? (() => new Date());
  throwIfAborted(signal);

  progress?.('fetch');
  let fetched: RawMessage[] | null = await source.fetchWindow(window, { signal, progress, logger });
  throwIfAborted(signal);
  logger?.info(`fetched ${fetched.length} messages from ${source.description}`);

  progress?.('parse', 0, fetched.length);
  // The raw bytes (200 MB for the whole corpus) are let go as they are parsed: the batch consumes
  // its own copy of the list (a source may hand out an array it keeps), and the pipeline holds none.
  const batch = fetched.slice();
  fetched = null;
  const { mails, unparsed } = await parseRawMessages(batch, { cacheDir: options.cacheDir ?? null, signal, progress, consume: true, isolate: options.isolateParsing, logger });
  throwIfAborted(signal);
  if (unparsed.length > 0) logger?.warn(`${unparsed.length} messages could not be parsed`);

  progress?.('thread');
  const allThreads = buildThreads(mails, (mail: Mail) => isInWindow(mail.receivedAt, window));
  const threads = allThreads.filter((t: Thread) => t.messages.some((m) => m.inWindow));
  throwIfAborted(signal);

  progress?.('classify', 0, threads.length);
  const placeholder: Summary = { text: '', source: 'offline' };
  const items: ReportThread[] = threads.map((thread: Thread, i: number) => {
    let series: Series | null = null;
    try {
      series = buildSeries(thread);
    } catch (err) {
      // Hostile or odd mail must not sink the whole report: the thread stays, without series facts.
      logger?.warn(`series detection failed for ${thread.id}: ${(err as Error).message}`);
    }
    const category = classifyThread(thread);
    if ((i + 1) % 500 === 0) progress?.('classify', i + 1, threads.length);
    return { thread, category, series, summary: placeholder };
  });
  progress?.('classify', threads.length, threads.length);
  throwIfAborted(signal);

  if (options.versionFinder !== null && items.some((rt) => rt.series)) {
    progress?.('versions');
    const finder = options.versionFinder ?? (await defaultVersionFinder(source, mails, signal, logger));
    await linkPreviousVersions(items, finder, {
      signal,
      // A failed lookup costs the series its version links, never the report.
      onError: (series, err) => logger?.warn(`version lookup failed for "${series.title}": ${(err as Error).message}`),
    });
    throwIfAborted(signal);
    progress?.('compare');
    try {
      await describeChangesSince(items, threadLookup(allThreads, source, options.cacheDir ?? null, logger, options.isolateParsing), {
        signal,
        cache: options.cacheDir ? createChangesSinceCache(path.join(options.cacheDir, 'changes-since')) : null,
      });
    } catch (err) {
      // Without the earlier versions the report only lacks its "changes since" lines.
      if (signal?.aborted) throw err;
      logger?.warn(`comparing series with their earlier versions failed: ${(err as Error).message}`);
    }
    throwIfAborted(signal);
  }

  // Summaries are asked for in report order, so streamed ones arrive top to bottom.
  const ordered = sortReportThreads(items);
  const inputs: SummaryInput[] = ordered.map((rt) => ({ thread: rt.thread, category: rt.category, series: rt.series, window }));
  const keptUnparsed = unparsed.filter((u: UnparsedMail) => unparsedInWindow(u, window));
  if (options.onDraft) {
    const pending: Summary = { text: '（总结生成中…）', source: summarizer.name === 'offline' ? 'offline' : 'llm', pending: true };
    options.onDraft(
      buildReport({
        generatedAt: now().toISOString(),
        window,
        list: source.listUrl,
        threads: ordered.map((rt) => ({ ...rt, summary: pending })),
        unparsed: keptUnparsed,
      }),
    );
  }
  progress?.('summarize', 0, inputs.length);
  const { summaries, usage } = await summarizer.summarize(inputs, {
    signal,
    progress,
    logger,
    onSummary: options.onSummary,
  });
  throwIfAborted(signal);
  if (summaries.length !== ordered.length) {
    throw new Error(`the ${summarizer.name} summarizer returned ${summaries.length} summaries for ${ordered.length} threads`);
  }
  ordered.forEach((rt, i) => {
    rt.summary = summaries[i];
  });

  return buildReport({
    generatedAt: now().toISOString(),
    window,
    list: source.listUrl,
    threads: ordered,
    unparsed: keptUnparsed,
    usage,
  });
}
