// A cache writer that runs until it is killed: the kill test starts it as a child process, waits
// for "ready", SIGKILLs it at a random moment and then reads the cache back. Every value is a pure
// function of its key (expected*), so the reader knows exactly what a hit must hold.
//   node --import tsx test/hostile/cacheWriter.ts parse|summary|header DIR [GITDIR]

import { createHash, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { openParseCache } from '../../src/core/parseBatchCache.js';
import { createSummaryCache, type CachedSummary } from '../../src/core/summarize/summaryCache.js';
import { indexFilePath, openHeaderIndex } from '../../src/core/sources/headerIndex.js';

export const PARSE_KEYS = 600;
export const SUMMARY_KEYS = 300;
export const PARSER_VERSION = 1;

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function parseKey(i: number): string {
  return `${digest(`parse-${i}`).slice(0, 40)}:`;
}

/** The JSON a parse-cache hit for `key` must hold (sizes vary so writes take a while). */
export function expectedParse(key: string): string {
  const h = digest(key);
  const pad = 'p'.repeat(500 + (parseInt(h.slice(0, 4), 16) % 40_000));
  return JSON.stringify({ ok: true, key, pad, check: h });
}

export function summaryKey(i: number): string {
  return digest(`summary-${i}`);
}

export function expectedSummary(key: string): CachedSummary {
  const h = digest(key);
  return {
    text: `摘要 ${h} ` + '字'.repeat(200 + (parseInt(h.slice(0, 4), 16) % 20_000)),
    model: 'kill-test-model',
    promptVersion: 'p1',
    promptTokens: parseInt(h.slice(4, 8), 16),
    completionTokens: parseInt(h.slice(8, 12), 16),
    createdAt: '2022-11-14T00:00:00.000Z',
  };
}

async function writeParse(dir: string): Promise<never> {
  const cache = openParseCache(dir, PARSER_VERSION);
  for (let round = 0; ; round++) {
    const w = cache.writer();
    for (let j = 0; j < 40; j++) {
      const key = parseKey((round * 40 + j) % PARSE_KEYS);
      w.add(key, expectedParse(key));
    }
    w.finish();
    if (round % 3 === 2) await cache.tidy();
    if (round === 0) process.stdout.write('ready\n');
  }
}

async function writeSummary(dir: string): Promise<never> {
  const cache = createSummaryCache(dir);
  for (let i = 0; ; i++) {
    const key = summaryKey(i % SUMMARY_KEYS);
    await cache.set(key, expectedSummary(key));
    if (i === 0) process.stdout.write('ready\n');
  }
}

async function writeHeader(dir: string, gitDir: string): Promise<never> {
  const epochs = [{ epoch: 0, gitDir }];
  for (let i = 0; ; i++) {
    await openHeaderIndex({ epochs, cacheDir: dir });
    if (i === 0) process.stdout.write('ready\n');
    // Damage the stored index (garbage, or the valid file cut short) so the next open must see
    // it is unusable, rebuild, and store the index again over it.
    const file = indexFilePath(dir, epochs);
    const whole = await readFile(file);
    await writeFile(file, i % 2 === 0 ? randomBytes(4096) : whole.subarray(0, whole.length >> 1));
  }
}

if (require.main === module) {
  const [mode, dir, gitDir] = process.argv.slice(2);
  const run = mode === 'parse' ? writeParse(dir) : mode === 'summary' ? writeSummary(dir) : mode === 'header' ? writeHeader(dir, gitDir) : null;
  if (!run) {
    process.stderr.write('usage: cacheWriter.ts parse|summary|header DIR [GITDIR]\n');
    process.exit(2);
  }
  run.catch((err: unknown) => {
    process.stderr.write(`writer failed: ${(err as Error).stack}\n`);
    process.exit(1);
  });
}
