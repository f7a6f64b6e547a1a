// The side-bar tree: category -> thread -> message, rendered from the ReportStore on every change.
import * as vscode from 'vscode';
import type { Category, ReportThread, SeriesState, ThreadMessage } from '../core/types.js';
import { formatInZone } from '../core/week.js';
import type { ReportStore } from './reportStore.js';

export type TreeNode =
  | { kind: 'category'; category: Category; threads: ReportThread[] }
  | { kind: 'thread'; entry: ReportThread }
  | { kind: 'message'; message: ThreadMessage; entry: ReportThread };

export const OPEN_MESSAGE_COMMAND = 'kvmarm.openMessage';

const STATE_ICONS: Record<SeriesState, [string, string | undefined]> = {
  applied: ['pass-filled', 'testing.iconPassed'],
  reviewed: ['check', 'charts.green'],
  'changes-requested': ['request-changes', 'charts.orange'],
  nacked: ['error', 'errorForeground'],
  new: ['git-pull-request', undefined],
};

export function stateLabel(state: SeriesState): string {
  switch (state) {
    case 'applied':
      return vscode.l10n.t('applied');
    case 'reviewed':
      return vscode.l10n.t('reviewed');
    case 'changes-requested':
      return vscode.l10n.t('changes requested');
    case 'nacked':
      return vscode.l10n.t('nacked');
    case 'new':
      return vscode.l10n.t('new');
  }
}

/** "12 封 · 3 人 · v3" in Chinese, "12 messages · 3 people · v3" in English. */
export function threadDescription(entry: ReportThread): string {
  const messages = entry.thread.messages.length;
  const people = new Set(entry.thread.messages.map((m) => m.mail.from.address || m.mail.from.name)).size;
  const parts = [vscode.l10n.t('{0} messages', messages), vscode.l10n.t('{0} people', people)];
  if (entry.series) parts.push(`v${entry.series.version}`);
  return parts.join(' · ');
}

export class ThreadTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly store: ReportStore) {
    this.subscription = store.onDidChange((change) => {
      if (change !== 'busy') this.changed.fire(undefined);
    });
  }

  getChildren(node?: TreeNode): TreeNode[] {
    if (!node) return this.store.groups().map((g) => ({ kind: 'category', category: g.category, threads: g.threads }));
    if (node.kind === 'category') return node.threads.map((entry) => ({ kind: 'thread', entry }));
    if (node.kind === 'thread') return node.entry.thread.messages.map((message) => ({ kind: 'message', message, entry: node.entry }));
    return [];
  }

  getParent(node: TreeNode): TreeNode | undefined {
    if (node.kind === 'category') return undefined;
    const entry = node.entry;
    if (node.kind === 'message') return { kind: 'thread', entry };
    const group = this.store.groups().find((g) => g.category === entry.category);
    return group ? { kind: 'category', category: group.category, threads: group.threads } : undefined;
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    switch (node.kind) {
      case 'category':
        return this.categoryItem(node.category, node.threads);
      case 'thread':
        return this.threadItem(node.entry);
      case 'message':
        return this.messageItem(node.message, node.entry);
    }
  }

  private categoryItem(category: Category, threads: ReportThread[]): vscode.TreeItem {
    const item = new vscode.TreeItem(category, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `category:${category}`;
    item.description = String(threads.length);
    item.contextValue = 'kvmarm.category';
    item.iconPath = new vscode.ThemeIcon('folder');
    item.tooltip = vscode.l10n.t('{0}: {1} threads', category, threads.length);
    return item;
  }

  private threadItem(entry: ReportThread): vscode.TreeItem {
    const item = new vscode.TreeItem(entry.thread.subject.full || entry.thread.subject.title, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `thread:${entry.thread.id}`;
    item.description = threadDescription(entry);
    item.contextValue = entry.series ? 'kvmarm.thread.series' : 'kvmarm.thread';
    if (entry.series) {
      const [icon, color] = STATE_ICONS[entry.series.state];
      item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
    } else {
      item.iconPath = new vscode.ThemeIcon('comment-discussion');
    }
    // Mail text goes in as plain text (appendText escapes Markdown): no links or images from mail.
    const tooltip = new vscode.MarkdownString();
    tooltip.appendText(entry.thread.subject.full);
    tooltip.appendMarkdown('\n\n');
    if (entry.series) {
      tooltip.appendText(`v${entry.series.version} · ${stateLabel(entry.series.state)}`);
      tooltip.appendMarkdown('\n\n');
    }
    tooltip.appendText(entry.summary.text);
    item.tooltip = tooltip;
    return item;
  }

  private messageItem(message: ThreadMessage, entry: ReportThread): vscode.TreeItem {
    const mail = message.mail;
    const tags = mail.subject.tags;
    let label: string;
    if (mail.patch && !tags.isReply && tags.index !== null && tags.total !== null) {
      label = `${tags.index}/${tags.total} ${mail.subject.title}`;
    } else if (tags.isReply) {
      label = vscode.l10n.t('Reply: {0}', mail.from.name || mail.from.address);
    } else {
      label = mail.subject.title || mail.subject.full;
    }
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
    item.id = `message:${entry.thread.id}:${mail.messageId}`;
    const when = formatInZone(mail.receivedAt, entryZone(this.store), 'MM-DD HH:mm');
    const indent = message.depth > 0 ? `${'›'.repeat(Math.min(message.depth, 4))} ` : '';
    item.description = `${indent}${mail.from.name || mail.from.address} · ${when}${message.inWindow ? '' : ` · ${vscode.l10n.t('earlier')}`}`;
    item.contextValue = 'kvmarm.message';
    item.iconPath = new vscode.ThemeIcon(mail.patch ? 'diff' : 'mail');
    const tooltip = new vscode.MarkdownString();
    tooltip.appendText(`${mail.subject.full}\n${mail.from.name} <${mail.from.address}>\n${mail.date ?? mail.receivedAt}`);
    item.tooltip = tooltip;
    item.command = { command: OPEN_MESSAGE_COMMAND, title: vscode.l10n.t('Open Patch'), arguments: [mail.messageId] };
    return item;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

function entryZone(store: ReportStore): string {
  return store.report?.window.tz ?? 'UTC';
}
