import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSeries } from '../../src/core/series/buildSeries.js';
import { ALICE, MARC, RITA, TOM, series, thread, type MailSpec } from '../fixtures/series/builders.js';

const LATER = '2022-11-08T10:00:00.000Z';
const LATEST = '2022-11-09T10:00:00.000Z';

test('a thread without patches is not a series', () => {
  const t = thread([
    { id: 'q', subject: 'How do I enable pKVM?', from: TOM, date: LATER },
    { id: 'a', subject: 'Re: How do I enable pKVM?', from: MARC, date: LATEST, parent: 'q' },
  ]);
  assert.equal(buildSeries(t), null);
});

test('a pull request thread is not a series', () => {
  const t = thread([{ id: 'p', subject: '[GIT PULL] KVM/arm64 fixes for 6.1', from: MARC, date: LATER }]);
  assert.equal(buildSeries(t), null);
});

test('cover letter, patches, title, author, total and missing indexes', () => {
  const specs = series('s', 3, 4, 'Fix the vgic').filter((s) => s.id !== 's-3');
  const s = buildSeries(thread(specs));
  assert.ok(s);
  assert.equal(s.title, 'Fix the vgic');
  assert.equal(s.version, 3);
  assert.equal(s.total, 4);
  assert.deepEqual(s.author, { name: 'Alice Author', address: 'alice@example.org' });
  assert.equal(s.coverMessageId, 's-0');
  assert.deepEqual(s.patches.map((p) => p.index), [1, 2, 4]);
  assert.deepEqual(s.missing, [3]);
  assert.equal(s.patches[0].subject, '[PATCH v3 1/4] KVM: arm64: step 1 of Fix the vgic');
  assert.equal(s.state, 'new');
  assert.deepEqual(s.reviewers, []);
});

test('a single patch without i/n is a one-patch series titled by its subject', () => {
  const t = thread([{ id: 'x', subject: '[PATCH v2] KVM: arm64: Fix a leak', from: ALICE, date: LATER }]);
  const s = buildSeries(t);
  assert.ok(s);
  assert.equal(s.total, 1);
  assert.equal(s.version, 2);
  assert.equal(s.coverMessageId, null);
  assert.equal(s.title, 'KVM: arm64: Fix a leak');
  assert.deepEqual(s.patches.map((p) => [p.index, p.messageId]), [[1, 'x']]);
  assert.deepEqual(s.missing, []);
});

test('a series without a cover letter takes its title from patch 1', () => {
  const specs = series('n', 1, 2, 'Tidy up').slice(1).map((s, i) => (i === 0 ? { ...s, parent: null } : { ...s, parent: 'n-1' }));
  const s = buildSeries(thread(specs));
  assert.ok(s);
  assert.equal(s.coverMessageId, null);
  assert.equal(s.title, 'KVM: arm64: step 1 of Tidy up');
});

test('Reviewed-by on the cover letter covers every patch; on a patch only that patch', () => {
  const specs: MailSpec[] = [
    ...series('s', 1, 2, 'Frob'),
    { id: 'r1', subject: 'Re: [PATCH 1/2] KVM: arm64: step 1 of Frob', from: RITA, date: LATER, parent: 's-1', body: '> Step 1.\n\nReviewed-by: Rita Reviewer <rita@example.org>\n' },
  ];
  let s = buildSeries(thread(specs));
  assert.ok(s);
  assert.deepEqual(s.patches.map((p) => p.state), ['reviewed', 'new']);
  assert.equal(s.state, 'new', 'not every patch is reviewed');
  assert.ok(s.patches[0].trailers.some((t) => t.key === 'Reviewed-by' && t.person?.address === 'rita@example.org'));
  assert.ok(!s.patches[1].trailers.some((t) => t.key === 'Reviewed-by'));

  specs.push({ id: 'r2', subject: 'Re: [PATCH 0/2] Frob', from: TOM, date: LATEST, parent: 's-0', body: 'For the series:\n\nAcked-by: Tom Tester <tom@example.org>\n' });
  s = buildSeries(thread(specs));
  assert.ok(s);
  assert.deepEqual(s.patches.map((p) => p.state), ['reviewed', 'reviewed']);
  assert.equal(s.state, 'reviewed');
  assert.deepEqual(s.reviewers.map((r) => r.address), ['rita@example.org', 'tom@example.org']);
});

test('Tested-by names a reviewer but does not make a patch reviewed', () => {
  const specs: MailSpec[] = [
    ...series('s', 1, 1, 'Frob'),
    { id: 't', subject: 'Re: [PATCH 1/1] x', from: TOM, date: LATER, parent: 's-1', body: 'Works on my board.\n\nTested-by: Tom Tester <tom@example.org>\n' },
  ];
  const s = buildSeries(thread(specs));
  assert.ok(s);
  assert.equal(s.patches[0].state, 'new');
  assert.deepEqual(s.reviewers.map((r) => r.address), ['tom@example.org']);
});

test('Reviewed-by carried in the patch itself counts; the author\'s own trailers do not', () => {
  const specs = series('s', 2, 1, 'Frob');
  specs[1].body = `Step.\n\nReviewed-by: ${RITA}\nSigned-off-by: ${ALICE}\n`;
  const s = buildSeries(thread(specs));
  assert.ok(s);
  assert.equal(s.state, 'reviewed');
  assert.deepEqual(s.reviewers.map((r) => r.address), ['rita@example.org']);
});

test('inline objections quoting the diff mean changes requested; a later Reviewed-by clears them', () => {
  const objection = '> -b\n> +b1\n\nThis is wrong, you should take the lock first. Why not use the helper?\n\nThanks,\nRita\n';
  const specs: MailSpec[] = [
    ...series('s', 1, 2, 'Frob'),
    { id: 'o', subject: 'Re: [PATCH 2/2] x', from: RITA, date: LATER, parent: 's-2', body: objection },
  ];
  let s = buildSeries(thread(specs));
  assert.ok(s);
  assert.deepEqual(s.patches.map((p) => p.state), ['new', 'changes-requested']);
  assert.equal(s.state, 'changes-requested');

  specs.push({ id: 'ok', subject: 'Re: [PATCH 2/2] x', from: RITA, date: LATEST, parent: 'o', body: '> wrong\n\nFair enough.\n\nReviewed-by: Rita Reviewer <rita@example.org>\n' });
  s = buildSeries(thread(specs));
  assert.ok(s);
  assert.deepEqual(s.patches.map((p) => p.state), ['new', 'reviewed']);
  assert.equal(s.state, 'new');
});

test('the author answering questions is not an objection', () => {
  const specs: MailSpec[] = [
    ...series('s', 1, 1, 'Frob'),
    { id: 'a', subject: 'Re: [PATCH 1/1] x', from: ALICE, date: LATER, parent: 's-1', body: '> -b\n> +b1\n\nWhy? Because the lock should be taken first, please see the spec.\n' },
  ];
  const s = buildSeries(thread(specs));
  assert.ok(s);
  assert.equal(s.state, 'new');
});

test('a NAK (trailer or word) wins over review', () => {
  const specs: MailSpec[] = [
    ...series('s', 1, 1, 'Frob'),
    { id: 'r', subject: 'Re: [PATCH 1/1] x', from: RITA, date: LATER, parent: 's-1', body: 'Reviewed-by: Rita Reviewer <rita@example.org>\n' },
    { id: 'n', subject: 'Re: [PATCH 1/1] x', from: MARC, date: LATEST, parent: 's-1', body: '> +b1\n\nNAK. This breaks migration.\n\n\tM.\n' },
  ];
  const s = buildSeries(thread(specs));
  assert.ok(s);
  assert.equal(s.patches[0].state, 'nacked');
  assert.equal(s.state, 'nacked');
  const t2 = thread([...series('u', 1, 1, 'Frob'), { id: 'n2', subject: 'Re: x', from: MARC, date: LATER, parent: 'u-0', body: 'Nacked-by: Marc Maintainer <marc@example.org>\n' }]);
  assert.equal(buildSeries(t2)?.state, 'nacked');
});

test('"Applied to kvmarm/next, thanks!" on the cover applies the series and names the branch', () => {
  const specs: MailSpec[] = [
    ...series('s', 1, 2, 'Frob'),
    { id: 'n', subject: 'Re: [PATCH 2/2] x', from: MARC, date: LATER, parent: 's-2', body: '> +b1\n\nNAK, should be a helper.\n' },
    { id: 'ap', subject: 'Re: [PATCH 0/2] Frob', from: MARC, date: LATEST, parent: 's-0', body: 'On Mon, Alice wrote:\n> This series does Frob.\n\nApplied to kvmarm/next, thanks!\n\n\tM.\n' },
  ];
  const s = buildSeries(thread(specs));
  assert.ok(s);
  assert.equal(s.state, 'applied');
  assert.equal(s.appliedTo, 'kvmarm/next');
  assert.deepEqual(s.patches.map((p) => p.state), ['applied', 'applied']);
});

test('a b4-ty notice applies the listed patches only and records the commit when no branch is named', () => {
  const body = '> [...]\n\nApplied, thanks!\n\n[1/3] KVM: arm64: step 1 of Frob\n      commit: 0123456789abcdef0123456789abcdef01234567\n[3/3] KVM: arm64: step 3 of Frob\n      commit: 89abcdef0123456789abcdef0123456789abcdef\n\nBest regards,\n';
  const specs: MailSpec[] = [...series('s', 1, 3, 'Frob'), { id: 'ty', subject: 'Re: [PATCH 0/3] Frob', from: MARC, date: LATER, parent: 's-0', body }];
  const s = buildSeries(thread(specs));
  assert.ok(s);
  assert.equal(s.state, 'applied');
  assert.equal(s.appliedTo, '0123456789abcdef0123456789abcdef01234567');
  assert.deepEqual(s.patches.map((p) => p.state), ['applied', 'new', 'applied']);
});

test('a tester saying they applied the series on top of -rc is not an applied notice', () => {
  const specs: MailSpec[] = [
    ...series('s', 1, 1, 'Frob'),
    { id: 't', subject: 'Re: [PATCH 0/1] Frob', from: TOM, date: LATER, parent: 's-0', body: 'Applied on top of v6.1-rc3 and ran the selftests.\n\nTested-by: Tom Tester <tom@example.org>\n' },
  ];
  const s = buildSeries(thread(specs));
  assert.ok(s);
  assert.notEqual(s.state, 'applied');
  assert.equal(s.appliedTo, null);
});

test('v2 posted in reply to v1 is the thread\'s series and links v1 as previous', () => {
  const v1 = series('a', 1, 2, 'Frob', '2022-10-01T10:00:00.000Z').map((s) => ({ ...s, inWindow: false }));
  const v2 = series('b', 2, 2, 'Frob', LATER).map((s) => (s.id === 'b-0' ? { ...s, parent: 'a-0' } : s));
  const s = buildSeries(thread([...v1, ...v2]));
  assert.ok(s);
  assert.equal(s.version, 2);
  assert.equal(s.coverMessageId, 'b-0');
  assert.deepEqual(s.patches.map((p) => p.messageId), ['b-1', 'b-2']);
  assert.deepEqual(s.previous, [{ version: 1, messageId: 'a-0', date: '2022-10-01T10:00:00.000Z' }]);
});

test('a reviewer\'s fixup patch in the thread does not replace the series', () => {
  const specs: MailSpec[] = [
    ...series('s', 1, 3, 'Frob'),
    { id: 'fix', subject: '[PATCH] KVM: arm64: fixup for step 2', from: RITA, date: LATER, parent: 's-2', body: 'Something like this?\n' },
  ];
  const s = buildSeries(thread(specs));
  assert.ok(s);
  assert.equal(s.coverMessageId, 's-0');
  assert.equal(s.total, 3);
});

test('a hostile total does not allocate a huge missing list', () => {
  const t = thread([{ id: 'h', subject: '[PATCH 1/999999999] x', from: ALICE, date: LATER }]);
  const s = buildSeries(t);
  assert.ok(s);
  assert.ok(s.missing.length < 1000);
});

test('buildSeries is cheap on a big thread', () => {
  const specs: MailSpec[] = [...series('s', 1, 30, 'Big')];
  let parent = 's-1';
  for (let i = 0; i < 3000; i++) {
    specs.push({ id: `r${i}`, subject: 'Re: x', from: RITA, date: LATER, parent, body: `> +b1\n\nok ${i}\n` });
    parent = `r${i}`; // one long chain: the anchor walk must not be quadratic
  }
  const s = buildSeries(thread(specs));
  assert.ok(s);
  assert.equal(s.patches.length, 30);
});
