// Entry for @vscode/test-electron (extensionTestsPath): runs the same suite as the code-server
// helper and fails the run when a case fails. Used where VS Code can be downloaded.
import { Registry } from './harness.js';
import { defineExtensionSuite } from './extension.suite.js';

export async function run(): Promise<void> {
  const registry = new Registry();
  defineExtensionSuite(registry, { week: process.env.KVMARM_TEST_WEEK || '2022-W45' });
  const result = await registry.run((r) => console.log(`${r.ok ? 'ok' : 'not ok'} - ${r.suite} › ${r.name}${r.error ? `\n  ${r.error}` : ''}`));
  for (const [name, value] of Object.entries(result.figures)) console.log(`figure ${name} = ${value}`);
  console.log(`${result.passed} passed, ${result.failed} failed`);
  if (result.failed > 0) throw new Error(`${result.failed} extension-host tests failed`);
}
