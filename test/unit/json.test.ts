import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderJson } from '../../src/core/report/json.js';
import { sampleReport, LIST } from '../fixtures/report/sampleReport.js';

test('JSON schemaVersion 1 has the documented shape', () => {
  const report = sampleReport({ series: { text: 'llm text', source: 'llm', model: 'qwen-plus' } });
  report.usage = { calls: 1, cachedThreads: 0, promptTokens: 100, completionTokens: 20, estimatedCostUsd: null };
  const json = JSON.parse(renderJson(report));
  assert.deepEqual(Object.keys(json), ['schemaVersion', 'generatedAt', 'isoWeek', 'window', 'list', 'threads', 'unparsed', 'stats', 'usage']);
  assert.equal(json.schemaVersion, 1);
  assert.equal(json.isoWeek, '2022-W45');
  assert.deepEqual(json.window, { since: '2022-11-06T16:00:00.000Z', until: '2022-11-13T16:00:00.000Z', tz: 'Asia/Shanghai' });
  assert.equal(json.list, LIST);
  assert.equal(json.threads.length, 2);
  const t = json.threads[0];
  assert.deepEqual(Object.keys(t), ['id', 'category', 'subject', 'url', 'messages', 'series', 'summary']);
  assert.equal(t.category, 'PATCH');
  assert.equal(t.id, 'cover-v2@example.com');
  assert.equal(t.subject, '[PATCH v2 0/2] KVM: arm64: Tidy up the vgic_init() path');
  assert.deepEqual(t.summary, { text: 'llm text', source: 'llm', model: 'qwen-plus' });
  assert.equal(t.series.version, 2);
  assert.equal(t.series.state, 'new');
  const review = t.messages.find((m: { messageId: string }) => m.messageId === 'review-1@kernel.org');
  assert.deepEqual(review, {
    messageId: 'review-1@kernel.org',
    subject: 'Re: [PATCH v2 1/2] KVM: arm64: Make vgic_init() idempotent',
    from: { name: 'Marc Zyngier', address: 'maz@kernel.org' },
    date: '2022-11-08T12:30:00.000Z',
    receivedAt: '2022-11-08T12:30:00.000Z',
    inWindow: true,
    hasPatch: false,
    trailers: [{ key: 'Reviewed-by', value: 'Marc Zyngier <maz@kernel.org>', person: { name: 'Marc Zyngier', address: 'maz@kernel.org' } }],
    parentId: 'p1-v2@example.com',
    url: `${LIST}review-1@kernel.org/`,
  });
  assert.equal(t.messages.filter((m: { hasPatch: boolean }) => m.hasPatch).length, 2);
  const bug = json.threads[1];
  assert.equal(bug.series, null);
  assert.equal(bug.summary.source, 'offline');
  assert.equal(bug.url, `${LIST}evil%2F%3Cscript%3E%22x%22@example.com/T/#u`);
  assert.equal(json.unparsed.length, 1);
  assert.deepEqual(Object.keys(json.stats), ['totalMessages', 'inWindowMessages', 'threads', 'largeThreads', 'participants', 'byCategory']);
  assert.deepEqual(json.stats.byCategory.PATCH, { threads: 1, messages: 4 });
  assert.deepEqual(json.stats.byCategory.RFC, { threads: 0, messages: 0 });
  assert.equal(json.usage.calls, 1);
});

test('JSON keeps hostile text as data, unchanged', () => {
  const json = JSON.parse(renderJson(sampleReport()));
  assert.ok(json.threads[1].subject.startsWith('BUG: <script>alert("s")</script>'));
  assert.equal(json.threads[1].messages[0].from.name, '<img src=x onerror=alert(1)> [click](javascript:alert(2))');
  assert.ok(!('usage' in json));
});
