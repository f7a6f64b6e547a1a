// What commands and flows share: built once in activate(), passed explicitly (no globals).
import type * as vscode from 'vscode';
import type { CoreLoader } from './coreLoader.js';
import type { Log } from './log.js';
import type { ReportPanelController } from './reportPanel.js';
import type { ReportStore } from './reportStore.js';
import type { ApiKeyStore } from './secrets.js';

export interface AppContext {
  extensionUri: vscode.Uri;
  store: ReportStore;
  loadCore: CoreLoader;
  log: Log;
  apiKeys: ApiKeyStore;
  panel: ReportPanelController;
  treeView: vscode.TreeView<unknown>;
  /** Fetch / parse / summary caches of the core. */
  cacheDir: string;
  /** Where the last report is kept between sessions. */
  storageDir: string;
}
