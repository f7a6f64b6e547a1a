// The Message-IDs that link messages into threads, read from raw header fields with
// public-inbox's own rules (PublicInbox::MID mids / references / uniq_mids), so that any module
// grouping messages (the parser, a header index) agrees with lore's threads.

import { headerValues } from './headers.js';

/** public-inbox truncates ids to this length (a Xapian term limit). */
export const MAX_MID_SIZE = 244;

/** Ids in header values, as PublicInbox::MID extracts them: every "<...>", CR/LF/TAB removed. */
export function extractIds(values: string[], bareAllowed: boolean): string[] {
  const ids: string[] = [];
  for (const v of values) {
    const re = /<([^>]+)>/g;
    let m: RegExpExecArray | null;
    let found = false;
    while ((m = re.exec(v)) !== null) {
      found = true;
      ids.push(m[1].replace(/[\n\t\r]/g, '').slice(0, MAX_MID_SIZE));
    }
    // A Message-ID without brackets is taken whole (public-inbox does the same).
    if (!found && bareAllowed && v.trim() !== '') ids.push(v.trim().replace(/[\n\t\r]/g, '').slice(0, MAX_MID_SIZE));
  }
  return ids;
}

export interface ThreadIds {
  /** Message-IDs of the message, first one first (usually exactly one; empty when absent). */
  messageIds: string[];
  /** References then In-Reply-To ids, deduplicated, without the first Message-ID, without ids
   *  that are really addresses of From/To/Cc (or "y"/"n": old git-send-email prompts). */
  references: string[];
  /** The In-Reply-To ids that survive the same filter, in header order. */
  inReplyTo: string[];
}

const ADDRESS = /[^\s<>",;:()[\]]+@[^\s<>",;:()[\]]+/g;

/** Thread-linking ids of a message from its header fields (names lower-cased, unfolded). */
export function threadIds(fields: Array<[string, string]>): ThreadIds {
  const messageIds = [...new Set(extractIds(headerValues(fields, 'message-id'), true))];
  const own = messageIds[0];
  const notIds = new Set<string>(['y', 'n']);
  for (const name of ['from', 'to', 'cc']) {
    for (const v of headerValues(fields, name)) for (const a of v.match(ADDRESS) ?? []) notIds.add(a.toLowerCase());
  }
  const keep = (id: string): boolean => id !== own && !notIds.has(id.toLowerCase());
  const inReplyTo = extractIds(headerValues(fields, 'in-reply-to'), false).filter(keep);
  const seen = new Set<string>();
  const references: string[] = [];
  for (const id of [...extractIds(headerValues(fields, 'references'), false), ...inReplyTo]) {
    if (!keep(id) || seen.has(id)) continue;
    seen.add(id);
    references.push(id);
  }
  return { messageIds, references, inReplyTo };
}
