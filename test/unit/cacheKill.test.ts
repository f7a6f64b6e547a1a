// The caches never lie: a writer process is SIGKILLed at random moments (many times, each cache:
// parsed-mail packs, LLM summaries, the git header index) and everything is read back after each
// kill: every hit holds exactly what was written for its key, a damaged entry is a miss, and no
// read throws. Then entries are damaged on purpose (truncated, garbage, flipped bytes).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openParseCache } from '../../src/core/parseBatchCache.js';
import { createSummaryCache } from '../../src/core/summarize/summaryCache.js';
import { indexFilePath, openHeaderIndex, type HeaderIndex } from '../../src/core/sources/headerIndex.js';
import { expectedParse, expectedSummary, parseKey, PARSE_KEYS, PARSER_VERSION, summaryKey, SUMMARY_KEYS } from '../hostile/cacheWriter.js';

const ITERATIONS = Number(process.env.KVMARM_KILL_ITERATIONS ?? 12);
const WRITER = path.resolve(__dirname, '../hostile/cacheWriter.ts');

interface Tally {
  iterations: number;
  hits: number;
  misses: number;
  corrupt: string[];
}

/** Starts the writer, waits for it to be writing, kills it after a random delay. */
async function killWriter(args: string[], maxDelayMs: number): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`writer never got ready: ${stderr}`)), 30_000);
    child.stdout.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`writer exited (${code}) before being killed: ${stderr}`));
    });
  });
  await new Promise((r) => setTimeout(r, Math.floor(Math.random() * maxDelayMs)));
  child.kill('SIGKILL');
  await exited;
}

function report(name: string, t: Tally): void {
  console.log(`# cache kill ${name}: ${t.iterations} kills, ${t.hits} hits, ${t.misses} misses, ${t.corrupt.length} corrupt reads`);
}

async function readParse(dir: string, t: Tally): Promise<void> {
  const cache = openParseCache(dir, PARSER_VERSION);
  const keys = Array.from({ length: PARSE_KEYS }, (_, i) => parseKey(i));
  const seen = new Set<string>();
  try {
    await cache.lookup(keys, (key, json) => {
      seen.add(key);
      if (json === expectedParse(key)) t.hits++;
      else t.corrupt.push(`parse ${key}: wrong content (${json.length} chars)`);
    });
  } catch (err) {
    t.corrupt.push(`parse lookup threw: ${(err as Error).message}`);
  }
  t.misses += keys.length - seen.size;
}

async function readSummary(dir: string, t: Tally): Promise<void> {
  const cache = createSummaryCache(dir);
  for (let i = 0; i < SUMMARY_KEYS; i++) {
    const key = summaryKey(i);
    try {
      const got = await cache.get(key);
      if (got === null) t.misses++;
      else if (JSON.stringify(got) === JSON.stringify(expectedSummary(key))) t.hits++;
      else t.corrupt.push(`summary ${key}: wrong content`);
    } catch (err) {
      t.corrupt.push(`summary get threw: ${(err as Error).message}`);
    }
  }
}

function indexFingerprint(index: HeaderIndex): string {
  return JSON.stringify([...index.entries()]);
}

function makeMirror(gitDir: string, count: number): void {
  assert.equal(spawnSync('git', ['init', '--quiet', '--bare', gitDir]).status, 0);
  let stream = '';
  for (let i = 0; i < count; i++) {
    const body = `From: Dev <dev${i % 7}@example.org>\nSubject: [PATCH ${i}] kill test\nDate: Tue, 8 Nov 2022 10:00:00 +0000\nMessage-ID: <kill-${i}@example.org>\n${i > 0 ? `In-Reply-To: <kill-${i - 1}@example.org>\n` : ''}\nbody ${i}\n`;
    stream += `commit refs/heads/master\ncommitter List <list@example.org> ${1667901600 + i} +0000\ndata 0\n`;
    stream += `deleteall\nM 100644 inline m\ndata ${Buffer.byteLength(body)}\n${body}\n`;
  }
  const r = spawnSync('git', ['--git-dir=' + gitDir, 'fast-import', '--quiet', '--force'], { input: stream });
  assert.equal(r.status, 0, r.stderr.toString());
}

test('parsed-mail pack cache: SIGKILLed writers leave only whole entries', { timeout: 180_000 }, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kvmarm-kill-parse-'));
  const t: Tally = { iterations: 0, hits: 0, misses: 0, corrupt: [] };
  try {
    for (let i = 0; i < ITERATIONS; i++) {
      await killWriter(['parse', dir], 400);
      t.iterations++;
      await readParse(dir, t);
    }
  } finally {
    report('parse', t);
    rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(t.corrupt, []);
  assert.ok(t.hits > 0, 'the writer got entries in before being killed');
});

test('summary cache: SIGKILLed writers leave only whole entries', { timeout: 180_000 }, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kvmarm-kill-summary-'));
  const t: Tally = { iterations: 0, hits: 0, misses: 0, corrupt: [] };
  try {
    for (let i = 0; i < ITERATIONS; i++) {
      await killWriter(['summary', dir], 400);
      t.iterations++;
      await readSummary(dir, t);
    }
  } finally {
    report('summary', t);
    rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(t.corrupt, []);
  assert.ok(t.hits > 0);
});

test('git header index: SIGKILLed writers never make a wrong index', { timeout: 180_000 }, async () => {
  const work = mkdtempSync(path.join(tmpdir(), 'kvmarm-kill-header-'));
  const t: Tally = { iterations: 0, hits: 0, misses: 0, corrupt: [] };
  try {
    const gitDir = path.join(work, 'git', '0.git');
    makeMirror(gitDir, 3000);
    const epochs = [{ epoch: 0, gitDir }];
    const truth = indexFingerprint(await openHeaderIndex({ epochs }));
    const dir = path.join(work, 'cache');
    for (let i = 0; i < ITERATIONS; i++) {
      await killWriter(['header', dir, gitDir], 600);
      t.iterations++;
      const file = indexFilePath(dir, epochs);
      let stored = false;
      try {
        stored = statSync(file).isFile();
      } catch {
        stored = false;
      }
      try {
        const got = indexFingerprint(await openHeaderIndex({ epochs, cacheDir: dir }));
        if (got !== truth) t.corrupt.push(`header index differs after kill ${i}`);
        else if (stored) t.hits++;
        else t.misses++;
      } catch (err) {
        t.corrupt.push(`header index open threw: ${(err as Error).message}`);
      }
    }
  } finally {
    report('header', t);
    rmSync(work, { recursive: true, force: true });
  }
  assert.deepEqual(t.corrupt, []);
});

/** Every file under dir. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const n of readdirSync(dir)) {
    const full = path.join(dir, n);
    if (statSync(full).isDirectory()) out.push(...filesUnder(full));
    else out.push(full);
  }
  return out;
}

test('damaged entries (truncated, garbage, flipped bytes) are misses, never errors or wrong answers', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kvmarm-damage-'));
  try {
    // Summary entries.
    const sdir = path.join(dir, 'summaries');
    const summaries = createSummaryCache(sdir);
    const keys = Array.from({ length: 8 }, (_, i) => summaryKey(i));
    for (const k of keys) await summaries.set(k, { ...expectedSummary(k), text: `short ${k.slice(0, 6)}` });
    const sfiles = filesUnder(sdir);
    assert.equal(sfiles.length, keys.length);
    const original = sfiles.map((f) => readFileSync(f));
    let wrong = 0;
    let checked = 0;
    for (let f = 0; f < sfiles.length; f++) {
      const bytes = original[f];
      const damages: Buffer[] = [Buffer.alloc(0), bytes.subarray(0, bytes.length >> 1), Buffer.from('{"garbage": true'), Buffer.from('\u0000'.repeat(64))];
      for (let at = 0; at < bytes.length; at += 3) {
        const flipped = Buffer.from(bytes);
        flipped[at] ^= 0x04;
        damages.push(flipped);
      }
      const key = keys.find((k) => sfiles[f].includes(k))!;
      const expected = JSON.stringify({ ...expectedSummary(key), text: `short ${key.slice(0, 6)}` });
      for (const d of damages) {
        writeFileSync(sfiles[f], d);
        const got = await summaries.get(key);
        checked++;
        if (got !== null && JSON.stringify(got) !== expected) wrong++;
      }
      writeFileSync(sfiles[f], bytes);
    }

    // Parse packs: cut or scribble the pack file at many places.
    const pdir = path.join(dir, 'parse');
    const packs = openParseCache(pdir, PARSER_VERSION);
    const w = packs.writer();
    const pkeys = Array.from({ length: 20 }, (_, i) => parseKey(i));
    for (const k of pkeys) w.add(k, expectedParse(k));
    const pack = w.finish()!;
    const packBytes = readFileSync(pack);
    let packWrong = 0;
    for (let n = 0; n < 60; n++) {
      const at = Math.floor((packBytes.length * n) / 60);
      if (n % 2 === 0) {
        writeFileSync(pack, packBytes);
        truncateSync(pack, at);
      } else {
        const flipped = Buffer.from(packBytes);
        flipped[at] ^= 0x20;
        writeFileSync(pack, flipped);
      }
      await packs.lookup(pkeys, (key, json) => {
        if (json !== expectedParse(key)) packWrong++;
      });
    }
    assert.deepEqual(
      { summaryWrong: wrong, packWrong },
      { summaryWrong: 0, packWrong: 0 },
      `wrong answers from damaged entries (${checked} summary damages, 60 pack damages)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
