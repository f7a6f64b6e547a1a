// Read-only documents for messages: a patch opens as a `diff` document (language from the .diff
// extension), any other message as plain text. Content comes from the ReportStore, never from disk.
import * as vscode from 'vscode';
import type { Mail } from '../core/types.js';
import type { ReportStore } from './reportStore.js';

export const PATCH_SCHEME = 'kvmarm-patch';

/** A file-name-safe, short label for the editor tab. */
function tabName(mail: Mail): string {
  const base = (mail.subject.full || mail.messageId).replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '_').slice(0, 80).trim();
  return base || 'message';
}

export function messageUri(mail: Mail): vscode.Uri {
  const ext = mail.patch ? 'diff' : 'txt';
  return vscode.Uri.from({ scheme: PATCH_SCHEME, path: `/${tabName(mail)}.${ext}`, query: encodeURIComponent(mail.messageId) });
}

export function messageIdFromUri(uri: vscode.Uri): string | null {
  try {
    return uri.query ? decodeURIComponent(uri.query) : null;
  } catch {
    return null;
  }
}

/** The document text: a short header block, then the patch (or the body for non-patch mail). */
export function messageDocumentText(mail: Mail): string {
  const header = [
    `From: ${mail.from.name ? `${mail.from.name} <${mail.from.address}>` : mail.from.address}`,
    `Date: ${mail.date ?? mail.receivedAt}`,
    `Subject: ${mail.subject.full}`,
    `Message-ID: <${mail.messageId}>`,
  ].join('\n');
  return `${header}\n\n${mail.patch ?? mail.text}`;
}

export class PatchDocumentProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly store: ReportStore) {
    this.subscription = store.onDidChange((change) => {
      if (change !== 'report') return;
      for (const doc of vscode.workspace.textDocuments) {
        if (doc.uri.scheme === PATCH_SCHEME) this.changed.fire(doc.uri);
      }
    });
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const id = messageIdFromUri(uri);
    const found = id ? this.store.message(id) : undefined;
    if (!found) return vscode.l10n.t('This message is not in the current report. Generate the report for its week again.');
    return messageDocumentText(found.mail);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

export async function openMessageDocument(mail: Mail, column?: vscode.ViewColumn): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(messageUri(mail));
  return vscode.window.showTextDocument(doc, { preview: true, viewColumn: column ?? vscode.ViewColumn.Active });
}
