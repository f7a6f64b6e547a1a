// Finding earlier versions of a series in the archive. A finder answers one query (title, author,
// version, posting time, links from the cover letter); the matching rules are shared by every
// finder (header index of a git mirror, public-inbox search over HTTP, the mails at hand), which
// only differ in where their candidates come from.

import type { Address, SeriesVersionLink, Subject } from '../types.js';
import { normalizeTitle } from '../subject.js';

export interface VersionQuery {
  title: string;
  author: Address;
  version: number;
  /** ISO time the current version was posted: earlier versions were posted before it. */
  before: string;
  /** Message-IDs the cover letter links to (see coverNoteLinks), with the version a note names. */
  links: string[];
  /** Versions the cover letter's notes name for some links ("v2: https://..."), by Message-ID: a hint only. */
  linkVersions?: Record<string, number>;
  /** Number of patches in the current version; a tie-breaker between candidates. */
  total?: number;
}

export interface SeriesVersionFinder {
  findEarlierVersions(query: VersionQuery, signal?: AbortSignal): Promise<SeriesVersionLink[]>;
}

/** A posted message that may be the head (cover letter or first patch) of an earlier version. */
export interface VersionCandidate {
  messageId: string;
  subject: Subject;
  /** Lower-cased From address. */
  from: string;
  /** Date header (ISO) or null. */
  date: string | null;
  /** When it was received (ISO); ordering and the "before" bound use it. */
  time: string;
}

/** A series head: a posted cover letter (0/n), a first patch (1/n) or a lone patch. */
export function isSeriesHead(subject: Subject): boolean {
  const t = subject.tags;
  if (t.isReply || t.isPull) return false;
  if (!t.isPatch && !(t.isRfc && t.index !== null)) return false;
  return t.index === null || t.index === 0 || t.index === 1;
}

const STOP = new Set(['kvm', 'arm64', 'arm', 'the', 'and', 'for', 'of', 'to', 'in', 'on', 'a', 'an', 'with', 'support', 'add']);

function words(title: string): string[] {
  return normalizeTitle(title)
    .split(/[^a-z0-9_]+/)
    .filter((w) => w.length > 1 && !STOP.has(w));
}

/** Similarity of two titles: shared significant words over the larger word set (0..1). */
export function titleSimilarity(a: string, b: string): number {
  const wa = new Set(words(a));
  const wb = new Set(words(b));
  if (wa.size === 0 || wb.size === 0) return normalizeTitle(a) === normalizeTitle(b) ? 1 : 0;
  let shared = 0;
  for (const w of wb) if (wa.has(w)) shared++;
  return shared / Math.max(wa.size, wb.size);
}

/** Similar-title threshold when the author is the same. */
export const SIMILAR_TITLE = 0.6;

interface Scored {
  c: VersionCandidate;
  version: number;
  score: number;
}

/**
 * Picks the earlier versions of the queried series among candidates: for each earlier version
 * number, the best-scoring head posted before the query (ties: the latest posted).
 * Scores: linked from the cover letter 4, same normalised title 2 (+1 same author),
 * same author with a similar title 1 (+similarity). A cover letter beats a first patch.
 */
export function matchEarlierVersions(query: VersionQuery, candidates: Iterable<VersionCandidate>): SeriesVersionLink[] {
  const wanted = normalizeTitle(query.title);
  const author = query.author.address;
  const linked = new Set(query.links);
  const best = new Map<number, Scored>();
  for (const c of candidates) {
    if (!isSeriesHead(c.subject)) continue;
    if (!(c.time < query.before)) continue;
    // The posting's own subject says which version it is; notes in cover letters disagree on
    // whether "v1 -> v2: <url>" links v1 or v2, so their labels are not trusted over it.
    const version = c.subject.tags.version;
    if (version >= query.version) continue;
    let score = 0;
    const sameAuthor = author !== '' && c.from === author;
    const title = normalizeTitle(c.subject.title);
    if (linked.has(c.messageId)) score = 4;
    else if (title === wanted && wanted.length > 0) score = sameAuthor ? 3 : 2;
    else if (sameAuthor) {
      const sim = titleSimilarity(c.subject.title, query.title);
      if (sim >= SIMILAR_TITLE) score = 1 + sim * 0.5;
    }
    if (score === 0) continue;
    // A lone title match from someone else must be specific enough to mean the same series.
    if (score === 2 && words(c.subject.title).length < 3) continue;
    if (c.subject.tags.index === 0) score += 0.25;
    if (query.total !== undefined && c.subject.tags.total === query.total) score += 0.1;
    const prev = best.get(version);
    if (!prev || score > prev.score || (score === prev.score && c.time > prev.c.time)) best.set(version, { c, version, score });
  }
  return [...best.values()]
    .sort((a, b) => b.version - a.version)
    .map((s) => ({ version: s.version, messageId: s.c.messageId, date: s.c.date }));
}
