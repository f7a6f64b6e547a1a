// Earlier versions of a series from a git mirror's header index: every posted series head of the
// archive (cover letters, first patches, lone patches), looked up by normalised title, by author
// and by Message-ID. The lookup tables are built once, on the first query.

import type { SeriesVersionLink } from '../types.js';
import { normalizeTitle, parseSubject } from '../subject.js';
import type { HeaderEntry, HeaderIndex } from '../sources/headerIndex.js';
import { isSeriesHead, matchEarlierVersions, type SeriesVersionFinder, type VersionCandidate, type VersionQuery } from './versionFinder.js';

/** What the finder needs of a header index. */
export type VersionIndex = Pick<HeaderIndex, 'size' | 'subjectAt' | 'entry' | 'byMessageId'>;

interface Tables {
  byTitle: Map<string, VersionCandidate[]>;
  byAuthor: Map<string, VersionCandidate[]>;
}

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}

function candidateOf(e: HeaderEntry): VersionCandidate | null {
  if (e.messageIds.length === 0) return null;
  const subject = parseSubject(e.subject);
  if (!isSeriesHead(subject)) return null;
  return {
    messageId: e.messageIds[0],
    subject,
    from: e.from,
    date: e.date === null ? null : iso(e.date),
    time: iso(e.receivedTime),
  };
}

const MAY_HEAD_SERIES = /\[[^\]]*(?:PATCH|RFC)/i;
const REPLY_PREFIX = /^\s*(?:re|fwd?|aw)\s*:/i;
/** "[PATCH v2 07/12]": a patch after the first cannot head a series. */
const LATER_PATCH = /\[[^\]]*\b0*(?:[2-9]|[1-9][0-9]+)\/[0-9]+\s*\]/;

function push<K>(map: Map<K, VersionCandidate[]>, key: K, c: VersionCandidate): void {
  const list = map.get(key);
  if (list) list.push(c);
  else map.set(key, [c]);
}

export function createHeaderIndexVersionFinder(index: VersionIndex): SeriesVersionFinder {
  let tables: Tables | null = null;
  const build = (): Tables => {
    const t: Tables = { byTitle: new Map(), byAuthor: new Map() };
    for (let i = 0; i < index.size; i++) {
      // Only subjects that may head a series are parsed (most of the archive is replies and
      // patches 2..n): the scan runs on every report, so it must stay cheap.
      const subject = index.subjectAt(i);
      if (!MAY_HEAD_SERIES.test(subject) || REPLY_PREFIX.test(subject) || LATER_PATCH.test(subject)) continue;
      const c = candidateOf(index.entry(i));
      if (!c) continue;
      push(t.byTitle, normalizeTitle(c.subject.title), c);
      if (c.from !== '') push(t.byAuthor, c.from, c);
    }
    return t;
  };
  return {
    async findEarlierVersions(query: VersionQuery, signal?: AbortSignal): Promise<SeriesVersionLink[]> {
      signal?.throwIfAborted();
      tables ??= build();
      const seen = new Set<VersionCandidate>();
      const candidates: VersionCandidate[] = [];
      const add = (list: VersionCandidate[] | undefined) => {
        for (const c of list ?? []) if (!seen.has(c)) (seen.add(c), candidates.push(c));
      };
      add(tables.byTitle.get(normalizeTitle(query.title)));
      if (query.author.address !== '') add(tables.byAuthor.get(query.author.address));
      for (const id of query.links) {
        for (const e of index.byMessageId(id)) {
          const c = candidateOf(e);
          if (c) add([c]);
        }
      }
      return matchEarlierVersions(query, candidates);
    },
  };
}
