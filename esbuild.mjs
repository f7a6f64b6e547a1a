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

await Promise.all([
  build({ ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js' }),
  build({ ...common, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
  // Parse workers load this file next to the bundle that starts them (see parseWorkerScript).
  build({ ...common, entryPoints: ['src/core/parseBatchWorker.ts'], outfile: 'dist/parseBatchWorker.js' }),
]);
