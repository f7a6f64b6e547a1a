// The report as one standalone HTML page, in the same shape as the Markdown: built directly with
// every piece of mail text escaped, summaries (Markdown) rendered by markdown-it with raw HTML off,
// images off and links limited to http(s)/mailto/#; inline CSS only, no scripts, no remote
// resources, and a CSP that forbids everything else. The markdown-it setup is exported for the
// VS Code webview.

import { escapeHtml } from './htmlEscape.js';
import MarkdownIt from 'markdown-it';
import { CATEGORIES } from '../types.js';
import type { Report, ReportThread, ThreadMessage } from '../types.js';
import { createZoneFormatter } from '../week.js';
import type { ZoneFormatter } from '../week.js';
import { LARGE_THREAD_MESSAGES, threadParticipants, threadStart } from './buildReport.js';
import { messageUrl, threadUrl } from './links.js';
import {
  messageGroups,
  REPORT_TITLE,
  seriesStateLabel,
  summarySourceCounts,
  summarySourceLabel,
  usageText,
  windowLabel,
} from './markdown.js';
import { neutraliseMarkdown, oneLine } from './markdownEscape.js';

const SAFE_LINK = /^(https?:|mailto:|#)/i;

/** True for the only link targets a report may carry. */
export function isSafeLink(url: string): boolean {
  return SAFE_LINK.test(url.trim());
}

export { escapeHtml };

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
li.context > a { color: var(--muted); }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: .9em; }
`;

function attr(text: string): string {
  return escapeHtml(text);
}

/** An anchor when the URL is one a report may carry, else the text alone. */
function link(url: string, text: string): string {
  return isSafeLink(url) ? `<a href="${attr(url)}" rel="noopener noreferrer">${escapeHtml(text)}</a>` : escapeHtml(text);
}

function sender(m: ThreadMessage): string {
  const { name, address } = m.mail.from;
  if (name && address) return escapeHtml(`${oneLine(name)} <${address}>`);
  return escapeHtml(oneLine(name || address) || '（未知发件人）');
}

function messageItem(report: Report, f: ZoneFormatter, m: ThreadMessage): string {
  const when = f.format(m.mail.receivedAt, m.inWindow ? 'MM-DD HH:mm' : 'YYYY-MM-DD HH:mm');
  const subject = oneLine(m.mail.subject.full) || '（无主题）';
  const tag = m.inWindow ? '' : ' <em>（往期）</em>';
  return (
    `<li class="${m.inWindow ? 'msg' : 'msg context'}"><strong>[${when}]</strong> ` +
    `${link(messageUrl(report.list, m.mail.messageId), subject)}${tag}` +
    `<ul><li>发件人: ${sender(m)}</li></ul></li>`
  );
}

function threadSection(report: Report, f: ZoneFormatter, md: ReturnType<typeof createMarkdownRenderer>, rt: ReportThread, index: number): string {
  const t = rt.thread;
  const out: string[] = [];
  const inWindow = t.messages.filter((m) => m.inWindow).length;
  const count = inWindow === t.messages.length ? `${t.messages.length}` : `${t.messages.length}（本周期 ${inWindow}）`;
  out.push(`<article class="thread"><h3>Thread ${index}: ${escapeHtml(oneLine(t.subject.full || t.subject.title) || '（无主题）')}</h3>`);
  out.push(
    `<p class="meta"><strong>📧 邮件数</strong>: ${count} | <strong>👥 参与者</strong>: ${threadParticipants(t)} | ` +
      `<strong>📅 开始时间</strong>: ${f.format(threadStart(t), 'YYYY-MM-DD HH:mm')} | ` +
      `<strong>🔗 讨论串</strong>: ${link(threadUrl(report.list, t.id), 'lore')}</p>`,
  );
  if (rt.series) {
    const s = rt.series;
    const parts = [`v${s.version}`, `${s.total} 个补丁`, `状态: ${escapeHtml(seriesStateLabel(s.state))}`];
    if (s.state === 'applied' && s.appliedTo) parts.push(`合入: ${escapeHtml(oneLine(s.appliedTo))}`);
    if (s.missing.length > 0) parts.push(`缺少: ${s.missing.join(', ')}`);
    if (s.reviewers.length > 0) parts.push(`审阅者: ${s.reviewers.map((r) => escapeHtml(oneLine(r.name || r.address))).join('、')}`);
    if (s.previous.length > 0) {
      parts.push(`之前版本: ${s.previous.map((p) => link(messageUrl(report.list, p.messageId), `v${p.version}`)).join('、')}`);
    }
    out.push(`<p class="series"><strong>🧩 补丁系列</strong>: ${parts.join(' · ')}</p>`);
    if (s.changesSince) out.push(`<p class="series"><strong>🔁 版本变化</strong>: ${escapeHtml(oneLine(s.changesSince))}</p>`);
  }
  out.push('<h4>🤖 AI 总结</h4>');
  out.push(`<blockquote><p>摘要来源: ${escapeHtml(summarySourceLabel(rt.summary))}</p></blockquote>`);
  const summary = neutraliseMarkdown(rt.summary.text).trim();
  out.push(`<div class="summary">${summary.length > 0 ? md.render(summary) : '<p>（无摘要）</p>'}</div>`);
  out.push('<h4>📝 邮件列表</h4>');
  const { context, window } = messageGroups(rt);
  if (context.length > 0) {
    out.push(`<p><strong>往期上下文</strong>（本周期之前的 ${context.length} 封，供参考）:</p>`);
    out.push(`<ol class="messages context">${context.map((m) => messageItem(report, f, m)).join('\n')}</ol>`);
    out.push(`<p><strong>本周期内</strong>（${window.length} 封）:</p>`);
  }
  if (window.length > 0) {
    const start = context.length > 0 ? ` start="${context.length + 1}"` : '';
    out.push(`<ol class="messages"${start}>${window.map((m) => messageItem(report, f, m)).join('\n')}</ol>`);
  }
  out.push('</article>', '<hr>');
  return out.join('\n');
}

/** The report page, built directly (fast on a whole-corpus report); only summaries go through markdown-it. */
function renderBody(report: Report): string {
  const f = createZoneFormatter(report.window.tz);
  const md = createMarkdownRenderer();
  const s = report.stats;
  const tz = escapeHtml(report.window.tz);
  const out: string[] = [];
  out.push(`<h1>${REPORT_TITLE}</h1>`);
  out.push(`<p><strong>生成时间</strong>: ${f.format(report.generatedAt, 'YYYY-MM-DD HH:mm:ss')}（${tz}，${f.offsetLabel(report.generatedAt)}）</p>`);
  out.push(`<p><strong>分析周期</strong>: ${escapeHtml(windowLabel(report, f))}</p>`);
  out.push(`<p><strong>时区</strong>: 本报告所有时间均为 ${tz}（${f.offsetLabel(report.window.since)}）</p>`);
  out.push(`<p><strong>邮件列表</strong>: ${link(report.list, report.list)}</p>`);
  out.push('<h2>📊 总体统计</h2>', '<ul>');
  const context = s.totalMessages - s.inWindowMessages;
  out.push(`<li><strong>总邮件数</strong>: ${s.totalMessages}${context > 0 ? `（本周期内 ${s.inWindowMessages} 封，往期上下文 ${context} 封）` : ''}</li>`);
  out.push(`<li><strong>总 Thread 数</strong>: ${s.threads}</li>`);
  out.push(`<li><strong>大型 Thread</strong> (&gt;${LARGE_THREAD_MESSAGES}封): ${s.largeThreads} 个</li>`);
  out.push(`<li><strong>参与者</strong>: ${s.participants} 人（按邮箱地址计）</li>`);
  out.push(`<li><strong>摘要来源</strong>: ${escapeHtml(summarySourceCounts(report))}</li>`);
  const usage = usageText(report);
  if (usage) out.push(`<li><strong>模型用量</strong>: ${escapeHtml(usage)}</li>`);
  if (report.unparsed.length > 0) out.push(`<li><strong>无法解析的邮件</strong>: ${report.unparsed.length} 封（见文末）</li>`);
  out.push('</ul>', '<h3>分类分布</h3>');
  const nonEmpty = CATEGORIES.filter((c) => s.byCategory[c] && s.byCategory[c].threads > 0);
  if (nonEmpty.length === 0) out.push('<p>本周期内没有邮件。</p>');
  else {
    out.push('<ul>');
    for (const c of nonEmpty) out.push(`<li><strong>${c}</strong>: ${s.byCategory[c].threads} threads (${s.byCategory[c].messages} 邮件)</li>`);
    out.push('</ul>');
  }
  out.push('<hr>');
  for (const c of nonEmpty) {
    const threads = report.threads.filter((rt) => rt.category === c);
    out.push(`<section class="category"><h2>📌 ${c}</h2>`, `<p>共 ${threads.length} 个 thread</p>`, '<hr>');
    threads.forEach((rt, i) => out.push(threadSection(report, f, md, rt, i + 1)));
    out.push('</section>');
  }
  if (report.unparsed.length > 0) {
    out.push('<h2>⚠️ 无法解析的邮件</h2>', '<ol>');
    for (const u of report.unparsed) out.push(`<li>${escapeHtml(oneLine(u.origin ?? '来源未知'))}: ${escapeHtml(oneLine(u.reason))}</li>`);
    out.push('</ol>');
  }
  return out.join('\n');
}

export function renderHtml(report: Report): string {
  const body = renderBody(report);
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
