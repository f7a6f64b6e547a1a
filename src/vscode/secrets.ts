// The OpenAI-compatible API key lives only in SecretStorage: never in settings, logs or reports.
import type * as vscode from 'vscode';

const KEY = 'kvmarm.openai.apiKey';

export interface ApiKeyStore {
  get(): Promise<string | undefined>;
  set(value: string): Promise<void>;
  clear(): Promise<void>;
}

export function createApiKeyStore(secrets: vscode.SecretStorage): ApiKeyStore {
  return {
    get: async () => (await secrets.get(KEY)) || undefined,
    set: (value) => Promise.resolve(secrets.store(KEY, value)),
    clear: () => Promise.resolve(secrets.delete(KEY)),
  };
}
