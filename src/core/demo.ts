// The embedded default the README's first command runs: week 2022-W45 of the real kvmarm corpus
// when the corpus bundle sits next to the repository, else a small mbox the project ships
// (written for this project, not copied from the list). Offline summaries: no key, no network.

import { existsSync } from 'node:fs';
import path from 'node:path';

export const DEMO_WEEK = '2022-W45';
/** The corpus bundle, relative to the repository root. */
export const DEMO_CORPUS = path.join('..', 'shared', 'corpus', 'kvmarm-2019-2023.bundle');
/** The shipped fallback, relative to the repository root. */
export const DEMO_FIXTURE = path.join('test', 'fixtures', 'report', 'demo.mbox');

export interface DemoSource {
  /** What to pass to openSource. */
  spec: string;
  kind: 'corpus' | 'fixture';
  week: string;
}

export function resolveDemoSource(repoRoot: string, exists: (p: string) => boolean = existsSync): DemoSource {
  const corpus = path.resolve(repoRoot, DEMO_CORPUS);
  if (exists(corpus)) return { spec: corpus, kind: 'corpus', week: DEMO_WEEK };
  const fixture = path.resolve(repoRoot, DEMO_FIXTURE);
  if (exists(fixture)) return { spec: fixture, kind: 'fixture', week: DEMO_WEEK };
  throw new Error(`no demo data: neither ${corpus} nor ${fixture} exists`);
}
