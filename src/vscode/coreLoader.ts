// Loads the core on first use, not at activation: activation must stay cheap, and the core pulls in
// mailparser, markdown-it and the openai SDK. esbuild turns these dynamic imports into lazily
// initialised modules inside the bundle, so nothing runs until a command needs it.
export interface Core {
  pipeline: typeof import('../core/pipeline.js');
  openSource: typeof import('../core/sources/openSource.js').openSource;
  week: typeof import('../core/week.js');
  offline: typeof import('../core/summarize/offline.js');
  openai: typeof import('../core/summarize/openai.js');
  markdown: typeof import('../core/report/markdown.js');
  html: typeof import('../core/report/html.js');
  json: typeof import('../core/report/json.js');
}

export type CoreLoader = () => Promise<Core>;

/** One memoised loader per extension instance (not a module-level singleton). */
export function createCoreLoader(): CoreLoader {
  let loading: Promise<Core> | null = null;
  return () => {
    loading ??= (async () => {
      const [pipeline, sources, week, offline, openai, markdown, html, json] = await Promise.all([
        import('../core/pipeline.js'),
        import('../core/sources/openSource.js'),
        import('../core/week.js'),
        import('../core/summarize/offline.js'),
        import('../core/summarize/openai.js'),
        import('../core/report/markdown.js'),
        import('../core/report/html.js'),
        import('../core/report/json.js'),
      ]);
      return { pipeline, openSource: sources.openSource, week, offline, openai, markdown, html, json };
    })();
    loading.catch(() => {
      loading = null;
    });
    return loading;
  };
}
