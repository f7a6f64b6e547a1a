import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { diffLines, toHunks, renderHunks } from '../../src/core/series/lineDiff.js';
import { canonicalDiff, interdiff } from '../../src/core/series/interdiff.js';
import { compareVersions, renderComparison } from '../../src/core/series/compareVersions.js';
import { ALICE, mail } from '../fixtures/series/builders.js';

function lcsLength(a: string[], b: string[]): number {
  const dp: number[][] = Array.from({ length: a.length + 1 }, () => new Array(b.length + 1).fill(0));
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) dp[i][j] = a[i - 1] === b[j - 1] ? dp[i - 1][j - 1] + 1 : Math.max(dp[i - 1][j], dp[i][j - 1]);
  return dp[a.length][b.length];
}

test('diffLines: the script rebuilds both sides and is minimal (property)', () => {
  const line = fc.constantFrom('a', 'b', 'c', 'd', '');
  fc.assert(
    fc.property(fc.array(line, { maxLength: 30 }), fc.array(line, { maxLength: 30 }), (a, b) => {
      const ops = diffLines(a, b);
      assert.deepEqual(ops.filter((o) => o.op !== '+').map((o) => o.line), a);
      assert.deepEqual(ops.filter((o) => o.op !== '-').map((o) => o.line), b);
      assert.equal(ops.filter((o) => o.op === ' ').length, lcsLength(a, b));
    }),
    { numRuns: 400 },
  );
});

test('toHunks: headers count lines correctly and apply back', () => {
  const a = Array.from({ length: 40 }, (_, i) => `l${i}`);
  const b = [...a];
  b[5] = 'changed';
  b.splice(30, 2);
  const hunks = toHunks(diffLines(a, b));
  assert.equal(hunks.length, 2);
  assert.deepEqual([hunks[0].oldStart, hunks[0].oldLines, hunks[0].newStart, hunks[0].newLines], [3, 7, 3, 7]);
  assert.deepEqual([hunks[1].oldStart, hunks[1].oldLines, hunks[1].newStart, hunks[1].newLines], [28, 8, 28, 6]);
  assert.match(renderHunks(hunks), /^@@ -3,7 \+3,7 @@\n l2\n/);
});

const P1 = `diff --git a/arch/arm64/kvm/arm.c b/arch/arm64/kvm/arm.c
index 1111111..2222222 100644
--- a/arch/arm64/kvm/arm.c
+++ b/arch/arm64/kvm/arm.c
@@ -10,6 +10,7 @@ static int foo(void)
 	int a;
 	int b;
 
+	a = 1;
 	return a;
 }
 
`;

test('canonicalDiff drops index lines and line numbers, keeps function context', () => {
  const c = canonicalDiff(P1);
  assert.deepEqual(c.slice(0, 4), ['diff --git a/arch/arm64/kvm/arm.c b/arch/arm64/kvm/arm.c', '--- a/arch/arm64/kvm/arm.c', '+++ b/arch/arm64/kvm/arm.c', '@@ static int foo(void)']);
  assert.ok(!c.some((l) => l.startsWith('index ')));
  assert.equal(c.filter((l) => l === '+\ta = 1;').length, 1);
});

function patchMail(id: string, subject: string, message: string, patch: string) {
  return mail({ id, subject, from: ALICE, date: '2022-11-07T10:00:00.000Z', body: `${message}\n---\n arch/arm64/kvm/arm.c | 1 +\n\n${patch}`, patch });
}

test('interdiff: a rebase that only shifts lines and changes index ids is no change', () => {
  const shifted = P1.replace('index 1111111..2222222', 'index 3333333..4444444').replace('@@ -10,6 +10,7 @@', '@@ -42,6 +42,7 @@');
  const d = interdiff(patchMail('a', '[PATCH 1/1] x', 'Msg.', P1), patchMail('b', '[PATCH v2 1/1] x', 'Msg.\n\nReviewed-by: R <r@x.org>', shifted));
  assert.equal(d.codeChanged, false);
  assert.equal(d.messageChanged, false, 'a new Reviewed-by is not a message change');
  assert.equal(d.hunks.length, 0);
});

test('interdiff: a changed line shows as a diff of diffs', () => {
  const changed = P1.replace('+\ta = 1;', '+\ta = 2;');
  const d = interdiff(patchMail('a', '[PATCH 1/1] x', 'Msg.', P1), patchMail('b', '[PATCH v2 1/1] x', 'Msg.', changed));
  assert.equal(d.codeChanged, true);
  const text = renderHunks(d.hunks);
  assert.match(text, /^-\+\ta = 1;$/m);
  assert.match(text, /^\+\+\ta = 2;$/m);
});

test('compareVersions: pairs by subject then position, counts added/dropped/modified, Chinese summary', () => {
  const v2 = [
    mail({ id: 'c2', subject: '[PATCH v2 0/3] Frob', from: ALICE, date: '2022-10-01T00:00:00Z' }),
    patchMail('a1', '[PATCH v2 1/3] KVM: arm64: Add frob helper', 'Add it.', P1),
    patchMail('a2', '[PATCH v2 2/3] KVM: arm64: Use frob in vgic', 'Use it.', P1.replace('a = 1', 'a = 5')),
    patchMail('a3', '[PATCH v2 3/3] KVM: arm64: Drop legacy frob', 'Drop.', P1.replace('a = 1', 'a = 7')),
  ];
  const v3 = [
    mail({ id: 'c3', subject: '[PATCH v3 0/3] Frob', from: ALICE, date: '2022-11-07T00:00:00Z' }),
    patchMail('b1', '[PATCH v3 1/3] KVM: arm64: Add frob helper', 'Add it.', P1.replace('@@ -10,6 +10,7 @@', '@@ -12,6 +12,7 @@')),
    patchMail('b2', '[PATCH v3 2/3] KVM: arm64: Use the frob helper in vgic', 'Use it.', P1.replace('a = 1', 'a = 6')),
    patchMail('b3', '[PATCH v3 3/3] KVM: selftests: Test frob', 'Test.', P1.replace('a = 1', 'a = 9')),
  ];
  const c = compareVersions(v2, v3);
  assert.equal(c.previousVersion, 2);
  assert.equal(c.currentVersion, 3);
  assert.deepEqual(
    c.patches.map((p) => [p.change, p.previous?.index ?? null, p.current?.index ?? null, p.matchedBy]),
    [
      ['unchanged', 1, 1, 'subject'],
      ['modified', 2, 2, 'position'],
      ['dropped', 3, null, null],
      ['added', null, 3, null],
    ],
  );
  assert.deepEqual(c.counts, { unchanged: 1, message: 0, modified: 1, added: 1, dropped: 1 });
  assert.equal(c.summary, '相对 v2：新增 1 个补丁，删除 1 个，修改 1 个（未变 1 个，修改的是第 2 个）');

  const text = renderComparison(c);
  assert.match(text, /^--- a\/v2\/0002-KVM-arm64-Use-frob-in-vgic\.patch$/m);
  assert.match(text, /^\+\+\+ b\/v3\/0002-KVM-arm64-Use-the-frob-helper-in-vgic\.patch$/m);
  assert.match(text, /^-\+\ta = 5;$/m);
  assert.match(text, /^\+\+\ta = 6;$/m);
  assert.match(text, /^--- \/dev\/null$/m);
  // Each hunk header's counts match the lines that follow it.
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const h = /^@@ -\d+,(\d+) \+\d+,(\d+) @@$/.exec(lines[i]);
    if (!h) continue;
    let oldN = 0;
    let newN = 0;
    for (let j = i + 1; j < lines.length && /^[ +-]/.test(lines[j]) && !/^(?:---|\+\+\+) [ab/]/.test(lines[j]); j++) {
      if (lines[j][0] !== '+') oldN++;
      if (lines[j][0] !== '-') newN++;
    }
    assert.deepEqual([oldN, newN], [Number(h[1]), Number(h[2])], `hunk at line ${i}`);
  }
});

test('compareVersions on a one-patch series without i/n', () => {
  const c = compareVersions(
    [patchMail('x1', '[PATCH] KVM: arm64: Fix it', 'Fix.', P1)],
    [patchMail('x2', '[PATCH v2] KVM: arm64: Fix it', 'Fix, better explained.', P1)],
  );
  assert.deepEqual(c.counts, { unchanged: 0, message: 1, modified: 0, added: 0, dropped: 0 });
  assert.equal(c.summary, '相对 v1：新增 0 个补丁，删除 0 个，修改 0 个（仅提交说明变化 1 个）');
});

test('diffLines stays bounded on large unrelated inputs and still rebuilds both sides', () => {
  const a = Array.from({ length: 6000 }, (_, i) => `old ${i}`);
  const b = Array.from({ length: 6000 }, (_, i) => `new ${i}`);
  const ops = diffLines(a, b);
  assert.deepEqual(ops.filter((o) => o.op !== '+').map((o) => o.line), a);
  assert.deepEqual(ops.filter((o) => o.op !== '-').map((o) => o.line), b);
});
