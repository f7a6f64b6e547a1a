import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { generateReport } from '../../src/core/pipeline.js';
import { createMboxFileSource } from '../../src/core/sources/mboxFile.js';
import { createOfflineSummarizer } from '../../src/core/summarize/offline.js';
import { isoWeekWindow } from '../../src/core/week.js';
import { renderMarkdown } from '../../src/core/report/markdown.js';
import { renderJson } from '../../src/core/report/json.js';
import type { MailSource, RawMessage, Report, Summarizer, Window } from '../../src/core/types.js';

const DEMO = path.join(__dirname, '..', 'fixtures', 'report', 'demo.mbox');
const NOW = () => new Date('2022-11-14T02:00:00.000Z');
const LIST = 'https://lore.kernel.org/kvmarm/';

function demoSource(): MailSource {
  return createMboxFileSource({ path: DEMO, listUrl: LIST });
}

async function demoReport(window: Window, extra: Partial<Parameters<typeof generateReport>[0]> = {}): Promise<Report> {
  return generateReport({ source: demoSource(), window, summarizer: createOfflineSummarizer(), now: NOW, ...extra });
}

function thread(report: Report, id: string) {
  const rt = report.threads.find((t) => t.thread.id === id);
  assert.ok(rt, `thread ${id} is in the report`);
  return rt;
}

test('a week from an mbox: only threads with window messages, complete with earlier context', async () => {
  const report = await demoReport(isoWeekWindow('2022-W45', 'Asia/Shanghai'));
  const ids = report.threads.map((t) => t.thread.id).sort();
  assert.deepEqual(ids, [
    '000000000000abcd@example.net',
    '20221028090000.5001-1-rui.zhang@example.cn',
    '20221107011200.2001-1-ada.lin@example.org',
    '20221108120000.4001-1-owen.park@example.com',
    '20221112080000.3001-1-ken.ito@example.jp',
    'd-20221109@example.cn',
    'pull-6.1-4@kernel.example',
    'q-20221110@example.cn',
  ]);
  assert.equal(report.stats.threads, 8);
  assert.equal(report.stats.totalMessages, 22);
  assert.equal(report.stats.inWindowMessages, 21);
  assert.equal(report.list, LIST);
  assert.equal(report.generatedAt, '2022-11-14T02:00:00.000Z');
  // The applied pvtime patch keeps its October root as marked earlier context.
  const pvtime = thread(report, '20221028090000.5001-1-rui.zhang@example.cn');
  assert.deepEqual(pvtime.thread.messages.map((m) => m.inWindow), [false, true]);
  // Received time, not Date:, decides: the question's Date: is before the window.
  const q = thread(report, 'q-20221110@example.cn');
  assert.equal(q.thread.messages[0].inWindow, true);
  assert.equal(q.thread.messages[0].mail.receivedAt, '2022-11-10T02:00:00.000Z');
  // The v2 series is one thread of 7 messages, recognised as a series.
  const v2 = thread(report, '20221107011200.2001-1-ada.lin@example.org');
  assert.equal(v2.thread.messages.length, 7);
  assert.equal(v2.series?.version, 2);
  assert.equal(v2.series?.total, 3);
  // The encoded, folded subject is decoded and unfolded.
  assert.equal(thread(report, 'd-20221109@example.cn').thread.subject.full, '讨论: KVM/arm64 在服务器上的性能回归');
});

test('categories come from the real classifier and follow CATEGORIES order', async () => {
  const report = await demoReport(isoWeekWindow('2022-W45', 'Asia/Shanghai'));
  const cat = (id: string) => thread(report, id).category;
  assert.equal(cat('20221107011200.2001-1-ada.lin@example.org'), 'PATCH');
  assert.equal(cat('20221108120000.4001-1-owen.park@example.com'), 'RFC');
  assert.equal(cat('000000000000abcd@example.net'), 'Bug Report');
  assert.equal(cat('20221112080000.3001-1-ken.ito@example.jp'), 'Selftest');
  assert.equal(cat('q-20221110@example.cn'), 'Question');
  assert.equal(cat('pull-6.1-4@kernel.example'), 'GIT PULL');
  const order = ['PATCH', 'RFC', 'Bug Report', 'Selftest', 'Question', 'GIT PULL', 'Discussion', 'Other'];
  const ranks = report.threads.map((t) => order.indexOf(t.category));
  assert.deepEqual(ranks, [...ranks].sort((a, b) => a - b));
  // Within PATCH, by start time: the October pvtime patch before the November series.
  const patches = report.threads.filter((t) => t.category === 'PATCH').map((t) => t.thread.id);
  assert.equal(patches[0], '20221028090000.5001-1-rui.zhang@example.cn');
});

test('the zone decides the window: a late Sunday UTC message is W45 in UTC, W46 in Shanghai', async () => {
  const utc = await demoReport(isoWeekWindow('2022-W45', 'UTC'));
  assert.ok(utc.threads.some((t) => t.thread.id === 'late-sunday@example.org'));
  const sh = await demoReport(isoWeekWindow('2022-W45', 'Asia/Shanghai'));
  assert.ok(!sh.threads.some((t) => t.thread.id === 'late-sunday@example.org'));
  const w46 = await demoReport(isoWeekWindow('2022-W46', 'Asia/Shanghai'));
  assert.deepEqual(w46.threads.map((t) => t.thread.id).sort(), ['late-sunday@example.org', 'next-week@example.org']);
});

test('the same input gives byte-identical reports, with offline summaries marked', async () => {
  const w = isoWeekWindow('2022-W45', 'Asia/Shanghai');
  const a = await demoReport(w);
  const b = await demoReport(w);
  assert.equal(renderMarkdown(a), renderMarkdown(b));
  assert.equal(renderJson(a), renderJson(b));
  for (const rt of a.threads) {
    assert.equal(rt.summary.source, 'offline');
    assert.match(rt.summary.text, /^1\. \*\*原始补丁\/问题\*\*/);
  }
  const md = renderMarkdown(a);
  assert.ok(md.includes('**分析周期**: 2022-W45，2022-11-07 00:00 至 2022-11-14 00:00'));
  assert.ok(md.includes(`(<${LIST}r1@kernel.example/>)`));
});

test('progress covers every phase and summaries stream in report order', async () => {
  const phases: string[] = [];
  const streamed: string[] = [];
  const report = await demoReport(isoWeekWindow('2022-W45', 'Asia/Shanghai'), {
    progress: (phase) => {
      if (phases[phases.length - 1] !== phase) phases.push(phase);
    },
    onSummary: (id) => streamed.push(id),
  });
  for (const p of ['fetch', 'parse', 'thread', 'classify', 'summarize']) assert.ok(phases.includes(p), `phase ${p} in ${phases.join(',')}`);
  assert.deepEqual(streamed, report.threads.map((t) => t.thread.id));
});

function fakeSource(raws: RawMessage[], onFetch?: () => void): MailSource {
  return {
    description: 'fake',
    listUrl: 'http://127.0.0.1:1/kvmarm',
    async fetchWindow() {
      onFetch?.();
      return raws;
    },
  };
}

test('cancellation stops the pipeline before summaries are asked for', async () => {
  const raw = await readFile(DEMO);
  const ac = new AbortController();
  let summarized = false;
  const summarizer: Summarizer = {
    name: 'spy',
    async summarize() {
      summarized = true;
      return { summaries: [] };
    },
  };
  await assert.rejects(
    generateReport({
      source: fakeSource([{ raw: raw.subarray(0, 200), origin: 'x' }], () => ac.abort(new Error('user cancelled'))),
      window: isoWeekWindow('2022-W45', 'UTC'),
      summarizer,
      signal: ac.signal,
    }),
    /user cancelled/,
  );
  assert.equal(summarized, false);
  const done = new AbortController();
  done.abort();
  await assert.rejects(generateReport({ source: demoSource(), window: isoWeekWindow('2022-W45', 'UTC'), summarizer, signal: done.signal }));
});

test('a summariser that loses threads is an error, not a silently short report', async () => {
  const summarizer: Summarizer = { name: 'lossy', async summarize() { return { summaries: [] }; } };
  await assert.rejects(generateReport({ source: demoSource(), window: isoWeekWindow('2022-W45', 'UTC'), summarizer }), /lossy summarizer returned 0 summaries for 9 threads/);
});

test('an empty window gives an empty report, and the list URL is normalised', async () => {
  const report = await generateReport({
    source: fakeSource([]),
    window: isoWeekWindow('2022-W45', 'UTC'),
    summarizer: createOfflineSummarizer(),
    now: NOW,
  });
  assert.equal(report.threads.length, 0);
  assert.equal(report.stats.totalMessages, 0);
  assert.equal(report.list, 'http://127.0.0.1:1/kvmarm/');
});

test('a message that cannot be parsed is kept in unparsed, not dropped', async () => {
  const report = await generateReport({
    source: fakeSource([{ raw: Buffer.from('this is not a mail header\n\nbody\n'), origin: 'fake#1' }]),
    window: isoWeekWindow('2022-W45', 'UTC'),
    summarizer: createOfflineSummarizer(),
    now: NOW,
  });
  assert.equal(report.unparsed.length, 1);
  assert.equal(report.unparsed[0].origin, 'fake#1');
  assert.ok(renderMarkdown(report).includes('## ⚠️ 无法解析的邮件'));
});

test('earlier versions of a series are linked from the mails at hand, or not at all when asked', async () => {
  const w = isoWeekWindow('2022-W45', 'Asia/Shanghai');
  const v1 = '20221031101500.1001-1-ada.lin@example.org';
  const linked = await demoReport(w);
  const v2 = thread(linked, '20221107011200.2001-1-ada.lin@example.org');
  assert.deepEqual(v2.series?.previous.map((p) => [p.version, p.messageId]), [[1, v1]]);
  assert.ok(renderMarkdown(linked).includes(`之前版本: [v1](<${LIST}${v1}/>)`));
  const plain = await demoReport(w, { versionFinder: null });
  assert.deepEqual(thread(plain, '20221107011200.2001-1-ada.lin@example.org').series?.previous, []);
  const failing = await demoReport(w, {
    versionFinder: { findEarlierVersions: async () => { throw new Error('index down'); } },
    logger: { info() {}, warn(m: string) { warnings.push(m); }, error() {} },
  });
  assert.equal(failing.threads.length, 8);
  assert.ok(warnings.some((m) => m.includes('index down')));
});
const warnings: string[] = [];

test('a draft with every summary pending comes before the summaries, which then stream in for its threads', async () => {
  const events: string[] = [];
  let draft: Report | null = null;
  const inner = createOfflineSummarizer();
  const streaming: Summarizer = {
    name: 'streaming-test',
    async summarize(inputs, options) {
      events.push('summarize');
      const out = await inner.summarize(inputs, {});
      inputs.forEach((input, i) => options.onSummary?.(input.thread.id, out.summaries[i]));
      return out;
    },
  };
  const streamed: string[] = [];
  const report = await demoReport(isoWeekWindow('2022-W45', 'Asia/Shanghai'), {
    summarizer: streaming,
    onDraft: (d) => {
      events.push('draft');
      draft = d;
    },
    onSummary: (id) => streamed.push(id),
  });
  assert.deepEqual(events, ['draft', 'summarize']);
  const d = draft as Report | null;
  assert.ok(d);
  assert.deepEqual(d.threads.map((t) => t.thread.id), report.threads.map((t) => t.thread.id));
  assert.ok(d.threads.every((t) => t.summary.pending === true && t.summary.source === 'llm'));
  assert.equal(d.stats.threads, report.stats.threads);
  assert.deepEqual(streamed, report.threads.map((t) => t.thread.id));
  assert.ok(report.threads.every((t) => t.summary.pending === undefined && t.summary.text.length > 0));
});

test('the messages a source hands out stay as they were: a source may keep and hand out the same array', async () => {
  const window = isoWeekWindow('2022-W45', 'UTC');
  const raws = await demoSource().fetchWindow(window, {});
  const before = raws.slice();
  assert.ok(raws.length > 5);
  const source = fakeSource(raws);
  const first = await generateReport({ source, window, summarizer: createOfflineSummarizer(), now: NOW });
  assert.equal(raws.length, before.length);
  raws.forEach((r, i) => assert.equal(r, before[i]));
  const second = await generateReport({ source, window, summarizer: createOfflineSummarizer(), now: NOW });
  assert.equal(renderJson(second), renderJson(first));
});

test('a series with an earlier version gets a "changes since" line, cached for the next run', async () => {
  const w = isoWeekWindow('2022-W45', 'Asia/Shanghai');
  const cacheDir = await mkdtemp(path.join(os.tmpdir(), 'kvmarm-changes-'));
  try {
    const first = await demoReport(w, { cacheDir });
    const v2 = thread(first, '20221107011200.2001-1-ada.lin@example.org');
    assert.match(v2.series?.changesSince ?? '', /^相对 v1：新增 \d+ 个补丁，删除 \d+ 个，修改 \d+ 个/);
    assert.ok(renderMarkdown(first).includes(`**🔁 版本变化**: ${v2.series!.changesSince}`));
    // The next run takes the line from the cache (proven by a line only the cache can know) ...
    const dir = path.join(cacheDir, 'changes-since');
    const [file] = await readdir(dir);
    const entry = JSON.parse(await readFile(path.join(dir, file), 'utf8')) as { key: string; line: string };
    await writeFile(path.join(dir, file), JSON.stringify({ key: entry.key, line: 'from the cache' }));
    assert.equal(thread(await demoReport(w, { cacheDir }), v2.thread.id).series?.changesSince, 'from the cache');
    // ... and a damaged entry is a miss, recomputed, never an error.
    await writeFile(path.join(dir, file), '{"key": "' + entry.key.slice(0, 10));
    assert.equal(thread(await demoReport(w, { cacheDir }), v2.thread.id).series?.changesSince, entry.line);
  } finally {
    await rm(cacheDir, { recursive: true, force: true });
  }
});
