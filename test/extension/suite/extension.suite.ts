// Extension-host tests: they drive the installed product extension through the vscode API.
// Registered on a Registry so the same suite runs under @vscode/test-electron and in code-server.
import * as assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { KvmarmApi } from '../../../src/extension.js';
import { CATEGORIES, type Report } from '../../../src/core/types.js';
import type { TreeNode } from '../../../src/vscode/threadTree.js';
import { FAKE_REPLY_MARK, startFakeOpenAi } from '../../support/fakeOpenAi.js';
import type { Registry } from './harness.js';

export const EXTENSION_ID = 'kvmarm-weekly.kvmarm-weekly';

export interface SuiteOptions {
  /** The ISO week the archive under test holds. */
  week: string;
}

function waitFor<T>(what: string, probe: () => T | undefined | null | false, timeoutMs = 20_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = (): void => {
      const value = probe();
      if (value) return resolve(value);
      if (Date.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 50);
    };
    tick();
  });
}

export function defineExtensionSuite(r: Registry, options: SuiteOptions): void {
  let api: KvmarmApi;
  let report: Report;

  const rootNodes = (): TreeNode[] => api.tree.getChildren() as TreeNode[];

  r.suite('activation', () => {
    r.test('is lazy: not active before its view or a command is used', () => {
      const ext = vscode.extensions.getExtension<KvmarmApi>(EXTENSION_ID);
      assert.ok(ext, `${EXTENSION_ID} is installed`);
      assert.equal(ext.isActive, false, 'activated at start-up although it only has onView/onCommand events');
    });

    r.test('activates and returns its API', async () => {
      const ext = vscode.extensions.getExtension<KvmarmApi>(EXTENSION_ID)!;
      const started = performance.now();
      api = await ext.activate();
      r.figure('activation.loadAndActivateMs', performance.now() - started);
      r.figure('activation.insideActivateMs', api.activationMs);
      assert.ok(api.app.store, 'the store is reachable');
    });

    r.test('registers every command the manifest contributes', async () => {
      const manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes: { commands: { command: string }[] } };
      const registered = new Set(await vscode.commands.getCommands(true));
      const contributed = manifest.contributes.commands.map((c) => c.command);
      assert.ok(contributed.length >= 15);
      for (const id of contributed) assert.ok(registered.has(id), `command ${id} is registered`);
      assert.deepEqual([...api.commands].sort(), [...contributed].sort(), 'handlers and manifest agree');
    });

    r.test('the tree is empty before any report is generated', () => {
      assert.equal(api.app.store.report, null);
      assert.deepEqual(rootNodes(), []);
    });
  });

  r.suite('generate', () => {
    r.test(`Generate KVMARM report fills the tree for ${options.week}`, async () => {
      let treeFilledAt = 0;
      const started = performance.now();
      const sub = api.tree.onDidChangeTreeData(() => {
        if (!treeFilledAt && api.tree.getChildren().length > 0) treeFilledAt = performance.now();
      });
      try {
        const result = (await vscode.commands.executeCommand('kvmarm.generateReport', options.week)) as Report | undefined;
        assert.ok(result, 'the command returns the report');
        report = result;
      } finally {
        sub.dispose();
      }
      r.figure('generate.commandToTreeMs', treeFilledAt - started);
      r.figure('generate.messages', report.stats.totalMessages);
      r.figure('generate.threads', report.stats.threads);
      assert.ok(treeFilledAt > 0, 'the tree changed with data');
      assert.equal(report.window.isoWeek, options.week);
      assert.ok(report.stats.totalMessages > 50, `a real week has many messages (got ${report.stats.totalMessages})`);
    }, 120_000);

    r.test('regenerating the same week (warm caches) gives the same threads', async () => {
      let treeFilledAt = 0;
      const started = performance.now();
      const sub = api.tree.onDidChangeTreeData(() => {
        if (!treeFilledAt) treeFilledAt = performance.now();
      });
      try {
        const again = (await vscode.commands.executeCommand('kvmarm.refresh')) as Report | undefined;
        assert.ok(again);
        assert.deepEqual(again.threads.map((t) => t.thread.id), report.threads.map((t) => t.thread.id));
        report = again;
      } finally {
        sub.dispose();
      }
      r.figure('generate.warmCommandToTreeMs', treeFilledAt - started);
    }, 120_000);

    r.test('cancelling a generation leaves the current report in place', async () => {
      const before = api.app.store.report;
      const running = vscode.commands.executeCommand('kvmarm.generateReport', options.week);
      await new Promise((r) => setTimeout(r, 30));
      assert.equal(api.generator.isRunning, true, 'still running after 30 ms');
      await vscode.commands.executeCommand('kvmarm.cancel');
      assert.equal(await running, undefined, 'a cancelled generation returns nothing');
      assert.equal(api.app.store.report, before, 'the store kept the previous report');
      assert.equal(api.generator.isRunning, false);
      assert.equal(api.app.store.busy, false);
    }, 60_000);

    r.test('category nodes: readers\' order, counts, no empty category', () => {
      const roots = rootNodes();
      const names = roots.map((n) => (n.kind === 'category' ? n.category : '?'));
      const expected = CATEGORIES.filter((c) => report.threads.some((t) => t.category === c));
      assert.deepEqual(names, expected);
      let total = 0;
      for (const node of roots) {
        const item = api.tree.getTreeItem(node);
        assert.equal(node.kind, 'category');
        if (node.kind !== 'category') continue;
        const n = report.threads.filter((t) => t.category === node.category).length;
        assert.equal(item.description, String(n), `${node.category} shows its thread count`);
        assert.ok(n > 0);
        total += n;
      }
      assert.equal(total, report.threads.length);
    });

    r.test('thread nodes: "N 封 · M 人" description, state icon, summary tooltip', () => {
      const threads = rootNodes().flatMap((c) => api.tree.getChildren(c));
      assert.equal(threads.length, report.threads.length);
      const withSeries = threads.find((t) => t.kind === 'thread' && t.entry.series);
      assert.ok(withSeries && withSeries.kind === 'thread', 'a real week has patch series');
      const item = api.tree.getTreeItem(withSeries);
      const desc = String(item.description);
      const n = withSeries.entry.thread.messages.length;
      assert.match(desc, new RegExp(`^${n} (封|messages) · \\d+ (人|people) · v${withSeries.entry.series!.version}$`));
      assert.ok(item.iconPath instanceof vscode.ThemeIcon);
      assert.equal(item.contextValue, 'kvmarm.thread.series');
      const tooltip = item.tooltip as vscode.MarkdownString;
      assert.ok(tooltip.value.length > 0 && !tooltip.isTrusted, 'untrusted tooltip');
    });

    r.test('message nodes open their patch as a read-only diff document', async () => {
      const entry = report.threads.find((t) => t.thread.messages.some((m) => m.mail.patch));
      assert.ok(entry);
      const messages = api.tree.getChildren({ kind: 'thread', entry });
      const node = messages.find((m) => m.kind === 'message' && m.message.mail.patch);
      assert.ok(node && node.kind === 'message');
      const item = api.tree.getTreeItem(node);
      assert.equal(item.command?.command, 'kvmarm.openMessage');
      await vscode.commands.executeCommand(item.command.command, ...(item.command.arguments ?? []));
      const editor = await waitFor('the patch editor', () => {
        const e = vscode.window.activeTextEditor;
        return e?.document.uri.scheme === 'kvmarm-patch' ? e : undefined;
      });
      assert.equal(editor.document.languageId, 'diff');
      const firstDiffLine = node.message.mail.patch!.split('\n')[0]!;
      assert.ok(editor.document.getText().includes(firstDiffLine));
      assert.ok(editor.document.getText().includes(`Message-ID: <${node.message.mail.messageId}>`));
    });

    r.test('the report webview is open with its Chinese title', () => {
      const panel = api.app.panel.webviewPanel;
      assert.ok(panel, 'the report panel opened after generation');
      assert.equal(panel.title, 'KVMARM 邮件列表周报');
      const html = panel.webview.html.replace(/&#39;/g, "'");
      assert.ok(html.includes("default-src 'none'"), 'strict CSP');
      assert.match(html, /script-src 'nonce-[A-Za-z0-9]+'/);
    });

    r.test('the status bar item and tree description name the week', () => {
      assert.equal(api.app.treeView.description, options.week);
    });
  });

  r.suite('thread commands', () => {
    r.test('Copy b4 am / Copy Message-ID return shell-safe text', async () => {
      const entry = report.threads.find((t) => t.series)!;
      const b4 = (await vscode.commands.executeCommand('kvmarm.copyB4Command', entry.thread.id)) as string;
      assert.match(b4, /^b4 am /);
      assert.ok(b4.includes(entry.series!.coverMessageId ?? entry.thread.id));
      const mid = (await vscode.commands.executeCommand('kvmarm.copyMessageId', entry.thread.id)) as string;
      assert.equal(mid, `<${entry.thread.id}>`);
    });

    r.test('Summarize Thread (offline) replaces the thread summary through the store', async () => {
      const entry = report.threads[0]!;
      let fired = false;
      const sub = api.app.store.onDidChange((c) => {
        if (c === 'summary') fired = true;
      });
      try {
        const summary = (await vscode.commands.executeCommand('kvmarm.summarizeThread', entry.thread.id)) as { source: string; text: string };
        assert.equal(summary.source, 'offline');
        assert.ok(summary.text.length > 0);
        assert.ok(fired, 'the store announced the new summary');
      } finally {
        sub.dispose();
      }
    });

    r.test('Filter Threads by author keeps only that author\'s threads; clearing restores all', () => {
      const someone = report.threads[0]!.thread.messages[0]!.mail.from.address;
      api.app.store.setFilter({ kind: 'author', value: someone });
      const kept = rootNodes().flatMap((c) => api.tree.getChildren(c));
      assert.ok(kept.length >= 1 && kept.length <= report.threads.length);
      for (const t of kept) {
        assert.equal(t.kind, 'thread');
        if (t.kind === 'thread') assert.ok(t.entry.thread.messages.some((m) => m.mail.from.address.includes(someone)));
      }
      api.app.store.setFilter(null);
      assert.equal(rootNodes().flatMap((c) => api.tree.getChildren(c)).length, report.threads.length);
    });

    r.test('Compare with Previous Version opens the interdiff of a series against its last version', async () => {
      const entry = report.threads.find((t) => t.series && t.series.previous.some((p) => p.version < t.series!.version));
      if (!entry) {
        r.figure('compare.skippedNoLinkedVersions', 1);
        return;
      }
      const text = (await vscode.commands.executeCommand('kvmarm.compareWithPrevious', entry.thread.id)) as string;
      assert.match(text, /^# 相对 v\d+/, 'starts with the Chinese summary line');
      assert.ok(text.includes('diff --series'), 'one section per patch pair');
      const editor = await waitFor('the interdiff editor', () => {
        const e = vscode.window.activeTextEditor;
        return e?.document.uri.scheme === 'kvmarm-compare' ? e : undefined;
      });
      assert.equal(editor.document.languageId, 'diff');
      assert.equal(editor.document.getText(), text);
    });

    r.test('the openai summariser uses the key from SecretStorage only, and never logs it', async () => {
      const key = `sk-test-${Date.now()}-secret`;
      const server = await startFakeOpenAi({ apiKey: key });
      const config = vscode.workspace.getConfiguration('kvmarm');
      try {
        await config.update('summarizer', 'openai', vscode.ConfigurationTarget.Global);
        await config.update('openai.baseUrl', server.baseURL, vscode.ConfigurationTarget.Global);
        await api.app.apiKeys.set(key);
        const entry = report.threads[1] ?? report.threads[0]!;
        const summary = (await vscode.commands.executeCommand('kvmarm.summarizeThread', entry.thread.id)) as { source: string; text: string };
        assert.equal(summary.source, 'llm');
        assert.ok(summary.text.includes(FAKE_REPLY_MARK), 'the model text is the summary');
        assert.ok(server.requests.length >= 1);
        assert.equal(server.requests[0]!.authorization, `Bearer ${key}`);
        assert.equal(api.app.store.thread(entry.thread.id)?.summary.source, 'llm', 'the store holds it');

        // A wrong key on a thread not summarised yet (the summary cache would answer for the first):
        // the thread gets the offline digest, marked as a fallback.
        await api.app.apiKeys.set(`${key}-wrong`);
        const other = report.threads.find((t) => t !== entry && t.thread.id !== report.threads[0]!.thread.id)!;
        const fallback = (await vscode.commands.executeCommand('kvmarm.summarizeThread', other.thread.id)) as { source: string; fallbackReason?: string };
        assert.equal(fallback.source, 'offline');
        assert.ok(fallback.fallbackReason, 'marked as a fallback');
      } finally {
        await config.update('summarizer', undefined, vscode.ConfigurationTarget.Global);
        await config.update('openai.baseUrl', undefined, vscode.ConfigurationTarget.Global);
        await api.app.apiKeys.clear();
        await server.close();
      }
      await new Promise((r) => setTimeout(r, 1500)); // let the log channel flush
      const files: string[] = [];
      const walk = (dir: string): void => {
        for (const name of readdirSync(dir)) {
          const path = join(dir, name);
          if (statSync(path).isDirectory()) walk(path);
          else files.push(path);
        }
      };
      walk(api.logDir);
      assert.ok(files.length > 0, `log files under ${api.logDir}`);
      for (const f of files) assert.ok(!readFileSync(f, 'utf8').includes(key), `${f} does not hold the key`);
      assert.ok(!JSON.stringify(vscode.workspace.getConfiguration('kvmarm')).includes(key), 'not in settings');
    }, 90_000);

    r.test('with the openai summariser, the threads show at once and summaries stream in one by one', async () => {
      const key = `sk-stream-${Date.now()}`;
      const server = await startFakeOpenAi({ apiKey: key, latencyMs: 300 });
      const config = vscode.workspace.getConfiguration('kvmarm');
      const seen: Array<{ change: string; pending: number; threads: number }> = [];
      const sub = api.app.store.onDidChange((change) => {
        const threads = api.app.store.report?.threads ?? [];
        seen.push({ change, pending: threads.filter((t) => t.summary.pending).length, threads: threads.length });
      });
      try {
        await config.update('summarizer', 'openai', vscode.ConfigurationTarget.Global);
        await config.update('openai.baseUrl', server.baseURL, vscode.ConfigurationTarget.Global);
        await api.app.apiKeys.set(key);
        const result = (await vscode.commands.executeCommand('kvmarm.generateReport', options.week)) as Report | undefined;
        assert.ok(result);
        const draft = seen.find((e) => e.change === 'report');
        assert.ok(draft, 'a draft report reached the store');
        assert.equal(draft.pending, draft.threads, 'every summary of the draft is pending');
        const streamed = seen.filter((e) => e.change === 'summary');
        assert.equal(streamed.length, result.threads.length, 'one summary event per thread');
        assert.ok(streamed.some((e) => e.pending > 0), 'the tree had threads while summaries were still arriving');
        assert.ok(result.threads.every((t) => !t.summary.pending));
        r.figure('stream.calls', server.requests.length);
        report = result;
      } finally {
        sub.dispose();
        await config.update('summarizer', undefined, vscode.ConfigurationTarget.Global);
        await config.update('openai.baseUrl', undefined, vscode.ConfigurationTarget.Global);
        await api.app.apiKeys.clear();
        await server.close();
      }
    }, 120_000);

    r.test('Export Report writes Markdown, HTML and JSON', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'kvmarm-export-'));
      const files = (await vscode.commands.executeCommand('kvmarm.exportReport', dir)) as string[];
      assert.equal(files.length, 3);
      const names = (await readdir(dir)).sort();
      assert.ok(names.some((n) => n.endsWith('.md')) && names.some((n) => n.endsWith('.html')) && names.some((n) => n.endsWith('.json')));
      const md = await readFile(files.find((f) => f.endsWith('.md'))!, 'utf8');
      assert.ok(md.includes('KVMARM 邮件列表'), 'Chinese report title');
      const json = JSON.parse(await readFile(files.find((f) => f.endsWith('.json'))!, 'utf8')) as { threads: unknown[] };
      assert.equal(json.threads.length, report.threads.length);
    });
  });
}
