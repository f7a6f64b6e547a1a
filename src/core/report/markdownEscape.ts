// Mail text reaches the Markdown report only through these functions, so no subject, name or body
// fragment can open a link, an image, raw HTML, a heading, a table or emphasis.

/** Characters with an inline meaning in CommonMark/GFM (or that start entities and autolinks). */
const INLINE_SPECIAL = /[\\`*_[\]<>#|~&]/g;

/** Whitespace (folding, tabs, newlines) collapsed and control characters dropped: one line. */
export function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').replace(/\s+/g, ' ').trim();
}

/** Mail text as literal inline Markdown: one line, every special character backslash-escaped. */
export function escapeMarkdownInline(text: string): string {
  return oneLine(text).replace(INLINE_SPECIAL, (c) => '\\' + c);
}

/** Characters that neutraliseMarkdown escapes when not already escaped. */
const NEUTRALISE = new Set(['<', '>', '[', ']', '|', '&']);
const ASCII_PUNCT = /[!-/:-@[-`{-~]/;

/**
 * Summary text is Markdown (numbered items, bold), written by the offline digest or a model that
 * read hostile mail. This keeps its lists and emphasis but removes what could inject structure:
 * raw HTML and autolinks (< >), links and images ([ ]), tables (|), entities (&), headings and
 * setext underlines, thematic breaks and code fences (an unclosed fence would swallow the report). Idempotent: text whose specials are already
 * backslash-escaped is left as it is.
 */
export function neutraliseMarkdown(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  return lines
    .map((rawLine) => {
      // eslint-disable-next-line no-control-regex
      const line = rawLine.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '');
      let out = '';
      for (let i = 0; i < line.length; i++) {
        const c = line[i];
        if (c === '\\' && i + 1 < line.length && ASCII_PUNCT.test(line[i + 1])) {
          out += c + line[i + 1];
          i++;
        } else if (c === '\\') {
          out += '\\\\';
        } else if (NEUTRALISE.has(c)) {
          out += '\\' + c;
        } else {
          out += c;
        }
      }
      // Block starters: headings, setext underlines / thematic breaks, fences, indented code.
      out = out.replace(/^(\s*)(#{1,6})(?=\s|$)/, (_m, sp: string, hashes: string) => sp + '\\' + hashes);
      out = out.replace(/^(\s*)([=\-*_])(?=[\s=\-*_]*$)/, (_m, sp: string, ch: string) => sp + '\\' + ch);
      out = out.replace(/^(\s*)(`{3,}|~{3,})/, (_m, sp: string, fence: string) => sp + '\\' + fence);
      return out;
    })
    .join('\n');
}
