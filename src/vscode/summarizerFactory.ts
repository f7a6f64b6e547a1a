// Picks the summariser the settings ask for. The OpenAI-compatible one needs a key from
// SecretStorage; without one the user is told how to set it, and this run uses the offline digest.
import * as vscode from 'vscode';
import type { Summarizer } from '../core/types.js';
import type { AppContext } from './appContext.js';
import type { KvmarmConfig } from './config.js';
import type { Core } from './coreLoader.js';

export async function createSummarizer(app: AppContext, core: Core, config: KvmarmConfig): Promise<Summarizer> {
  const offline = core.offline.createOfflineSummarizer();
  if (config.summarizer !== 'openai') return offline;
  const apiKey = await app.apiKeys.get();
  if (!apiKey) {
    const setKey = vscode.l10n.t('Set OpenAI API Key');
    void vscode.window
      .showWarningMessage(vscode.l10n.t('kvmarm.summarizer is "openai" but no API key is set: using offline summaries for now.'), setKey)
      .then((choice) => (choice === setKey ? vscode.commands.executeCommand('kvmarm.setApiKey') : undefined));
    app.log.warn('summarizer: openai selected but no API key in SecretStorage; offline digest used');
    return offline;
  }
  app.log.info(`summarizer: openai model=${config.openai.model} baseUrl=${config.openai.baseUrl || '(default)'} concurrency=${config.openai.concurrency}`);
  return core.openai.createOpenAiSummarizer({
    apiKey,
    baseURL: config.openai.baseUrl || undefined,
    model: config.openai.model,
    concurrency: config.openai.concurrency,
    cacheDir: app.cacheDir,
    fallback: offline,
    logger: app.log,
  });
}
