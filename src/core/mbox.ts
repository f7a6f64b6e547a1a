// A streaming mboxrd splitter: what public-inbox (`x=m`), `lei q` and `b4 mbox` write.
// A message starts at a "From " separator line of the strict shape public-inbox's MboxReader
// accepts ("From sender Day Mon dd hh:mm:ss yyyy"); inside a message, lines matching /^>+From /
// carry one extra '>' that mboxrd added and that we strip. The blank line mbox writers put before
// the next separator is removed. Lines are kept as zero-copy slices of the input chunks and each
// message is joined once: a huge message costs linear time, never quadratic copying.

const LF = 0x0a;
const CR = 0x0d;
const GT = 0x3e;
const FROM_ = Buffer.from('From ');

// PublicInbox::MboxReader's $from_strict, for one line without its newline.
const FROM_STRICT = /^From \S+ +\S+ \S+ +\S+ [^\n:]+:[^\n:]+:[^\n:]+ [^\n:]+$/;

function startsWithFrom(line: Buffer, at: number): boolean {
  if (line.length - at < 5) return false;
  for (let i = 0; i < 5; i++) if (line[at + i] !== FROM_[i]) return false;
  return true;
}

/** Is this line (newline included) a message separator? */
function isSeparator(line: Buffer): boolean {
  if (!startsWithFrom(line, 0)) return false;
  let end = line.length;
  if (end > 0 && line[end - 1] === LF) end--;
  if (end > 0 && line[end - 1] === CR) end--;
  return FROM_STRICT.test(line.toString('latin1', 0, end));
}

/** True when a line (newline included) is empty: "\n", "\r\n" or "". */
function isBlank(line: Buffer): boolean {
  const n = line.length;
  return n === 0 || (n === 1 && line[0] === LF) || (n === 2 && line[0] === CR && line[1] === LF);
}

/** The mboxrd unescape: ">>From x" becomes ">From x"; other lines are returned as they are. */
function unescapeLine(line: Buffer): Buffer {
  if (line.length === 0 || line[0] !== GT) return line;
  let i = 0;
  while (i < line.length && line[i] === GT) i++;
  return startsWithFrom(line, i) ? line.subarray(1) : line;
}

/**
 * Splits an mboxrd byte stream into messages (without the "From " separator line, with the mboxrd
 * quoting undone and the blank line before the next separator removed). Line endings are kept as
 * they are (LF or CRLF). A final message without a trailing newline is still returned whole.
 * Text before the first separator and messages holding only whitespace are skipped.
 */
export async function* splitMboxrd(chunks: AsyncIterable<Buffer | Uint8Array>): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let inMessage = false;
  // A blank line held back: it belongs to the message unless a separator or the end follows it.
  let heldBlank: Buffer | null = null;
  let hasContent = false;
  // Bytes of an incomplete line carried over between chunks.
  let carry: Buffer[] = [];

  const finish = (): Buffer | null => {
    const keep = inMessage && hasContent;
    const msg = keep ? Buffer.concat(parts) : null;
    parts = [];
    heldBlank = null;
    hasContent = false;
    return msg;
  };

  // line includes its newline (none for an unterminated last line).
  const onLine = (line: Buffer): Buffer | null => {
    if (isSeparator(line)) {
      const out = finish();
      inMessage = true;
      return out;
    }
    if (!inMessage) return null;
    if (heldBlank) {
      parts.push(heldBlank);
      heldBlank = null;
    }
    if (isBlank(line)) {
      heldBlank = line;
    } else {
      parts.push(unescapeLine(line));
      hasContent = true;
    }
    return null;
  };

  for await (const chunkIn of chunks) {
    const chunk = Buffer.isBuffer(chunkIn) ? chunkIn : Buffer.from(chunkIn.buffer, chunkIn.byteOffset, chunkIn.byteLength);
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(LF, start);
      if (nl < 0) {
        if (start < chunk.length) carry.push(chunk.subarray(start));
        break;
      }
      let line = chunk.subarray(start, nl + 1);
      if (carry.length) {
        carry.push(line);
        line = Buffer.concat(carry);
        carry = [];
      }
      const done = onLine(line);
      if (done) yield done;
      start = nl + 1;
    }
  }
  if (carry.length) {
    const done = onLine(Buffer.concat(carry));
    carry = [];
    if (done) yield done;
  }
  const last = finish();
  if (last) yield last;
}

/** Escapes one message for an mboxrd file (the inverse of the splitter, for tests and exports). */
export function escapeMboxrd(raw: Buffer, fromLine = 'From mboxrd@z Thu Jan  1 00:00:00 1970'): Buffer {
  const text = raw.toString('latin1');
  const escaped = text.replace(/^(>*From )/gm, '>$1');
  const body = escaped.endsWith('\n') ? escaped : escaped + '\n';
  return Buffer.from(`${fromLine}\n${body}\n`, 'latin1');
}
