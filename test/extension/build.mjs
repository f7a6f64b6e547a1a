// Builds the test-only artefacts: the helper extension (bundled, packaged as a .vsix) and the
// @vscode/test-electron entry (test/extension/dist/suite.js). Usage: node test/extension/build.mjs OUT_DIR
import { build } from 'esbuild';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const outDir = resolve(process.argv[2] ?? join(root, 'test-results'));
mkdirSync(outDir, { recursive: true });
const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'], logLevel: 'warning', sourcemap: 'inline' };

await build({ ...common, entryPoints: [join(here, 'suite/index.ts')], outfile: join(here, 'dist/suite.js') });

// Package the helper from a scratch copy so vsce never sees the repository's own manifest.
const stage = mkdtempSync(join(tmpdir(), 'kvmarm-helper-'));
cpSync(join(here, 'helper/package.json'), join(stage, 'package.json'));
writeFileSync(join(stage, 'LICENSE'), 'MIT\n');
writeFileSync(join(stage, 'README.md'), '# kvmarm-weekly test helper\n\nRuns the extension-host suite inside code-server. Never published.\n');
await build({ ...common, entryPoints: [join(here, 'helper/main.ts')], outfile: join(stage, 'dist/helper.js') });
const vsix = join(outDir, 'kvmarm-weekly-test-helper.vsix');
execFileSync(join(root, 'node_modules/.bin/vsce'), ['package', '--no-dependencies', '--allow-missing-repository', '-o', vsix], { cwd: stage, stdio: ['ignore', 'ignore', 'inherit'] });
rmSync(stage, { recursive: true, force: true });
console.log(vsix);
