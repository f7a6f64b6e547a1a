// The report webview: one panel, rendered from the ReportStore, restored after reload by a
// WebviewPanelSerializer (the webview keeps its scroll and selection with setState).
import * as vscode from 'vscode';
import { messageUrl } from '../core/report/links.js';
import type { Report } from '../core/types.js';
import { formatInZone } from '../core/week.js';
import type { CoreLoader } from './coreLoader.js';
import { openMessageDocument } from './patchDocuments.js';
import { classifyDiffLines, parseWebviewMessage, type HostMessage, type WebviewMessage } from './protocol.js';
import { REPORT_TITLE, reportShellHtml } from './reportHtml.js';
import type { ReportStore } from './reportStore.js';
import type { Log } from './log.js';

export const REPORT_VIEW_TYPE = 'kvmarm.report';

export interface ReportPanelDeps {
  extensionUri: vscode.Uri;
  store: ReportStore;
  loadCore: CoreLoader;
  log: Log;
  /** Loads the last report saved on disk into the store (used when a panel is revived). */
  restoreLastReport: () => Promise<boolean>;
}

/** Owns at most one report panel; created by the extension, disposed with it. */
export class ReportPanelController implements vscode.Disposable {
  private panel: vscode.WebviewPanel | null = null;
  private panelDisposables: vscode.Disposable[] = [];
  private readonly disposables: vscode.Disposable[] = [];
  private renderTimer: NodeJS.Timeout | null = null;
  private renderer: { render(markdown: string): string } | null = null;
  /** Messages posted before the webview said it is ready are queued, not lost. */
  private ready = false;
  private pending: HostMessage[] = [];

  constructor(private readonly deps: ReportPanelDeps) {
    this.disposables.push(
      deps.store.onDidChange((change) => {
        if (!this.panel) return;
        // A new report first fills the tree (cheap), then the webview (markdown-it over the whole
        // report costs a few hundred ms on the extension host's one thread).
        if (change === 'report') this.scheduleRender(150);
        else if (change === 'summary') this.scheduleRender(300);
      }),
    );
  }

  get isOpen(): boolean {
    return this.panel !== null;
  }

  /** The panel's webview, for tests that inspect it. */
  get webviewPanel(): vscode.WebviewPanel | null {
    return this.panel;
  }

  show(column: vscode.ViewColumn = vscode.ViewColumn.Active, preserveFocus = false): void {
    if (this.panel) {
      this.panel.reveal(undefined, preserveFocus);
      return;
    }
    const panel = vscode.window.createWebviewPanel(REPORT_VIEW_TYPE, REPORT_TITLE, { viewColumn: column, preserveFocus }, this.webviewOptions());
    this.adopt(panel);
  }

  /** Called by the serializer after a reload. */
  async revive(panel: vscode.WebviewPanel): Promise<void> {
    panel.webview.options = this.webviewOptions();
    if (!this.deps.store.report) await this.deps.restoreLastReport();
    this.adopt(panel);
  }

  revealThread(threadId: string): void {
    const entry = this.deps.store.thread(threadId);
    if (!entry) return;
    this.show();
    this.post({ type: 'reveal', messageIds: entry.thread.messages.map((m) => m.mail.messageId) });
  }

  private webviewOptions(): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return {
      enableScripts: true,
      enableCommandUris: false,
      localResourceRoots: [vscode.Uri.joinPath(this.deps.extensionUri, 'media')],
    };
  }

  private adopt(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    this.ready = false;
    this.pending = [];
    const webview = panel.webview;
    const media = vscode.Uri.joinPath(this.deps.extensionUri, 'media');
    panel.iconPath = vscode.Uri.joinPath(media, 'kvmarm.svg');
    webview.html = reportShellHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'report.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'report.css')).toString(),
      loadingText: vscode.l10n.t('Loading the report…'),
      uiLanguage: vscode.env.language,
    });
    this.panelDisposables.push(
      webview.onDidReceiveMessage((raw: unknown) => {
        const message = parseWebviewMessage(raw);
        if (!message) {
          this.deps.log.warn('report webview: ignored a malformed message');
          return;
        }
        void this.handle(message).catch((err: unknown) => this.deps.log.error(`report webview: ${String(err)}`));
      }),
      panel.onDidDispose(() => this.onPanelDisposed()),
    );
  }

  private onPanelDisposed(): void {
    this.panel = null;
    this.ready = false;
    this.pending = [];
    for (const d of this.panelDisposables.splice(0)) d.dispose();
    if (this.renderTimer) clearTimeout(this.renderTimer);
    this.renderTimer = null;
  }

  private async handle(message: WebviewMessage): Promise<void> {
    switch (message.type) {
      case 'ready': {
        this.ready = true;
        await this.render();
        for (const m of this.pending.splice(0)) void this.panel?.webview.postMessage(m);
        const selected = message.state?.selectedMessageId;
        if (selected) this.postMessageDetails(selected);
        return;
      }
      case 'showMessage':
        this.postMessageDetails(message.messageId);
        return;
      case 'openPatch': {
        const found = this.deps.store.message(message.messageId);
        if (found) await openMessageDocument(found.mail, vscode.ViewColumn.Beside);
        return;
      }
      case 'openExternal':
        await vscode.env.openExternal(vscode.Uri.parse(message.url, true));
        return;
      case 'state':
        return;
    }
  }

  private post(message: HostMessage): void {
    if (!this.panel) return;
    if (!this.ready) {
      this.pending.push(message);
      return;
    }
    void this.panel.webview.postMessage(message);
  }

  private postMessageDetails(messageId: string): void {
    const found = this.deps.store.message(messageId);
    const report = this.deps.store.report;
    if (!found || !report) return;
    const { mail } = found;
    this.post({
      type: 'message',
      messageId: mail.messageId,
      subject: mail.subject.full,
      from: mail.from.name ? `${mail.from.name} <${mail.from.address}>` : mail.from.address,
      date: `${formatInZone(mail.date ?? mail.receivedAt, report.window.tz, 'YYYY-MM-DD HH:mm')} (${report.window.tz})`,
      url: messageUrl(report.list, mail.messageId),
      diff: mail.patch ? classifyDiffLines(mail.patch) : null,
      text: mail.text,
      labels: {
        openInBrowser: vscode.l10n.t('Open in Browser'),
        openAsDocument: vscode.l10n.t('Open as Document'),
        close: vscode.l10n.t('Close'),
        noPatch: vscode.l10n.t('This message carries no patch.'),
      },
    });
  }

  private scheduleRender(delayMs: number): void {
    if (this.renderTimer) clearTimeout(this.renderTimer);
    this.renderTimer = setTimeout(() => {
      this.renderTimer = null;
      void this.render().catch((err: unknown) => this.deps.log.error(`report render: ${String(err)}`));
    }, delayMs);
  }

  private async render(): Promise<void> {
    if (!this.panel || !this.ready) return;
    const report = this.deps.store.report;
    if (!report) {
      void this.panel.webview.postMessage({
        type: 'empty',
        text: vscode.l10n.t('No report yet. Run "Generate KVMARM report" from the command palette.'),
      } satisfies HostMessage);
      return;
    }
    const html = await this.renderHtml(report);
    void this.panel.webview.postMessage({
      type: 'report',
      html,
      isoWeek: report.window.isoWeek,
      list: report.list,
      title: REPORT_TITLE,
    } satisfies HostMessage);
  }

  private async renderHtml(report: Report): Promise<string> {
    const core = await this.deps.loadCore();
    this.renderer ??= core.html.createMarkdownRenderer();
    return this.renderer.render(core.markdown.renderMarkdown(report));
  }

  dispose(): void {
    this.panel?.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
