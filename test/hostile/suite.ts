// The hostile suite's core: runs messages through every stage a report takes (parse with its time
// budget, the whole pipeline with the offline summariser, the Markdown/HTML/JSON renderers) and
// counts what went wrong: crashes (an exception escaping a stage), hangs (a message whose parse
// took longer than the hang limit), lost messages (neither parsed nor kept as unparsed, or missing
// from the report although received in its window), wrong decoding where the charset is known,
// and active content in the rendered report.

import MarkdownIt from 'markdown-it';
import { parseMail } from '../../src/core/mail.js';
import { generateReport } from '../../src/core/pipeline.js';
import { renderHtml } from '../../src/core/report/html.js';
import { renderJson } from '../../src/core/report/json.js';
import { renderMarkdown } from '../../src/core/report/markdown.js';
import { createOfflineSummarizer } from '../../src/core/summarize/offline.js';
import { parseHeaderFields } from '../../src/core/headers.js';
import { receivedTime } from '../../src/core/receivedTime.js';
import { isInWindow, isoWeekWindow } from '../../src/core/week.js';
import type { MailSource, RawMessage, Report, Window } from '../../src/core/types.js';
import { auditHtml, isAllowedHref, type ActiveFinding } from './activeContent.js';
import type { HostileExpect } from './generate.js';

export interface SuiteInput {
  name: string;
  raw: Buffer;
  expect?: HostileExpect;
}

export interface SuiteFigures {
  tried: number;
  parsed: number;
  unparsed: number;
  crashes: number;
  hangs: number;
  lost: number;
  /** Messages whose known-charset text did not decode as expected. */
  misdecoded: number;
  /** Findings of the static audit over the report HTML and a permissive render of the Markdown. */
  activeFindings: number;
  slowestMs: number;
  slowest: string;
}

export interface SuiteResult {
  figures: SuiteFigures;
  problems: string[];
  report: Report | null;
  html: string;
  markdown: string;
}

export interface SuiteOptions {
  /** A parse taking longer than this is a hang (default 5000 ms). */
  hangMs?: number;
  /** The report window (default ISO week 2022-W45 in UTC, the generator's week). */
  window?: Window;
  list?: string;
  /** Called after each message is parsed (for progress and watchdogs). */
  onProgress?: (done: number, total: number) => void;
}

const LIST = 'https://lore.kernel.org/kvmarm/';

function memorySource(raws: RawMessage[], list: string): MailSource {
  return { description: 'hostile messages', listUrl: list, fetchWindow: async () => raws };
}

function checkExpect(name: string, expect: HostileExpect, mail: { subject: { full: string }; from: { name: string }; text: string; messageId: string }): string[] {
  const out: string[] = [];
  const squash = (s: string): string => s.replace(/\s+/g, ' ').trim();
  if (expect.subject !== undefined && squash(mail.subject.full) !== expect.subject) out.push(`${name}: subject ${JSON.stringify(mail.subject.full.slice(0, 120))} != ${JSON.stringify(expect.subject)}`);
  if (expect.fromName !== undefined && mail.from.name !== expect.fromName) out.push(`${name}: from name ${JSON.stringify(mail.from.name)} != ${JSON.stringify(expect.fromName)}`);
  for (const s of expect.textIncludes ?? []) if (!mail.text.includes(s)) out.push(`${name}: text lacks ${JSON.stringify(s)}`);
  if (expect.messageId !== undefined && mail.messageId !== expect.messageId) out.push(`${name}: message id ${JSON.stringify(mail.messageId)} != ${JSON.stringify(expect.messageId)}`);
  return out;
}

/** The Markdown rendered the way a permissive viewer would (raw HTML on, default link rules). */
export function permissiveMarkdownHtml(markdown: string): string {
  return new MarkdownIt({ html: true, linkify: true }).render(markdown);
}

/** Links in the permissive render that a report must never carry (command:, vscode:, ...). */
export function markdownLinkFindings(markdown: string): ActiveFinding[] {
  const md = new MarkdownIt({ html: false, linkify: false });
  md.validateLink = () => true;
  const out: ActiveFinding[] = [];
  const walk = (tokens: ReturnType<typeof md.parse>): void => {
    for (const t of tokens) {
      if (t.type === 'link_open' && !isAllowedHref(String(t.attrGet('href') ?? ''))) out.push({ kind: 'markdown link', detail: String(t.attrGet('href') ?? '') });
      if (t.type === 'image') out.push({ kind: 'markdown image', detail: String(t.attrGet('src') ?? '') });
      if (t.children) walk(t.children);
    }
  };
  walk(md.parse(markdown, {}));
  return out;
}

/** Counts the template's own <style>/<meta> elements (an empty report's HTML). */
function templateCounts(window: Window, list: string): { styles: number; metas: number } {
  const empty = renderHtml({
    schemaVersion: 1,
    generatedAt: '2022-11-14T00:00:00.000Z',
    window,
    list,
    threads: [],
    unparsed: [],
    stats: {
      totalMessages: 0,
      inWindowMessages: 0,
      threads: 0,
      largeThreads: 0,
      participants: 0,
      byCategory: Object.fromEntries(['PATCH', 'RFC', 'Bug Report', 'Selftest', 'Question', 'GIT PULL', 'Discussion', 'Other'].map((c) => [c, { threads: 0, messages: 0 }])) as Report['stats']['byCategory'],
    },
  });
  return { styles: (empty.match(/<style[\s>]/g) ?? []).length, metas: (empty.match(/<meta[\s>]/g) ?? []).length };
}

export async function runSuite(inputs: readonly SuiteInput[], options: SuiteOptions = {}): Promise<SuiteResult> {
  const hangMs = options.hangMs ?? 5000;
  const window = options.window ?? isoWeekWindow('2022-W45', 'UTC');
  const list = options.list ?? LIST;
  const problems: string[] = [];
  const figures: SuiteFigures = { tried: inputs.length, parsed: 0, unparsed: 0, crashes: 0, hangs: 0, lost: 0, misdecoded: 0, activeFindings: 0, slowestMs: 0, slowest: '' };

  // 1. Each message on its own: parseMail never throws, keeps the message, stays in time.
  const raws: RawMessage[] = inputs.map((m, i) => ({ raw: m.raw, origin: `hostile#${i}` }));
  const inWindowOrigins = new Set<string>();
  for (let i = 0; i < inputs.length; i++) {
    const m = inputs[i];
    const t0 = performance.now();
    let result;
    try {
      result = await parseMail({ raw: m.raw, origin: raws[i].origin });
    } catch (err) {
      figures.crashes++;
      problems.push(`${m.name}: parseMail threw ${(err as Error).message}`);
      continue;
    } finally {
      const ms = performance.now() - t0;
      if (ms > figures.slowestMs) {
        figures.slowestMs = Math.round(ms);
        figures.slowest = m.name;
      }
      if (ms > hangMs) {
        figures.hangs++;
        problems.push(`${m.name}: parse took ${Math.round(ms)} ms (hang limit ${hangMs} ms)`);
      }
      options.onProgress?.(i + 1, inputs.length);
    }
    if (!result || typeof result !== 'object' || (result.ok && !result.mail) || (!result.ok && !result.unparsed)) {
      figures.lost++;
      problems.push(`${m.name}: parseMail returned neither a mail nor an unparsed entry`);
      continue;
    }
    if (result.ok) {
      figures.parsed++;
      if (m.expect) {
        const bad = checkExpect(m.name, m.expect, result.mail);
        if (bad.length) figures.misdecoded++;
        problems.push(...bad);
      }
      if (isInWindow(result.mail.receivedAt, window)) inWindowOrigins.add(raws[i].origin!);
    } else {
      figures.unparsed++;
      if (m.expect?.subject !== undefined || m.expect?.textIncludes !== undefined || m.expect?.fromName !== undefined) {
        figures.misdecoded++;
        problems.push(`${m.name}: unparsed (${result.unparsed.reason}) although its charset is known`);
      }
      const seconds = receivedTime(parseHeaderFields(result.unparsed.headers ?? ''));
      if (seconds === null || isInWindow(new Date(seconds * 1000).toISOString(), window)) inWindowOrigins.add(raws[i].origin!);
    }
  }

  // 2. All of them through the pipeline, as one week's source.
  let report: Report | null = null;
  let markdown = '';
  let html = '';
  try {
    report = await generateReport({
      source: memorySource(raws, list),
      window,
      summarizer: createOfflineSummarizer(),
      cacheDir: null,
      now: () => new Date('2022-11-14T00:00:00Z'),
      // As the CLI and the extension run it: parsing in worker threads under the watchdog.
      isolateParsing: true,
    });
  } catch (err) {
    figures.crashes++;
    problems.push(`pipeline threw: ${(err as Error).stack ?? String(err)}`);
  }
  if (report) {
    const present = new Set<string>();
    for (const rt of report.threads) for (const tm of rt.thread.messages) if (tm.mail.origin) present.add(tm.mail.origin);
    for (const u of report.unparsed) if (u.origin) present.add(u.origin);
    for (const origin of inWindowOrigins) {
      if (!present.has(origin)) {
        figures.lost++;
        problems.push(`${inputs[Number(origin.split('#')[1])].name}: received in the window but missing from the report`);
      }
    }
    // 3. The renderers.
    for (const [format, render] of [
      ['markdown', () => (markdown = renderMarkdown(report!))],
      ['html', () => (html = renderHtml(report!))],
      ['json', () => JSON.parse(renderJson(report!))],
    ] as const) {
      try {
        render();
      } catch (err) {
        figures.crashes++;
        problems.push(`${format} renderer threw: ${(err as Error).message}`);
      }
    }
    const findings = [
      ...auditHtml(html, templateCounts(window, list)).map((f) => ({ ...f, where: 'report html' })),
      ...auditHtml(permissiveMarkdownHtml(markdown), { styles: 0, metas: 0 }).map((f) => ({ ...f, where: 'markdown (html on)' })),
      ...markdownLinkFindings(markdown).map((f) => ({ ...f, where: 'markdown' })),
    ];
    figures.activeFindings = findings.length;
    for (const f of findings.slice(0, 50)) problems.push(`active content in ${f.where}: ${f.kind}: ${f.detail}`);
  }
  return { figures, problems, report, html, markdown };
}

/** One line: tried / crashes / hangs / lost and the rest. */
export function formatFigures(f: SuiteFigures): string {
  return (
    `hostile messages tried ${f.tried} / crashes ${f.crashes} / hangs ${f.hangs} / lost ${f.lost}` +
    ` (parsed ${f.parsed}, unparsed ${f.unparsed}, misdecoded ${f.misdecoded}, active content ${f.activeFindings}, slowest ${f.slowestMs} ms: ${f.slowest})`
  );
}
