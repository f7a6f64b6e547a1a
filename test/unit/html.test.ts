import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderHtml, createMarkdownRenderer, isSafeLink, REPORT_CSP } from '../../src/core/report/html.js';
import { sampleReport } from '../fixtures/report/sampleReport.js';
import { renderMarkdown } from '../../src/core/report/markdown.js';

const HOSTILE_SUMMARY = {
  text: '1. **x** <script>alert(1)</script> <img src=x onerror=alert(2)>\n2. [a](javascript:alert(3)) [b](JAVASCRIPT:alert(4)) [c](data:text/html,hi) ![i](https://evil.example/i.png)\n3. <a href="javascript:alert(5)">z</a> <iframe src="https://evil.example"></iframe>',
  source: 'llm' as const,
  model: '<b>m</b>',
};

test('the page is standalone: CSP, no scripts, no remote resources', () => {
  const html = renderHtml(sampleReport());
  assert.ok(html.startsWith('<!DOCTYPE html>'));
  assert.ok(html.includes(`<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">`));
  assert.equal(REPORT_CSP, "default-src 'none'; style-src 'unsafe-inline'");
  assert.ok(html.includes('<html lang="zh-CN">'));
  assert.ok(html.includes('<title>KVMARM 邮件列表 AI 总结报告 2022-W45</title>'));
  assert.ok(!/<script/i.test(html));
  assert.ok(!/<[^>]*\ssrc=/i.test(html), 'nothing is loaded from anywhere');
  assert.ok(!/<link\b/i.test(html));
  assert.ok(html.includes('<h1>KVMARM 邮件列表 AI 总结报告</h1>'));
  assert.ok(html.includes('<h2>📊 总体统计</h2>'));
});

test('script, img onerror and javascript: links in subjects, names and summaries come out inert', () => {
  const html = renderHtml(sampleReport({ hostile: HOSTILE_SUMMARY, series: HOSTILE_SUMMARY }));
  assert.ok(!/<script/i.test(html), 'no script element');
  assert.ok(!/<img/i.test(html), 'no img element');
  assert.ok(!/<iframe/i.test(html), 'no iframe');
  assert.ok(!/<a href="javascript:/i.test(html), 'no javascript: anchor');
  assert.ok(!/<b>m<\/b>/.test(html), 'the model name is escaped');
  assert.ok(!/<[^>]*\son\w+=/i.test(html), 'no event handler attribute inside a tag');
  for (const m of html.matchAll(/href="([^"]*)"/g)) assert.ok(/^https:\/\/lore\.example\.org\//.test(m[1]), `unexpected link ${m[1]}`);
  // Hostile text is still shown, as text.
  assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'), 'the hostile sender name is visible');
  assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
});

test('the shared renderer refuses unsafe links and images, keeps safe ones', () => {
  const md = createMarkdownRenderer();
  const out = md.render('[a](javascript:alert(1)) [b](https://ok.example/x) [c](mailto:a@b.c) [d](#top) [e](vbscript:x) [f](file:///etc/passwd) ![g](https://evil.example/g.png) <b>raw</b> https://auto.example');
  assert.ok(out.includes('<a href="https://ok.example/x" rel="noopener noreferrer">b</a>'));
  assert.ok(out.includes('href="mailto:a@b.c"'));
  assert.ok(out.includes('href="#top"'));
  assert.ok(!out.includes('javascript:alert(1)"'));
  assert.ok(!out.includes('href="vbscript'));
  assert.ok(!out.includes('href="file:'));
  assert.ok(!out.includes('<img'));
  assert.ok(out.includes('&lt;b&gt;raw&lt;/b&gt;'));
  assert.ok(!out.includes('href="https://auto.example"'), 'no linkify');
  assert.equal(isSafeLink(' HTTPS://x'), true);
  assert.equal(isSafeLink('data:text/html,x'), false);
});

test('the page shows what the Markdown shows: same headings, same links, context marked', () => {
  const report = sampleReport();
  const direct = renderHtml(report);
  const viaMarkdown = createMarkdownRenderer().render(renderMarkdown(report));
  const pick = (html: string, re: RegExp) => [...html.matchAll(re)].map((m) => m[1]);
  for (const re of [/<h[1-4]>(.*?)<\/h[1-4]>/g, /href="([^"]*)"/g, /<strong>(.*?)<\/strong>/g]) {
    assert.deepEqual(pick(direct, re), pick(viaMarkdown, re), String(re));
  }
  assert.ok(direct.includes('<ol class="messages context"><li class="msg context">'));
  assert.ok(direct.includes('<ol class="messages" start="3">'));
});

test('a list URL that is not http(s) is shown, never linked', () => {
  const report = sampleReport();
  report.list = 'javascript:alert(1)//';
  const html = renderHtml(report);
  assert.ok(!html.includes('href="javascript:'));
  assert.ok(html.includes('javascript:alert(1)//'));
});
