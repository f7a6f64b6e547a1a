// A plain-text rendering of an HTML-only message body, good enough to read and to find quoted
// lines and trailers in. mailparser's own conversion is skipped for speed (most list mail is
// plain text), so this only runs for the rare HTML-only message.

const NAMED: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', ndash: '–', mdash: '—',
  hellip: '…', laquo: '«', raquo: '»', copy: '©', reg: '®', trade: '™',
};

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, body: string) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED[body.toLowerCase()] ?? whole;
  });
}

/** Most <blockquote> levels unwrapped into "> " quotes; deeper (hostile) nesting is just stripped. */
const MAX_QUOTE_DEPTH = 64;

/**
 * The text split at the spans running from a match of `open` to the next match of `close` after
 * it: [text, span, text, span, ..., text]. Linear scans: a lazy `open[\s\S]*?close` regex rescans
 * to the end from every unclosed opening, which is quadratic on hostile mail. An opening with no
 * closing after it stays in the text (as the regex left it).
 */
function splitSpans(s: string, open: RegExp, close: RegExp): string[] {
  const out: string[] = [];
  let from = 0;
  for (;;) {
    open.lastIndex = from;
    const o = open.exec(s);
    if (!o) break;
    close.lastIndex = o.index + o[0].length;
    const c = close.exec(s);
    // No closing after this opening means none after any later one either.
    if (!c) break;
    out.push(s.slice(from, o.index), s.slice(o.index, c.index + c[0].length));
    from = c.index + c[0].length;
  }
  out.push(s.slice(from));
  return out;
}

/** The text without the spans from `open` to `close`. */
function removeSpans(s: string, open: RegExp, close: RegExp): string {
  return splitSpans(s, open, close)
    .filter((_, i) => i % 2 === 0)
    .join('');
}

/** The text without <script>, <style>, <head> and <title> elements, each up to its own closing tag. */
function removeRawElements(s: string): string {
  const open = /<(script|style|head|title)\b/gi;
  const unclosed = new Set<string>();
  let out = '';
  let from = 0;
  let at = 0;
  for (;;) {
    open.lastIndex = at;
    const o = open.exec(s);
    if (!o) break;
    const name = o[1].toLowerCase();
    at = o.index + 1;
    if (unclosed.has(name)) continue;
    const close = new RegExp(`<\\/${name}\\s*>`, 'gi');
    close.lastIndex = o.index + o[0].length;
    const c = close.exec(s);
    if (!c) {
      unclosed.add(name);
      continue;
    }
    out += s.slice(from, o.index);
    from = at = c.index + c[0].length;
  }
  return out + s.slice(from);
}

/** The line without trailing blanks (a `[ \t]+$` regex is quadratic over long inner runs). */
function trimEndBlanks(line: string): string {
  let end = line.length;
  while (end > 0 && (line.charCodeAt(end - 1) === 0x20 || line.charCodeAt(end - 1) === 0x09)) end--;
  return line.slice(0, end);
}

/** Strip tags, keep line structure (br, p, div, li, blockquote as "> "), decode entities. */
export function htmlToText(html: string): string {
  let s = removeRawElements(removeSpans(html, /<!--/g, /-->/g));
  s = s.replace(/\r\n?/g, '\n');
  // A '<' with no '>' after it cannot start a tag: written as an entity (decoded back below), it
  // no longer makes every tag regex scan to the end of the text from each one.
  const lastGt = s.lastIndexOf('>');
  if (s.indexOf('<', lastGt + 1) >= 0) s = s.slice(0, lastGt + 1) + s.slice(lastGt + 1).replace(/</g, '&lt;');
  // Inside <pre> the newlines are content; elsewhere they are just whitespace.
  s = splitSpans(s, /<pre\b/gi, /<\/pre\s*>/gi)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/\s+/g, ' ')))
    .join('');
  s = s
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|tr|h[1-6]|pre)\s*>/gi, '\n')
    .replace(/<(p|div|tr|h[1-6]|pre)\b[^>]*>/gi, '\n')
    .replace(/<li\b[^>]*>/gi, '\n* ');
  // Quote the contents of <blockquote> line by line, innermost first.
  let prev = '';
  for (let depth = 0; prev !== s && depth < MAX_QUOTE_DEPTH; depth++) {
    prev = s;
    s = s.replace(/<blockquote\b[^>]*>((?:(?!<blockquote\b)[\s\S])*?)<\/blockquote\s*>/gi, (_m, inner: string) =>
      '\n' + inner.split('\n').filter((l, i, a) => !(l.trim() === '' && (i === 0 || i === a.length - 1))).map((l) => '> ' + l.trim()).join('\n') + '\n',
    );
  }
  s = s.replace(/<[^>]*>/g, '');
  s = decodeEntities(s);
  return s
    .split('\n')
    .map((l) => trimEndBlanks(l).replace(/^ (?=\S)/, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
