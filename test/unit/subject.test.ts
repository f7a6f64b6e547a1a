import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeTitle, parseSubject } from '../../src/core/subject.js';

test('plain patch with version and index', () => {
  const s = parseSubject('[PATCH v3 02/17] KVM: arm64: Add a thing');
  assert.equal(s.title, 'KVM: arm64: Add a thing');
  assert.deepEqual(s.tags.raw, ['PATCH', 'V3', '02/17']);
  assert.equal(s.tags.isPatch, true);
  assert.equal(s.tags.isRfc, false);
  assert.equal(s.tags.version, 3);
  assert.equal(s.tags.index, 2);
  assert.equal(s.tags.total, 17);
  assert.equal(s.tags.project, null);
  assert.equal(s.tags.isReply, false);
});

test('no tags: version 1, no index, title is the subject', () => {
  const s = parseSubject('Timer delays in VM');
  assert.equal(s.title, 'Timer delays in VM');
  assert.equal(s.tags.isPatch, false);
  assert.equal(s.tags.version, 1);
  assert.equal(s.tags.index, null);
  assert.equal(s.tags.total, null);
  assert.deepEqual(s.tags.raw, []);
});

test('RFC in either order is RFC and a patch', () => {
  for (const subj of ['[RFC PATCH] x', '[PATCH RFC] x', '[RFC][PATCH 1/2] x', '[PATCH RFC v2] x', '[RFC/RFT PATCH 0/3] x']) {
    const s = parseSubject(subj);
    assert.equal(s.tags.isRfc, true, subj);
    assert.equal(s.tags.isPatch, true, subj);
    assert.equal(s.title, 'x', subj);
  }
  assert.equal(parseSubject('[PATCH RFC v2] x').tags.version, 2);
  assert.equal(parseSubject('[PATCH RFCv4 3/9] x').tags.version, 4);
  assert.equal(parseSubject('[PATCH RFCv4 3/9] x').tags.isRfc, true);
});

test('a bare [RFC] without numbers is RFC but not a patch', () => {
  const s = parseSubject('[RFC] Rethinking the vgic locking');
  assert.equal(s.tags.isRfc, true);
  assert.equal(s.tags.isPatch, false);
});

test('projects: kvmtool, kvm-unit-tests, in any position', () => {
  const a = parseSubject('[PATCH kvmtool 00/15] Add a device');
  assert.equal(a.tags.project, 'kvmtool');
  assert.equal(a.tags.index, 0);
  assert.equal(a.tags.total, 15);
  const b = parseSubject('[kvm-unit-tests PATCH v3 01/16] arm: pmu: foo');
  assert.equal(b.tags.project, 'kvm-unit-tests');
  assert.equal(b.tags.version, 3);
  assert.equal(b.tags.index, 1);
  assert.equal(b.title, 'arm: pmu: foo');
  const c = parseSubject('[PATCH][kvmtool] fix build');
  assert.equal(c.tags.project, 'kvmtool');
  assert.equal(c.title, 'fix build');
  assert.equal(parseSubject('[PATCH v2 1/3, KVMTOOL] x').tags.project, 'kvmtool');
});

test('stable releases become the project', () => {
  const a = parseSubject('[STABLE 5.15.y] [PATCH] KVM: arm64: fix');
  assert.equal(a.tags.project, 'stable 5.15.y');
  assert.equal(a.tags.isPatch, true);
  assert.equal(a.title, 'KVM: arm64: fix');
  const b = parseSubject('[PATCH 5.10 1/2] KVM: arm64: fix');
  assert.equal(b.tags.project, 'stable 5.10');
  assert.equal(b.tags.version, 1);
  assert.equal(b.tags.index, 1);
  const c = parseSubject('[PATCH stable v4.9 v2] arm64: fix');
  assert.equal(c.tags.project, 'stable 4.9');
  assert.equal(c.tags.version, 2);
  assert.equal(parseSubject('[PATCH AUTOSEL 5.17 09/21] x').tags.project, 'autosel 5.17');
  assert.equal(parseSubject('[PATCH for-stable-5.10 1/2] x').tags.project, 'stable 5.10');
});

test('a dotted version that is not a release stays a version', () => {
  const s = parseSubject('[PATCH v5.5 00/30] KVM: Scalable memslots implementation');
  assert.equal(s.tags.version, 5.5);
  assert.equal(s.tags.project, null);
  assert.equal(s.tags.index, 0);
});

test('GIT PULL and PULL', () => {
  const a = parseSubject('[GIT PULL] KVM/arm64 fixes for 6.1, take #4');
  assert.equal(a.tags.isPull, true);
  assert.equal(a.tags.isPatch, false);
  assert.equal(a.title, 'KVM/arm64 fixes for 6.1, take #4');
  assert.equal(parseSubject('[PULL kvm-unit-tests 03/10] x').tags.isPull, true);
  assert.equal(parseSubject('[GIT PULL v2] y').tags.version, 2);
});

test('RESEND in its spellings', () => {
  for (const subj of ['[RESEND PATCH] x', '[PATCH RESEND v2 1/2] x', '[PATCH] [RESEND] x', '[PATCH v2 (RESEND) 1/2] x', 'RESEND: [PATCH] x']) {
    const s = parseSubject(subj);
    assert.equal(s.tags.isResend, true, subj);
    assert.equal(s.tags.isPatch, true, subj);
    assert.equal(s.title, 'x', subj);
  }
});

test('reply prefixes in several languages are stripped and flagged', () => {
  const s = parseSubject('Re: Re: AW: [PATCH v2 3/4] KVM: arm64: thing');
  assert.equal(s.tags.isReply, true);
  assert.equal(s.title, 'KVM: arm64: thing');
  assert.equal(s.tags.index, 3);
  assert.equal(parseSubject('RE: Fwd: SV: hello').title, 'hello');
  assert.equal(parseSubject('Re[2]: hello').title, 'hello');
  assert.equal(parseSubject('回复: [PATCH] 你好').title, '你好');
  assert.equal(parseSubject('[External] Re: [PATCH] x').tags.isReply, true);
  assert.equal(parseSubject('[External] Re: [PATCH] x').tags.project, null);
  assert.equal(parseSubject('Regression in 5.10').tags.isReply, false);
  assert.equal(parseSubject('Regression in 5.10').title, 'Regression in 5.10');
});

test('index/version order and glued forms', () => {
  const a = parseSubject('[PATCH v2 0/4] t');
  const b = parseSubject('[PATCH 0/4 v2] t');
  assert.deepEqual([a.tags.version, a.tags.index, a.tags.total], [2, 0, 4]);
  assert.deepEqual([b.tags.version, b.tags.index, b.tags.total], [2, 0, 4]);
  const c = parseSubject('[PATCHv2] t');
  assert.equal(c.tags.isPatch, true);
  assert.equal(c.tags.version, 2);
  assert.deepEqual(c.tags.raw, ['PATCH', 'V2']);
  const d = parseSubject('[PATCH-next] t');
  assert.equal(d.tags.isPatch, true);
  assert.equal(d.tags.project, null);
  assert.equal(parseSubject('[PATCH -next 1/2] t').tags.project, null);
  assert.equal(parseSubject('[PATCH-v3 1/2] t').tags.version, 3);
  const e = parseSubject('[v2 0/6] t');
  assert.equal(e.tags.isPatch, true);
  assert.equal(e.tags.version, 2);
});

test('folded whitespace is collapsed in full and title', () => {
  const s = parseSubject('[PATCH v2 1/2] KVM: arm64:\r\n\tfold   this\n title ');
  assert.equal(s.full, '[PATCH v2 1/2] KVM: arm64: fold this title');
  assert.equal(s.title, 'KVM: arm64: fold this title');
});

test('a subject that is only a tag keeps the tag as title', () => {
  assert.equal(parseSubject('[PATCH]').title, '[PATCH]');
  assert.equal(parseSubject('').title, '');
});

test('question tags are kept in raw so classification can see them', () => {
  const s = parseSubject('[Question] How does the vgic work');
  assert.deepEqual(s.tags.raw, ['QUESTION']);
  assert.equal(s.tags.isPatch, false);
  assert.equal(s.title, 'How does the vgic work');
});

test('normalizeTitle lower-cases and collapses spaces', () => {
  assert.equal(normalizeTitle('  KVM: arm64:   Add\tThing '), 'kvm: arm64: add thing');
  assert.equal(normalizeTitle(parseSubject('[PATCH v2 1/3] KVM:  Foo').title), normalizeTitle(parseSubject('Re: [PATCH v3 1/3] KVM: foo').title));
});

test('property: never throws, unfolded, and the title is a fixed point', async () => {
  const fc = await import('fast-check');
  const piece = fc.constantFrom('Re: ', 'AW: ', 'Fwd: ', '[PATCH v2 1/3] ', '[RFC] ', '[GIT PULL] ', '[kvm-unit-tests PATCH] ', 'RESEND: ', 'KVM: arm64: ', 'fix ', '\r\n\t', '  ', '?', '[', ']', '回复: ', 'x');
  fc.assert(
    fc.property(fc.array(fc.oneof(piece, fc.string({ maxLength: 6 })), { maxLength: 10 }), (parts) => {
      const s = parseSubject(parts.join(''));
      assert.ok(!/[\r\n\t]| {2}/.test(s.full), JSON.stringify(s.full));
      assert.ok(s.title === s.title.trim());
      assert.ok(Number.isFinite(s.tags.version) && s.tags.version >= 0);
      assert.equal(parseSubject(s.title).title, s.title);
    }),
    { numRuns: 2000 },
  );
});
