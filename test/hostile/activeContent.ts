// A static audit of rendered HTML: lists every piece of markup that could run code, load a
// resource or leave the page. Mail text is escaped on its way in, so every raw '<' left in the
// HTML is the renderer's own markup: the audit reads those tags and checks names and attributes
// against what markdown-it (html:false) and the report template produce, nothing more.

/** Tags the report template and markdown-it may emit. */
const ALLOWED_TAGS = new Set([
  'html', 'head', 'body', 'meta', 'title', 'style', 'main',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'p', 'a', 'ul', 'ol', 'li', 'strong', 'em', 'code', 'pre',
  'blockquote', 'hr', 'br', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 's', 'del',
  'section', 'article', 'div', 'span', 'header', 'footer', 'nav', 'small', 'sup', 'sub', 'dl', 'dt', 'dd',
]);

/** Attributes allowed on those tags (href is checked separately). */
const ALLOWED_ATTRS = new Set(['href', 'rel', 'lang', 'charset', 'name', 'content', 'http-equiv', 'start', 'style', 'class', 'id', 'title']);

/** Link targets a report may carry. */
export function isAllowedHref(href: string): boolean {
  return /^(https?:\/\/|mailto:|#)/i.test(href.trim());
}

export interface ActiveFinding {
  kind: string;
  detail: string;
}

const ENTITY: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeAttr(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    return ENTITY[e.toLowerCase()] ?? m;
  });
}

/**
 * Every finding in an HTML document: unknown tags (script, img, svg, iframe...), event handler or
 * unknown attributes, links outside http(s)/mailto/#, more than the template's own <style> and CSP
 * <meta>. `template` says how many <style>/<meta> elements the page template itself has.
 */
export function auditHtml(html: string, template: { styles: number; metas: number } = { styles: 1, metas: 4 }): ActiveFinding[] {
  const findings: ActiveFinding[] = [];
  let styles = 0;
  let metas = 0;
  // A tag: '<' then a name, or '</', or '<!' / '<?' (comments, doctype, CDATA, processing instructions).
  const tagRe = /<(\/?)([A-Za-z][A-Za-z0-9:-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>|<!(--[\s\S]*?--|\[CDATA\[[\s\S]*?\]\]|[^>]*)>|<\?[^>]*>/g;
  let m: RegExpExecArray | null;
  while ((m = tagRe.exec(html)) !== null) {
    if (m[0].startsWith('<!')) {
      if (!/^<!doctype html>$/i.test(m[0])) findings.push({ kind: 'markup declaration', detail: m[0].slice(0, 120) });
      continue;
    }
    if (m[0].startsWith('<?')) {
      findings.push({ kind: 'processing instruction', detail: m[0].slice(0, 120) });
      continue;
    }
    const closing = m[1] === '/';
    const name = m[2].toLowerCase();
    if (!ALLOWED_TAGS.has(name)) {
      findings.push({ kind: 'tag', detail: m[0].slice(0, 120) });
      continue;
    }
    if (closing) continue;
    if (name === 'style') styles++;
    if (name === 'meta') metas++;
    const attrRe = /([^\s=/"']+)(?:\s*=\s*("([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g;
    let a: RegExpExecArray | null;
    while ((a = attrRe.exec(m[3])) !== null) {
      const attr = a[1].toLowerCase();
      const value = decodeAttr(a[3] ?? a[4] ?? a[5] ?? '');
      if (attr.startsWith('on')) findings.push({ kind: 'event handler', detail: m[0].slice(0, 120) });
      else if (!ALLOWED_ATTRS.has(attr)) findings.push({ kind: 'attribute', detail: `${attr} in ${m[0].slice(0, 100)}` });
      else if (attr === 'href' && !isAllowedHref(value)) findings.push({ kind: 'link', detail: value.slice(0, 120) });
      else if (attr === 'http-equiv' && value.toLowerCase() !== 'content-security-policy') findings.push({ kind: 'meta', detail: m[0].slice(0, 120) });
      else if (attr === 'style' && /url\s*\(|expression\s*\(|@import/i.test(value)) findings.push({ kind: 'style resource', detail: value.slice(0, 120) });
    }
  }
  if (styles > template.styles) findings.push({ kind: 'style', detail: `${styles} <style> elements, the template has ${template.styles}` });
  if (metas > template.metas) findings.push({ kind: 'meta', detail: `${metas} <meta> elements, the template has ${template.metas}` });
  // An unescaped '<' that did not form a tag is harmless to browsers only if nothing follows that
  // a parser would take as markup; the tag scan above already saw every real tag.
  return findings;
}
