// Test-only helper extension (never shipped). When KVMARM_TEST_RESULTS names a file, it runs the
// extension-host suite against the installed product extension on start-up and writes the results
// there as JSON; without the variable it does nothing. This is how the suite runs inside
// code-server, where @vscode/test-electron cannot download a VS Code.
import { writeFile, rename } from 'node:fs/promises';
import type * as vscode from 'vscode';
import { Registry } from '../suite/harness.js';
import { defineExtensionSuite } from '../suite/extension.suite.js';

export function activate(_context: vscode.ExtensionContext): void {
  const out = process.env.KVMARM_TEST_RESULTS;
  if (!out) return;
  const registry = new Registry();
  defineExtensionSuite(registry, { week: process.env.KVMARM_TEST_WEEK || '2022-W45' });
  void registry
    .run()
    .then(async (result) => {
      await writeFile(`${out}.tmp`, JSON.stringify(result, null, 2));
      await rename(`${out}.tmp`, out);
    })
    .catch(async (err: unknown) => {
      await writeFile(out, JSON.stringify({ passed: 0, failed: 1, results: [{ suite: 'helper', name: 'run', ok: false, ms: 0, error: String(err) }], figures: {} }));
    });
}

export function deactivate(): void {
  // Nothing to release.
}
