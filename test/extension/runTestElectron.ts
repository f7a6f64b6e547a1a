// Runs the extension-host suite in a downloaded desktop VS Code (@vscode/test-electron), where
// downloading is possible (not on the offline CI machines: there the code-server helper runs it).
// Usage: node test/extension/build.mjs && node --import tsx test/extension/runTestElectron.ts [SOURCE]
// SOURCE (a git mirror, .bundle or mbox holding the week) defaults to ../shared/corpus's bundle.
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runTests } from '@vscode/test-electron';

async function main(): Promise<void> {
  const root = resolve(__dirname, '../..');
  const source = resolve(process.argv[2] ?? join(root, '../shared/corpus/kvmarm-2019-2023.bundle'));
  const workspace = await mkdtemp(join(tmpdir(), 'kvmarm-ws-'));
  await mkdir(join(workspace, '.vscode'));
  await writeFile(
    join(workspace, '.vscode/settings.json'),
    JSON.stringify({ 'kvmarm.source': source, 'kvmarm.week': '2022-W45', 'kvmarm.timeZone': 'Asia/Shanghai' }, null, 2),
  );
  await runTests({
    extensionDevelopmentPath: root,
    extensionTestsPath: join(root, 'test/extension/dist/suite.js'),
    launchArgs: [workspace, '--disable-extensions'],
    extensionTestsEnv: { KVMARM_TEST_WEEK: '2022-W45' },
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
