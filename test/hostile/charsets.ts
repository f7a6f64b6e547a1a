// Encoders for the legacy charsets hostile mail arrives in. Node decodes GBK/GB2312 (TextDecoder,
// full ICU) but cannot encode it; the inverse table is built once from the decoder itself, so the
// bytes the generator writes are exactly what a standard decoder turns back into the text.

let gbkTable: Map<string, Buffer> | null = null;

function buildGbkTable(): Map<string, Buffer> {
  const decoder = new TextDecoder('gbk', { fatal: true });
  const table = new Map<string, Buffer>();
  // GB2312 rows (0xA1-0xF7) first so its code wins where GBK has aliases, then the GBK extension.
  const leads = [...range(0xa1, 0xf7), ...range(0x81, 0xa0), ...range(0xf8, 0xfe)];
  for (const lead of leads) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      const bytes = Buffer.from([lead, trail]);
      let ch: string;
      try {
        ch = decoder.decode(bytes);
      } catch {
        continue;
      }
      if (ch.length === 1 && !table.has(ch)) table.set(ch, bytes);
    }
  }
  return table;
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i <= to; i++) out.push(i);
  return out;
}

/** Text as GBK bytes (GB2312 codes where they exist); throws for a character GBK lacks. */
export function encodeGbk(text: string): Buffer {
  gbkTable ??= buildGbkTable();
  const parts: Buffer[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x80) {
      parts.push(Buffer.from([code]));
      continue;
    }
    const bytes = gbkTable.get(ch);
    if (!bytes) throw new Error(`GBK cannot encode U+${code.toString(16)}`);
    parts.push(bytes);
  }
  return Buffer.concat(parts);
}

/** True when every byte of the GBK encoding is a GB2312 code (both bytes in 0xA1-0xFE). */
export function isGb2312(bytes: Buffer): boolean {
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] < 0x80) continue;
    if (bytes[i] < 0xa1 || bytes[i + 1] < 0xa1) return false;
    i++;
  }
  return true;
}

/** Text as ISO-8859-1 bytes; throws for a character outside Latin-1. */
export function encodeLatin1(text: string): Buffer {
  for (const ch of text) if (ch.codePointAt(0)! > 0xff) throw new Error(`Latin-1 cannot encode ${ch}`);
  return Buffer.from(text, 'latin1');
}

/** An RFC 2047 B-word of the given bytes. */
export function bWord(charset: string, bytes: Buffer): string {
  return `=?${charset}?B?${bytes.toString('base64')}?=`;
}

/** An RFC 2047 Q-word of the given bytes (every non-alphanumeric byte hex-escaped). */
export function qWord(charset: string, bytes: Buffer): string {
  let out = '';
  for (const b of bytes) out += /[A-Za-z0-9]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `=${b.toString(16).toUpperCase().padStart(2, '0')}`;
  return `=?${charset}?Q?${out}?=`;
}
