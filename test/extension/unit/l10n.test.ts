// Every UI string has its Chinese translation, and the manifest's %keys% exist in both nls files.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../../..');
const read = (p: string): string => readFileSync(join(root, p), 'utf8');

function sourceStrings(): Set<string> {
  const files = ['src/extension.ts', ...readdirSync(join(root, 'src/vscode')).map((f) => `src/vscode/${f}`)];
  const found = new Set<string>();
  for (const f of files) {
    for (const m of read(f).matchAll(/l10n\.t\(\s*'((?:[^'\\]|\\.)*)'/g)) found.add(m[1]!.replace(/\\'/g, "'"));
  }
  return found;
}

test('every vscode.l10n.t string has a zh-cn translation', () => {
  const bundle = JSON.parse(read('l10n/bundle.l10n.zh-cn.json')) as Record<string, string>;
  const strings = sourceStrings();
  assert.ok(strings.size > 40, `found ${strings.size} strings`);
  const missing = [...strings].filter((s) => !(s in bundle));
  assert.deepEqual(missing, []);
  for (const [en, zh] of Object.entries(bundle)) {
    const placeholders = (s: string): string[] => (s.match(/\{\d+\}/g) ?? []).sort();
    assert.deepEqual(placeholders(zh), placeholders(en), `placeholders of "${en}"`);
  }
});

test('manifest %keys% resolve in package.nls.json and package.nls.zh-cn.json', () => {
  const manifest = read('package.json');
  const keys = new Set([...manifest.matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]!));
  assert.ok(keys.size > 20);
  const en = JSON.parse(read('package.nls.json')) as Record<string, string>;
  const zh = JSON.parse(read('package.nls.zh-cn.json')) as Record<string, string>;
  for (const k of keys) {
    assert.ok(k in en, `package.nls.json has ${k}`);
    assert.ok(k in zh, `package.nls.zh-cn.json has ${k}`);
  }
  assert.equal(en['command.generateReport'], 'Generate KVMARM report');
  assert.deepEqual(Object.keys(zh).sort(), Object.keys(en).sort());
});
