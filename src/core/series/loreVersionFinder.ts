// Earlier versions of a series through public-inbox search over HTTP (lore.kernel.org or any
// public-inbox): `GET {base}?q=<query>&x=A` answers an Atom feed of matching messages. Three
// searches at most per series: the exact title, the author with the title's main words, and the
// Message-IDs the cover letter links to. A search with no hits answers 404.

import type { SeriesVersionLink } from '../types.js';
import { parseSubject } from '../subject.js';
import { matchEarlierVersions, type SeriesVersionFinder, type VersionCandidate, type VersionQuery } from './versionFinder.js';

export interface LoreVersionFinderOptions {
  /** The inbox base URL, e.g. "https://lore.kernel.org/kvmarm/". */
  baseUrl: string;
  fetch?: typeof fetch;
  userAgent?: string;
  timeoutMs?: number;
  /** Linked ids looked up per series at most. */
  maxLinks?: number;
}

/** One entry of a public-inbox Atom feed. */
export interface AtomEntry {
  messageId: string;
  subject: string;
  email: string;
  name: string;
  updated: string;
}

const ENTITY: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function unescapeXml(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (all, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : all;
    }
    return ENTITY[e.toLowerCase()] ?? all;
  });
}

function tag(block: string, name: string): string | null {
  const m = new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}>`).exec(block);
  return m ? unescapeXml(m[1]) : null;
}

/** Reads the entries of a public-inbox Atom feed (bodies are skipped). */
export function parseAtomEntries(xml: string): AtomEntry[] {
  const out: AtomEntry[] = [];
  const re = /<entry>([\s\S]*?)<\/entry>/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(xml)) !== null) {
    const block = m[1];
    // The body sits in <content>; cut it off so nothing inside it is mistaken for a field.
    const head = block.split('<content')[0];
    const href = /<link\s+href="([^"]+)"/.exec(head);
    if (!href) continue;
    const id = messageIdFromHref(unescapeXml(href[1]));
    if (!id) continue;
    const author = tag(head, 'author') ?? '';
    out.push({
      messageId: id,
      subject: (tag(head, 'title') ?? '').replace(/\s+/g, ' ').trim(),
      email: (tag(author, 'email') ?? '').trim().toLowerCase(),
      name: (tag(author, 'name') ?? '').trim(),
      updated: (tag(head, 'updated') ?? '').trim(),
    });
  }
  return out;
}

function messageIdFromHref(href: string): string | null {
  const path = href.replace(/[?#].*$/, '').replace(/\/+$/, '');
  const last = path.slice(path.lastIndexOf('/') + 1);
  if (last === '') return null;
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

/** A phrase for public-inbox's query parser: quotes inside would end it early. */
function phrase(s: string): string {
  return `"${s.replace(/["\\]/g, ' ').replace(/\s+/g, ' ').trim()}"`;
}

const STOP = new Set(['kvm', 'arm64', 'arm', 'the', 'and', 'for', 'of', 'to', 'in', 'on', 'an', 'with', 'add', 'support']);

/** The searches made for one query. */
export function loreSearches(query: VersionQuery, maxLinks = 5): string[] {
  const out: string[] = [];
  const title = parseSubject(query.title).title || query.title;
  if (title.trim() !== '') out.push(`s:${phrase(title)}`);
  const words = title
    .toLowerCase()
    .split(/[^a-z0-9_]+/)
    .filter((w) => w.length > 2 && !STOP.has(w))
    .slice(0, 4);
  if (query.author.address !== '' && words.length > 0) out.push([`f:${phrase(query.author.address)}`, ...words.map((w) => `s:${w}`)].join(' '));
  for (const id of query.links.slice(0, maxLinks)) out.push(`m:${phrase(id)}`);
  return out;
}

export function createLoreVersionFinder(options: LoreVersionFinderOptions): SeriesVersionFinder {
  const doFetch = options.fetch ?? fetch;
  const base = options.baseUrl.endsWith('/') ? options.baseUrl : options.baseUrl + '/';
  const timeoutMs = options.timeoutMs ?? 30_000;

  const search = async (q: string, signal?: AbortSignal): Promise<AtomEntry[]> => {
    const url = `${base}?q=${encodeURIComponent(q)}&x=A`;
    const timeout = AbortSignal.timeout(timeoutMs);
    const res = await doFetch(url, {
      headers: { 'User-Agent': options.userAgent ?? 'kvmarm-weekly', Accept: 'application/atom+xml' },
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    if (res.status === 404) {
      await res.body?.cancel();
      return [];
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new Error(`search ${JSON.stringify(q)} failed: HTTP ${res.status}`);
    }
    return parseAtomEntries(await res.text());
  };

  return {
    async findEarlierVersions(query: VersionQuery, signal?: AbortSignal): Promise<SeriesVersionLink[]> {
      const seen = new Set<string>();
      const candidates: VersionCandidate[] = [];
      for (const q of loreSearches(query, options.maxLinks)) {
        signal?.throwIfAborted();
        for (const e of await search(q, signal)) {
          if (seen.has(e.messageId)) continue;
          seen.add(e.messageId);
          const t = Date.parse(e.updated);
          // Without a time the "posted before" bound cannot be checked: not a candidate.
          if (!Number.isFinite(t)) continue;
          const time = new Date(t).toISOString();
          candidates.push({ messageId: e.messageId, subject: parseSubject(e.subject), from: e.email, date: time, time });
        }
      }
      return matchEarlierVersions(query, candidates);
    },
  };
}
