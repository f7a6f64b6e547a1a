// The report as JSON, schemaVersion 1 (documented in the README). Stable key order; mail text is
// data here, not markup: consumers must escape it themselves.

import type { Report, ReportThread, Series, ThreadMessage, Trailer } from '../types.js';
import { messageUrl, threadUrl } from './links.js';

export interface JsonTrailer {
  key: string;
  value: string;
  person?: { name: string; address: string };
}

export interface JsonMessage {
  messageId: string;
  subject: string;
  from: { name: string; address: string };
  date: string | null;
  receivedAt: string;
  inWindow: boolean;
  hasPatch: boolean;
  trailers: JsonTrailer[];
  parentId: string | null;
  url: string;
}

export interface JsonThread {
  id: string;
  category: string;
  subject: string;
  url: string;
  messages: JsonMessage[];
  series: Series | null;
  summary: { text: string; source: 'offline' | 'llm'; model?: string; fallbackReason?: string };
}

export interface JsonReport {
  schemaVersion: 1;
  generatedAt: string;
  isoWeek: string | null;
  window: { since: string; until: string; tz: string };
  list: string;
  threads: JsonThread[];
  unparsed: Report['unparsed'];
  stats: Report['stats'];
  usage?: Report['usage'];
}

function trailer(t: Trailer): JsonTrailer {
  const out: JsonTrailer = { key: t.key, value: t.value };
  if (t.person) out.person = { name: t.person.name, address: t.person.address };
  return out;
}

function message(list: string, m: ThreadMessage): JsonMessage {
  return {
    messageId: m.mail.messageId,
    subject: m.mail.subject.full,
    from: { name: m.mail.from.name, address: m.mail.from.address },
    date: m.mail.date,
    receivedAt: m.mail.receivedAt,
    inWindow: m.inWindow,
    hasPatch: m.mail.patch !== null,
    trailers: m.mail.trailers.map(trailer),
    parentId: m.parentId,
    url: messageUrl(list, m.mail.messageId),
  };
}

function thread(list: string, rt: ReportThread): JsonThread {
  const summary: JsonThread['summary'] = { text: rt.summary.text, source: rt.summary.source };
  if (rt.summary.model) summary.model = rt.summary.model;
  if (rt.summary.fallbackReason) summary.fallbackReason = rt.summary.fallbackReason;
  return {
    id: rt.thread.id,
    category: rt.category,
    subject: rt.thread.subject.full,
    url: threadUrl(list, rt.thread.id),
    messages: rt.thread.messages.map((m) => message(list, m)),
    series: rt.series,
    summary,
  };
}

export function toJsonReport(report: Report): JsonReport {
  const out: JsonReport = {
    schemaVersion: 1,
    generatedAt: report.generatedAt,
    isoWeek: report.window.isoWeek,
    window: { since: report.window.since, until: report.window.until, tz: report.window.tz },
    list: report.list,
    threads: report.threads.map((rt) => thread(report.list, rt)),
    unparsed: report.unparsed,
    stats: report.stats,
  };
  if (report.usage) out.usage = report.usage;
  return out;
}

export function renderJson(report: Report): string {
  return JSON.stringify(toJsonReport(report), null, 2) + '\n';
}
