// The stored form of a parsed message (parse cache entries and worker answers): a Mail's body is
// kept once. Segments are left out (they are splitSegments(text), rebuilt on reading as slices of
// the text, which share its memory) and an inline patch is kept as its offsets in the text. An
// entry without those shortcuts (written before them, or a patch that is an attachment) reads as is.

import type { ParsedMail } from './mail.js';
import { findPatchStart, splitSegments } from './mailBody.js';

interface StoredMailExtras {
  /** [start, end) of the patch in the text, when the patch is that slice of it. */
  patchAt?: [number, number];
}

/** ParsedMail -> JSON text, without the copies of the body. */
export function encodeParsedMail(parsed: ParsedMail): string {
  if (!parsed.ok) return JSON.stringify(parsed);
  const { segments: _segments, ...mail } = parsed.mail;
  const stored: Omit<typeof parsed.mail, 'segments'> & StoredMailExtras = mail;
  const patch = mail.patch;
  if (patch !== null && patch !== '') {
    // parseMail's inline patch starts where findPatchStart says; anything else is searched for.
    const at = findPatchStart(mail.text);
    const start = at >= 0 && mail.text.startsWith(patch, at) ? at : mail.text.indexOf(patch);
    if (start >= 0) {
      stored.patch = null;
      stored.patchAt = [start, start + patch.length];
    }
  }
  return JSON.stringify({ ok: true, mail: stored });
}

/** JSON text (encodeParsedMail's, or a full ParsedMail's) -> ParsedMail. Throws on text that is not JSON. */
export function decodeParsedMail(json: string): ParsedMail {
  const parsed = JSON.parse(json) as ParsedMail;
  if (!parsed.ok) return parsed;
  const mail = parsed.mail as typeof parsed.mail & StoredMailExtras;
  if (mail.patchAt !== undefined) {
    const [start, end] = mail.patchAt;
    mail.patch = mail.text.slice(start, end);
    delete mail.patchAt;
  }
  if (mail.segments === undefined) mail.segments = splitSegments(mail.text);
  return parsed;
}
