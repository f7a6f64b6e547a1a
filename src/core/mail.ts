// RawMessage bytes -> Mail. mailparser does the MIME work (charsets, QP/base64, RFC 2047 words,
// attachments); the ids that thread messages together are read from the raw header block with
// public-inbox's own rules (PublicInbox::MID), so our threads group exactly as lore's do.
// Never throws: a message that cannot be parsed comes back as UnparsedMail with its headers.

import { createHash } from 'node:crypto';
import { simpleParser, type AddressObject, type Attachment, type EmailAddress } from 'mailparser';
import { headerBlock, headerValues, parseHeaderFields } from './headers.js';
import { threadIds } from './mailIds.js';
import { parseMailDate, receivedTime } from './receivedTime.js';
import { parseSubject } from './subject.js';
import { extractTrailers } from './trailers.js';
import { htmlToText } from './mailHtml.js';
import { findPatchStart, extractPatch, splitSegments } from './mailBody.js';
import { withTimeBudget } from './safety/timeBudget.js';
import { parseSimpleMail } from './mailFast.js';
import { unparsedMail } from './unparsedMail.js';
import type { Address, Mail, RawMessage, UnparsedMail } from './types.js';

export { MAIL_PARSER_VERSION } from './mailParserVersion.js';

export type ParsedMail = { ok: true; mail: Mail } | { ok: false; unparsed: UnparsedMail };

const PARSER_OPTIONS = {
  skipHtmlToText: true,
  skipTextToHtml: true,
  skipTextLinks: true,
  skipImageLinks: true,
  keepCidLinks: true,
};

function flattenAddresses(field: AddressObject | AddressObject[] | undefined): Address[] {
  if (!field) return [];
  const out: Address[] = [];
  const visit = (list: EmailAddress[]): void => {
    for (const a of list) {
      if (a.group && a.group.length > 0) visit(a.group);
      else if (a.address || a.name) out.push({ name: (a.name ?? '').trim(), address: (a.address ?? '').trim().toLowerCase() });
    }
  };
  for (const obj of Array.isArray(field) ? field : [field]) visit(obj.value ?? []);
  return out;
}

function isPatchAttachment(a: Attachment): boolean {
  const type = (a.contentType ?? '').toLowerCase();
  if (type === 'text/x-patch' || type === 'text/x-diff' || type === 'text/x-diff-patch' || type === 'application/x-patch') return true;
  const name = (a.filename ?? '').toLowerCase();
  return (type.startsWith('text/') || type === 'application/octet-stream') && /\.(?:patch|diff)$/.test(name);
}

function synthesizedId(raw: Buffer): string {
  return `kvmarm-weekly-${createHash('sha1').update(raw).digest('hex')}@synthesised`;
}

function isoOrNull(seconds: number | null): string | null {
  if (seconds === null) return null;
  const d = new Date(seconds * 1000);
  return Number.isFinite(d.getTime()) ? d.toISOString() : null;
}

function unparsed(raw: RawMessage, block: string, reason: string): ParsedMail {
  return { ok: false, unparsed: unparsedMail(raw, reason, block) };
}

/** mailparser's time per message before the message is kept as unparsed (real mail takes ~1 ms). */
export const MAIL_PARSE_BUDGET_MS = 10_000;

export interface ParseMailOptions {
  /** Time budget for mailparser on this message (default MAIL_PARSE_BUDGET_MS). */
  budgetMs?: number;
  /** Take the shortcut for simple messages (mailFast.ts; default true): false sends every message through simpleParser. */
  fast?: boolean;
}

/** Parse one message. Never rejects; a message mailparser does not finish in time comes back unparsed. */
export async function parseMail(raw: RawMessage, options: ParseMailOptions = {}): Promise<ParsedMail> {
  let block = '';
  try {
    block = headerBlock(raw.raw);
    const fields = parseHeaderFields(block);
    if (fields.length === 0) return unparsed(raw, block, 'no header fields');

    let parsed;
    try {
      parsed = (options.fast !== false ? parseSimpleMail(raw.raw) : null) ?? await withTimeBudget(simpleParser(raw.raw, PARSER_OPTIONS), options.budgetMs ?? MAIL_PARSE_BUDGET_MS, 'mailparser');
    } catch (err) {
      return unparsed(raw, block, `mailparser: ${err instanceof Error ? err.message : String(err)}`);
    }

    const ids = threadIds(fields);
    const synthesized = ids.messageIds.length === 0;
    const messageId = synthesized ? synthesizedId(raw.raw) : ids.messageIds[0];
    // In-Reply-To ids missing from References are already appended to references (public-inbox
    // links every one); the parent is the last In-Reply-To id.
    const references = ids.references;
    const inReplyTo = ids.inReplyTo.length > 0 ? ids.inReplyTo[ids.inReplyTo.length - 1] : null;

    const from = flattenAddresses(parsed.from)[0] ?? { name: '', address: '' };
    const to = flattenAddresses(parsed.to);
    const cc = flattenAddresses(parsed.cc);

    const subject = parseSubject(parsed.subject ?? '');

    const dateSeconds = (() => {
      for (const v of headerValues(fields, 'date')) {
        const t = parseMailDate(v);
        if (t !== null) return t;
      }
      return null;
    })();
    const date = isoOrNull(dateSeconds);
    const received = receivedTime(fields, raw.commitTime);
    const receivedAt = isoOrNull(received) ?? date ?? new Date(0).toISOString();

    let text = typeof parsed.text === 'string' ? parsed.text : '';
    if (text === '' && typeof parsed.html === 'string' && parsed.html !== '') text = htmlToText(parsed.html);
    if (text.includes('\r')) text = text.replace(/\r\n?/g, '\n');

    const patchStart = findPatchStart(text);
    let patch = patchStart >= 0 ? extractPatch(text, patchStart) : null;
    if (patch === null) {
      const attachment = parsed.attachments.find(isPatchAttachment);
      if (attachment) patch = attachment.content.toString('utf8').replace(/\r\n?/g, '\n');
    }
    const ownText = patchStart >= 0 ? text.slice(0, patchStart) : text;

    const mail: Mail = {
      messageId,
      synthesizedId: synthesized,
      inReplyTo,
      references,
      subject,
      from,
      to,
      cc,
      date,
      receivedAt,
      text,
      segments: splitSegments(text),
      patch,
      trailers: extractTrailers(ownText),
    };
    if (raw.origin !== undefined) mail.origin = raw.origin;
    return { ok: true, mail };
  } catch (err) {
    return unparsed(raw, block, `parse failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}
