// The one model behind the tree and the webview: the current report, the filter, and lookups.
// Views never hold their own copy; they re-render on onDidChange.
import * as vscode from 'vscode';
import { CATEGORIES, type Category, type Mail, type Report, type ReportThread, type Summary } from '../core/types.js';
import { matchesFilter, type ThreadFilter } from './threadFilter.js';

export type StoreChange = 'report' | 'summary' | 'filter' | 'busy';

export interface CategoryGroup {
  category: Category;
  threads: ReportThread[];
}

export interface MessageLocation {
  mail: Mail;
  entry: ReportThread;
}

export class ReportStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<StoreChange>();
  readonly onDidChange = this.changed.event;
  private current: Report | null = null;
  private currentFilter: ThreadFilter | null = null;
  private byMessage = new Map<string, MessageLocation>();
  private byThread = new Map<string, ReportThread>();
  private isBusy = false;

  get report(): Report | null {
    return this.current;
  }

  get filter(): ThreadFilter | null {
    return this.currentFilter;
  }

  get busy(): boolean {
    return this.isBusy;
  }

  setBusy(busy: boolean): void {
    if (busy === this.isBusy) return;
    this.isBusy = busy;
    this.changed.fire('busy');
  }

  set(report: Report): void {
    this.current = report;
    this.byMessage = new Map();
    this.byThread = new Map();
    for (const entry of report.threads) {
      this.byThread.set(entry.thread.id, entry);
      for (const m of entry.thread.messages) this.byMessage.set(m.mail.messageId, { mail: m.mail, entry });
    }
    this.changed.fire('report');
  }

  /** Back to no report (a first generation was cancelled after its draft was shown). */
  clear(): void {
    this.current = null;
    this.byMessage = new Map();
    this.byThread = new Map();
    this.changed.fire('report');
  }

  setFilter(filter: ThreadFilter | null): void {
    this.currentFilter = filter && filter.value.trim() !== '' ? filter : null;
    void vscode.commands.executeCommand('setContext', 'kvmarm.filtered', this.currentFilter !== null);
    this.changed.fire('filter');
  }

  updateSummary(threadId: string, summary: Summary): void {
    const entry = this.byThread.get(threadId);
    if (!entry) return;
    entry.summary = summary;
    this.changed.fire('summary');
  }

  thread(threadId: string): ReportThread | undefined {
    return this.byThread.get(threadId);
  }

  message(messageId: string): MessageLocation | undefined {
    return this.byMessage.get(messageId);
  }

  /** Non-empty categories in the readers' order, threads filtered. */
  groups(): CategoryGroup[] {
    if (!this.current) return [];
    const filter = this.currentFilter;
    const buckets = new Map<Category, ReportThread[]>();
    for (const entry of this.current.threads) {
      if (filter && !matchesFilter(entry, filter)) continue;
      const list = buckets.get(entry.category) ?? [];
      list.push(entry);
      buckets.set(entry.category, list);
    }
    return CATEGORIES.filter((c) => buckets.has(c)).map((category) => ({ category, threads: buckets.get(category)! }));
  }

  dispose(): void {
    this.changed.dispose();
  }
}
