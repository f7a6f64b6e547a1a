// Every hostile payload rendered and loaded in headless Chromium: the standalone report HTML (with
// and without its CSP) and the report webview (real shell + media/report.js). The marker global
// every payload increments stays undefined, and no request leaves the page.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { hostileMessages } from '../hostile/generate.js';
import { ALL_PAYLOADS, SCRIPT_PAYLOADS } from '../hostile/payloads.js';
import { runSuite, type SuiteResult } from '../hostile/suite.js';
import { checkReportPage, checkWebview, chromiumAvailable, launchChromium } from '../hostile/browserCheck.js';
import { createMarkdownRenderer } from '../../src/core/report/html.js';
import { renderMarkdown } from '../../src/core/report/markdown.js';

describe('hostile payloads in a real browser', { skip: !chromiumAvailable() && '/usr/bin/chromium is not installed', timeout: 180_000 }, () => {
  let browser: Browser;
  let suite: SuiteResult;
  let executed = 0;
  before(async () => {
    browser = await launchChromium();
    suite = await runSuite(hostileMessages());
    assert.ok(suite.report, 'the hostile week makes a report');
  });
  after(async () => {
    await browser?.close();
    console.log(`# payloads planted: ${ALL_PAYLOADS.length}; payloads executed: ${executed}`);
  });

  test('control: the same payloads, unescaped and without CSP, do run and do send requests (the check can see them)', async () => {
    const raw = `<!DOCTYPE html><html><body>${SCRIPT_PAYLOADS.join('\n')}</body></html>`;
    const outcome = await checkReportPage(browser, raw, true);
    assert.ok(outcome.executed >= 3, `only ${outcome.executed} payloads ran unescaped`);
    assert.ok(outcome.requests.length > 0, 'unescaped payloads try to load resources');
    assert.ok(outcome.domFindings.length > 0);
  });

  for (const stripCsp of [false, true]) {
    test(`report HTML ${stripCsp ? 'without its CSP (escaping alone)' : 'as written'}: nothing runs, nothing loads`, async () => {
      const outcome = await checkReportPage(browser, suite.html, stripCsp);
      executed += outcome.executed;
      assert.equal(outcome.executed, 0);
      assert.deepEqual(outcome.requests, []);
      assert.deepEqual(outcome.domFindings, []);
    });
  }

  test('report webview (shell, media/report.js, every message in the pane, every link clicked): nothing runs, nothing loads', async () => {
    const report = suite.report!;
    const html = createMarkdownRenderer().render(renderMarkdown(report));
    const outcome = await checkWebview(browser, report, html);
    executed += outcome.executed;
    assert.equal(outcome.executed, 0);
    assert.deepEqual(outcome.requests, []);
    assert.deepEqual(outcome.domFindings, []);
    assert.ok(outcome.clicked > 100, `only ${outcome.clicked} links clicked`);
    for (const url of outcome.openExternal) assert.match(url, /^https?:\/\//i, 'the webview asked to open a non-web URL');
  });
});
