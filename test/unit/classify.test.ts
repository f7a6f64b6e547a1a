import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLASSIFY_RULES, classifyThread, classifyWithRule } from '../../src/core/classify.js';
import { buildThreads } from '../../src/core/thread.js';
import { parseSubject } from '../../src/core/subject.js';
import { extractTrailers } from '../../src/core/trailers.js';
import { splitSegments } from '../../src/core/mailBody.js';
import type { Category, Mail, Thread } from '../../src/core/types.js';
import { CATEGORIES } from '../../src/core/types.js';

let n = 0;

interface Spec {
  subject: string;
  from?: string;
  body?: string;
  patch?: string | null;
  id?: string;
  refs?: string[];
}

function mail(spec: Spec): Mail {
  n++;
  const time = new Date(Date.UTC(2022, 10, 7) + n * 60000).toISOString();
  const body = spec.body ?? '';
  return {
    messageId: spec.id ?? `m${n}@example.org`,
    synthesizedId: false,
    inReplyTo: spec.refs && spec.refs.length > 0 ? spec.refs[spec.refs.length - 1] : null,
    references: spec.refs ?? [],
    subject: parseSubject(spec.subject),
    from: { name: spec.from ?? 'Author', address: `${(spec.from ?? 'author').toLowerCase()}@example.org` },
    to: [],
    cc: [],
    date: time,
    receivedAt: time,
    text: body,
    segments: splitSegments(body),
    patch: spec.patch ?? null,
    trailers: extractTrailers(body),
  };
}

/** A thread: the first spec is the root, the others reply to it. */
function thread(root: Spec, ...replies: Spec[]): Thread {
  const r = mail({ ...root, id: root.id ?? `root${n + 1}@example.org` });
  const rest = replies.map((s) => mail({ ...s, refs: s.refs ?? [r.messageId] }));
  const threads = buildThreads([r, ...rest], () => true);
  assert.equal(threads.length, 1);
  return threads[0];
}

function ruleOf(t: Thread): { category: Category; rule: string } {
  const { category, ruleIndex } = classifyWithRule(t);
  return { category, rule: CLASSIFY_RULES[ruleIndex].rule };
}

const SELFTEST_DIFF = 'diff --git a/tools/testing/selftests/kvm/x.c b/tools/testing/selftests/kvm/x.c\n--- a/tools/testing/selftests/kvm/x.c\n+++ b/tools/testing/selftests/kvm/x.c\n@@ -1 +1 @@\n-a\n+b\n';
const KERNEL_DIFF = 'diff --git a/arch/arm64/kvm/x.c b/arch/arm64/kvm/x.c\n--- a/arch/arm64/kvm/x.c\n+++ b/arch/arm64/kvm/x.c\n@@ -1 +1 @@\n-a\n+b\n';

test('the rule table is documented, covers every category and ends with a catch-all', () => {
  for (const r of CLASSIFY_RULES) {
    assert.ok(CATEGORIES.includes(r.category));
    assert.ok(r.rule.length > 20, r.rule);
  }
  assert.deepEqual([...new Set(CLASSIFY_RULES.map((r) => r.category))].sort(), [...CATEGORIES].sort());
  assert.equal(CLASSIFY_RULES[CLASSIFY_RULES.length - 1].category, 'Other');
});

test('rule: GIT PULL', () => {
  assert.equal(classifyThread(thread({ subject: '[GIT PULL] KVM/arm64 fixes for 6.1, take #2' })), 'GIT PULL');
  assert.equal(classifyThread(thread({ subject: '[PULL kvm-unit-tests 00/10] arm updates' })), 'GIT PULL');
  assert.equal(classifyThread(thread({ subject: 'GIT PULL: KVM/arm64 updates' })), 'GIT PULL');
  // A reply does not change what the thread is.
  assert.equal(classifyThread(thread({ subject: '[GIT PULL] x' }, { subject: 'Re: [GIT PULL] x', from: 'Paolo' })), 'GIT PULL');
});

test('rule: Selftest by title prefix, by kvm-unit-tests, by diffs under tools/testing/selftests', () => {
  assert.equal(classifyThread(thread({ subject: '[PATCH] KVM: selftests: Add a test' })), 'Selftest');
  assert.equal(classifyThread(thread({ subject: '[PATCH v2 3/5] KVM: arm64: selftests: Fix the vgic test' })), 'Selftest');
  assert.equal(classifyThread(thread({ subject: '[PATCH] selftests/kvm: fix build' })), 'Selftest');
  assert.equal(classifyThread(thread({ subject: '[kvm-unit-tests PATCH v3 01/16] arm: pmu: Fix' })), 'Selftest');
  assert.equal(classifyThread(thread({ subject: '[PATCH 1/1] KVM: arm64: add a test helper', patch: SELFTEST_DIFF })), 'Selftest');
  // An RFC for selftests is still a selftest.
  assert.equal(classifyThread(thread({ subject: '[RFC PATCH] KVM: selftests: Rework' })), 'Selftest');
  // A kernel patch touching arch code is not, even if it mentions tests in the title.
  assert.equal(classifyThread(thread({ subject: '[PATCH] KVM: arm64: test for feature X', patch: KERNEL_DIFF })), 'PATCH');
  // A series whose patches touch selftests and kernel code is a PATCH.
  const mixed = buildThreads(
    [
      mail({ id: 'mix0@x', subject: '[PATCH 0/2] KVM: arm64: feature' }),
      mail({ subject: '[PATCH 1/2] KVM: arm64: feature', patch: KERNEL_DIFF, refs: ['mix0@x'] }),
      mail({ subject: '[PATCH 2/2] KVM: arm64: test it', patch: SELFTEST_DIFF, refs: ['mix0@x'] }),
    ],
    () => true,
  );
  assert.equal(classifyThread(mixed[0]), 'PATCH');
  // Only tests: the whole series is a selftest series.
  const tests = buildThreads(
    [
      mail({ id: 'st0@x', subject: '[PATCH 0/2] KVM: arm64: more coverage' }),
      mail({ subject: '[PATCH 1/2] KVM: arm64: one', patch: SELFTEST_DIFF, refs: ['st0@x'] }),
      mail({ subject: '[PATCH 2/2] KVM: arm64: two', patch: SELFTEST_DIFF, refs: ['st0@x'] }),
    ],
    () => true,
  );
  assert.equal(classifyThread(tests[0]), 'Selftest');
});

test('rule: RFC in either position, with or without PATCH', () => {
  assert.equal(classifyThread(thread({ subject: '[RFC PATCH] KVM: arm64: idea' })), 'RFC');
  assert.equal(classifyThread(thread({ subject: '[PATCH RFC] KVM: arm64: idea' })), 'RFC');
  assert.equal(classifyThread(thread({ subject: '[PATCH RFC v2 0/3] KVM: arm64: idea' })), 'RFC');
  assert.equal(classifyThread(thread({ subject: '[RFC] Rethinking vgic locking' })), 'RFC');
});

test('rule: PATCH by tag', () => {
  assert.equal(classifyThread(thread({ subject: '[PATCH v3 00/17] KVM: arm64: Recursive NV' })), 'PATCH');
  assert.equal(classifyThread(thread({ subject: '[PATCH kvmtool 0/5] virtio: foo' })), 'PATCH');
  assert.equal(classifyThread(thread({ subject: '[v2 0/6] KVM: arm64: bar' })), 'PATCH');
  // Bug words in a patch title do not make it a bug report.
  assert.equal(classifyThread(thread({ subject: '[PATCH] KVM: arm64: Fix a crash in the vgic' })), 'PATCH');
});

test('rule: PATCH without tags (diff + Signed-off-by + subsystem title)', () => {
  const body = 'Resample the state.\n\nSigned-off-by: Dev <dev@example.org>\n---\n';
  const t = thread({ subject: 'KVM: arm64: vgic: Resample HW pending state', body, patch: KERNEL_DIFF });
  assert.equal(ruleOf(t).category, 'PATCH');
  assert.match(ruleOf(t).rule, /untagged/);
  // A bug report that suggests a diff but signs nothing off stays a bug report.
  const report = thread({ subject: 'mm/compaction: BUG: NULL pointer dereference', body: 'Try this:\n', patch: KERNEL_DIFF });
  assert.equal(classifyThread(report), 'Bug Report');
});

test('rule: PATCH for stable-tree notices', () => {
  const t = thread({ subject: 'Patch "KVM: arm64: Reset PMC_EL0 to avoid a panic() on systems with no PMU" has been added to the 4.19-stable tree' });
  assert.equal(ruleOf(t).category, 'PATCH');
  assert.match(ruleOf(t).rule, /stable-tree/);
});

test('rule: Question by label wins over bug words', () => {
  assert.equal(classifyThread(thread({ subject: '[Question] Hardware management of stage2 dirty state' })), 'Question');
  assert.equal(classifyThread(thread({ subject: 'Question on guest enable msi fail when using GICv4' })), 'Question');
  assert.equal(classifyThread(thread({ subject: '[Q] vcpu reset' })), 'Question');
  assert.equal(classifyThread(thread({ subject: '[Question-GIC-v4.1] Plan on GIC-v4.1 driver development' })), 'Question');
});

test('rule: Bug Report by words, markers, syzbot and splats; "debug" is not a bug', () => {
  const bug = (subject: string, extra: Partial<Spec> = {}) => classifyThread(thread({ subject, ...extra }));
  assert.equal(bug('arm64 build failure on kvm/next'), 'Bug Report');
  assert.equal(bug('BUG: KASAN: slab-out-of-bounds in kvm_pmu_get_canonical_pmc'), 'Bug Report');
  assert.equal(bug('REGRESSION: Upgrading host kernel breaks QEMU guests'), 'Bug Report');
  assert.equal(bug('Guest crashes after migration'), 'Bug Report');
  assert.equal(bug('null pointer dereference in vgic_its'), 'Bug Report');
  assert.equal(bug('Host fails to boot with 5.19'), 'Bug Report');
  assert.equal(bug('[syzbot] WARNING in kvm_mmu_notifier_invalidate_range_start'), 'Bug Report');
  assert.equal(bug('[kvm-unit-tests BUG] lib/ldiv32.c breaks arm compilation'), 'Bug Report');
  assert.equal(bug('[stable-rc] 5.12 arch/arm64/kvm/arm.c:722:8: error: use of undeclared label'), 'Bug Report');
  assert.equal(bug('Something odd with timers', { body: 'I see this:\n[  12.345] WARNING: CPU: 1 PID: 2 at arch/arm64/kvm/x.c:3\nCall trace:\n' }), 'Bug Report');
  assert.equal(bug('An odd report', { from: 'syzbot' }), 'Bug Report');
  // Not bugs: "debug" and friends are different words.
  assert.equal(bug('re-injecting debug exceptions'), 'Other');
  assert.equal(bug('Debugging guest hypervisor state'), 'Other');
  // A quoted splat is someone else's text.
  assert.equal(bug('About timers', { body: '> WARNING: CPU: 1 PID: 2 at x.c:3\nThanks\n' }), 'Other');
});

test('rule: Question by form', () => {
  assert.equal(classifyThread(thread({ subject: 'Can we boot a 512U kvm guest?' })), 'Question');
  assert.equal(classifyThread(thread({ subject: 'How to re-inject a debug exception correctly' })), 'Question');
  assert.equal(classifyThread(thread({ subject: 'Is it possible to run nested virt on this board' })), 'Question');
  assert.equal(classifyThread(thread({ subject: 'Any way to disable KVM VHE extension' })), 'Question');
  assert.equal(classifyThread(thread({ subject: 'Re: Why is the timer late？' })), 'Question');
});

test('rule: Discussion needs replies from two people', () => {
  const two = thread({ subject: 'KVM Arm64 and Linux-RT' }, { subject: 'Re: KVM Arm64 and Linux-RT', from: 'Alice' }, { subject: 'Re: KVM Arm64 and Linux-RT', from: 'Bob' });
  assert.equal(classifyThread(two), 'Discussion');
  // The root author answering counts as one of the two.
  const withAuthor = thread({ subject: 'Topic', from: 'Carol' }, { subject: 'Re: Topic', from: 'Dave' }, { subject: 'Re: Topic', from: 'Carol' });
  assert.equal(classifyThread(withAuthor), 'Discussion');
  const one = thread({ subject: 'Topic' }, { subject: 'Re: Topic', from: 'Alice' }, { subject: 'Re: Topic', from: 'Alice' });
  assert.equal(classifyThread(one), 'Other');
});

test('rule: Other for everything else', () => {
  const t = thread({ subject: '[URGENT] kvmarm mailing list migration' });
  assert.equal(ruleOf(t).category, 'Other');
  assert.equal(classifyThread(thread({ subject: '' })), 'Other');
});

test('a ghost root: decided from the earliest message, Re: stripped', () => {
  const threads = buildThreads(
    [
      mail({ subject: 'Re: [RFC PATCH 0/3] KVM: arm64: idea', refs: ['lost@x'] }),
      mail({ subject: 'Re: [RFC PATCH 0/3] KVM: arm64: idea', refs: ['lost@x'], from: 'Other' }),
    ],
    () => true,
  );
  assert.equal(threads.length, 1);
  assert.equal(threads[0].id, 'lost@x');
  assert.equal(classifyThread(threads[0]), 'RFC');
  const q = buildThreads([mail({ subject: 'Re: How do I enable SVE in a guest?', refs: ['gone@x'] })], () => true);
  assert.equal(classifyThread(q[0]), 'Question');
});
