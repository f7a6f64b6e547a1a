import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { Mail, ReportThread } from '../../../src/core/types.js';
import { matchesFilter, patchPaths } from '../../../src/vscode/threadFilter.js';

function mail(over: Partial<Mail>): Mail {
  return {
    messageId: 'm@x',
    synthesizedId: false,
    inReplyTo: null,
    references: [],
    subject: { full: '[PATCH] KVM: arm64: vgic: fix', title: 'KVM: arm64: vgic: fix', tags: { raw: ['PATCH'], isPatch: true, isRfc: false, isResend: false, isPull: false, version: 1, index: null, total: null, project: null, isReply: false } },
    from: { name: 'Marc Zyngier', address: 'maz@kernel.org' },
    to: [],
    cc: [],
    date: null,
    receivedAt: '2022-11-08T00:00:00.000Z',
    text: '',
    segments: [],
    patch: null,
    trailers: [],
    ...over,
  };
}

function entry(mails: Mail[], summary = '本周无进展'): ReportThread {
  return {
    thread: { id: mails[0]!.messageId, subject: mails[0]!.subject, messages: mails.map((m) => ({ mail: m, parentId: null, depth: 0, inWindow: true })), ghosts: [] },
    category: 'PATCH',
    series: null,
    summary: { text: summary, source: 'offline' },
  };
}

const patch = 'diff --git a/arch/arm64/kvm/vgic/vgic.c b/arch/arm64/kvm/vgic/vgic.c\n--- a/arch/arm64/kvm/vgic/vgic.c\n+++ b/arch/arm64/kvm/vgic/vgic.c\n@@ -1 +1 @@\n-a\n+b\n';

test('patchPaths lists the files a diff touches', () => {
  assert.deepEqual([...patchPaths(patch)], ['arch/arm64/kvm/vgic/vgic.c']);
  assert.deepEqual([...patchPaths('--- a/x.c\n+++ b/y.c\n')].sort(), ['x.c', 'y.c']);
  assert.equal(patchPaths('no diff here\n--- \n').size, 0);
});

test('filters by text, author and path', () => {
  const t = entry([mail({ patch }), mail({ messageId: 'r@x', from: { name: 'Oliver Upton', address: 'oliver.upton@linux.dev' } })], '修复 vgic 中断');
  assert.equal(matchesFilter(t, { kind: 'text', value: 'VGIC' }), true);
  assert.equal(matchesFilter(t, { kind: 'text', value: '中断' }), true, 'summary text counts');
  assert.equal(matchesFilter(t, { kind: 'text', value: 'pmu' }), false);
  assert.equal(matchesFilter(t, { kind: 'author', value: 'oliver' }), true);
  assert.equal(matchesFilter(t, { kind: 'author', value: 'linux.dev' }), true);
  assert.equal(matchesFilter(t, { kind: 'author', value: 'will' }), false);
  assert.equal(matchesFilter(t, { kind: 'path', value: 'kvm/vgic/' }), true);
  assert.equal(matchesFilter(t, { kind: 'path', value: 'tools/testing' }), false);
  assert.equal(matchesFilter(t, { kind: 'path', value: '  ' }), true, 'an empty query keeps everything');
});
