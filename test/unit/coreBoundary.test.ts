import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

// The core is shared by the CLI and the extension: it must run where no 'vscode' module exists.
const CORE = path.join(__dirname, '..', '..', 'src', 'core');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? sources(file) : name.endsWith('.ts') ? [file] : [];
  });
}

test('no file under src/core imports vscode or anything from src/vscode', () => {
  const files = sources(CORE);
  assert.ok(files.length > 30, `found the core's files (${files.length})`);
  const offenders = files.filter((file) => {
    const text = readFileSync(file, 'utf8');
    return /(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"](?:vscode|[./]+(?:\.\.\/)*vscode\/[^'"]*)['"]/.test(text);
  });
  assert.deepEqual(offenders.map((f) => path.relative(CORE, f)), []);
});
