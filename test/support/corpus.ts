// The real kvmarm corpus, read in place from ../shared/corpus (never copied into the repository).
// Tests that need it skip when it is absent; a mirror clone is made once per machine and reused.

import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cloneBundle } from '../../src/core/sources/gitMirror.js';

/** The repository's root (this file is test/support/corpus.ts). */
export const REPO_ROOT = path.resolve(path.dirname(__filename), '..', '..');

/** The corpus bundle's path, or null when this checkout has no ../shared/corpus next to it. */
export function corpusBundle(): string | null {
  const file = path.resolve(REPO_ROOT, '..', 'shared', 'corpus', 'kvmarm-2019-2023.bundle');
  return existsSync(file) ? file : null;
}

/** Why corpus tests are skipped, or false when the corpus is there (for `test(name, { skip })`). */
export function corpusSkip(): string | false {
  return corpusBundle() ? false : 'the corpus ../shared/corpus/kvmarm-2019-2023.bundle is not present';
}

/** A shared work directory for corpus-derived data (mirror clone, header index), kept between runs. */
export function corpusWorkDir(): string {
  return process.env.KVMARM_TEST_CACHE ?? path.join(os.tmpdir(), 'kvmarm-weekly-test-cache');
}

/** A bare mirror of the corpus (cloned once, then reused): the git source reads it like lore's mirror. */
export async function corpusMirror(): Promise<string> {
  const bundle = corpusBundle();
  if (!bundle) throw new Error('corpus bundle not found');
  return cloneBundle(bundle, corpusWorkDir());
}
