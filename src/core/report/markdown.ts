// The weekly report as Markdown, in the shape readers know (总体统计, 分类分布, one section per
// category, per-thread 邮件数 / 参与者 / 开始时间, 🤖 AI 总结, 📝 邮件列表), with every time in the
// one stated zone and every piece of mail text escaped.

import { CATEGORIES } from '../types.js';
import type { Report, ReportThread, SeriesState, Summary, ThreadMessage } from '../types.js';
import { createZoneFormatter } from '../week.js';
import type { ZoneFormatter } from '../week.js';
import { threadParticipants, threadStart, LARGE_THREAD_MESSAGES } from './buildReport.js';
import { messageUrl, threadUrl } from './links.js';
import { escapeMarkdownInline, neutraliseMarkdown, oneLine } from './markdownEscape.js';

export const REPORT_TITLE = 'KVMARM 邮件列表 AI 总结报告';

const STATE_LABEL: Record<SeriesState, string> = {
  new: '新提交，待审阅',
  reviewed: '已获审阅',
  'changes-requested': '需要修改',
  applied: '已合入',
  nacked: '被否决（NAK）',
};

export function seriesStateLabel(state: SeriesState): string {
  return STATE_LABEL[state] ?? state;
}

/** A URL as a CommonMark link destination: in angle brackets, specials escaped, spaces encoded. */
export function linkDestination(url: string): string {
  return '<' + url.replace(/\s/g, (c) => encodeURIComponent(c)).replace(/[\\<>&]/g, (c) => '\\' + c) + '>';
}

/** Who wrote the summary, in words (offline digest, model, or offline standing in for a model). */
export function summarySourceLabel(summary: Summary): string {
  if (summary.source === 'llm') return `模型摘要（${summary.model ? oneLine(summary.model) : '未知模型'}）`;
  if (summary.fallbackReason) return `⚠️ 离线摘要（模型摘要失败，已回退：${oneLine(summary.fallbackReason)}）`;
  return '离线摘要（根据邮件结构自动生成，未调用模型）';
}

function sender(m: ThreadMessage): string {
  const { name, address } = m.mail.from;
  if (name && address) return `${escapeMarkdownInline(name)} ${escapeMarkdownInline(`<${address}>`)}`;
  return escapeMarkdownInline(name || address || '（未知发件人）');
}

function receivedMs(m: ThreadMessage): number {
  const t = Date.parse(m.mail.receivedAt);
  return Number.isNaN(t) ? 0 : t;
}

/** Messages by received time (thread order breaks ties), split into earlier context and window. */
export function messageGroups(rt: ReportThread): { context: ThreadMessage[]; window: ThreadMessage[] } {
  const ordered = rt.thread.messages
    .map((m, i) => ({ m, i }))
    .sort((a, b) => receivedMs(a.m) - receivedMs(b.m) || a.i - b.i)
    .map((x) => x.m);
  return { context: ordered.filter((m) => !m.inWindow), window: ordered.filter((m) => m.inWindow) };
}

function messageItem(report: Report, f: ZoneFormatter, m: ThreadMessage, n: number): string {
  const when = f.format(m.mail.receivedAt, m.inWindow ? 'MM-DD HH:mm' : 'YYYY-MM-DD HH:mm');
  const subject = escapeMarkdownInline(m.mail.subject.full || '（无主题）');
  const link = `[${subject}](${linkDestination(messageUrl(report.list, m.mail.messageId))})`;
  const tag = m.inWindow ? '' : ' *（往期）*';
  // The sender line must be indented as far as the item's text ("10. " is one wider than "9. "),
  // or from item 10 on it falls out of the list.
  const indent = ' '.repeat(`${n}. `.length);
  return `${n}. **[${when}]** ${link}${tag}\n${indent}- 发件人: ${sender(m)}`;
}

function threadSection(report: Report, f: ZoneFormatter, rt: ReportThread, index: number): string[] {
  const out: string[] = [];
  const t = rt.thread;
  const inWindow = t.messages.filter((m) => m.inWindow).length;
  out.push(`### Thread ${index}: ${escapeMarkdownInline(t.subject.full || t.subject.title || '（无主题）')}`, '');
  const count = inWindow === t.messages.length ? `${t.messages.length}` : `${t.messages.length}（本周期 ${inWindow}）`;
  out.push(
    `**📧 邮件数**: ${count} | **👥 参与者**: ${threadParticipants(t)} | ` +
      `**📅 开始时间**: ${f.format(threadStart(t), 'YYYY-MM-DD HH:mm')} | ` +
      `**🔗 讨论串**: [lore](${linkDestination(threadUrl(report.list, t.id))})`,
    '',
  );
  if (rt.series) {
    const s = rt.series;
    const parts = [`v${s.version}`, `${s.total} 个补丁`, `状态: ${seriesStateLabel(s.state)}`];
    if (s.state === 'applied' && s.appliedTo) parts.push(`合入: ${escapeMarkdownInline(s.appliedTo)}`);
    if (s.missing.length > 0) parts.push(`缺少: ${s.missing.join(', ')}`);
    if (s.reviewers.length > 0) {
      parts.push(`审阅者: ${s.reviewers.map((r) => escapeMarkdownInline(r.name || r.address)).join('、')}`);
    }
    if (s.previous.length > 0) {
      const prev = s.previous.map((p) => `[v${p.version}](${linkDestination(messageUrl(report.list, p.messageId))})`);
      parts.push(`之前版本: ${prev.join('、')}`);
    }
    out.push(`**🧩 补丁系列**: ${parts.join(' · ')}`, '');
    if (s.changesSince) out.push(`**🔁 版本变化**: ${escapeMarkdownInline(s.changesSince)}`, '');
  }
  out.push('#### 🤖 AI 总结', '');
  out.push(`> 摘要来源: ${escapeMarkdownInline(summarySourceLabel(rt.summary))}`, '');
  const summary = neutraliseMarkdown(rt.summary.text).trim();
  out.push(summary.length > 0 ? summary : '（无摘要）', '');
  out.push('#### 📝 邮件列表', '');
  const { context, window } = messageGroups(rt);
  let n = 1;
  if (context.length > 0) {
    out.push(`**往期上下文**（本周期之前的 ${context.length} 封，供参考）:`, '');
    for (const m of context) out.push(messageItem(report, f, m, n++));
    out.push('', `**本周期内**（${window.length} 封）:`, '');
  }
  for (const m of window) out.push(messageItem(report, f, m, n++));
  out.push('', '---', '');
  return out;
}

/** What the model cost, in words; null without an LLM. */
export function usageText(report: Report): string | null {
  const u = report.usage;
  if (!u) return null;
  const cost = u.estimatedCostUsd === null ? '费用未知' : `约 $${u.estimatedCostUsd.toFixed(4)}`;
  return `${u.calls} 次调用，${u.cachedThreads} 个 thread 来自缓存，输入 ${u.promptTokens} tokens，输出 ${u.completionTokens} tokens，${cost}`;
}

export function summarySourceCounts(report: Report): string {
  let offline = 0;
  let llm = 0;
  let fallback = 0;
  for (const rt of report.threads) {
    if (rt.summary.source === 'llm') llm++;
    else if (rt.summary.fallbackReason) fallback++;
    else offline++;
  }
  const parts: string[] = [];
  if (llm > 0) parts.push(`模型 ${llm} 个`);
  if (offline > 0) parts.push(`离线摘要 ${offline} 个`);
  if (fallback > 0) parts.push(`⚠️ 模型失败回退为离线摘要 ${fallback} 个`);
  return parts.length > 0 ? parts.join('，') : '无';
}

/** The window in words: ISO week (if any), first and last instant in the zone. */
export function windowLabel(report: Report, f: ZoneFormatter): string {
  const w = report.window;
  const range = `${f.format(w.since, 'YYYY-MM-DD HH:mm')} 至 ${f.format(w.until, 'YYYY-MM-DD HH:mm')}`;
  return `${w.isoWeek ? `${w.isoWeek}，` : ''}${range}（按邮件列表收信时间，含起点不含终点）`;
}

export function renderMarkdown(report: Report): string {
  const f = createZoneFormatter(report.window.tz);
  const s = report.stats;
  const out: string[] = [];
  const tz = escapeMarkdownInline(report.window.tz);
  out.push(`# ${REPORT_TITLE}`, '');
  out.push(
    `**生成时间**: ${f.format(report.generatedAt, 'YYYY-MM-DD HH:mm:ss')}（${tz}，${f.offsetLabel(report.generatedAt)}）`,
    '',
  );
  out.push(`**分析周期**: ${windowLabel(report, f)}`, '');
  out.push(`**时区**: 本报告所有时间均为 ${tz}（${f.offsetLabel(report.window.since)}）`, '');
  out.push(`**邮件列表**: [${escapeMarkdownInline(report.list)}](${linkDestination(report.list)})`, '');
  out.push('## 📊 总体统计', '');
  const context = s.totalMessages - s.inWindowMessages;
  out.push(
    `- **总邮件数**: ${s.totalMessages}` + (context > 0 ? `（本周期内 ${s.inWindowMessages} 封，往期上下文 ${context} 封）` : ''),
  );
  out.push(`- **总 Thread 数**: ${s.threads}`);
  out.push(`- **大型 Thread** (>${LARGE_THREAD_MESSAGES}封): ${s.largeThreads} 个`);
  out.push(`- **参与者**: ${s.participants} 人（按邮箱地址计）`);
  out.push(`- **摘要来源**: ${summarySourceCounts(report)}`);
  const usage = usageText(report);
  if (usage) out.push(`- **模型用量**: ${usage}`);
  if (report.unparsed.length > 0) out.push(`- **无法解析的邮件**: ${report.unparsed.length} 封（见文末）`);
  out.push('', '### 分类分布', '');
  const nonEmpty = CATEGORIES.filter((c) => s.byCategory[c] && s.byCategory[c].threads > 0);
  if (nonEmpty.length === 0) out.push('本周期内没有邮件。');
  for (const c of nonEmpty) out.push(`- **${c}**: ${s.byCategory[c].threads} threads (${s.byCategory[c].messages} 邮件)`);
  out.push('', '---', '');
  for (const c of nonEmpty) {
    const threads = report.threads.filter((rt) => rt.category === c);
    out.push(`## 📌 ${c}`, '', `共 ${threads.length} 个 thread`, '', '---', '');
    // Numbered per category, as in the report readers know.
    threads.forEach((rt, i) => out.push(...threadSection(report, f, rt, i + 1)));
  }
  if (report.unparsed.length > 0) {
    out.push('## ⚠️ 无法解析的邮件', '');
    report.unparsed.forEach((u, i) => {
      const origin = u.origin ? escapeMarkdownInline(u.origin) : '来源未知';
      out.push(`${i + 1}. ${origin}: ${escapeMarkdownInline(u.reason)}`);
    });
    out.push('');
  }
  return out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}
