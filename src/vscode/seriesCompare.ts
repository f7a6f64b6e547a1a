// "Compare with Previous Version": the interdiff of a series against its previous version, shown
// as a read-only diff document. The core does the comparison; this file only finds the previous
// version's mails: in the current report, else from the configured source (a local mirror reads
// the thread through its header index; an archive over HTTP serves it as {mid}/t.mbox.gz).
import * as vscode from 'vscode';
import type { Mail, ReportThread } from '../core/types.js';
import type { AppContext } from './appContext.js';
import type { Core } from './coreLoader.js';
import { readConfig } from './config.js';

export const COMPARE_SCHEME = 'kvmarm-compare';

/** Holds generated comparison texts for their read-only documents. */
export class CompareDocumentProvider implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.query) ?? '';
  }

  put(name: string, text: string): vscode.Uri {
    const key = String(this.texts.size + 1);
    this.texts.set(key, text);
    return vscode.Uri.from({ scheme: COMPARE_SCHEME, path: `/${name.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '_').slice(0, 80)}.diff`, query: key });
  }
}

/** The thread holding a message, read from the configured source (a mirror, or the archive over HTTP). */
async function fetchThreadMails(core: Core, app: AppContext, messageId: string, signal: AbortSignal): Promise<Mail[] | null> {
  const config = readConfig();
  const source = core.openSource(config.source || config.listUrl, { cacheDir: app.cacheDir, listUrl: config.listUrl });
  if (!source.fetchThreads) return null;
  const raws = await source.fetchThreads([messageId], { signal, logger: app.log });
  return (await core.parseRawMessages(raws, { cacheDir: app.cacheDir, signal, isolate: true, logger: app.log })).mails;
}

/** The comparison text, or null (after telling the user why) when it cannot be made. */
export async function compareWithPrevious(app: AppContext, entry: ReportThread, signal: AbortSignal): Promise<string | null> {
  const report = app.store.report;
  const core = await app.loadCore();
  const link = core.series.latestEarlierVersion(entry);
  if (!report || !entry.series || !link) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No earlier version of this series is known.'));
    return null;
  }
  let previous: Mail[];
  const inReport = app.store.message(link.messageId);
  if (inReport) {
    previous = inReport.entry.thread.messages.map((m) => m.mail);
  } else {
    const fetched = await fetchThreadMails(core, app, link.messageId, signal);
    if (!fetched) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Version {0} of this series is not in this report, and the configured source cannot look up other threads.', link.version));
      return null;
    }
    previous = fetched;
  }
  const comparison = core.series.compareWithEarlierVersion(entry, link, previous);
  if (!comparison) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No earlier version of this series is known.'));
    return null;
  }
  app.log.info(`compare: v${comparison.previousVersion} -> v${comparison.currentVersion}: ${comparison.summary}`);
  return core.series.renderComparison(comparison);
}
