// Trailers: the "Key: value" lines kernel developers use to sign off, review, ack and test
// ("Reviewed-by: Name <addr>"), and to point at bugs and discussions ("Fixes: <sha> (...)",
// "Link: https://..."). Only the author's own text counts: lines quoted from another message
// ("> Reviewed-by: ...") and anything inside a diff belong to someone else.

import type { Address, Trailer } from './types.js';

/** Lower-cased spellings seen in the wild -> canonical key. */
const CANONICAL: ReadonlyMap<string, string> = new Map([
  ['signed-off-by', 'Signed-off-by'],
  ['reviewed-by', 'Reviewed-by'],
  ['acked-by', 'Acked-by'],
  ['tested-by', 'Tested-by'],
  ['reported-by', 'Reported-by'],
  ['suggested-by', 'Suggested-by'],
  ['co-developed-by', 'Co-developed-by'],
  ['nacked-by', 'Nacked-by'],
  ['naked-by', 'Nacked-by'],
  ['nack-by', 'Nacked-by'],
  ['nak-by', 'Nacked-by'],
  ['cc', 'Cc'],
  ['fixes', 'Fixes'],
  ['link', 'Link'],
  ['closes', 'Closes'],
  ['message-id', 'Message-ID'],
]);

/** Keys whose value names a person. */
export const PERSON_TRAILER_KEYS: ReadonlySet<string> = new Set([
  'Signed-off-by', 'Reviewed-by', 'Acked-by', 'Tested-by', 'Reported-by', 'Suggested-by',
  'Co-developed-by', 'Nacked-by', 'Cc',
]);

const TRAILER_LINE = /^[ \t]*([A-Za-z][A-Za-z-]{0,30})[ \t]*:[ \t]*(\S.*?)\s*$/;
const DIFF_START = /^(?:diff --git |--- a\/|--- \S+\t|Index: \S)/;

/** "Name <addr>", "<addr>", "addr (Name)", "addr": the person, address lower-cased. */
export function parsePerson(value: string): Address | null {
  const angle = /^(.*?)\s*<([^<>\s]+@[^<>\s]+)>/.exec(value);
  if (angle) {
    return { name: cleanName(angle[1]), address: angle[2].toLowerCase() };
  }
  const bare = /^([^\s<>()]+@[^\s<>()]+?)[.,;]?(?:\s+\((.*?)\))?(?:\s|$)/.exec(value);
  if (bare) return { name: cleanName(bare[2] ?? ''), address: bare[1].toLowerCase() };
  return null;
}

function cleanName(name: string): string {
  let n = name.trim();
  if (n.length >= 2 && n.startsWith('"') && n.endsWith('"')) n = n.slice(1, -1).replace(/\\(.)/g, '$1');
  return n.trim();
}

/** The trailer a single line carries, if it is one (value checks keep prose out). */
export function trailerFromLine(line: string): Trailer | null {
  const m = TRAILER_LINE.exec(line);
  if (!m) return null;
  const key = CANONICAL.get(m[1].toLowerCase());
  if (key === undefined) return null;
  const value = m[2];
  if (PERSON_TRAILER_KEYS.has(key)) {
    const person = parsePerson(value);
    // "Cc: the whole list" in prose is not a trailer; a person trailer needs an address.
    if (person === null) return null;
    return { key, value, person };
  }
  if (key === 'Fixes' && !/^[0-9a-f]{7,40}\b/i.test(value)) return null;
  if ((key === 'Link' || key === 'Closes') && !/^(?:https?:\/\/|<https?:\/\/)\S+/i.test(value)) return null;
  if (key === 'Message-ID' && !/^<?[^\s<>]+@[^\s<>]+>?$/.test(value)) return null;
  return { key, value };
}

/**
 * Trailers in the author's own text, in order: quoted lines ("> ...", however indented) are
 * skipped, and reading stops where a diff starts.
 */
export function extractTrailers(text: string): Trailer[] {
  const out: Trailer[] = [];
  let start = 0;
  const n = text.length;
  while (start < n) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = n;
    const line = text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end);
    start = end + 1;
    if (line.length === 0) continue;
    if (DIFF_START.test(line)) break;
    if (/^\s*>/.test(line)) continue;
    // Cheap pre-check before the regexes: a trailer has a colon early on.
    const colon = line.indexOf(':');
    if (colon < 2 || colon > 40) continue;
    const t = trailerFromLine(line);
    if (t) out.push(t);
  }
  return out;
}
