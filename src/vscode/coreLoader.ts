// Loads the core on first use, not at activation: activation must stay cheap, and the core pulls in
// mailparser, markdown-it and the openai SDK. The dynamic import keeps it out of activation either
// way; when esbuild emits coreBundle as dist/core.js, activation does not even parse it.
import type { Core } from './coreBundle.js';

export type { Core };
export type CoreLoader = () => Promise<Core>;

/** One memoised loader per extension instance (not a module-level singleton). */
export function createCoreLoader(): CoreLoader {
  let loading: Promise<Core> | null = null;
  return () => {
    loading ??= import('./coreBundle.js').then((m) => m.coreModules());
    loading.catch(() => {
      loading = null;
    });
    return loading;
  };
}
