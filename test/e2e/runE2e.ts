// The end-to-end run: node:test units of the extension's pure parts, then the packaged .vsix in a
// real VS Code (code-server) against a real public-inbox-httpd on loopback:
//   phase A: the extension-host suite, run inside code-server by the test-only helper extension;
//   phase B: the UI driven by playwright-core in Debian's Chromium (tree, palette, patch editor,
//            report webview and its diff pane, themes, reload), with screenshots in test-results/.
// Ends with "N passed, M failed" and a non-zero exit code on any failure.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';
import { installExtension, startCodeServer, writeUserSettings, type Harness, type RunningCodeServer } from './codeServer.js';
import { buildSliceInbox, startHttpd, type Httpd } from './sliceInbox.js';

const root = resolve(__dirname, '../..');
const resultsDir = join(root, 'test-results');
const WEEK = '2022-W45';
const TZ = 'Asia/Shanghai';
// Commit-time slice wide enough to hold the week's threads with months of earlier context.
const SLICE = { from: Date.UTC(2022, 7, 1) / 1000, to: Date.UTC(2022, 10, 21) / 1000 };

interface Outcome {
  name: string;
  ok: boolean;
  error?: string;
}
const outcomes: Outcome[] = [];
const figures: Record<string, string> = {};

function record(name: string, ok: boolean, error?: string): void {
  outcomes.push({ name, ok, error });
  console.log(`${ok ? 'ok    ' : 'FAIL  '} ${name}${error ? `\n        ${error.split('\n').slice(0, 6).join('\n        ')}` : ''}`);
}

let failureShots = 0;
/** The page failures are photographed from (set while the UI phase runs). */
let currentPage: Page | null = null;

async function check(name: string, fn: () => Promise<void> | void): Promise<boolean> {
  try {
    await fn();
    record(name, true);
    return true;
  } catch (err) {
    record(name, false, err instanceof Error ? err.message : String(err));
    if (currentPage) {
      await shot(currentPage, `fail-${++failureShots}`).catch(() => undefined);
      await dismissLeftovers(currentPage).catch(() => undefined);
    }
    return false;
  }
}

function assert(cond: unknown, message: string): asserts cond {
  if (!cond) throw new Error(message);
}

function env(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set (run through test/e2e/run.sh)`);
  return v;
}

// ---------------------------------------------------------------------------------------------
// node:test units of src/vscode's pure modules

function runUnits(): void {
  const files = readdirSync(join(root, 'test/extension/unit'))
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => join('test/extension/unit', f));
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=tap', ...files], { cwd: root, encoding: 'utf8' });
  const out = `${r.stdout}${r.stderr}`;
  // Top-level TAP lines: "ok N - name" / "not ok N - name" at column 0.
  for (const m of out.matchAll(/^(not ok|ok) \d+ - (.*)$/gm)) {
    const ok = m[1] === 'ok';
    const name = `unit: ${m[2]}`;
    let error: string | undefined;
    if (!ok) {
      const at = out.indexOf(m[0]);
      error = out.slice(at, at + 1500);
    }
    record(name, ok, error);
  }
  const total = Number(/^# tests (\d+)$/m.exec(out)?.[1] ?? -1);
  const seen = outcomes.filter((o) => o.name.startsWith('unit: ')).length;
  if (total !== seen || (r.status !== 0 && !outcomes.some((o) => !o.ok))) {
    record('unit: every node:test case reported', false, `runner said ${total} tests, parsed ${seen}, exit ${r.status}\n${out.slice(-2000)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Browser helpers

function loadPlaywright(harnessDir: string): typeof import('playwright-core') {
  try {
    return createRequire(join(harnessDir, 'package.json'))('playwright-core') as typeof import('playwright-core');
  } catch {
    return createRequire(join(root, 'package.json'))('playwright-core') as typeof import('playwright-core');
  }
}

async function openWorkbench(browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 }, permissions: ['clipboard-read', 'clipboard-write'] });
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  return page;
}

async function waitUntil<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const started = Date.now();
  let lastError: unknown;
  while (Date.now() - started < timeoutMs) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${lastError ? ` (${String(lastError)})` : ''}`);
}

/** The report webview's inner frame (the one that holds #report). */
async function reportFrame(page: Page): Promise<Frame> {
  return waitUntil('the report webview frame', async () => {
    for (const f of page.frames()) {
      try {
        if (await f.$('#report')) return f;
      } catch {
        // detached frame
      }
    }
    return null;
  });
}

async function shot(page: Page, name: string): Promise<void> {
  const path = join(resultsDir, `${name}.png`);
  await page.screenshot({ path });
  console.log(`        screenshot: ${path}`);
}

/** Opens the command palette (F1) on `title` and leaves that exact entry focused, ready for Enter. */
async function runPalette(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${title}`);
  const rows = page.locator('.quick-input-list .monaco-list-row');
  await rows.first().waitFor({ state: 'visible' });
  // Fuzzy matching may rank a longer title first: walk down to the entry whose label is exactly it.
  for (let i = 0; i < 10; i++) {
    const label = (await page.locator('.quick-input-list .monaco-list-row.focused .label-name').first().innerText().catch(() => '')).trim();
    if (label.replace(/\s+/g, ' ').endsWith(title)) return;
    await page.keyboard.press('ArrowDown');
  }
  throw new Error(`"${title}" is not in the command palette`);
}

/**
 * Right-clicks `row` and runs the context-menu entry `label`. VS Code's menu can swallow a mouse
 * click that lands while it is still opening, so the entry is chosen with the keyboard, the way a
 * keyboard user would, and the menu must be gone afterwards.
 */
async function runContextMenu(page: Page, row: ReturnType<Page['locator']>, label: string): Promise<void> {
  const menu = page.locator('.monaco-menu');
  await row.click({ button: 'right' });
  await menu.first().waitFor({ state: 'visible' });
  await page.locator('.monaco-menu .action-label', { hasText: label }).first().waitFor({ state: 'visible' });
  let focused = '';
  for (let i = 0; i < 20; i++) {
    await page.keyboard.press('ArrowDown');
    focused = (await page.locator('.monaco-menu .action-item.focused .action-label').first().innerText().catch(() => '')).trim();
    if (focused === label) break;
  }
  if (focused !== label) {
    await page.keyboard.press('Escape');
    throw new Error(`no "${label}" entry in the context menu (last focused: "${focused}")`);
  }
  await page.keyboard.press('Enter');
  await menu.first().waitFor({ state: 'hidden', timeout: 5000 });
}

/** Closes whatever a failed check may have left open (a menu, a quick pick) before the next one. */
async function dismissLeftovers(page: Page): Promise<void> {
  for (let i = 0; i < 3; i++) {
    const open = (await page.locator('.monaco-menu').count()) > 0 || (await page.locator('.quick-input-widget:visible').count()) > 0;
    if (!open) return;
    await page.keyboard.press('Escape');
    await page.waitForTimeout(200);
  }
}

// ---------------------------------------------------------------------------------------------

async function phaseHostSuite(h: Harness, browser: Browser, base: { extDir: string; settings: Record<string, unknown>; work: string }): Promise<void> {
  const userData = join(base.work, 'user-a');
  writeUserSettings(userData, base.settings);
  const workspace = join(base.work, 'ws-a');
  mkdirSync(workspace, { recursive: true });
  const resultsFile = join(base.work, 'host-results.json');
  const server = await startCodeServer(h, {
    extensionsDir: base.extDir,
    userDataDir: userData,
    workspace,
    env: { KVMARM_TEST_RESULTS: resultsFile, KVMARM_TEST_WEEK: WEEK },
  });
  let page: Page | null = null;
  try {
    page = await openWorkbench(browser, server.url);
    await waitUntil('the extension-host suite results', async () => existsSync(resultsFile), 300_000);
    const result = JSON.parse(readFileSync(resultsFile, 'utf8')) as {
      results: { suite: string; name: string; ok: boolean; error?: string }[];
      figures: Record<string, number>;
    };
    for (const r of result.results) record(`host: ${r.suite} › ${r.name}`, r.ok, r.error);
    for (const [k, v] of Object.entries(result.figures)) figures[`host.${k}`] = String(v);
  } catch (err) {
    record('host: suite ran inside code-server', false, `${String(err)}\n${server.log().slice(-3000)}`);
  } finally {
    await page?.context().close();
    await server.stop();
    copyExtensionLog(userData, 'host-suite-kvmarm.log');
  }
}

/** Keeps the extension's own log (its LogOutputChannel) next to the screenshots. */
function copyExtensionLog(userData: string, name: string): void {
  const found = spawnSync('find', [join(userData, 'logs'), '-name', 'KVMARM.log'], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean);
  if (found.length === 0) return;
  writeFileSync(join(resultsDir, name), found.map((f) => readFileSync(f, 'utf8')).join('\n'));
  console.log(`        extension log: ${join(resultsDir, name)}`);
}

async function phaseUi(h: Harness, browser: Browser, base: { extDir: string; settings: Record<string, unknown>; work: string }, httpd: Httpd): Promise<void> {
  const userData = join(base.work, 'user-b');
  writeUserSettings(userData, base.settings);
  const workspace = join(base.work, 'ws-b');
  mkdirSync(workspace, { recursive: true });
  const server: RunningCodeServer = await startCodeServer(h, { extensionsDir: base.extDir, userDataDir: userData, workspace });
  let page: Page | null = null;
  try {
    const t0 = Date.now();
    page = await openWorkbench(browser, server.url);
    currentPage = page;
    figures['ui.workbenchReadyMs'] = String(Date.now() - t0);
    const p = page;
    // Let start-up settle, so the activation time measured below is the extension's own and not
    // the contention of every built-in extension starting at once.
    await p.waitForTimeout(8000);

    const viewOpen = await check('ui: the KVMARM activity-bar container opens its tree view', async () => {
      await p.locator('[aria-label="KVMARM"]').first().click();
      await p.getByRole('button', { name: /Generate KVMARM report|生成 KVMARM 周报/ }).first().waitFor({ timeout: 30_000 });
    });
    if (viewOpen) await shot(p, '01-view-welcome');

    let treeFilled = false;
    await check('ui: "Generate KVMARM report" from the palette fills the tree', async () => {
      await runPalette(p, 'Generate KVMARM report');
      const started = Date.now();
      await p.keyboard.press('Enter');
      await p.locator('.part.sidebar .monaco-list-row[aria-level="1"]', { hasText: 'PATCH' }).first().waitFor({ state: 'visible', timeout: 60_000 });
      const ms = Date.now() - started;
      figures['ui.commandToTreeMs'] = String(ms);
      treeFilled = true;
    });

    await check('ui: VS Code reports the extension\'s activation time (Developer: Show Running Extensions)', async () => {
      await runPalette(p, 'Developer: Show Running Extensions');
      await p.keyboard.press('Enter');
      try {
        const rows = p.locator('.monaco-list-row', { has: p.locator('.name', { hasText: /\S/ }) });
        await rows.first().waitFor({ state: 'visible', timeout: 20_000 });
        // The list is sorted by activation time and virtualised: a fast extension may be far down.
        const row = p.locator('.monaco-list-row', { hasText: 'KVMARM Weekly' }).first();
        await rows.first().click();
        for (let i = 0; i < 40 && !(await row.isVisible()); i++) await p.keyboard.press('PageDown');
        const text = (await row.innerText({ timeout: 5000 })).replace(/\s+/g, ' ');
        const ms = /(\d+)\s*ms/.exec(text)?.[1];
        assert(ms, `no activation time in "${text}"`);
        figures['ui.activationMs (VS Code)'] = ms;
        await row.scrollIntoViewIfNeeded();
        await shot(p, '01b-running-extensions');
      } finally {
        // Escape closes the modal editor; Ctrl+W only if it is still there (it would close the report).
        await p.keyboard.press('Escape');
        await p.waitForTimeout(500);
        if (await p.locator('.monaco-list-row', { hasText: 'JSON Language Features' }).first().isVisible()) await p.keyboard.press('Control+W');
      }
    });

    await check('ui: the tree shows category nodes with counts (no empty category)', async () => {
      assert(treeFilled, 'tree not filled');
      const rows = await p.locator('.part.sidebar .monaco-list-row[aria-level="1"]').allInnerTexts();
      const cats = rows.map((r) => r.replace(/\s+/g, ' ').trim());
      assert(cats.length >= 2, `categories: ${cats.join(' | ')}`);
      for (const c of cats) assert(/^(PATCH|RFC|Bug Report|Selftest|Question|GIT PULL|Discussion|Other)\s*[1-9]\d*$/.test(c), `category row "${c}"`);
      figures['ui.categories'] = cats.join(', ');
    });

    await check('ui: expanding a category and a thread shows "N 封 · M 人" and message nodes', async () => {
      await p.locator('.part.sidebar .monaco-list-row[aria-level="1"]', { hasText: 'PATCH' }).first().click();
      const thread = p.locator('.part.sidebar .monaco-list-row[aria-level="2"]').first();
      await thread.waitFor({ state: 'visible' });
      const text = (await thread.innerText()).replace(/\s+/g, ' ');
      assert(/\d+ (封|messages) · \d+ (人|people)/.test(text), `thread row "${text}"`);
      await thread.click();
      await p.locator('.part.sidebar .monaco-list-row[aria-level="3"]').first().waitFor({ state: 'visible' });
    });

    await check('ui: a message node opens its patch in a diff editor', async () => {
      const patchRow = p.locator('.part.sidebar .monaco-list-row[aria-level="3"]', { has: p.locator('.codicon-diff') }).first();
      await patchRow.click();
      const tab = p.locator('.tabs-container .tab.active');
      await waitUntil('a .diff editor tab', async () => /\.diff/.test(await tab.first().getAttribute('aria-label').catch(() => '') ?? ''));
      const lines = await waitUntil('diff text in the editor', async () => {
        const t = await p.locator('.editor-instance .view-lines').first().innerText();
        return /diff --git|^@@|^\+\+\+ /m.test(t) ? t : null;
      });
      assert(lines.includes('Subject:'), 'the header block is shown');
      await shot(p, '02-tree-and-patch');
    });

    let frame: Frame | null = null;
    await check('ui: the report webview renders the Chinese report', async () => {
      await p.locator('.tabs-container .tab', { hasText: 'KVMARM 邮件列表周报' }).first().click();
      frame = await reportFrame(p);
      const f = frame;
      const h1 = await waitUntil('the report heading', async () => (await f.locator('#report h1').first().textContent().catch(() => null)) ?? null);
      assert(h1.includes('KVMARM 邮件列表'), `h1 = ${h1}`);
      const body = await f.locator('#report').innerText();
      assert(body.includes('总体统计') && body.includes('分类分布'), 'statistics sections');
      assert(/Thread 1/.test(body), 'thread sections');
      assert((await f.locator('#report script, #report img, #report iframe').count()) === 0, 'no active content from mail');
      await shot(p, '03-report-dark');
    });

    await check('ui: clicking a message in the report shows its diff, coloured, in the side pane', async () => {
      assert(frame, 'no report frame');
      const f = frame;
      const links = f.locator('#report a[href*="/kvmarm/"]');
      const n = Math.min(await links.count(), 60);
      let shown = false;
      for (let i = 0; i < n && !shown; i++) {
        const text = (await links.nth(i).innerText()).trim();
        if (!/PATCH/i.test(text) || /^Re:/i.test(text)) continue;
        await links.nth(i).click();
        shown = await waitUntil('the pane', async () => (await f.locator('#pane:not([hidden])').count()) > 0, 5000).catch(() => false);
        if (shown && (await f.locator('#pane-body .line.add').count()) === 0) shown = false;
      }
      assert(shown, 'no patch message shown in the pane');
      // A string, not a function: tsx's helpers must not leak into the page.
      const colours = (await f.evaluate(`(() => {
        const bg = (sel) => { const el = document.querySelector(sel); return el ? getComputedStyle(el).backgroundColor : null; };
        return { add: bg('#pane-body .line.add'), del: bg('#pane-body .line.del'), ctx: bg('#pane-body .line.context') };
      })()`)) as { add: string | null; del: string | null; ctx: string | null };
      figures['ui.diffColours'] = JSON.stringify(colours);
      assert(colours.add && colours.add !== colours.ctx, `added lines coloured (${JSON.stringify(colours)})`);
      await shot(p, '04-report-diff-pane-dark');
    });

    await check('ui: a thread\'s context menu "Open Report at this Thread" scrolls the report to it', async () => {
      assert(frame, 'no report frame');
      const f = frame;
      const row = p.locator('.part.sidebar .monaco-list-row[aria-level="2"]').nth(1);
      const subject = (await row.locator('.label-name').first().innerText()).trim();
      await runContextMenu(p, row, 'Open Report at this Thread');
      const revealed = await waitUntil('a revealed heading', async () => (await f.locator('#report .revealed').first().innerText().catch(() => '')) || null, 15_000);
      const words = subject.replace(/^\[[^\]]*\]\s*/, '').slice(0, 30);
      assert(revealed.includes(words), `revealed "${revealed}" is not the thread "${subject}"`);
      await shot(p, '04b-open-report-at-thread');
    });

    const themes: [string, string, string][] = [
      ['Light Modern', 'vscode-light', '05-report-light'],
      ['Dark High Contrast', 'vscode-high-contrast', '06-report-high-contrast'],
      ['Light High Contrast', 'vscode-high-contrast-light', '07-report-high-contrast-light'],
      ['Dark Modern', 'vscode-dark', '08-report-dark-again'],
    ];
    for (const [theme, bodyClass, name] of themes) {
      await check(`ui: the report follows the theme: ${theme}`, async () => {
        assert(frame, 'no report frame');
        const f = frame;
        const background = `getComputedStyle(document.body).backgroundColor`;
        const before = (await f.evaluate(background)) as string;
        await runPalette(p, 'Preferences: Color Theme');
        await p.keyboard.press('Enter');
        const input = p.locator('.quick-input-widget input');
        await input.fill(theme);
        await p.locator('.quick-input-list .monaco-list-row', { hasText: theme }).first().waitFor({ state: 'visible' });
        await p.keyboard.press('Enter');
        await waitUntil(`body.${bodyClass}`, async () => f.evaluate(`document.body.classList.contains(${JSON.stringify(bodyClass)})`), 20_000);
        const after = (await f.evaluate(background)) as string;
        figures[`ui.theme.${bodyClass}`] = after;
        assert(before !== after || bodyClass === 'vscode-dark', `background changed (${before} -> ${after})`);
        await shot(p, name);
      });
    }

    await check('ui: the status bar shows the week and counts', async () => {
      const text = await p.locator('.statusbar-item', { hasText: WEEK }).first().innerText({ timeout: 10_000 });
      assert(/\d+/.test(text), text);
      figures['ui.statusBar'] = text.replace(/\s+/g, ' ');
    });

    await check('ui: Select Week validates free input and regenerates for the typed week', async () => {
      await runPalette(p, 'KVMARM: Select Week');
      await p.keyboard.press('Enter');
      await p.locator('.quick-input-list .monaco-list-row', { hasText: 'Other week' }).first().click();
      const input = p.locator('.quick-input-widget input');
      await input.fill('2022-W99');
      await p.locator('.quick-input-message', { hasText: /week|周|W99/i }).first().waitFor({ state: 'visible', timeout: 10_000 });
      await input.fill(WEEK);
      await p.keyboard.press('Enter');
      await p.locator('.notifications-toasts, .notification-toast').first().waitFor({ state: 'attached', timeout: 10_000 }).catch(() => undefined);
      await p.locator('.part.sidebar .monaco-list-row[aria-level="1"]', { hasText: 'PATCH' }).first().waitFor({ state: 'visible', timeout: 60_000 });
    });

    await check('ui: after a reload the report panel and its diff pane come back', async () => {
      await p.reload();
      await p.waitForSelector('.monaco-workbench', { timeout: 60_000 });
      const f = await reportFrame(p);
      await waitUntil('the restored report', async () => ((await f.locator('#report h1').count()) > 0 ? true : null), 30_000);
      await waitUntil('the restored pane', async () => ((await f.locator('#pane:not([hidden]) #pane-body .line').count()) > 0 ? true : null), 15_000);
      await shot(p, '09-after-reload');
    });

    await check('ui: after a reload the tree shows the last report without fetching', async () => {
      httpd.stop(); // nothing may be fetched for this
      const rows = p.locator('.part.sidebar .monaco-list-row[aria-level="1"]', { hasText: 'PATCH' });
      if (!(await rows.first().isVisible())) await p.locator('[aria-label="KVMARM"]').first().click();
      await p.locator('.part.sidebar .monaco-list-row[aria-level="1"]', { hasText: 'PATCH' }).first().waitFor({ state: 'visible', timeout: 20_000 });
    });
  } catch (err) {
    record('ui: phase', false, `${String(err)}\n${server.log().slice(-3000)}`);
  } finally {
    currentPage = null;
    if (page) await shot(page, '99-final').catch(() => undefined);
    await page?.context().close();
    await server.stop();
    copyExtensionLog(userData, 'ui-kvmarm.log');
  }
}

async function main(): Promise<void> {
  rmSync(resultsDir, { recursive: true, force: true });
  mkdirSync(resultsDir, { recursive: true });
  const h: Harness = { node24Dir: env('NODE24_DIR'), harnessDir: env('HARNESS_DIR') };
  const cache = env('KVMARM_E2E_CACHE');
  const vsix = env('KVMARM_VSIX');
  const helperVsix = env('KVMARM_HELPER_VSIX');

  runUnits();

  const work = mkdtempSync(join(tmpdir(), 'kvmarm-e2e-'));
  let httpd: Httpd | null = null;
  let browser: Browser | null = null;
  try {
    const bundle = resolve(root, '../shared/corpus/kvmarm-2019-2023.bundle');
    const t0 = Date.now();
    const inbox = buildSliceInbox({ bundle, cacheDir: cache, ...SLICE });
    figures['setup.sliceInboxMs'] = String(Date.now() - t0);
    figures['setup.sliceMessages'] = String(inbox.messages);
    httpd = await startHttpd(inbox);

    const extDir = join(work, 'extensions');
    const installData = join(work, 'user-install');
    await check('install: the .vsix installs into code-server', () => installExtension(h, extDir, installData, vsix));
    await check('install: the test helper .vsix installs', () => installExtension(h, extDir, installData, helperVsix));
    const settings = {
      'security.workspace.trust.enabled': false,
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'workbench.colorTheme': 'Default Dark Modern',
      'workbench.secondarySideBar.defaultVisibility': 'hidden',
      'chat.disableAIFeatures': true,
      'kvmarm.listUrl': httpd.url,
      'kvmarm.week': WEEK,
      'kvmarm.timeZone': TZ,
    };

    const pw = loadPlaywright(h.harnessDir);
    browser = await pw.chromium.launch({
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    await phaseHostSuite(h, browser, { extDir, settings, work });
    await phaseUi(h, browser, { extDir, settings, work }, httpd);
  } catch (err) {
    record('e2e: harness', false, err instanceof Error ? `${err.message}\n${err.stack}` : String(err));
  } finally {
    await browser?.close().catch(() => undefined);
    httpd?.stop();
    if (!process.env.KVMARM_E2E_KEEP) rmSync(work, { recursive: true, force: true });
  }

  console.log('\nFigures:');
  for (const [k, v] of Object.entries(figures)) console.log(`  ${k} = ${v}`);
  const failed = outcomes.filter((o) => !o.ok);
  writeFileSync(join(resultsDir, 'e2e-results.json'), JSON.stringify({ outcomes, figures }, null, 2));
  console.log(`\n${outcomes.length - failed.length} passed, ${failed.length} failed`);
  process.exitCode = failed.length > 0 ? 1 : 0;
}

void main();
