// Decodes a header value for the header index (subject, from name) without a full MIME parser:
// raw 8-bit bytes as UTF-8 when they are valid UTF-8 (else latin1), RFC 2047 encoded words in any
// charset the platform's TextDecoder knows, whitespace unfolded and collapsed.

const ENCODED_WORD = /=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=/g;
// Whitespace between two adjacent encoded words is not part of the text (RFC 2047 section 6.2).
const BETWEEN_WORDS = /(=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=)\s+(?==\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=)/g;

function decoderFor(charset: string): TextDecoder | null {
  const label = charset.replace(/\*.*$/, '').toLowerCase(); // RFC 2231 language suffix
  try {
    return new TextDecoder(label === 'gb2312' ? 'gbk' : label);
  } catch {
    return null;
  }
}

function wordBytes(encoding: string, text: string): Buffer {
  if (encoding === 'b' || encoding === 'B') return Buffer.from(text, 'base64');
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '_') bytes.push(0x20);
    else if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(c.charCodeAt(0) & 0xff);
  }
  return Buffer.from(bytes);
}

/** Raw header bytes (given as a latin1 string, as `headerBlock` returns them) to text. */
export function rawHeaderText(latin1: string): string {
  // eslint-disable-next-line no-control-regex
  if (!/[\u0080-\u00ff]/.test(latin1)) return latin1;
  const bytes = Buffer.from(latin1, 'latin1');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return latin1;
  }
}

/** A header value (latin1 string of raw bytes) decoded, unfolded, whitespace collapsed, trimmed. */
export function decodeHeaderValue(latin1: string): string {
  const text = rawHeaderText(latin1).replace(BETWEEN_WORDS, '$1');
  // Adjacent encoded words in the same charset may split a multi-byte character: decode runs.
  let out = '';
  let last = 0;
  let run: { charset: string; bytes: Buffer[] } | null = null;
  const flush = (): void => {
    if (!run) return;
    const decoder = decoderFor(run.charset);
    const bytes = Buffer.concat(run.bytes);
    out += decoder ? decoder.decode(bytes) : bytes.toString('latin1');
    run = null;
  };
  for (const m of text.matchAll(ENCODED_WORD)) {
    const at = m.index ?? 0;
    if (at > last) {
      flush();
      out += text.slice(last, at);
    }
    const charset = m[1].toLowerCase();
    if (run && run.charset !== charset) flush();
    if (!run) run = { charset, bytes: [] };
    run.bytes.push(wordBytes(m[2], m[3]));
    last = at + m[0].length;
  }
  flush();
  out += text.slice(last);
  return out.replace(/[\s\u0000]+/g, ' ').trim();
}
