import { test } from 'node:test';
import assert from 'node:assert/strict';
import MarkdownIt from 'markdown-it';
import { createOfflineSummarizer, offlineDigest, purposeOf, cutText } from '../../src/core/summarize/offline.js';
import { hostileThread, makeMail, person, seriesThread, WINDOW } from '../fixtures/report/sampleReport.js';
import type { SummaryInput, Summary } from '../../src/core/types.js';

function seriesInput(): SummaryInput {
  const { thread, series } = seriesThread();
  return { thread, series, category: 'PATCH', window: WINDOW };
}

test('the digest has the three items readers know', () => {
  const text = offlineDigest(seriesInput());
  const lines = text.split('\n');
  assert.equal(lines.length, 3);
  assert.ok(lines[0].startsWith('1. **原始补丁/问题**：'));
  assert.ok(lines[1].startsWith('2. **之前的讨论**：'));
  assert.ok(lines[2].startsWith('3. **本周进展/结论**：'));
});

test('a series digest states purpose from the cover letter, version, history, reviews and state', () => {
  const text = offlineDigest(seriesInput());
  assert.ok(text.includes('Alice Dev 提交的 v2 补丁系列「KVM: arm64: Tidy up the vgic\\_init() path」，共 2 个补丁'), text);
  assert.ok(text.includes('内容：This series makes vgic\\_init() idempotent and drops a lock that was never needed. It also fixes a leak on the error path.'), text);
  assert.ok(!text.includes('Hi all'), 'greeting skipped');
  assert.ok(!text.includes('rebased'), 'changelog skipped');
  assert.ok(text.includes('本周期之前已有 2 封邮件（自 2022-11-05 起，1 人参与：Alice Dev）'), text);
  assert.ok(text.includes('此前版本：v1（2022-10-20）'));
  assert.ok(text.includes('本周期内 2 封邮件：发布了 v2（1 个补丁）；1 封回复，来自 Marc Zyngier'), text);
  assert.ok(text.includes('本周期给出的审阅标签：Reviewed-by: Marc Zyngier'));
  assert.ok(text.includes('最后一封来自 Marc Zyngier（11-08 20:30）'), 'times in the window zone');
  assert.ok(text.includes('状态：v2，共 2 个补丁'));
});

test('a thread that starts in the window says so, and non-series threads are described by category', () => {
  const text = offlineDigest({ thread: hostileThread(), series: null, category: 'Bug Report', window: WINDOW });
  assert.ok(text.includes('2. **之前的讨论**：无：本讨论串在本周期内开始。'));
  assert.ok(text.includes(' 报告的问题「'));
  assert.ok(text.includes('1 封回复，来自 Oliver Upton'));
});

test('hostile mail text in the digest stays inert Markdown', () => {
  const text = offlineDigest({ thread: hostileThread(), series: null, category: 'Bug Report', window: WINDOW });
  const html = new MarkdownIt({ html: true }).render(text);
  assert.ok(!/<script|<img|<b>|href=/i.test(html), html);
  assert.ok(html.includes('&lt;b&gt;bold&lt;/b&gt;'));
});

test('the digest is deterministic and independent of the clock', async () => {
  const a = offlineDigest(seriesInput());
  const b = offlineDigest(seriesInput());
  assert.equal(a, b);
  const s = createOfflineSummarizer();
  assert.equal(s.name, 'offline');
  const seen: string[] = [];
  const progress: number[] = [];
  const { summaries, usage } = await s.summarize([seriesInput(), { thread: hostileThread(), series: null, category: 'Bug Report', window: WINDOW }], {
    onSummary: (id: string, _s: Summary) => seen.push(id),
    progress: (_p: string, done?: number) => progress.push(done ?? -1),
  });
  assert.equal(summaries.length, 2);
  assert.equal(summaries[0].text, a);
  assert.equal(summaries[0].source, 'offline');
  assert.equal(summaries[0].fallbackReason, undefined);
  assert.equal(usage, undefined);
  assert.deepEqual(seen, ['cover-v2@example.com', 'evil/<script>"x"@example.com']);
  assert.deepEqual(progress, [1, 2]);
});

test('the summariser honours an aborted signal', async () => {
  const ac = new AbortController();
  ac.abort(new Error('stop'));
  await assert.rejects(createOfflineSummarizer().summarize([seriesInput()], { signal: ac.signal }), /stop/);
});

test('purpose comes from the commit message of a single patch, cut before trailers and the diffstat', () => {
  const m = makeMail({
    id: 'p@x',
    subject: '[PATCH] KVM: arm64: Fix a leak',
    from: person('A', 'a@x'),
    at: '2022-11-08T00:00:00Z',
    text: 'Hello Marc,\n\nThe vcpu array leaks when init fails\nhalfway through.\n\nSecond paragraph.\n\nSigned-off-by: A <a@x>\n---\n a.c | 1 +\n',
    isPatch: true,
  });
  assert.equal(purposeOf(m), 'The vcpu array leaks when init fails halfway through.');
  const quoted = makeMail({ id: 'q@x', subject: 'Re: x', from: person('B', 'b@x'), at: '2022-11-08T00:00:00Z', text: '> quoted question\n\nMy answer here.\n' });
  assert.equal(purposeOf(quoted), 'My answer here.');
});

test('long purposes are cut at a sentence end or with an ellipsis', () => {
  const long = 'First sentence is here. ' + 'x'.repeat(300);
  assert.equal(cutText(long, 40), 'First sentence is here.');
  assert.equal(cutText('y'.repeat(50), 10), 'yyyyyyyyyy…');
  assert.equal(cutText('中'.repeat(5), 10), '中中中中中');
});

test('reply attributions are not taken for the purpose', () => {
  const m = makeMail({
    id: 'r@x',
    subject: 'Re: [PATCH] x',
    from: person('M', 'm@x'),
    at: '2022-11-08T00:00:00Z',
    text: 'On Thu, 03 Nov 2022 05:32:28 +0000,\nSomeone <s@x> wrote:\n> old text\n\nWhat is the difference with the previous instance?\n',
  });
  assert.equal(purposeOf(m), 'What is the difference with the previous instance?');
});
