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

/** Strip tags, keep line structure (br, p, div, li, blockquote as "> "), decode entities. */
export function htmlToText(html: string): string {
  let s = html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<(script|style|head|title)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/\r\n?/g, '\n');
  // Inside <pre> the newlines are content; elsewhere they are just whitespace.
  const parts = s.split(/(<pre\b[\s\S]*?<\/pre\s*>)/i);
  s = parts
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/\s+/g, ' ')))
    .join('');
  s = s
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|tr|h[1-6]|pre)\s*>/gi, '\n')
    .replace(/<(p|div|tr|h[1-6]|pre)\b[^>]*>/gi, '\n')
    .replace(/<li\b[^>]*>/gi, '\n* ');
  // Quote the contents of <blockquote> line by line, innermost first.
  let prev = '';
  while (prev !== s) {
    prev = s;
    s = s.replace(/<blockquote\b[^>]*>((?:(?!<blockquote\b)[\s\S])*?)<\/blockquote\s*>/gi, (_m, inner: string) =>
      '\n' + inner.split('\n').filter((l, i, a) => !(l.trim() === '' && (i === 0 || i === a.length - 1))).map((l) => '> ' + l.trim()).join('\n') + '\n',
    );
  }
  s = s.replace(/<[^>]*>/g, '');
  s = decodeEntities(s);
  return s
    .split('\n')
    .map((l) => l.replace(/[ \t]+$/g, '').replace(/^ (?=\S)/, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
