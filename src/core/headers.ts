// A small, fast reader of the RFC 5322 header block. The header index of a git mirror reads every
// message's headers; going through a full MIME parser for that would cost far more than it needs.

/** The header block of a message (everything before the first empty line), as latin1 text. */
export function headerBlock(raw: Buffer): string {
  let end = raw.length;
  for (let i = 0; i < raw.length - 1; i++) {
    if (raw[i] === 0x0a) {
      if (raw[i + 1] === 0x0a) {
        end = i;
        break;
      }
      if (raw[i + 1] === 0x0d && raw[i + 2] === 0x0a) {
        end = i;
        break;
      }
    }
  }
  // latin1 keeps every byte as one code unit: raw 8-bit headers survive for later decoding.
  return raw.toString('latin1', 0, end);
}

/** Header fields in order, names lower-cased, continuation lines unfolded. */
export function parseHeaderFields(block: string): Array<[string, string]> {
  const fields: Array<[string, string]> = [];
  const lines = block.split(/\r?\n/);
  for (const line of lines) {
    if (line.length === 0) continue;
    const first = line.charCodeAt(0);
    if ((first === 0x20 || first === 0x09) && fields.length > 0) {
      const last = fields[fields.length - 1];
      last[1] += ' ' + line.trim();
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue; // a stray line ("From " separator, garbage): not a field
    fields.push([line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]);
  }
  return fields;
}

/** Every value of one header, topmost first. */
export function headerValues(fields: Array<[string, string]>, name: string): string[] {
  const wanted = name.toLowerCase();
  const out: string[] = [];
  for (const [key, value] of fields) if (key === wanted) out.push(value);
  return out;
}

/** Message-IDs in a header value ("<a@b> <c@d>"), without angle brackets, in order. */
export function messageIdsIn(value: string): string[] {
  const ids: string[] = [];
  const re = /<([^<>\s]+)>/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(value)) !== null) ids.push(m[1]);
  if (ids.length === 0) {
    // Some mailers omit the brackets; accept one bare id that looks like local@domain.
    const bare = value.trim();
    if (/^[^\s<>]+@[^\s<>]+$/.test(bare)) ids.push(bare);
  }
  return ids;
}
