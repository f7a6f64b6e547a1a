// Fills `series.previous` for the series of a report: the versions found in the thread itself
// (buildSeries) plus what a finder knows of the archive. One finder query per series of version 2
// or more (or whose cover letter links to earlier postings), a few at a time.

import type { Mail, Series, SeriesVersionLink, Thread } from '../types.js';
import { coverNoteLinks } from './coverNotes.js';
import type { SeriesVersionFinder, VersionQuery } from './versionFinder.js';

export interface LinkItem {
  series: Series | null;
  /** The series' thread: its cover letter's notes and posting time refine the query. */
  thread?: Thread;
}

export interface LinkOptions {
  signal?: AbortSignal;
  /** Queries in flight at once (an HTTP finder is slow; an index finder does not care). */
  concurrency?: number;
  /** Called when one query fails; the series keeps what it had. */
  onError?: (series: Series, error: unknown) => void;
}

/** The query for one series, from the series and (when given) its thread. */
export function versionQueryOf(series: Series, thread?: Thread): VersionQuery {
  const head = headMail(series, thread);
  const notes = head ? coverNoteLinks(head.text) : [];
  const linkVersions: Record<string, number> = {};
  for (const n of notes) if (n.version !== null) linkVersions[n.messageId] = n.version;
  return {
    title: series.title,
    author: series.author,
    version: series.version,
    before: head ? head.receivedAt : new Date(8.64e15).toISOString(),
    links: notes.map((n) => n.messageId),
    linkVersions,
    total: series.total,
  };
}

function headMail(series: Series, thread?: Thread): Mail | null {
  if (!thread) return null;
  const id = series.coverMessageId ?? series.patches[0]?.messageId;
  const tm = thread.messages.find((m) => m.mail.messageId === id);
  return tm ? tm.mail : null;
}

/** Merges found links into what the series has: per version, links found in the thread win. */
export function mergeVersionLinks(existing: SeriesVersionLink[], found: SeriesVersionLink[], current: number): SeriesVersionLink[] {
  const byVersion = new Map<number, SeriesVersionLink>();
  for (const l of existing) if (!byVersion.has(l.version)) byVersion.set(l.version, l);
  for (const l of found) if (l.version < current && !byVersion.has(l.version)) byVersion.set(l.version, l);
  return [...byVersion.values()].sort((a, b) => b.version - a.version);
}

/** Fills series.previous in place for every item with a series. */
export async function linkPreviousVersions(items: LinkItem[], finder: SeriesVersionFinder, options: LinkOptions | AbortSignal = {}): Promise<void> {
  const opts: LinkOptions = isSignal(options) ? { signal: options } : options;
  const queue: Array<{ series: Series; query: VersionQuery }> = [];
  for (const item of items) {
    if (!item.series) continue;
    const query = versionQueryOf(item.series, item.thread);
    if (query.version < 2 && query.links.length === 0) continue;
    queue.push({ series: item.series, query });
  }
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < queue.length) {
      opts.signal?.throwIfAborted();
      const job = queue[next++];
      try {
        const found = await finder.findEarlierVersions(job.query, opts.signal);
        job.series.previous = mergeVersionLinks(job.series.previous, found, job.series.version);
      } catch (err) {
        if (opts.signal?.aborted) throw err;
        opts.onError?.(job.series, err);
      }
    }
  };
  const n = Math.max(1, Math.min(opts.concurrency ?? 4, queue.length));
  await Promise.all(Array.from({ length: n }, worker));
}

function isSignal(x: unknown): x is AbortSignal {
  return typeof AbortSignal !== 'undefined' && x instanceof AbortSignal;
}
