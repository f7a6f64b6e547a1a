// The report as one standalone HTML page: the Markdown report rendered by markdown-it with raw HTML
// off, images off, and links limited to http(s)/mailto/#; inline CSS only, no scripts, no remote
// resources, and a CSP that forbids everything else. The same renderer serves the VS Code webview.

import MarkdownIt from 'markdown-it';
import type { Report } from '../types.js';
import { renderMarkdown, REPORT_TITLE } from './markdown.js';

const SAFE_LINK = /^(https?:|mailto:|#)/i;

/** True for the only link targets a report may carry. */
export function isSafeLink(url: string): boolean {
  return SAFE_LINK.test(url.trim());
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** markdown-it configured for hostile input; reuse it wherever report Markdown becomes HTML. */
export function createMarkdownRenderer(): ReturnType<typeof MarkdownIt> {
  const md = new MarkdownIt({ html: false, linkify: false, typographer: false });
  md.validateLink = isSafeLink;
  // No remote fetches: an image would load from wherever a message says.
  md.disable('image');
  const defaultLinkOpen =
    md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
  md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
    tokens[idx].attrSet('rel', 'noopener noreferrer');
    return defaultLinkOpen(tokens, idx, options, env, self);
  };
  return md;
}

export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'";

const STYLE = `
:root { color-scheme: light dark; --fg: #1f2328; --bg: #ffffff; --muted: #59636e; --line: #d1d9e0; --accent: #0969da; --quote: #f6f8fa; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --bg: #0d1117; --muted: #9198a1; --line: #3d444d; --accent: #4493f8; --quote: #151b23; } }
body { margin: 0; background: var(--bg); color: var(--fg); font: 15px/1.6 system-ui, -apple-system, "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif; }
main { max-width: 980px; margin: 0 auto; padding: 24px 20px 64px; }
h1 { font-size: 1.8em; border-bottom: 1px solid var(--line); padding-bottom: .3em; }
h2 { font-size: 1.4em; border-bottom: 1px solid var(--line); padding-bottom: .2em; margin-top: 1.6em; }
h3 { font-size: 1.15em; margin-top: 1.4em; overflow-wrap: anywhere; }
h4 { font-size: 1em; color: var(--muted); }
a { color: var(--accent); text-decoration: none; overflow-wrap: anywhere; }
a:hover { text-decoration: underline; }
hr { border: 0; border-top: 1px solid var(--line); margin: 1.5em 0; }
blockquote { margin: 0; padding: .2em 1em; color: var(--muted); background: var(--quote); border-left: 4px solid var(--line); }
li { margin: .15em 0; overflow-wrap: anywhere; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: .9em; }
`;

export function renderHtml(report: Report): string {
  const body = createMarkdownRenderer().render(renderMarkdown(report));
  const title = report.window.isoWeek ? `${REPORT_TITLE} ${report.window.isoWeek}` : REPORT_TITLE;
  return [
    '<!DOCTYPE html>',
    '<html lang="zh-CN">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    body,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
