// "What changed since last time" for the report: each series that has an earlier version gets one
// Chinese line comparing it with the latest earlier version (patches added, dropped, modified),
// computed from the mails alone. The earlier version usually lives in another thread, weeks back:
// the caller finds those threads (at hand, or from the source in one batch).

import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Mail, ReportThread, SeriesVersionLink } from '../types.js';
import { writeFilesAtomically } from '../report/writeReportFiles.js';
import { MAIL_PARSER_VERSION } from '../mailParserVersion.js';
import { compareVersions, type VersionComparison } from './compareVersions.js';

/** Bump when the comparison line for the same mails changes: cached lines are then recomputed. */
export const CHANGES_SINCE_VERSION = 1;

/** Where computed lines are kept between runs (a warm weekly run reads no earlier thread). */
export interface ChangesSinceCache {
  get(key: string): Promise<string | null>;
  set(key: string, line: string): Promise<void>;
}

/**
 * A cache of one small JSON file per series under `dir`, written atomically; a file that does not
 * read back whole, or names another key, is a miss.
 */
export function createChangesSinceCache(dir: string): ChangesSinceCache {
  const fileOf = (key: string): string => path.join(dir, `${key}.json`);
  return {
    async get(key) {
      try {
        const entry = JSON.parse(await readFile(fileOf(key), 'utf8')) as { key?: unknown; line?: unknown };
        return entry.key === key && typeof entry.line === 'string' ? entry.line : null;
      } catch {
        return null;
      }
    },
    async set(key, line) {
      await mkdir(dir, { recursive: true });
      await writeFilesAtomically([[fileOf(key), JSON.stringify({ key, line })]]);
    },
  };
}

/** The cache key: both versions' identities and everything posted in the current thread. */
function cacheKey(item: ReportThread, link: SeriesVersionLink): string {
  const h = createHash('sha256');
  h.update(`${CHANGES_SINCE_VERSION}\0${MAIL_PARSER_VERSION}\0${item.series!.version}\0${link.version}\0${link.messageId}`);
  for (const m of item.thread.messages) h.update(`\0${m.mail.messageId}`);
  return h.digest('hex').slice(0, 40);
}

/** The mails of the threads holding these Message-IDs, by the asked id (missing ids left out). */
export type ThreadLookup = (messageIds: string[], signal?: AbortSignal) => Promise<Map<string, Mail[]>>;

/** The latest version of the series posted before this one, if any is known. */
export function latestEarlierVersion(item: ReportThread): SeriesVersionLink | null {
  const series = item.series;
  if (!series) return null;
  let best: SeriesVersionLink | null = null;
  for (const p of series.previous) if (p.version < series.version && (!best || p.version > best.version)) best = p;
  return best;
}

/**
 * Compares a series with one of its earlier versions, given the mails of the thread that version
 * was posted in (only that version's postings count on either side; a v2 sent in reply to v1
 * shares its thread). Null when the thread holds no posting of that version.
 */
export function compareWithEarlierVersion(item: ReportThread, link: SeriesVersionLink, earlierThread: readonly Mail[]): VersionComparison | null {
  const series = item.series;
  if (!series) return null;
  const previous = earlierThread.filter((m) => m.subject.tags.version === link.version);
  if (previous.length === 0) return null;
  const current = item.thread.messages.map((m) => m.mail).filter((m) => m.subject.tags.version === series.version);
  return compareVersions(previous, current);
}

/** Fills `series.changesSince` for every series whose earlier version can be found. */
export async function describeChangesSince(
  items: readonly ReportThread[],
  lookup: ThreadLookup,
  options: { signal?: AbortSignal; cache?: ChangesSinceCache | null } = {},
): Promise<void> {
  const { signal, cache } = options;
  const candidates = items.flatMap((item) => {
    const link = latestEarlierVersion(item);
    return link ? [{ item, link, key: cache ? cacheKey(item, link) : '' }] : [];
  });
  const work: typeof candidates = [];
  for (const c of candidates) {
    const line = cache ? await cache.get(c.key) : null;
    if (line !== null) c.item.series!.changesSince = line;
    else work.push(c);
  }
  if (work.length === 0) return;
  const threads = await lookup([...new Set(work.map((w) => w.link.messageId))], signal);
  for (const { item, link, key } of work) {
    const series = item.series!;
    const comparison = compareWithEarlierVersion(item, link, threads.get(link.messageId) ?? []);
    if (!comparison) continue;
    series.changesSince = comparison.summary;
    // A cache that cannot be written costs the next run a recomputation, never this report.
    if (cache) await cache.set(key, series.changesSince).catch(() => undefined);
  }
}
