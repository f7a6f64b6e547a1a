// Assembles the Report object every renderer and the extension read: threads ordered by category
// (CATEGORIES order) then start time, and the statistics shown in 总体统计.

import { CATEGORIES } from '../types.js';
import type { Category, Report, ReportStats, ReportThread, SummaryUsage, Thread, UnparsedMail, Window } from '../types.js';
import { normalizeListUrl } from './links.js';

/** Threads with more messages than this are "large" (大型 Thread). */
export const LARGE_THREAD_MESSAGES = 20;

/** When the list received the thread's first message (ISO), the sort key within a category. */
export function threadStart(thread: Thread): string {
  let best: string | null = null;
  let bestMs = Infinity;
  for (const m of thread.messages) {
    const ms = Date.parse(m.mail.receivedAt);
    if (!Number.isNaN(ms) && ms < bestMs) {
      bestMs = ms;
      best = m.mail.receivedAt;
    }
  }
  return best ?? new Date(0).toISOString();
}

/** A sender's identity: the address, or the display name when the header had no address. */
export function participantKey(from: { name: string; address: string }): string {
  return from.address ? from.address.toLowerCase() : `name:${from.name.trim().toLowerCase()}`;
}

/** Distinct senders of a thread, counted by address. */
export function threadParticipants(thread: Thread): number {
  const seen = new Set<string>();
  for (const m of thread.messages) seen.add(participantKey(m.mail.from));
  return seen.size;
}

export function emptyByCategory(): Record<Category, { threads: number; messages: number }> {
  const out = {} as Record<Category, { threads: number; messages: number }>;
  for (const c of CATEGORIES) out[c] = { threads: 0, messages: 0 };
  return out;
}

/**
 * totalMessages / participants / byCategory.messages count every message of the report's threads
 * (earlier context included); inWindowMessages only those received in the window.
 */
export function computeStats(threads: ReportThread[]): ReportStats {
  const byCategory = emptyByCategory();
  const people = new Set<string>();
  let total = 0;
  let inWindow = 0;
  let large = 0;
  for (const rt of threads) {
    const n = rt.thread.messages.length;
    total += n;
    if (n > LARGE_THREAD_MESSAGES) large++;
    byCategory[rt.category].threads++;
    byCategory[rt.category].messages += n;
    for (const m of rt.thread.messages) {
      if (m.inWindow) inWindow++;
      people.add(participantKey(m.mail.from));
    }
  }
  return {
    totalMessages: total,
    inWindowMessages: inWindow,
    threads: threads.length,
    largeThreads: large,
    participants: people.size,
    byCategory,
  };
}

/** Category order first, then start time, then id (so equal starts still sort deterministically). */
export function sortReportThreads(threads: ReportThread[]): ReportThread[] {
  const rank = new Map(CATEGORIES.map((c, i) => [c, i]));
  const keyed = threads.map((rt) => ({ rt, start: Date.parse(threadStart(rt.thread)) }));
  keyed.sort(
    (a, b) =>
      (rank.get(a.rt.category) ?? 99) - (rank.get(b.rt.category) ?? 99) ||
      a.start - b.start ||
      (a.rt.thread.id < b.rt.thread.id ? -1 : a.rt.thread.id > b.rt.thread.id ? 1 : 0),
  );
  return keyed.map((k) => k.rt);
}

export interface BuildReportInput {
  generatedAt: string;
  window: Window;
  list: string;
  threads: ReportThread[];
  unparsed: UnparsedMail[];
  usage?: SummaryUsage;
}

export function buildReport(input: BuildReportInput): Report {
  const threads = sortReportThreads(input.threads);
  const report: Report = {
    schemaVersion: 1,
    generatedAt: input.generatedAt,
    window: input.window,
    list: normalizeListUrl(input.list),
    threads,
    unparsed: input.unparsed,
    stats: computeStats(threads),
  };
  if (input.usage) report.usage = input.usage;
  return report;
}
