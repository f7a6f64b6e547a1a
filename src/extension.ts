// Extension entry point: builds the store, views and commands and registers everything into
// context.subscriptions. Activation stays cheap: the core (mail parsing, markdown, LLM client)
// loads on the first command that needs it.
import * as vscode from 'vscode';
import { createCommands } from './vscode/commands.js';
import { createCoreLoader } from './vscode/coreLoader.js';
import { Generator } from './vscode/generate.js';
import { loadLastReport } from './vscode/lastReport.js';
import { createLog } from './vscode/log.js';
import { PATCH_SCHEME, PatchDocumentProvider } from './vscode/patchDocuments.js';
import { REPORT_VIEW_TYPE, ReportPanelController } from './vscode/reportPanel.js';
import { ReportStore } from './vscode/reportStore.js';
import { createApiKeyStore } from './vscode/secrets.js';
import { COMPARE_SCHEME, CompareDocumentProvider } from './vscode/seriesCompare.js';
import { createStatusBar } from './vscode/statusBar.js';
import { ThreadTreeProvider } from './vscode/threadTree.js';
import type { AppContext } from './vscode/appContext.js';

export const TREE_VIEW_ID = 'kvmarm.threads';

/** What activate() returns: used by the extension-host tests (and by nothing else). */
export interface KvmarmApi {
  app: AppContext;
  tree: ThreadTreeProvider;
  generator: Generator;
  commands: readonly string[];
  activationMs: number;
  /** Where VS Code writes this extension's logs (tests check no secret ever lands there). */
  logDir: string;
}

export function activate(context: vscode.ExtensionContext): KvmarmApi {
  const started = performance.now();
  const sub = (d: vscode.Disposable): void => {
    context.subscriptions.push(d);
  };
  const log = createLog('KVMARM');
  sub(log);
  const store = new ReportStore();
  sub(store);
  const storageDir = context.globalStorageUri.fsPath;
  const cacheDir = vscode.Uri.joinPath(context.globalStorageUri, 'cache').fsPath;

  let restoring: Promise<boolean> | null = null;
  /** Brings back the last report (a file read, no fetching) once, when a view first needs data. */
  const restoreLastReport = (): Promise<boolean> => {
    restoring ??= loadLastReport(storageDir).then((report) => {
      if (report && !store.report) {
        store.set(report);
        log.info(`restored the last report (${report.window.isoWeek ?? report.window.since})`);
        return true;
      }
      return false;
    });
    return restoring;
  };

  const loadCore = createCoreLoader();
  const panel = new ReportPanelController({ extensionUri: context.extensionUri, store, loadCore, log, restoreLastReport });
  sub(panel);
  const tree = new ThreadTreeProvider(store);
  sub(tree);
  const treeView = vscode.window.createTreeView(TREE_VIEW_ID, { treeDataProvider: tree, showCollapseAll: true });
  sub(treeView);
  const updateTreeMessage = (): void => {
    const report = store.report;
    treeView.description = report ? (report.window.isoWeek ?? undefined) : undefined;
    treeView.message = store.filter
      ? vscode.l10n.t('Filter ({0}): {1}', store.filter.kind, store.filter.value)
      : undefined;
  };
  sub(store.onDidChange(updateTreeMessage));
  // When the view shows, bring back the last report (a file read) and, once idle, load the core's
  // code (not data) so the first Generate does not pay for it.
  let warm: NodeJS.Timeout | undefined;
  const onVisible = (): void => {
    void restoreLastReport();
    warm ??= setTimeout(() => void loadCore().catch((err: unknown) => log.warn(`core preload failed: ${String(err)}`)), 1500);
  };
  sub({ dispose: () => clearTimeout(warm) });
  if (treeView.visible) onVisible();
  sub(treeView.onDidChangeVisibility((e) => (e.visible ? onVisible() : undefined)));

  const app: AppContext = {
    extensionUri: context.extensionUri,
    store,
    loadCore,
    log,
    apiKeys: createApiKeyStore(context.secrets),
    panel,
    treeView: treeView as vscode.TreeView<unknown>,
    cacheDir,
    storageDir,
  };
  const generator = new Generator(app);
  const compareDocuments = new CompareDocumentProvider();
  sub(vscode.workspace.registerTextDocumentContentProvider(COMPARE_SCHEME, compareDocuments));
  const commands = createCommands({ app, generator, compareDocuments });
  for (const [id, handler] of Object.entries(commands)) sub(vscode.commands.registerCommand(id, handler));

  const patches = new PatchDocumentProvider(store);
  sub(patches);
  sub(vscode.workspace.registerTextDocumentContentProvider(PATCH_SCHEME, patches));
  sub(
    vscode.window.registerWebviewPanelSerializer(REPORT_VIEW_TYPE, {
      deserializeWebviewPanel: (webviewPanel) => panel.revive(webviewPanel),
    }),
  );
  sub(createStatusBar(store));
  void vscode.commands.executeCommand('setContext', 'kvmarm.filtered', false);

  const activationMs = performance.now() - started;
  log.info(`activated in ${activationMs.toFixed(1)} ms`);
  return { app, tree, generator, commands: Object.keys(commands), activationMs, logDir: context.logUri.fsPath };
}

export function deactivate(): void {
  // Everything is in context.subscriptions.
}
