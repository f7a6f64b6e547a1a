// A message kept as "unparsed": its origin, why it could not be parsed, and its raw header block
// (bounded), so nothing is lost and a reader can still see what it was.

import { headerBlock } from './headers.js';
import type { UnparsedMail } from './types.js';

/** Header text kept for an unparsed message (a hostile header can be megabytes long). */
export const MAX_UNPARSED_HEADER_CHARS = 16 * 1024;

/** The unparsed record for `raw`; `block` is its header block when the caller already has it. */
export function unparsedMail(raw: { raw: Uint8Array; origin?: string }, reason: string, block?: string): UnparsedMail {
  let headers = block;
  if (headers === undefined) {
    try {
      headers = headerBlock(Buffer.from(raw.raw.buffer, raw.raw.byteOffset, raw.raw.byteLength));
    } catch {
      headers = '';
    }
  }
  return {
    origin: raw.origin,
    reason,
    headers: headers.length > MAX_UNPARSED_HEADER_CHARS ? headers.slice(0, MAX_UNPARSED_HEADER_CHARS) : headers,
  };
}
