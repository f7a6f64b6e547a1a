// "Generate KVMARM report": settings -> window -> source -> core pipeline -> store -> views.
// Long work runs under a cancellable progress notification; the core gets an AbortSignal.
import * as vscode from 'vscode';
import type { Report, Summary, Window } from '../core/types.js';
import type { AppContext } from './appContext.js';
import { readConfig } from './config.js';
import type { Core } from './coreLoader.js';
import { saveLastReport } from './lastReport.js';
import { createSummarizer } from './summarizerFactory.js';

export interface GenerateRequest {
  /** "2022-W45"; default: the kvmarm.week setting, else the current ISO week. */
  week?: string;
  /** Open (or refresh) the report panel when done. Default true. */
  openReport?: boolean;
}

export interface GenerateTimings {
  totalMs: number;
  messages: number;
  threads: number;
}

function isAbort(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || /aborted|cancel/i.test(err.message));
}

/** The window to report on, or an Error the user should see. */
export function resolveWindow(core: Core, week: string | undefined, timeZone: string): Window {
  const tz = timeZone || core.week.systemTimeZone();
  const chosen = week || core.week.currentIsoWeek(new Date(), tz);
  return core.week.isoWeekWindow(chosen, tz);
}

/** One generation at a time per extension instance. */
export class Generator {
  private running: AbortController | null = null;
  lastTimings: GenerateTimings | null = null;

  constructor(private readonly app: AppContext) {}

  get isRunning(): boolean {
    return this.running !== null;
  }

  cancel(): void {
    this.running?.abort();
  }

  async run(request: GenerateRequest = {}): Promise<Report | undefined> {
    const { app } = this;
    if (this.running) {
      void vscode.window.showInformationMessage(vscode.l10n.t('A KVMARM report is already being generated.'));
      return undefined;
    }
    const started = performance.now();
    const controller = new AbortController();
    this.running = controller;
    // A draft replaces the shown report early; a cancelled or failed run puts the old one back.
    const previous = app.store.report;
    let draftShown = false;
    app.store.setBusy(true);
    try {
      const config = readConfig();
      const core = await app.loadCore();
      let window: Window;
      try {
        window = resolveWindow(core, request.week ?? config.week, config.timeZone);
      } catch (err) {
        void vscode.window.showErrorMessage(vscode.l10n.t('Invalid week or time zone: {0}', errorText(err)));
        return undefined;
      }
      const spec = config.source || config.listUrl;
      const source = core.openSource(spec, { cacheDir: app.cacheDir, listUrl: config.listUrl });
      const summarizer = await createSummarizer(app, core, config);
      app.log.info(`generate: ${window.isoWeek ?? `${window.since}..${window.until}`} tz=${window.tz} source=${source.description} summarizer=${summarizer.name}`);

      const phaseTimes: string[] = [];
      const report = await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: vscode.l10n.t('KVMARM {0}', window.isoWeek ?? ''),
          cancellable: true,
        },
        async (progress, token) => {
          token.onCancellationRequested(() => controller.abort());
          let lastPhase = '';
          let phaseStarted = performance.now();
          return core.pipeline.generateReport({
            source,
            window,
            summarizer,
            cacheDir: app.cacheDir,
            signal: controller.signal,
            logger: app.log,
            // The extension host is shared by every extension: no message may hang it.
            isolateParsing: true,
            // The tree and the report show the threads as soon as they are known; summaries
            // (an LLM's take seconds each) stream in as they arrive.
            onDraft: (draft: Report) => {
              draftShown = true;
              app.store.set(draft);
            },
            onSummary: (threadId: string, summary: Summary) => app.store.updateSummary(threadId, summary),
            progress: (phase: string, done?: number, total?: number) => {
              const counts = done !== undefined && total !== undefined ? ` ${done}/${total}` : '';
              if (phase !== lastPhase) {
                const now = performance.now();
                if (lastPhase) phaseTimes.push(`${lastPhase} ${(now - phaseStarted).toFixed(0)} ms`);
                phaseStarted = now;
                lastPhase = phase;
              }
              progress.report({ message: `${phase}${counts}` });
            },
          });
        },
      );
      const storeStarted = performance.now();
      app.store.set(report);
      phaseTimes.push(`store+tree events ${(performance.now() - storeStarted).toFixed(0)} ms`);
      const totalMs = performance.now() - started;
      app.log.info(`phases: ${phaseTimes.join(', ')}`);
      this.lastTimings = { totalMs, messages: report.stats.totalMessages, threads: report.stats.threads };
      app.log.info(
        `generate: done in ${totalMs.toFixed(0)} ms: ${report.stats.threads} threads, ${report.stats.totalMessages} messages (${report.stats.inWindowMessages} in window), ${report.unparsed.length} unparsed`,
      );
      if (report.usage) {
        const u = report.usage;
        app.log.info(`summaries: ${u.calls} calls, ${u.cachedThreads} cached, ${u.promptTokens}+${u.completionTokens} tokens${u.estimatedCostUsd !== null ? `, ~$${u.estimatedCostUsd.toFixed(4)}` : ''}`);
      }
      if (request.openReport !== false) app.panel.show(vscode.ViewColumn.Active, true);
      saveLastReport(app.storageDir, report).catch((err: unknown) => app.log.warn(`could not save the last report: ${errorText(err)}`));
      return report;
    } catch (err) {
      if (draftShown) {
        if (previous) app.store.set(previous);
        else app.store.clear();
      }
      if (isAbort(err) || controller.signal.aborted) {
        app.log.info('generate: cancelled');
        void vscode.window.showInformationMessage(vscode.l10n.t('KVMARM report generation cancelled.'));
        return undefined;
      }
      app.log.error(`generate failed: ${errorText(err)}`);
      const showLog = vscode.l10n.t('Show Log');
      void vscode.window
        .showErrorMessage(vscode.l10n.t('Could not generate the KVMARM report: {0}', errorText(err)), showLog)
        .then((choice) => (choice === showLog ? app.log.channel.show() : undefined));
      return undefined;
    } finally {
      this.running = null;
      app.store.setBusy(false);
    }
  }
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
