// Proves in a real browser (Debian's Chromium through playwright-core) that no hostile payload
// runs: a page is loaded from a fake origin, every other request is recorded and refused, and
// afterwards the marker global every payload increments must still be undefined. Two pages: the
// standalone report HTML (also with its CSP removed, so escaping alone is what is proven), and the
// report webview (its real shell and media/report.js, with a stand-in for acquireVsCodeApi) fed the
// same report and every message's details through postMessage, with every link clicked.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { MARKER } from './payloads.js';
import { reportShellHtml } from '../../src/vscode/reportHtml.js';
import { classifyDiffLines, parseWebviewMessage, type HostMessage } from '../../src/vscode/protocol.js';
import type { Report } from '../../src/core/types.js';

export const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const ORIGIN = 'http://report.test';
const MEDIA = path.resolve(__dirname, '../../media');

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM);
}

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
}

export interface PageOutcome {
  /** How many payload executions the marker counted (0 when it stayed undefined). */
  executed: number;
  /** Requests the page tried beyond the page itself and its own media. */
  requests: string[];
  /** Active elements found in the live DOM (scripts other than ours, handlers, frames, bad links). */
  domFindings: string[];
  /** Messages the webview posted to the host that the protocol validator refused. */
  rejectedMessages: number;
  /** Links clicked (webview only). */
  clicked: number;
  /** URLs the webview asked the host to open externally (before the host's own validation). */
  openExternal: string[];
}

async function watch(page: Page, serve: Record<string, { body: string | Buffer; type: string }>): Promise<string[]> {
  const requests: string[] = [];
  await page.route('**/*', async (route) => {
    const url = route.request().url();
    const hit = serve[url];
    if (hit) return route.fulfill({ status: 200, contentType: hit.type, body: hit.body });
    requests.push(url);
    return route.abort();
  });
  page.on('request', (req) => {
    const url = req.url();
    if (!serve[url] && !url.startsWith('data:') && !requests.includes(url)) requests.push(url);
  });
  return requests;
}

/** Active things in the live DOM: evaluated in the page after everything had its chance to run. */
async function domAudit(page: Page, ourScripts: number): Promise<string[]> {
  return page.evaluate((ours) => {
    const out: string[] = [];
    const scripts = document.querySelectorAll('script');
    if (scripts.length > ours) out.push(`${scripts.length} <script> elements, expected ${ours}`);
    for (const tag of ['iframe', 'object', 'embed', 'img', 'svg', 'math', 'video', 'audio', 'source', 'form', 'input', 'button:not([id^="pane-"])', 'base', 'link:not([rel="stylesheet"][href$="report.css"])', 'meta[http-equiv="refresh"]']) {
      const n = document.querySelectorAll(tag).length;
      if (n > 0) out.push(`${n} ${tag}`);
    }
    for (const el of Array.from(document.querySelectorAll('*'))) {
      for (const attr of Array.from(el.attributes)) {
        if (/^on/i.test(attr.name)) out.push(`${el.tagName} ${attr.name}`);
        if (/^(src|srcdoc|action|formaction|data|background|poster)$/i.test(attr.name) && el.tagName !== 'SCRIPT') out.push(`${el.tagName} ${attr.name}=${attr.value.slice(0, 60)}`);
      }
    }
    for (const a of Array.from(document.querySelectorAll('a[href]'))) {
      const href = a.getAttribute('href') ?? '';
      if (!/^(https?:\/\/|mailto:|#)/i.test(href.trim())) out.push(`link ${href.slice(0, 80)}`);
    }
    return out;
  }, ourScripts);
}

async function marker(page: Page): Promise<number> {
  return page.evaluate((name) => Number((window as unknown as Record<string, unknown>)[name] ?? 0), MARKER);
}

/** Loads the standalone report HTML; `stripCsp` removes its CSP so only escaping protects it. */
export async function checkReportPage(browser: Browser, html: string, stripCsp: boolean): Promise<PageOutcome> {
  const page = await browser.newPage();
  try {
    const doc = stripCsp ? html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/i, '') : html;
    const url = `${ORIGIN}/report.html`;
    const requests = await watch(page, { [url]: { body: doc, type: 'text/html; charset=utf-8' } });
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForTimeout(300);
    return { executed: await marker(page), requests, domFindings: await domAudit(page, 0), rejectedMessages: 0, clicked: 0, openExternal: [] };
  } finally {
    await page.close();
  }
}

/** Loads the webview shell with the real media/report.js, posts the report and every message's details, clicks every link. */
export async function checkWebview(browser: Browser, report: Report, reportHtml: string): Promise<PageOutcome> {
  const page = await browser.newPage();
  try {
    const shell = reportShellHtml({
      cspSource: ORIGIN,
      scriptUri: `${ORIGIN}/media/report.js`,
      styleUri: `${ORIGIN}/media/report.css`,
      loadingText: '正在加载…',
      uiLanguage: 'zh-cn',
    });
    const url = `${ORIGIN}/index.html`;
    const requests = await watch(page, {
      [url]: { body: shell, type: 'text/html; charset=utf-8' },
      [`${ORIGIN}/media/report.js`]: { body: readFileSync(path.join(MEDIA, 'report.js')), type: 'text/javascript' },
      [`${ORIGIN}/media/report.css`]: { body: readFileSync(path.join(MEDIA, 'report.css')), type: 'text/css' },
    });
    // The host side of the webview API: what the page posts is kept for validation.
    // A string, not a function: tsx's name-keeping helpers do not exist inside the page.
    await page.addInitScript(`
      window.__sent = [];
      window.acquireVsCodeApi = function () {
        return {
          postMessage: function (m) { window.__sent.push(JSON.parse(JSON.stringify(m))); },
          getState: function () { return null; },
          setState: function () {},
        };
      };
    `);
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForFunction(() => (window as unknown as { __sent: Array<{ type?: string }> }).__sent.some((m) => m.type === 'ready'));
    const post = (m: HostMessage): Promise<void> => page.evaluate((msg) => window.postMessage(msg, '*'), m);
    await post({ type: 'report', html: reportHtml, isoWeek: report.window.isoWeek, list: report.list, title: 'hostile' });
    for (const rt of report.threads) {
      for (const { mail } of rt.thread.messages) {
        await post({
          type: 'message',
          messageId: mail.messageId,
          subject: mail.subject.full,
          from: mail.from.name ? `${mail.from.name} <${mail.from.address}>` : mail.from.address,
          date: mail.date ?? mail.receivedAt,
          url: `${report.list}${encodeURIComponent(mail.messageId)}/`,
          diff: mail.patch ? classifyDiffLines(mail.patch) : null,
          text: mail.text.slice(0, 200_000),
          labels: { openInBrowser: mail.subject.full, openAsDocument: mail.from.name, close: 'x', noPatch: mail.text.slice(0, 100) },
        });
      }
    }
    await post({ type: 'reveal', messageIds: report.threads.flatMap((rt) => rt.thread.messages.map((m) => m.mail.messageId)).slice(0, 50) });
    // Click every link and the pane's buttons: the page must only ever ask the host for safe things.
    const clicked = await page.evaluate(() => {
      const links = Array.from(document.querySelectorAll('#report a[href]')) as HTMLElement[];
      for (const a of links) a.click();
      for (const id of ['pane-browser', 'pane-document', 'pane-close']) (document.getElementById(id) as HTMLElement | null)?.click();
      return links.length;
    });
    await page.waitForTimeout(300);
    const sent = await page.evaluate(() => (window as unknown as { __sent: unknown[] }).__sent);
    const rejected = sent.filter((m) => parseWebviewMessage(m) === null).length;
    const openExternal = sent
      .filter((m): m is { type: string; url: unknown } => typeof m === 'object' && m !== null && (m as { type?: unknown }).type === 'openExternal')
      .map((m) => String(m.url));
    return { executed: await marker(page), requests, domFindings: await domAudit(page, 1), rejectedMessages: rejected, clicked, openExternal };
  } finally {
    await page.close();
  }
}
