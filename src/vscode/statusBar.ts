// The status-bar item: the week and counts of the current report, or a spinner while generating.
import * as vscode from 'vscode';
import type { ReportStore } from './reportStore.js';

export function createStatusBar(store: ReportStore): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('kvmarm.status', vscode.StatusBarAlignment.Left, 10);
  item.name = 'KVMARM';
  const update = (): void => {
    const report = store.report;
    if (store.busy) {
      item.text = `$(sync~spin) KVMARM`;
      item.tooltip = vscode.l10n.t('Generating the KVMARM report…');
      item.command = undefined;
    } else if (report) {
      const week = report.window.isoWeek ?? `${report.window.since.slice(0, 10)}..${report.window.until.slice(0, 10)}`;
      item.text = `$(mail) ${week} · ${vscode.l10n.t('{0} threads', report.stats.threads)} · ${vscode.l10n.t('{0} messages', report.stats.totalMessages)}`;
      item.tooltip = vscode.l10n.t('KVMARM weekly report: open it');
      item.command = 'kvmarm.openReport';
    } else {
      item.text = '$(mail) KVMARM';
      item.tooltip = vscode.l10n.t('Generate KVMARM report');
      item.command = 'kvmarm.generateReport';
    }
    item.show();
  };
  update();
  const sub = store.onDidChange(update);
  return vscode.Disposable.from(item, sub);
}
