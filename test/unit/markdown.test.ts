import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import MarkdownIt from 'markdown-it';
import { renderMarkdown, linkDestination, summarySourceLabel } from '../../src/core/report/markdown.js';
import { escapeMarkdownInline, neutraliseMarkdown } from '../../src/core/report/markdownEscape.js';
import { createMarkdownRenderer } from '../../src/core/report/html.js';
import { sampleReport, LIST, makeMail, makeThread, MARC, WINDOW, OFFLINE } from '../fixtures/report/sampleReport.js';
import { buildReport } from '../../src/core/report/buildReport.js';

test('the report keeps the shape readers know', () => {
  const md = renderMarkdown(sampleReport());
  const lines = md.split('\n');
  assert.equal(lines[0], '# KVMARM 邮件列表 AI 总结报告');
  assert.ok(md.includes('**生成时间**: 2022-11-14 10:03:04（Asia/Shanghai，UTC+08:00）'), md.slice(0, 400));
  assert.ok(md.includes('**分析周期**: 2022-W45，2022-11-07 00:00 至 2022-11-14 00:00'));
  assert.ok(md.includes('**时区**: 本报告所有时间均为 Asia/Shanghai（UTC+08:00）'));
  assert.ok(md.includes('## 📊 总体统计'));
  assert.ok(md.includes('- **总邮件数**: 6（本周期内 4 封，往期上下文 2 封）'));
  assert.ok(md.includes('- **总 Thread 数**: 2'));
  assert.ok(md.includes('- **大型 Thread** (>20封): 0 个'));
  assert.ok(md.includes('### 分类分布'));
  assert.ok(md.includes('- **PATCH**: 1 threads (4 邮件)'));
  assert.ok(md.includes('- **Bug Report**: 1 threads (2 邮件)'));
  assert.ok(!md.includes('- **RFC**'), 'empty categories are not listed');
  // PATCH comes before Bug Report (CATEGORIES order) and each section restarts numbering.
  const patch = md.indexOf('## 📌 PATCH');
  const bug = md.indexOf('## 📌 Bug Report');
  assert.ok(patch > 0 && bug > patch);
  assert.ok(md.includes('共 1 个 thread'));
  assert.equal(md.match(/^### Thread 1: /gm)?.length, 2);
  assert.ok(md.includes('#### 🤖 AI 总结'));
  assert.ok(md.includes('#### 📝 邮件列表'));
});

test('thread meta: counts by address, start time in the zone, window messages apart from context', () => {
  const md = renderMarkdown(sampleReport());
  assert.ok(
    md.includes('**📧 邮件数**: 4（本周期 2） | **👥 参与者**: 2 | **📅 开始时间**: 2022-11-05 18:00 |'),
    md,
  );
  // Earlier context listed as such, with full dates; window messages as MM-DD HH:mm.
  const list = md.slice(md.indexOf('#### 📝 邮件列表', md.indexOf('## 📌 PATCH')));
  assert.ok(list.includes('**往期上下文**（本周期之前的 2 封，供参考）'));
  assert.ok(list.includes('1. **[2022-11-05 18:00]** [\\[PATCH v2 0/2\\] KVM: arm64: Tidy up the vgic\\_init() path]'));
  assert.ok(list.includes('*（往期）*'));
  assert.ok(list.includes('**本周期内**（2 封）'));
  assert.ok(list.includes('3. **[11-07 09:00]** [\\[PATCH v2 2/2\\]'), list);
  assert.ok(list.includes('4. **[11-08 20:30]** [Re: \\[PATCH v2 1/2\\]'));
  assert.ok(list.includes('   - 发件人: Marc Zyngier \\<maz@kernel.org\\>'));
  assert.ok(list.includes(`(<${LIST}review-1@kernel.org/>)`));
});

test('series facts and the summary source are stated', () => {
  const md = renderMarkdown(sampleReport({ series: { text: 'x', source: 'llm', model: 'qwen-plus' }, hostile: { text: 'y', source: 'offline', fallbackReason: 'HTTP 500' } }));
  assert.ok(md.includes('**🧩 补丁系列**: v2 · 2 个补丁 · 状态: 新提交，待审阅 · 审阅者: Marc Zyngier · 之前版本: [v1]'));
  assert.ok(md.includes('> 摘要来源: 模型摘要（qwen-plus）'));
  assert.ok(md.includes('> 摘要来源: ⚠️ 离线摘要（模型摘要失败，已回退：HTTP 500）'));
  assert.ok(md.includes('- **摘要来源**: 模型 1 个，⚠️ 模型失败回退为离线摘要 1 个'));
  assert.equal(summarySourceLabel({ text: '', source: 'offline' }), '离线摘要（根据邮件结构自动生成，未调用模型）');
});

test('message ids are percent-encoded as public-inbox does', () => {
  const md = renderMarkdown(sampleReport());
  assert.ok(md.includes(`<${LIST}evil%2F%3Cscript%3E%22x%22@example.com/>`), 'the hostile id is encoded');
  assert.equal(linkDestination('https://x/a b<c>&\\'), '<https://x/a%20b\\<c\\>\\&\\\\>');
});

test('nothing from mail injects links, images, HTML or headings into the Markdown', () => {
  const md = renderMarkdown(sampleReport({ hostile: { text: '# Heading\n<script>alert(1)</script>\n[x](javascript:alert(1))\n```\n| a | b |\n|---|---|', source: 'llm', model: 'm' } }));
  const html = new MarkdownIt({ html: true, linkify: false }).render(md);
  // Even a renderer that allows raw HTML must see only text.
  assert.ok(!/<script/i.test(html), 'no script element');
  assert.ok(!/<img/i.test(html), 'no image');
  assert.ok(!/<b>/i.test(html), 'no raw HTML');
  assert.ok(!/href="javascript:/i.test(html), 'no javascript: link');
  assert.ok(!/<h1>Heading/.test(html), 'no heading from a summary');
  assert.ok(!/<table/.test(html), 'no table from a summary');
  assert.ok(!/<pre/.test(html), 'no code fence swallowing the report');
  // Every link in the page goes to the archive.
  for (const m of html.matchAll(/href="([^"]*)"/g)) assert.ok(m[1].startsWith('https://lore.example.org/kvmarm/'), m[1]);
  // The hostile subject survives as visible text.
  assert.ok(html.includes('BUG: &lt;script&gt;alert(&quot;s&quot;)&lt;/script&gt;'));
});

test('escapeMarkdownInline round-trips any text through markdown-it as literal text', () => {
  const md = createMarkdownRenderer();
  fc.assert(
    fc.property(fc.string({ unit: fc.constantFrom(...'ab \\`*_{}[]()<>#+-.!|~&"\'=:$/@\n\t1é中'.split('')), maxLength: 40 }), (s) => {
      const expected = md.utils.escapeHtml(s.replace(/\s+/g, ' ').trim());
      assert.equal(md.renderInline(escapeMarkdownInline(s)), expected);
    }),
    { numRuns: 2000 },
  );
});

test('neutraliseMarkdown is idempotent on escaped text and keeps lists and bold', () => {
  const esc = escapeMarkdownInline('[x](javascript:y) <b>');
  assert.equal(neutraliseMarkdown(`1. **原始**：${esc}`), `1. **原始**：${esc}`);
  assert.equal(neutraliseMarkdown('\\\\[x](y)'), '\\\\\\[x\\](y)');
  assert.equal(neutraliseMarkdown('## h'), '\\## h');
  assert.equal(neutraliseMarkdown('---'), '\\---');
  assert.equal(neutraliseMarkdown('- item'), '- item');
});

test('an empty window renders a report with zero counts', () => {
  const report = buildReport({
    generatedAt: '2022-11-14T00:00:00.000Z',
    window: { since: '2022-11-07T00:00:00.000Z', until: '2022-11-14T00:00:00.000Z', tz: 'UTC', isoWeek: '2022-W45' },
    list: 'https://lore.kernel.org/kvmarm',
    threads: [],
    unparsed: [],
  });
  const md = renderMarkdown(report);
  assert.ok(md.includes('- **总邮件数**: 0'));
  assert.ok(md.includes('本周期内没有邮件。'));
  assert.ok(!md.includes('## 📌'));
  assert.equal(report.list, 'https://lore.kernel.org/kvmarm/');
});

test('from the tenth message on, the sender line stays inside its list item', () => {
  const mails = Array.from({ length: 12 }, (_, i) => ({
    mail: makeMail({
      id: `m${i}@example.org`,
      subject: i === 0 ? '[PATCH] KVM: arm64: Count to twelve' : 'Re: [PATCH] KVM: arm64: Count to twelve',
      from: MARC,
      at: `2022-11-0${7 + Math.floor(i / 6)}T0${i % 6}:00:00.000Z`,
      parent: i === 0 ? null : 'm0@example.org',
    }),
    parent: i === 0 ? null : 'm0@example.org',
    depth: i === 0 ? 0 : 1,
  }));
  const report = buildReport({
    generatedAt: '2022-11-14T02:03:04.000Z',
    window: WINDOW,
    list: LIST,
    threads: [{ thread: makeThread(mails), category: 'PATCH', series: null, summary: OFFLINE }],
    unparsed: [],
  });
  const html = new MarkdownIt().render(renderMarkdown(report));
  const list = html.slice(html.indexOf('📝'));
  const items = list.match(/<li>[\s\S]*?<\/ul>\s*<\/li>/g) ?? [];
  assert.equal(items.length, 12, 'every message is one list item holding its sender');
  assert.ok(items.every((li) => li.includes('发件人')));
});
