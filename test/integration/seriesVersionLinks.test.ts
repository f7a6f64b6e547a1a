// Version links on real corpus weeks (issue 5 acceptance): for every series whose new version
// appears in a week and whose previous version was posted in an earlier week, the series built
// for that week must link the previous version's cover letter: at least 9 in 10 such series.
//
// The truth is decided independently of the finder's fuzzy rules: a posting of version N-1 before
// the week by the same author with the same normalised title, or one the cover letter itself
// links to with a "vN-1" label. Run alone: node --import tsx --test test/integration/seriesVersionLinks.test.ts

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { createGitMirrorSource } from '../../src/core/sources/gitMirror.js';
import type { HeaderIndex } from '../../src/core/sources/headerIndex.js';
import { parseMail } from '../../src/core/mail.js';
import { buildThreads } from '../../src/core/thread.js';
import { normalizeTitle, parseSubject } from '../../src/core/subject.js';
import { buildSeries } from '../../src/core/series/buildSeries.js';
import { coverNoteLinks } from '../../src/core/series/coverNotes.js';
import { linkPreviousVersions } from '../../src/core/series/linkPreviousVersions.js';
import { createHeaderIndexVersionFinder } from '../../src/core/series/headerIndexVersionFinder.js';
import type { Mail, Series, Thread } from '../../src/core/types.js';
import { corpusMirror, corpusSkip, corpusWorkDir } from '../support/corpus.js';

// Mondays of weeks spread over the corpus (2019-05 .. 2022-12); SERIES_WEEKS="2021-03-01 ..." overrides.
const WEEKS = process.env.SERIES_WEEKS?.split(/[\s,]+/).filter((w) => /^\d{4}-\d{2}-\d{2}$/.test(w)) ?? [
  '2019-06-03', '2019-09-16', '2019-12-02', '2020-03-02', '2020-06-15', '2020-09-07', '2020-11-23',
  '2021-02-01', '2021-04-12', '2021-07-19', '2021-10-04', '2022-01-10', '2022-03-21', '2022-05-16',
  '2022-08-22', '2022-10-17', '2022-11-07', '2022-12-05',
];

interface Case {
  week: string;
  series: Series;
  truth: Set<string>;
}

function isHeadOfVersion(subject: string, version: number): boolean {
  const s = parseSubject(subject);
  const t = s.tags;
  return !t.isReply && !t.isPull && t.version === version && (t.index === 0 || t.index === null || t.index === 1);
}

/** Postings of version N-1 before the week, as the independent rules above find them. */
function truthFor(index: HeaderIndex, series: Series, head: Mail, weekStart: number): Set<string> {
  const truth = new Set<string>();
  const want = normalizeTitle(series.title);
  for (const e of index.entries()) {
    if (e.receivedTime >= weekStart || e.from !== series.author.address || e.messageIds.length === 0) continue;
    if (!isHeadOfVersion(e.subject, series.version - 1)) continue;
    // A cover letter when the new version has one; a first or lone patch otherwise.
    const idx = parseSubject(e.subject).tags.index;
    if (series.coverMessageId !== null && idx === 1) continue;
    if (normalizeTitle(parseSubject(e.subject).title) === want) truth.add(e.messageIds[0]);
  }
  for (const note of coverNoteLinks(head.text)) {
    if (note.version !== series.version - 1) continue;
    for (const e of index.byMessageId(note.messageId)) {
      if (e.receivedTime < weekStart && isHeadOfVersion(e.subject, series.version - 1)) truth.add(note.messageId);
    }
  }
  return truth;
}

test('version links on corpus weeks: >= 9 in 10 new versions link the previous cover letter', { skip: corpusSkip(), timeout: 600_000 }, async (t) => {
  const mirror = await corpusMirror();
  const cacheDir = path.join(corpusWorkDir(), 'series-cache');
  const source = createGitMirrorSource({ path: mirror, cacheDir });
  await source.headerIndex();
  // Reopened from its file: a freshly built index decodes its details per entry() call.
  const index = await source.headerIndex();
  const finder = createHeaderIndexVersionFinder(index);

  const cases: Case[] = [];
  for (const week of WEEKS) {
    const since = new Date(`${week}T00:00:00Z`);
    const until = new Date(since.getTime() + 7 * 86_400_000);
    const window = { since: since.toISOString(), until: until.toISOString(), tz: 'UTC', isoWeek: null };
    const raws = await source.fetchWindow(window, {});
    const mails: Mail[] = [];
    for (const raw of raws) {
      const parsed = await parseMail(raw);
      if (parsed.ok) mails.push(parsed.mail);
    }
    const threads = buildThreads(mails, (m) => m.receivedAt >= window.since && m.receivedAt < window.until).filter((th) =>
      th.messages.some((m) => m.inWindow),
    );
    const items: Array<{ thread: Thread; series: Series | null }> = threads.map((thread) => ({ thread, series: buildSeries(thread) }));
    await linkPreviousVersions(items, finder);
    let weekCases = 0;
    for (const { thread, series } of items) {
      if (!series || series.version < 2) continue;
      const headId = series.coverMessageId ?? series.patches[0]?.messageId;
      const head = thread.messages.find((m) => m.mail.messageId === headId);
      if (!head || !head.inWindow) continue; // not a new version posted this week
      const truth = truthFor(index, series, head.mail, since.getTime() / 1000);
      if (truth.size === 0) continue; // no earlier-week previous version to link
      cases.push({ week, series, truth });
      weekCases++;
    }
    t.diagnostic(`${week}: ${threads.length} threads, ${items.filter((i) => i.series).length} series, ${weekCases} new versions with an earlier-week previous version`);
  }

  const misses = cases.filter((c) => {
    const link = c.series.previous.find((p) => p.version === c.series.version - 1);
    return !link || !c.truth.has(link.messageId);
  });
  for (const m of misses) t.diagnostic(`miss ${m.week} v${m.series.version} ${m.series.title}: got ${JSON.stringify(m.series.previous.slice(0, 2))}, want one of ${[...m.truth].join(' ')}`);
  const ratio = (cases.length - misses.length) / cases.length;
  t.diagnostic(`linked ${cases.length - misses.length}/${cases.length} = ${(ratio * 100).toFixed(1)}%`);
  assert.ok(cases.length >= 20, `enough cases to measure (${cases.length})`);
  assert.ok(ratio >= 0.9, `ratio ${ratio}`);
});
