// Reads the kvmarm.* settings into one plain object (the only place that knows their names).
import * as vscode from 'vscode';

export type SummarizerKind = 'offline' | 'openai';

export interface KvmarmConfig {
  listUrl: string;
  /** Local git mirror / bundle / mbox path; "" means fetch from listUrl. */
  source: string;
  /** "" = the current ISO week, else "2022-W45". */
  week: string;
  /** "" = the system zone. */
  timeZone: string;
  summarizer: SummarizerKind;
  openai: { baseUrl: string; model: string; concurrency: number };
}

export const DEFAULT_LIST_URL = 'https://lore.kernel.org/kvmarm/';

export function readConfig(): KvmarmConfig {
  const c = vscode.workspace.getConfiguration('kvmarm');
  const concurrency = c.get<number>('openai.concurrency', 4);
  return {
    listUrl: withSlash(c.get<string>('listUrl', DEFAULT_LIST_URL).trim() || DEFAULT_LIST_URL),
    source: c.get<string>('source', '').trim(),
    week: c.get<string>('week', '').trim(),
    timeZone: c.get<string>('timeZone', '').trim(),
    summarizer: c.get<string>('summarizer', 'offline') === 'openai' ? 'openai' : 'offline',
    openai: {
      baseUrl: c.get<string>('openai.baseUrl', '').trim(),
      model: c.get<string>('openai.model', 'gpt-4o-mini').trim(),
      concurrency: Number.isInteger(concurrency) && concurrency > 0 ? Math.min(concurrency, 32) : 4,
    },
  };
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

/** Saves the chosen week where the user keeps it: the workspace if it overrides, else globally. */
export async function saveWeek(week: string): Promise<void> {
  const c = vscode.workspace.getConfiguration('kvmarm');
  const inspected = c.inspect<string>('week');
  const target =
    inspected?.workspaceFolderValue !== undefined || inspected?.workspaceValue !== undefined
      ? vscode.ConfigurationTarget.Workspace
      : vscode.ConfigurationTarget.Global;
  await c.update('week', week, target);
}
