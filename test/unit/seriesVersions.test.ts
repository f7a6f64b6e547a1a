import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coverNoteLinks, messageIdFromUrl } from '../../src/core/series/coverNotes.js';
import { matchEarlierVersions, titleSimilarity, type VersionCandidate } from '../../src/core/series/versionFinder.js';
import { linkPreviousVersions, mergeVersionLinks } from '../../src/core/series/linkPreviousVersions.js';
import { createMailsVersionFinder } from '../../src/core/series/mailsVersionFinder.js';
import { createHeaderIndexVersionFinder } from '../../src/core/series/headerIndexVersionFinder.js';
import { buildSeries } from '../../src/core/series/buildSeries.js';
import { parseSubject } from '../../src/core/subject.js';
import type { HeaderEntry } from '../../src/core/sources/headerIndex.js';
import { ALICE, mail, series, thread } from '../fixtures/series/builders.js';

test('messageIdFromUrl reads lore, lore /r/ and patchwork URLs', () => {
  assert.equal(messageIdFromUrl('https://lore.kernel.org/r/20210729195632.489978-1-oupton@google.com'), '20210729195632.489978-1-oupton@google.com');
  assert.equal(messageIdFromUrl('https://lore.kernel.org/kvmarm/20221107.1-a%40b.org/T/#u'), '20221107.1-a@b.org');
  assert.equal(messageIdFromUrl('https://lore.kernel.org/kvmarm/'), null);
  assert.equal(messageIdFromUrl('not a url'), null);
});

test('coverNoteLinks: version labels, footnotes, quoted lines ignored', () => {
  const text = [
    'This series does things.',
    '',
    'v1: https://lore.kernel.org/r/v1-cover@example.org',
    '- v2: https://lore.kernel.org/kvmarm/v2-cover@example.org/',
    'v4 -> v5: https://lore.kernel.org/kvmarm/v4-cover@example.org/',
    'Changes since v3 [1]:',
    ' - rebased',
    '[1] https://lore.kernel.org/all/v3-cover@example.org/',
    'Based on https://lore.kernel.org/kvmarm/other-series@example.org/ from Bob.',
    '> v0: https://lore.kernel.org/r/quoted@example.org',
  ].join('\n');
  assert.deepEqual(coverNoteLinks(text), [
    { messageId: 'v1-cover@example.org', version: 1 },
    { messageId: 'v2-cover@example.org', version: 2 },
    { messageId: 'v4-cover@example.org', version: 4 },
    { messageId: 'v3-cover@example.org', version: 3 },
    { messageId: 'other-series@example.org', version: null },
  ]);
});

function cand(id: string, subject: string, from: string, time: string): VersionCandidate {
  return { messageId: id, subject: parseSubject(subject), from, date: time, time };
}

test('titleSimilarity ignores case, punctuation and list words', () => {
  assert.equal(titleSimilarity('KVM: arm64: Fix the vGIC ITS save/restore', 'kvm: arm64: fix the vgic its save/restore'), 1);
  assert.ok(titleSimilarity('KVM: arm64: Rework the vGIC ITS save/restore', 'KVM: arm64: vGIC ITS save/restore rework') >= 0.6);
  assert.ok(titleSimilarity('KVM: arm64: PMU fixes', 'KVM: arm64: Nested virt support') < 0.3);
});

test('matchEarlierVersions: same title, same author with a similar title, links; never later or equal versions', () => {
  const q = {
    title: 'KVM: arm64: Rework stage-2 page table walker',
    author: { name: 'Alice', address: 'alice@example.org' },
    version: 4,
    before: '2022-11-07T00:00:00.000Z',
    links: ['linked-v2@x'],
    total: 5,
  };
  const cands = [
    cand('v3-cover', '[PATCH v3 0/5] KVM: arm64: Rework stage-2 page table walker', 'alice@example.org', '2022-10-01T00:00:00.000Z'),
    cand('v3-p1', '[PATCH v3 1/5] KVM: arm64: Something', 'alice@example.org', '2022-10-01T00:00:00.000Z'),
    cand('v3-other', '[PATCH v3 0/2] KVM: arm64: Rework stage-2 page table walker', 'mallory@example.org', '2022-09-01T00:00:00.000Z'),
    cand('linked-v2@x', '[PATCH v2 00/06] KVM: arm64: Stage-2 walker changes', 'alice@example.org', '2022-08-01T00:00:00.000Z'),
    cand('v1', '[RFC PATCH 0/5] KVM: arm64: rework the stage-2 page-table walker', 'alice@example.org', '2022-06-01T00:00:00.000Z'),
    cand('v5', '[PATCH v5 0/5] KVM: arm64: Rework stage-2 page table walker', 'alice@example.org', '2022-10-02T00:00:00.000Z'),
    cand('v4-self', '[PATCH v4 0/5] KVM: arm64: Rework stage-2 page table walker', 'alice@example.org', '2022-11-07T00:00:00.000Z'),
    cand('reply', 'Re: [PATCH v2 0/5] KVM: arm64: Rework stage-2 page table walker', 'bob@example.org', '2022-08-02T00:00:00.000Z'),
    cand('unrelated', '[PATCH v2 0/3] KVM: arm64: PMU fixes', 'alice@example.org', '2022-08-01T00:00:00.000Z'),
  ];
  assert.deepEqual(
    matchEarlierVersions(q, cands).map((l) => [l.version, l.messageId]),
    [
      [3, 'v3-cover'],
      [2, 'linked-v2@x'],
      [1, 'v1'],
    ],
  );
});

test('a generic two-word title from another author is not linked', () => {
  const q = { title: 'Fix typos', author: { name: '', address: 'alice@example.org' }, version: 2, before: '2022-11-07T00:00:00.000Z', links: [] };
  assert.deepEqual(matchEarlierVersions(q, [cand('x', '[PATCH] Fix typos', 'bob@example.org', '2022-01-01T00:00:00.000Z')]), []);
});

test('mergeVersionLinks keeps thread links first and drops versions not below the current one', () => {
  const merged = mergeVersionLinks(
    [{ version: 2, messageId: 'thread-v2', date: null }],
    [
      { version: 2, messageId: 'archive-v2', date: null },
      { version: 1, messageId: 'archive-v1', date: null },
      { version: 3, messageId: 'bogus', date: null },
    ],
    3,
  );
  assert.deepEqual(merged.map((l) => l.messageId), ['thread-v2', 'archive-v1']);
});

test('linkPreviousVersions with the mails finder links v3 to v2 and v1 across threads', async () => {
  const v1 = series('a', 1, 2, 'Frob the widgets properly', '2022-09-01T10:00:00.000Z');
  const v2 = series('b', 2, 2, 'Frob the widgets properly', '2022-10-01T10:00:00.000Z');
  const v3 = series('c', 3, 2, 'Frob the widgets properly', '2022-11-07T10:00:00.000Z');
  v3[0].body = 'This series frobs.\n\nv2: https://lore.kernel.org/r/b-0\n';
  const t3 = thread(v3);
  const s3 = buildSeries(t3);
  assert.ok(s3);
  const s1 = buildSeries(thread(v1));
  const finder = createMailsVersionFinder([...v1, ...v2, ...v3].map(mail));
  await linkPreviousVersions([{ series: s3, thread: t3 }, { series: s1 }, { series: null }], finder);
  assert.deepEqual(s3.previous.map((l) => [l.version, l.messageId]), [[2, 'b-0'], [1, 'a-0']]);
  assert.deepEqual(s1?.previous, [], 'v1 is not looked up');
});

test('linkPreviousVersions reports a failing finder per series and keeps going; abort stops it', async () => {
  const t = thread(series('c', 3, 1, 'Frob'));
  const s = buildSeries(t);
  assert.ok(s);
  const errors: unknown[] = [];
  await linkPreviousVersions([{ series: s, thread: t }], { findEarlierVersions: async () => Promise.reject(new Error('boom')) }, { onError: (_s, e) => errors.push(e) });
  assert.equal(errors.length, 1);
  assert.deepEqual(s.previous, []);
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(linkPreviousVersions([{ series: s, thread: t }], createMailsVersionFinder([]), ac.signal));
});

test('the header index finder reads entries (subject, from, times, ids) and looks links up by id', async () => {
  const entry = (id: string, subject: string, from: string, t: number): HeaderEntry => ({
    epoch: 0,
    commit: 'c'.repeat(40),
    blob: 'b'.repeat(40),
    commitTime: t,
    receivedTime: t,
    date: t,
    messageIds: [id],
    inReplyTo: null,
    references: [],
    subject,
    from,
    fromName: '',
  });
  const entries = [
    entry('old-v1', '[PATCH 0/3] KVM: arm64: Frob the widgets', 'alice@example.org', 1_600_000_000),
    entry('old-v2', '[PATCH v2 0/3] KVM: arm64: Frob the widgets', 'alice@example.org', 1_610_000_000),
    entry('reply', 'Re: [PATCH v2 0/3] KVM: arm64: Frob the widgets', 'bob@example.org', 1_610_000_100),
    entry('renamed-v1', '[PATCH 0/3] KVM: arm64: Widget frobbing', 'carol@example.org', 1_500_000_000),
  ];
  const finder = createHeaderIndexVersionFinder({
    size: entries.length,
    subjectAt: (i) => entries[i].subject,
    entry: (i) => entries[i],
    byMessageId: (id) => entries.filter((e) => e.messageIds.includes(id)),
  });
  const found = await finder.findEarlierVersions({
    title: 'KVM: arm64: Frob the widgets',
    author: { name: 'Alice', address: 'alice@example.org' },
    version: 3,
    before: '2022-11-07T00:00:00.000Z',
    links: ['renamed-v1'],
    linkVersions: { 'renamed-v1': 1 },
  });
  assert.deepEqual(found, [
    { version: 2, messageId: 'old-v2', date: new Date(1_610_000_000_000).toISOString() },
    { version: 1, messageId: 'renamed-v1', date: new Date(1_500_000_000_000).toISOString() },
  ]);
});

test('a v1 posted after the query time is not an earlier version', async () => {
  const finder = createMailsVersionFinder([
    mail({ id: 'later', subject: '[PATCH 0/1] Frob the widgets properly', from: ALICE, date: '2022-12-01T00:00:00.000Z' }),
  ]);
  const found = await finder.findEarlierVersions({ title: 'Frob the widgets properly', author: { name: '', address: 'alice@example.org' }, version: 2, before: '2022-11-07T00:00:00.000Z', links: [] });
  assert.deepEqual(found, []);
});

test('the header-index scan skips replies and patches after the first, but keeps 1/n and lone patches', async () => {
  const at = (id: string, subject: string, t: number) => ({
    epoch: 0, commit: '0'.repeat(40), blob: '1'.repeat(40), commitTime: t, receivedTime: t, date: t,
    messageIds: [id], inReplyTo: null, references: [], subject, from: 'dave@example.org', fromName: '',
  });
  const entries = [
    at('first', '[PATCH 1/12] KVM: arm64: Grow the trees', 1_600_000_000),
    at('tenth', '[PATCH v2 10/12] KVM: arm64: Grow the trees', 1_610_000_000),
    at('lone', '[RFC PATCH v2] KVM: arm64: Grow the trees', 1_610_000_500),
  ];
  const built: number[] = [];
  const finder = createHeaderIndexVersionFinder({
    size: entries.length,
    subjectAt: (i) => entries[i].subject,
    entry: (i) => (built.push(i), entries[i]),
    byMessageId: () => [],
  });
  const found = await finder.findEarlierVersions({
    title: 'KVM: arm64: Grow the trees',
    author: { name: 'Dave', address: 'dave@example.org' },
    version: 3,
    before: '2022-11-07T00:00:00.000Z',
    links: [],
  });
  assert.deepEqual(built, [0, 2], 'only possible series heads are decoded');
  assert.deepEqual(found.map((f) => [f.version, f.messageId]), [[2, 'lone'], [1, 'first']]);
});
