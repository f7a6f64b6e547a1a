// The default summariser: a deterministic Chinese digest built from the thread's structure, with
// no key and no network. It states what the thread is for (the cover letter's or commit message's
// first paragraph), the series version, who reviewed, what happened in the window and the state,
// in the readers' three items. Every mail-derived fragment is Markdown-escaped here, so the digest
// is safe Markdown; the same input always gives byte-identical text.

import type { Address, Mail, Series, Summarizer, SummaryInput, Summary, ThreadMessage } from '../types.js';
import { createZoneFormatter } from '../week.js';
import type { ZoneFormatter } from '../week.js';
import { describeSeriesState } from '../series/describeSeriesState.js';
import { escapeMarkdownInline, oneLine } from '../report/markdownEscape.js';

/** Longest purpose excerpt, in characters, before it is cut at a sentence end or with "…". */
export const PURPOSE_MAX_CHARS = 220;
const MAX_NAMES = 5;
const REVIEW_TRAILERS = ['Reviewed-by', 'Acked-by', 'Tested-by'];

const STOP_LINE = new RegExp(
  '^(---\\s*$|-- $|diff --git |Index: |(Signed-off-by|Reviewed-by|Acked-by|Tested-by|Reported-by|Suggested-by|' +
    'Co-developed-by|Nacked-by|Cc|Fixes|Link|Closes|Message-ID|Change-Id|base-commit):)',
  'i',
);
const GREETING = /^(hi|hello|hey|dear|greetings|all|folks|paolo|marc|oliver|guys)\b[^.!?。]{0,40}[,，!:]?$/i;
const B4_BOILERPLATE = /^(changes (in|since|from) v\d|v\d+:|v\d+\s*->|---)/i;

function ownText(mail: Mail): string {
  if (mail.segments && mail.segments.length > 0) {
    return mail.segments.filter((s) => !s.quoted).map((s) => s.text).join('\n');
  }
  return mail.text;
}

/** The first meaningful paragraph of a message's own text, before trailers, separators and diffs. */
export function purposeOf(mail: Mail): string {
  const lines = ownText(mail).replace(/\r\n?/g, '\n').split('\n');
  const kept: string[] = [];
  for (const line of lines) {
    if (STOP_LINE.test(line)) break;
    // Reply attributions ("On Thu, ..., X wrote:") introduce quotes, they say nothing themselves.
    if (/\bwrote:\s*$/i.test(line)) {
      if (kept.length > 0 && /^On\s/.test(kept[kept.length - 1]) && !/^On\s/.test(line)) kept.pop();
      continue;
    }
    kept.push(line);
  }
  const paragraphs = kept
    .join('\n')
    .split(/\n\s*\n/)
    .map((p) => oneLine(p))
    .filter((p) => p.length > 0 && !GREETING.test(p));
  const first = paragraphs.find((p) => !B4_BOILERPLATE.test(p) || paragraphs.length === 1) ?? '';
  return cutText(first, PURPOSE_MAX_CHARS);
}

/** Cut to at most `max` characters (code points), at a sentence end when one is close enough. */
export function cutText(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  const head = chars.slice(0, max).join('');
  const end = Math.max(head.lastIndexOf('. '), head.lastIndexOf('。'));
  if (end >= max / 2) return head.slice(0, end + 1);
  return head.trimEnd() + '…';
}

function personName(a: Address): string {
  return escapeMarkdownInline(a.name || a.address || '未知');
}

function addressKey(a: Address): string {
  return a.address || `name:${a.name}`;
}

/** Distinct people in order of first appearance, at most MAX_NAMES named. */
function namesOf(people: Address[]): string {
  const seen = new Map<string, Address>();
  for (const p of people) if (!seen.has(addressKey(p))) seen.set(addressKey(p), p);
  const all = [...seen.values()];
  const named = all.slice(0, MAX_NAMES).map(personName).join('、');
  return all.length > MAX_NAMES ? `${named} 等 ${all.length} 人` : named;
}

function distinctCount(people: Address[]): number {
  return new Set(people.map(addressKey)).size;
}

function isPosting(mail: Mail): boolean {
  const t = mail.subject.tags;
  return !t.isReply && (t.isPatch || t.isPull);
}

function titleOf(mail: Mail): string {
  return escapeMarkdownInline(mail.subject.title || mail.subject.full || '（无主题）');
}

/** The message that states what the thread is for: cover letter, first patch, or the root. */
function leadMessage(messages: ThreadMessage[], series: Series | null): ThreadMessage {
  if (series) {
    const ids = [series.coverMessageId, ...series.patches.map((p) => p.messageId)].filter((x): x is string => !!x);
    for (const id of ids) {
      const m = messages.find((tm) => tm.mail.messageId === id);
      if (m) return m;
    }
  }
  return messages.find((m) => m.parentId === null) ?? messages[0];
}

function originalItem(input: SummaryInput, lead: Mail): string {
  const { series, category } = input;
  const purpose = purposeOf(lead);
  const what = purpose ? `。内容：${escapeMarkdownInline(purpose)}` : '。';
  if (series) {
    const rfc = lead.subject.tags.isRfc ? 'RFC ' : '';
    const title = escapeMarkdownInline(series.title);
    if (series.total <= 1) {
      const tag = `${rfc}${series.version > 1 ? `v${series.version}` : ''}`.trim();
      return `${personName(series.author)} 提交的${tag ? ` ${tag} ` : ''}补丁「${title}」（单个补丁）${what}`;
    }
    return `${personName(series.author)} 提交的 ${rfc}v${series.version} 补丁系列「${title}」，共 ${series.total} 个补丁${what}`;
  }
  const who = personName(lead.from);
  if (category === 'GIT PULL' || lead.subject.tags.isPull) return `${who} 发出的拉取请求「${titleOf(lead)}」${what}`;
  if (category === 'Bug Report') return `${who} 报告的问题「${titleOf(lead)}」${what}`;
  if (category === 'Question') return `${who} 提出的问题「${titleOf(lead)}」${what}`;
  if (lead.subject.tags.isPatch) return `${who} 提交的补丁「${titleOf(lead)}」${what}`;
  return `${who} 发起的讨论「${titleOf(lead)}」${what}`;
}

function earlierItem(context: ThreadMessage[], series: Series | null, f: ZoneFormatter): string {
  const parts: string[] = [];
  if (context.length === 0) {
    parts.push('无：本讨论串在本周期内开始');
  } else {
    const first = context.reduce((a, b) => (Date.parse(b.mail.receivedAt) < Date.parse(a.mail.receivedAt) ? b : a));
    const people = context.map((m) => m.mail.from);
    parts.push(
      `本周期之前已有 ${context.length} 封邮件（自 ${f.format(first.mail.receivedAt, 'YYYY-MM-DD')} 起，` +
        `${distinctCount(people)} 人参与：${namesOf(people)}）`,
    );
    const earlierReviews = reviewsIn(context);
    if (earlierReviews) parts.push(`当时给出的审阅标签：${earlierReviews}`);
  }
  if (series && series.previous.length > 0) {
    const versions = [...series.previous]
      .sort((a, b) => a.version - b.version)
      .map((p) => `v${p.version}${p.date ? `（${f.format(p.date, 'YYYY-MM-DD')}）` : ''}`);
    parts.push(`此前版本：${versions.join('、')}`);
    if (series.changesSince) parts.push(escapeMarkdownInline(series.changesSince));
  }
  return parts.join('；') + '。';
}

/** "Reviewed-by: A、B；Acked-by: C" from replies (not from the postings' own carried-over tags). */
function reviewsIn(messages: ThreadMessage[]): string {
  const byKey = new Map<string, Address[]>();
  for (const m of messages) {
    if (isPosting(m.mail)) continue;
    for (const t of m.mail.trailers) {
      if (!REVIEW_TRAILERS.includes(t.key) && t.key !== 'Nacked-by') continue;
      const person = t.person ?? { name: t.value, address: '' };
      const list = byKey.get(t.key) ?? [];
      list.push(person);
      byKey.set(t.key, list);
    }
  }
  return [...REVIEW_TRAILERS, 'Nacked-by']
    .filter((k) => byKey.has(k))
    .map((k) => `${k}: ${namesOf(byKey.get(k) as Address[])}`)
    .join('；');
}

function windowItem(input: SummaryInput, lead: ThreadMessage, inWindow: ThreadMessage[], f: ZoneFormatter): string {
  const { series } = input;
  const parts: string[] = [];
  if (inWindow.length === 0) return '本周期内没有新邮件。';
  const postings = inWindow.filter((m) => isPosting(m.mail));
  const replies = inWindow.filter((m) => !isPosting(m.mail) && m !== lead);
  if (inWindow.includes(lead) && !isPosting(lead.mail)) parts.push('讨论在本周期内发起');
  if (series && postings.length > 0) {
    const hasCover = postings.some((m) => m.mail.messageId === series.coverMessageId);
    const patches = postings.filter((m) => m.mail.messageId !== series.coverMessageId).length;
    parts.push(`发布了 v${series.version}（${patches} 个补丁${hasCover ? '，含封面信' : ''}）`);
  } else if (postings.length > 0) {
    parts.push(`发布了 ${postings.length} 封补丁/请求邮件`);
  }
  if (replies.length > 0) {
    const people = replies.map((m) => m.mail.from);
    parts.push(`${replies.length} 封回复，来自 ${namesOf(people)}`);
  } else {
    parts.push('尚无回复');
  }
  const reviews = reviewsIn(inWindow);
  if (reviews) parts.push(`本周期给出的审阅标签：${reviews}`);
  const last = inWindow.reduce((a, b) => (Date.parse(b.mail.receivedAt) >= Date.parse(a.mail.receivedAt) ? b : a));
  parts.push(`最后一封来自 ${personName(last.mail.from)}（${f.format(last.mail.receivedAt, 'MM-DD HH:mm')}）`);
  let text = `本周期内 ${inWindow.length} 封邮件：${parts.join('；')}。`;
  if (series) text += `状态：${escapeMarkdownInline(describeSeriesState(series))}。`;
  return text;
}

/** The digest for one thread. Pure: depends only on the input. */
export function offlineDigest(input: SummaryInput, f: ZoneFormatter = createZoneFormatter(input.window.tz)): string {
  const messages = input.thread.messages;
  if (messages.length === 0) return '（空讨论串）';
  const lead = leadMessage(messages, input.series);
  const context = messages.filter((m) => !m.inWindow);
  const inWindow = messages.filter((m) => m.inWindow);
  return [
    `1. **原始补丁/问题**：${originalItem(input, lead.mail)}`,
    `2. **之前的讨论**：${earlierItem(context, input.series, f)}`,
    `3. **本周进展/结论**：${windowItem(input, lead, inWindow, f)}`,
  ].join('\n');
}

export function createOfflineSummarizer(): Summarizer {
  return {
    name: 'offline',
    async summarize(inputs, options) {
      const summaries: Summary[] = [];
      const formatters = new Map<string, ZoneFormatter>();
      for (let i = 0; i < inputs.length; i++) {
        if (options.signal?.aborted) throw options.signal.reason ?? new Error('aborted');
        let summary: Summary;
        try {
          const tz = inputs[i].window.tz;
          let f = formatters.get(tz);
          if (!f) formatters.set(tz, (f = createZoneFormatter(tz)));
          summary = { text: offlineDigest(inputs[i], f), source: 'offline' };
        } catch (err) {
          // One odd thread must not sink the report: say so in the summary slot instead.
          options.logger?.warn(`offline digest failed for ${inputs[i].thread.id}: ${(err as Error).message}`);
          summary = { text: '（无法生成摘要）', source: 'offline' };
        }
        summaries.push(summary);
        options.onSummary?.(inputs[i].thread.id, summary);
        options.progress?.('summarize', i + 1, inputs.length);
      }
      return { summaries };
    },
  };
}
