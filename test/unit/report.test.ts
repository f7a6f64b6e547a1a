import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildReport, computeStats, sortReportThreads, threadStart, threadParticipants } from '../../src/core/report/buildReport.js';
import { messageUrl, midEscape, threadUrl } from '../../src/core/report/links.js';
import { makeMail, makeThread, person, sampleReport, seriesThread, OFFLINE, WINDOW } from '../fixtures/report/sampleReport.js';
import type { ReportThread } from '../../src/core/types.js';

test('stats count messages, window messages, large threads and participants by address', () => {
  const r = sampleReport();
  assert.equal(r.stats.totalMessages, 6);
  assert.equal(r.stats.inWindowMessages, 4);
  assert.equal(r.stats.threads, 2);
  assert.equal(r.stats.largeThreads, 0);
  assert.equal(r.stats.participants, 4);
  assert.deepEqual(r.stats.byCategory['Bug Report'], { threads: 1, messages: 2 });
});

test('one address with two display names is one participant; two addresses with one name are two', () => {
  const a = makeMail({ id: 'a@x', subject: 's', from: person('Marc Z', 'maz@kernel.org'), at: '2022-11-08T00:00:00Z' });
  const b = makeMail({ id: 'b@x', subject: 'Re: s', from: person('Marc Zyngier', 'MAZ@kernel.org'.toLowerCase()), at: '2022-11-08T01:00:00Z' });
  const c = makeMail({ id: 'c@x', subject: 'Re: s', from: person('Marc Zyngier', 'marc.zyngier@arm.com'), at: '2022-11-08T02:00:00Z' });
  const t = makeThread([
    { mail: a, parent: null, depth: 0 },
    { mail: b, parent: 'a@x', depth: 1 },
    { mail: c, parent: 'b@x', depth: 2 },
  ]);
  assert.equal(threadParticipants(t), 2);
});

test('a thread with more than 20 messages is large', () => {
  const mails = Array.from({ length: 21 }, (_, i) =>
    makeMail({ id: `m${i}@x`, subject: i ? 'Re: big' : 'big', from: person('P', `p${i % 3}@x`), at: `2022-11-08T00:${String(i).padStart(2, '0')}:00Z` }),
  );
  const t = makeThread(mails.map((mail, i) => ({ mail, parent: i ? 'm0@x' : null, depth: i ? 1 : 0 })));
  const stats = computeStats([{ thread: t, category: 'Discussion', series: null, summary: OFFLINE }]);
  assert.equal(stats.largeThreads, 1);
  assert.equal(stats.participants, 3);
  const twenty = makeThread(mails.slice(0, 20).map((mail, i) => ({ mail, parent: i ? 'm0@x' : null, depth: i ? 1 : 0 })));
  assert.equal(computeStats([{ thread: twenty, category: 'Discussion', series: null, summary: OFFLINE }]).largeThreads, 0);
});

test('threads sort by category order, then start time', () => {
  const mk = (id: string, at: string, category: ReportThread['category']): ReportThread => ({
    thread: makeThread([{ mail: makeMail({ id, subject: id, from: person('x', 'x@x'), at }), parent: null, depth: 0 }]),
    category,
    series: null,
    summary: OFFLINE,
  });
  const sorted = sortReportThreads([
    mk('other', '2022-11-07T00:00:00Z', 'Other'),
    mk('late-patch', '2022-11-09T00:00:00Z', 'PATCH'),
    mk('rfc', '2022-11-07T00:00:00Z', 'RFC'),
    mk('early-patch', '2022-11-08T00:00:00Z', 'PATCH'),
  ]);
  assert.deepEqual(sorted.map((r) => r.thread.id), ['early-patch', 'late-patch', 'rfc', 'other']);
  assert.equal(threadStart(seriesThread().thread), '2022-11-05T10:00:00.000Z');
});

test('buildReport normalises the list URL and keeps usage', () => {
  const r = buildReport({
    generatedAt: '2022-11-14T00:00:00Z',
    window: WINDOW,
    list: 'http://127.0.0.1:8080/kvmarm',
    threads: [],
    unparsed: [],
    usage: { calls: 0, cachedThreads: 0, promptTokens: 0, completionTokens: 0, estimatedCostUsd: 0 },
  });
  assert.equal(r.list, 'http://127.0.0.1:8080/kvmarm/');
  assert.equal(r.schemaVersion, 1);
  assert.equal(r.usage?.calls, 0);
});

test('message links percent-encode ids like public-inbox mid_escape', () => {
  assert.equal(midEscape('20221107.abc-1_2~x@kernel.org'), '20221107.abc-1_2~x@kernel.org');
  assert.equal(midEscape("a!$&'()*+,;=:@b"), "a!$&'()*+,;=:@b");
  assert.equal(midEscape('a/b?c#d%e f<g>"h'), 'a%2Fb%3Fc%23d%25e%20f%3Cg%3E%22h');
  assert.equal(midEscape('中@x'), '%E4%B8%AD@x');
  assert.equal(messageUrl('https://lore.kernel.org/kvmarm', 'x/y@z'), 'https://lore.kernel.org/kvmarm/x%2Fy@z/');
  assert.equal(threadUrl('https://lore.kernel.org/kvmarm/', 'r@z'), 'https://lore.kernel.org/kvmarm/r@z/T/#u');
});
