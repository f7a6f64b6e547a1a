// Bundles the extension and the CLI into dist/ (CommonJS for Node; 'vscode' is provided by the host).
import { build } from 'esbuild';

const production = process.argv.includes('--production');
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  external: ['vscode'],
};

// The extension loads the core on first use (src/vscode/coreLoader.ts): emitting it as its own
// file keeps activation from even parsing it (activation ~60-100 ms -> ~20-30 ms measured in e2e).
const coreAsOwnFile = {
  name: 'core-as-own-file',
  setup(b) {
    b.onResolve({ filter: /\/coreBundle\.js$/ }, () => ({ path: './core.js', external: true }));
  },
};

await Promise.all([
  build({
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    // import('./core.js') becomes a require() the extension host can resolve next to the bundle.
    supported: { 'dynamic-import': false },
    plugins: [coreAsOwnFile],
  }),
  build({ ...common, entryPoints: ['src/vscode/coreBundle.ts'], outfile: 'dist/core.js' }),
  build({ ...common, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
  // Parse workers load this file next to the bundle that starts them (see parseWorkerScript).
  build({ ...common, entryPoints: ['src/core/parseBatchWorker.ts'], outfile: 'dist/parseBatchWorker.js' }),
]);
