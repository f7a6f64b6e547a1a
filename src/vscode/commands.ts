// Every command as a factory over the shared AppContext (rust-analyzer style): id -> handler.
import * as vscode from 'vscode';
import { messageUrl, threadUrl } from '../core/report/links.js';
import type { ReportThread } from '../core/types.js';
import type { AppContext } from './appContext.js';
import { readConfig, saveWeek } from './config.js';
import { errorText, resolveWindow, type Generator } from './generate.js';
import { abortAm, amInProgress, applyMbox, gitTopLevel } from './gitApply.js';
import { openMessageDocument } from './patchDocuments.js';
import { seriesMbox, seriesPatchMails } from './seriesMbox.js';
import { createSummarizer } from './summarizerFactory.js';
import { compareWithPrevious, type CompareDocumentProvider } from './seriesCompare.js';
import type { FilterKind } from './threadFilter.js';
import type { TreeNode } from './threadTree.js';

export type CommandArg = TreeNode | string | undefined;
type Handler = (arg?: CommandArg, ...rest: unknown[]) => unknown;

export interface CommandDeps {
  app: AppContext;
  generator: Generator;
  compareDocuments: CompareDocumentProvider;
}

/** Quoted for a POSIX shell: Message-IDs are mail data and may hold `$`, backticks or quotes. */
export function shellQuote(value: string): string {
  return /^[A-Za-z0-9@%+=:,./_-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

export function b4Command(messageId: string): string {
  return `b4 am ${shellQuote(messageId)}`;
}

export function createCommands({ app, generator, compareDocuments }: CommandDeps): Record<string, Handler> {
  const { store } = app;

  const threadOf = (arg: CommandArg): ReportThread | undefined => {
    if (typeof arg === 'string') return store.thread(arg) ?? store.message(arg)?.entry;
    if (arg && arg.kind !== 'category') return arg.entry;
    return undefined;
  };
  /** The message a node stands for: a message node's own, a thread node's root (cover letter). */
  const messageIdOf = (arg: CommandArg): string | undefined => {
    if (typeof arg === 'string') return arg;
    if (arg?.kind === 'message') return arg.message.mail.messageId;
    if (arg?.kind === 'thread') return arg.entry.thread.id;
    return undefined;
  };
  const needThread = (arg: CommandArg): ReportThread | undefined => {
    const entry = threadOf(arg);
    if (!entry) void vscode.window.showInformationMessage(vscode.l10n.t('Pick a thread in the KVMARM view first.'));
    return entry;
  };

  return {
    'kvmarm.generateReport': (arg) => generator.run({ week: typeof arg === 'string' ? arg : undefined }),

    'kvmarm.refresh': () => generator.run({ week: store.report?.window.isoWeek ?? undefined, openReport: app.panel.isOpen }),

    'kvmarm.cancel': () => generator.cancel(),

    'kvmarm.openReport': async () => {
      if (!store.report) return vscode.commands.executeCommand('kvmarm.generateReport');
      app.panel.show();
      return undefined;
    },

    'kvmarm.selectWeek': async () => {
      const core = await app.loadCore();
      const config = readConfig();
      const tz = config.timeZone || core.week.systemTimeZone();
      const current = core.week.currentIsoWeek(new Date(), tz);
      const weeks = core.week.recentIsoWeeks(12, new Date(), tz);
      const other = vscode.l10n.t('Other week…');
      const items: vscode.QuickPickItem[] = weeks.map((week) => {
        const w = core.week.isoWeekWindow(week, tz);
        const lastDay = core.week.windowLastDay(w);
        return {
          label: week,
          description: `${core.week.formatInZone(w.since, tz, 'YYYY-MM-DD')} – ${lastDay}${week === current ? ` · ${vscode.l10n.t('this week')}` : ''}`,
          picked: week === (store.report?.window.isoWeek ?? config.week),
        };
      });
      items.push({ label: other, alwaysShow: true });
      const pick = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Select Week'), placeHolder: vscode.l10n.t('An ISO week, e.g. 2022-W45') });
      if (!pick) return undefined;
      let week = pick.label;
      if (pick.label === other) {
        const typed = await vscode.window.showInputBox({
          title: vscode.l10n.t('Select Week'),
          prompt: vscode.l10n.t('An ISO week, e.g. 2022-W45'),
          value: store.report?.window.isoWeek ?? current,
          validateInput: (value) => {
            try {
              resolveWindow(core, value.trim(), tz);
              return null;
            } catch (err) {
              return errorText(err);
            }
          },
        });
        if (!typed) return undefined;
        week = typed.trim();
      }
      await saveWeek(week);
      return generator.run({ week });
    },

    'kvmarm.setApiKey': async () => {
      const value = await vscode.window.showInputBox({
        title: vscode.l10n.t('Set OpenAI API Key'),
        prompt: vscode.l10n.t('Stored in VS Code SecretStorage only. Leave empty to remove the stored key.'),
        password: true,
        ignoreFocusOut: true,
      });
      if (value === undefined) return;
      if (value.trim() === '') {
        await app.apiKeys.clear();
        app.log.info('API key removed from SecretStorage');
        void vscode.window.showInformationMessage(vscode.l10n.t('The OpenAI API key was removed.'));
      } else {
        await app.apiKeys.set(value.trim());
        app.log.info('API key stored in SecretStorage');
        void vscode.window.showInformationMessage(vscode.l10n.t('The OpenAI API key is stored.'));
      }
    },

    'kvmarm.exportReport': async (arg) => {
      const report = store.report;
      if (!report) {
        void vscode.window.showInformationMessage(vscode.l10n.t('No report yet. Run "Generate KVMARM report" first.'));
        return undefined;
      }
      let dir: string | undefined = typeof arg === 'string' ? arg : undefined;
      if (!dir) {
        const picked = await vscode.window.showOpenDialog({
          canSelectFiles: false,
          canSelectFolders: true,
          canSelectMany: false,
          openLabel: vscode.l10n.t('Export Here'),
          title: vscode.l10n.t('Export Report (Markdown, HTML, JSON)'),
          defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
        });
        dir = picked?.[0]?.fsPath;
      }
      if (!dir) return undefined;
      const core = await app.loadCore();
      const files = await core.pipeline.writeReportFiles(report, dir, core.pipeline.reportBaseName(report.window));
      app.log.info(`exported: ${files.join(', ')}`);
      const open = vscode.l10n.t('Open Markdown');
      void vscode.window.showInformationMessage(vscode.l10n.t('Exported {0} files to {1}', files.length, dir), open).then(async (choice) => {
        const md = files.find((f: string) => f.endsWith('.md'));
        if (choice === open && md) await vscode.window.showTextDocument(vscode.Uri.file(md));
      });
      return files;
    },

    'kvmarm.filterThreads': async () => {
      const kinds: (vscode.QuickPickItem & { filterKind: FilterKind })[] = [
        { label: vscode.l10n.t('Text'), description: vscode.l10n.t('subject or summary contains'), filterKind: 'text' },
        { label: vscode.l10n.t('Author'), description: vscode.l10n.t('a message from this name or address'), filterKind: 'author' },
        { label: vscode.l10n.t('File path'), description: vscode.l10n.t('a patch touches this path'), filterKind: 'path' },
      ];
      const kind = await vscode.window.showQuickPick(kinds, { title: vscode.l10n.t('Filter Threads') });
      if (!kind) return;
      const value = await vscode.window.showInputBox({
        title: vscode.l10n.t('Filter Threads'),
        prompt: kind.description,
        value: store.filter?.kind === kind.filterKind ? store.filter.value : '',
      });
      if (value === undefined) return;
      store.setFilter({ kind: kind.filterKind, value });
    },

    'kvmarm.clearFilter': () => store.setFilter(null),

    'kvmarm.openMessage': async (arg) => {
      const id = messageIdOf(arg);
      const found = id ? store.message(id) : undefined;
      if (!found) return undefined;
      return openMessageDocument(found.mail);
    },

    'kvmarm.revealInReport': (arg) => {
      const entry = needThread(arg);
      if (entry) app.panel.revealThread(entry.thread.id);
    },

    'kvmarm.summarizeThread': async (arg) => {
      const entry = needThread(arg);
      const report = store.report;
      if (!entry || !report) return undefined;
      const core = await app.loadCore();
      const summarizer = await createSummarizer(app, core, readConfig());
      const controller = new AbortController();
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Summarizing: {0}', entry.thread.subject.title), cancellable: true },
        (_progress, token) => {
          token.onCancellationRequested(() => controller.abort());
          return summarizer.summarize(
            [{ thread: entry.thread, category: entry.category, series: entry.series, window: report.window }],
            { signal: controller.signal, logger: app.log },
          );
        },
      );
      const summary = result.summaries[0];
      if (summary) store.updateSummary(entry.thread.id, summary);
      app.log.info(`summarized ${entry.thread.id} with ${summarizer.name}${summary?.fallbackReason ? ` (fallback: ${summary.fallbackReason})` : ''}`);
      return summary;
    },

    'kvmarm.openInBrowser': async (arg) => {
      const report = store.report;
      if (!report) return false;
      const url =
        typeof arg === 'object' && arg.kind === 'message'
          ? messageUrl(report.list, arg.message.mail.messageId)
          : (() => {
              const entry = threadOf(arg);
              return entry ? threadUrl(report.list, entry.thread.id) : undefined;
            })();
      if (!url) return false;
      return vscode.env.openExternal(vscode.Uri.parse(url, true));
    },

    'kvmarm.copyB4Command': async (arg) => {
      const entry = needThread(arg);
      if (!entry) return undefined;
      const text = b4Command(entry.series?.coverMessageId ?? entry.thread.id);
      await vscode.env.clipboard.writeText(text);
      vscode.window.setStatusBarMessage(vscode.l10n.t('Copied: {0}', text), 3000);
      return text;
    },

    'kvmarm.copyMessageId': async (arg) => {
      const id = messageIdOf(arg);
      if (!id) return undefined;
      const text = `<${id}>`;
      await vscode.env.clipboard.writeText(text);
      vscode.window.setStatusBarMessage(vscode.l10n.t('Copied: {0}', text), 3000);
      return text;
    },

    'kvmarm.compareWithPrevious': async (arg) => {
      const entry = needThread(arg);
      if (!entry) return undefined;
      const controller = new AbortController();
      const text = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Comparing with the previous version…'), cancellable: true },
        (_progress, token) => {
          token.onCancellationRequested(() => controller.abort());
          return compareWithPrevious(app, entry, controller.signal);
        },
      );
      if (text === null) return undefined;
      const uri = compareDocuments.put(`${entry.thread.subject.title} (interdiff)`, text);
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc, { preview: true });
      return text;
    },

    'kvmarm.applySeries': async (arg) => {
      const entry = needThread(arg);
      if (!entry) return undefined;
      const mails = seriesPatchMails(entry);
      if (mails.length === 0) {
        void vscode.window.showInformationMessage(vscode.l10n.t('This thread carries no patches to apply.'));
        return undefined;
      }
      const folders = vscode.workspace.workspaceFolders ?? [];
      let folder: vscode.WorkspaceFolder | undefined = folders[0];
      if (folders.length > 1) {
        folder = await vscode.window.showWorkspaceFolderPick({ placeHolder: vscode.l10n.t('Apply the series to which repository?') });
      }
      const repo = folder ? await gitTopLevel(folder.uri.fsPath) : null;
      if (!repo) {
        void vscode.window.showErrorMessage(vscode.l10n.t('Open a git repository (a kernel tree) as the workspace to apply a series.'));
        return undefined;
      }
      if (await amInProgress(repo)) {
        void vscode.window.showErrorMessage(vscode.l10n.t('A `git am` session is already in progress in {0}. Resolve or abort it first.', repo));
        return undefined;
      }
      const apply = vscode.l10n.t('Apply');
      const confirm = await vscode.window.showWarningMessage(
        vscode.l10n.t('Apply {0} patches with `git am -3` to {1}?', mails.length, repo),
        { modal: true, detail: mails.map((m) => m.subject.full).join('\n') },
        apply,
      );
      if (confirm !== apply) return undefined;
      const outcome = await applyMbox(repo, seriesMbox(mails), mails.length);
      app.log.info(`git am -3 in ${repo}: ${outcome.ok ? 'applied' : 'failed'}\n${outcome.output}`);
      if (outcome.ok) {
        void vscode.window.showInformationMessage(vscode.l10n.t('Applied {0} patches to {1}.', outcome.applied, repo));
        return outcome;
      }
      const abort = vscode.l10n.t('Abort (git am --abort)');
      const keep = vscode.l10n.t('Resolve by Hand');
      const firstLines = outcome.output.split('\n').slice(0, 3).join(' ');
      const choice = await vscode.window.showErrorMessage(
        outcome.stopped
          ? vscode.l10n.t('git am -3 stopped on a conflict: {0}', firstLines)
          : vscode.l10n.t('git am -3 failed: {0}', firstLines),
        ...(outcome.stopped ? [abort, keep] : []),
      );
      if (choice === abort) {
        const r = await abortAm(repo);
        app.log.info(`git am --abort: exit ${r.code}`);
      }
      return outcome;
    },
  };
}
