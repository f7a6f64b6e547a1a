// What the header index keeps of one message, read from its header block only. The ids a message
// is linked to are chosen exactly as public-inbox does for its threads (PublicInbox::MID::references
// and Smsg::parse_references): References then In-Reply-To, `<...>` extracted, git-send-email's
// "y"/"n" answers and addresses of To/From/Cc dropped, deduplicated, ids over 244 chars ignored,
// and all Message-IDs of a message with several linked together.

import { headerBlock, headerValues, parseHeaderFields } from '../headers.js';
import { parseMailDate, receivedTime } from '../receivedTime.js';
import { decodeHeaderValue, rawHeaderText } from './decodeHeader.js';

/** One message of a git mirror, as the header index records it. */
export interface HeaderEntry {
  /** Epoch number (`git/<n>.git`); 0 for a single repository. */
  epoch: number;
  commit: string;
  /** Blob of the message (`m`); also its content hash. */
  blob: string;
  /** Commit time, epoch seconds. */
  commitTime: number;
  /** Received time as public-inbox defines it (epoch seconds). */
  receivedTime: number;
  /** The Date: header, epoch seconds, or null. */
  date: number | null;
  /** Message-ID then X-Alt-Message-ID ids, without brackets (empty when the message has none). */
  messageIds: string[];
  /** The last In-Reply-To id, or null. */
  inReplyTo: string | null;
  /** The ids public-inbox links this message to: References then In-Reply-To, filtered (see above). */
  references: string[];
  /** Subject, decoded (RFC 2047) and unfolded. */
  subject: string;
  /** From address, lower-cased ("" when none). */
  from: string;
  /** From display name, decoded ("" when none). */
  fromName: string;
}

const MAX_MID_SIZE = 244;
const MID_EXTRACT = /<([^>]+)>/g;
const EMAIL = /[^\s<>"'(),;:[\]]+@[^\s<>"'(),;:[\]]+/g;

function cleanId(id: string): string {
  return id.replace(/[\n\t\r]/g, '');
}

/** PublicInbox::MID::extract_mids: ids in <...>, or the whole value when it has none. */
function extractMids(values: string[]): string[] {
  const out: string[] = [];
  for (const v of values) {
    const found = [...v.matchAll(MID_EXTRACT)].map((m) => m[1]);
    if (found.length) out.push(...found);
    else if (v.trim()) out.push(v.trim());
  }
  return out;
}

function uniq(ids: string[], seen: Set<string> = new Set()): string[] {
  const out: string[] = [];
  for (let id of ids) {
    id = cleanId(id);
    if (id.length > MAX_MID_SIZE) id = id.slice(0, MAX_MID_SIZE);
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(id);
  }
  return out;
}

function parseFrom(value: string): { name: string; address: string } {
  const decoded = decodeHeaderValue(value);
  const angle = /<([^<>\s]+@[^<>\s]+)>/.exec(decoded);
  if (angle) {
    const name = decoded.slice(0, angle.index).trim().replace(/^"(.*)"$/, '$1').trim();
    return { name, address: angle[1].toLowerCase() };
  }
  const bare = /([^\s<>"'(),;:]+@[^\s<>"'(),;:]+)/.exec(decoded);
  if (bare) {
    const comment = /\(([^)]*)\)/.exec(decoded);
    return { name: comment ? comment[1].trim() : '', address: bare[1].toLowerCase() };
  }
  return { name: decoded, address: '' };
}

/** Reads one message's header block into an index entry. */
export function indexEntryOf(raw: Buffer, meta: { epoch: number; commit: string; blob: string; commitTime: number }): HeaderEntry {
  const fields = parseHeaderFields(headerBlock(raw));
  const text = (name: string): string[] => headerValues(fields, name).map(rawHeaderText);

  const messageIds = uniq(extractMids([...text('message-id'), ...text('x-alt-message-id')]));
  const irt = [...text('in-reply-to')].flatMap((v) => [...v.matchAll(MID_EXTRACT)].map((m) => m[1]));
  const refIds = [...text('references'), ...text('in-reply-to')].flatMap((v) => [...v.matchAll(MID_EXTRACT)].map((m) => m[1]));
  const excluded = new Set<string>(['y', 'n']);
  for (const v of [...text('to'), ...text('from'), ...text('cc')]) for (const m of v.matchAll(EMAIL)) excluded.add(m[0]);
  let references = uniq(refIds, excluded);
  // Smsg::parse_references: drop ids that are too long and the message's own id.
  const own = messageIds[0];
  references = references.filter((r) => r.length <= MAX_MID_SIZE && r !== own);

  const subjects = headerValues(fields, 'subject');
  const froms = headerValues(fields, 'from');
  const from = froms.length ? parseFrom(froms[0]) : { name: '', address: '' };
  const dateValues = headerValues(fields, 'date');
  const date = dateValues.length ? parseMailDate(dateValues[0]) : null;

  return {
    epoch: meta.epoch,
    commit: meta.commit,
    blob: meta.blob,
    commitTime: meta.commitTime,
    receivedTime: receivedTime(fields, meta.commitTime) ?? meta.commitTime,
    date,
    messageIds,
    inReplyTo: irt.length ? cleanId(irt[irt.length - 1]) : null,
    references,
    subject: subjects.length ? decodeHeaderValue(subjects[0]) : '',
    from: from.address,
    fromName: from.name,
  };
}

/** Every id a message joins in public-inbox's thread graph: its own ids and its references. */
export function threadLinks(entry: HeaderEntry): string[] {
  return entry.messageIds.length ? [...entry.messageIds, ...entry.references] : entry.references;
}
