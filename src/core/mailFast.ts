// A shortcut past mailparser's streams for the most common message: one text/plain part in UTF-8
// or US-ASCII, 7bit or 8bit, inline, fixed or flowed (what git send-email and most list replies send).
// Everything that decides the result is mailparser's own code: the header block is split where
// mailsplit splits it (the first empty line), its lines are read by mailsplit's Headers and
// processed by MailParser's processHeaders (RFC 2047 words, addresses), and the body is decoded as
// mailparser decodes such a part (UTF-8, CRLF -> LF). Any other message returns null and goes
// through simpleParser. test/unit/mailFast.test.ts compares both paths field by field.

import { Headers } from '@zone-eu/mailsplit';
import { MailParser, type AddressObject } from 'mailparser';

/** What parseMail reads of simpleParser's answer. */
export interface SimpleParsed {
  subject?: string;
  from?: AddressObject;
  to?: AddressObject | AddressObject[];
  cc?: AddressObject | AddressObject[];
  text?: string;
  html?: undefined;
  attachments: [];
}

interface HeaderLine {
  key: string;
  line: string;
}

interface HeaderProcessor {
  processHeaders(lines: HeaderLine[]): Map<string, unknown>;
  getAddressesHTML(value: unknown): string;
  getAddressesText(value: unknown): string;
  libmime: { decodeFlowed(input: string, delSp: boolean): string };
}

/** Headers a simple message's result depends on; the others are not processed at all. */
const WANTED = new Set(['subject', 'from', 'to', 'cc', 'content-type', 'content-transfer-encoding', 'content-disposition']);
/** Larger header blocks take the full parser (mailsplit limits the header size). */
const MAX_HEADER_BYTES = 64 * 1024;
const PLAIN_CHARSETS = new Set(['utf8', 'usascii', 'ascii']);
/** Larger messages take the full parser, under its time budget (parseMail's budgetMs). */
const MAX_MESSAGE_BYTES = 1024 * 1024;

/** One MailParser per thread, used only for its header processing (it holds no per-message state there). */
let processor: HeaderProcessor | null = null;

function headerProcessor(): HeaderProcessor {
  if (!processor) {
    processor = new MailParser({ skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true }) as unknown as HeaderProcessor;
    // An address header's HTML and text renderings are never read (parseMail takes the address
    // list): this instance skips building them (a tenth of the header work on long Cc lists).
    processor.getAddressesHTML = () => '';
    processor.getAddressesText = () => '';
  }
  return processor;
}

/** Offset of the body: after the first line that is "\n" or "\r\n" (mailsplit's header end), or -1. */
function bodyStart(raw: Buffer): number {
  let pos = 0;
  while (pos < raw.length && pos <= MAX_HEADER_BYTES) {
    const nl = raw.indexOf(0x0a, pos);
    if (nl < 0) return -1;
    if (nl === pos || (nl === pos + 1 && raw[pos] === 0x0d)) return pos === 0 ? -1 : nl + 1;
    pos = nl + 1;
  }
  return -1;
}

/** The message as simpleParser would answer it, when it is a simple one; null otherwise (never throws). */
export function parseSimpleMail(raw: Buffer): SimpleParsed | null {
  try {
    return simple(raw);
  } catch {
    return null; // whatever went wrong, the full parser decides
  }
}

function simple(raw: Buffer): SimpleParsed | null {
  if (raw.length > MAX_MESSAGE_BYTES) return null;
  const start = bodyStart(raw);
  if (start < 0) return null;
  const all = (new Headers(raw.subarray(0, start)).getList() as HeaderLine[]) ?? [];
  // An mbox "From " line or a header line without a colon: mailsplit's own reading decides.
  if (all.length === 0 || all.some((l) => l.key === '' || !/^[\x21-\x39\x3b-\x7e]+$/.test(l.key))) return null;
  const lines = all.filter((l) => WANTED.has(l.key));
  let types = 0;
  let encodings = 0;
  let dispositions = 0;
  for (const l of lines) {
    if (l.key === 'content-type' || l.key === 'content-transfer-encoding' || l.key === 'content-disposition') {
      // Comments and second values: mailsplit and processHeaders could read them differently.
      if (l.line.includes('(') || (l.key === 'content-type' ? ++types : l.key === 'content-transfer-encoding' ? ++encodings : ++dispositions) > 1) return null;
    }
  }
  const proc = headerProcessor();
  const headers = proc.processHeaders(lines);
  let flowed = false;
  let delSp = false;
  const type = headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  if (type !== undefined) {
    if ((type.value ?? '').toLowerCase() !== 'text/plain') return null;
    const params = type.params ?? {};
    if (Object.keys(params).some((p) => p !== 'charset' && p !== 'format' && p !== 'delsp')) return null;
    const charset = params.charset;
    if (charset !== undefined && !PLAIN_CHARSETS.has(charset.toLowerCase().replace(/[^a-z0-9]+/g, ''))) return null;
    // format=flowed (RFC 3676) is unwrapped as mailsplit does (libmime's decodeFlowed); delsp
    // only with it. Other values: the full parser.
    const format = params.format?.toLowerCase().trim();
    if (format !== undefined && format !== 'flowed' && format !== 'fixed') return null;
    flowed = format === 'flowed';
    const delsp = params.delsp?.toLowerCase().trim();
    if (delsp !== undefined && !(flowed && (delsp === 'yes' || delsp === 'no'))) return null;
    delSp = delsp === 'yes';
  }
  // "Content-Disposition: inline" (mutt sends it) with no parameters changes nothing for a text part.
  const disposition = headers.get('content-disposition') as { value?: string; params?: Record<string, string> } | undefined;
  if (disposition !== undefined && ((disposition.value ?? '').toLowerCase() !== 'inline' || Object.keys(disposition.params ?? {}).length > 0)) return null;
  const encoding = headers.get('content-transfer-encoding');
  if (encoding !== undefined && !(typeof encoding === 'string' && /^(?:7bit|8bit)$/i.test(encoding.trim()))) return null;

  const bytes = raw.subarray(start);
  const body = flowed ? Buffer.from(proc.libmime.decodeFlowed(bytes.toString('binary'), delSp), 'binary').toString() : bytes.toString();
  const text = body.includes('\r') ? body.replace(/\r?\n/g, '\n') : body;
  const out: SimpleParsed = { attachments: [] };
  // simpleParser leaves text unset for an empty body, and sets each header only when present.
  if (text !== '') out.text = text;
  if (headers.has('subject')) out.subject = headers.get('subject') as string;
  if (headers.has('from')) out.from = headers.get('from') as AddressObject;
  if (headers.has('to')) out.to = headers.get('to') as AddressObject | AddressObject[];
  if (headers.has('cc')) out.cc = headers.get('cc') as AddressObject | AddressObject[];
  return out;
}
