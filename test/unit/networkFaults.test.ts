// Broken networks against test/support/faultServer.ts on 127.0.0.1: the lore source either gets
// every message or fails; it never returns a short week. Then the CLI on a broken download: exit 1,
// no report written, no cache entry stored, earlier reports left byte for byte.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { escapeMboxrd } from '../../src/core/mbox.js';
import { createLoreSource, retryAfterMs } from '../../src/core/sources/lore.js';
import { main } from '../../src/cli.js';
import type { Window } from '../../src/core/types.js';
import { startFaultServer, type FaultServer } from '../support/faultServer.js';

const WEEK: Window = { since: '2022-11-07T00:00:00.000Z', until: '2022-11-14T00:00:00.000Z', tz: 'UTC', isoWeek: '2022-W45' };

function message(i: number): Buffer {
  return Buffer.from(
    [
      `Received: from list by lists.linux.dev; Tue, 8 Nov 2022 ${String(i % 24).padStart(2, '0')}:00:00 +0000`,
      `From: Dev ${i} <dev${i}@example.org>`,
      `Subject: [PATCH ${i}/40] KVM: arm64: fault test ${i}`,
      `Date: Tue, 8 Nov 2022 ${String(i % 24).padStart(2, '0')}:00:00 +0000`,
      `Message-ID: <fault-${i}@example.org>`,
      i > 0 ? `In-Reply-To: <fault-0@example.org>` : 'X-Cover: yes',
      '',
      `Body of message ${i}.`,
      'From the start of a line',
      'x'.repeat(2000),
      '',
    ].join('\n'),
  );
}

const COUNT = 40;
const MBOX = Buffer.concat(Array.from({ length: COUNT }, (_, i) => escapeMboxrd(message(i))));

describe('lore source against the fault server', () => {
  let server: FaultServer;
  let survived = 0;
  before(async () => {
    server = await startFaultServer();
  });
  after(async () => {
    await server.close();
    console.log(`# network fault cases survived: ${survived}`);
  });
  const source = (extra: object = {}) => createLoreSource({ baseUrl: server.url, retries: 2, retryDelayMs: 10, timeoutMs: 500, ...extra });
  const survive = (): void => {
    survived++;
  };

  test('a whole answer gives every message', async () => {
    server.script([{ kind: 'ok', body: MBOX }]);
    assert.equal((await source().fetchWindow(WEEK, {})).length, COUNT);
  });

  test('200 with a gzip stream cut in half is an error, not a short week', async () => {
    server.script([{ kind: 'truncatedGzip', body: MBOX }]);
    await assert.rejects(source().fetchWindow(WEEK, {}), /truncated|corrupt|unexpected end/i);
    for (const fraction of [0.01, 0.3, 0.9, 0.999]) {
      server.script([{ kind: 'truncatedGzip', body: MBOX, fraction }]);
      await assert.rejects(source().fetchWindow(WEEK, {}), /truncated|corrupt|unexpected end/i, `cut at ${fraction}`);
    }
    survive();
  });

  test('a connection reset mid-stream is retried, then an error', async () => {
    server.script([{ kind: 'reset', body: MBOX }]);
    const before = server.requests.length;
    await assert.rejects(source().fetchWindow(WEEK, {}), /broke|reset|terminated|truncated|socket|other side closed/i);
    assert.equal(server.requests.length - before, 3, 'one attempt and two retries');
    // A reset followed by a good answer recovers the whole week.
    server.script([{ kind: 'reset', body: MBOX }, { kind: 'ok', body: MBOX }]);
    assert.equal((await source().fetchWindow(WEEK, {})).length, COUNT);
    survive();
  });

  test('a stall after the headers times out instead of hanging', async () => {
    server.script([{ kind: 'stall', body: MBOX, prefixBytes: 100 }]);
    const t0 = Date.now();
    await assert.rejects(source({ retries: 0, timeoutMs: 300 }).fetchWindow(WEEK, {}), /stalled|no answer|within/i);
    assert.ok(Date.now() - t0 < 5000, 'gave up in bounded time');
    server.script([{ kind: 'stall' }]);
    await assert.rejects(source({ retries: 0, timeoutMs: 300 }).fetchWindow(WEEK, {}), /stalled|no answer|within/i);
    survive();
  });

  test('429 with Retry-After is honoured, then the week arrives', async () => {
    server.script([{ kind: 'status', status: 429, headers: { 'retry-after': '1' } }, { kind: 'ok', body: MBOX }]);
    const before = server.requests.length;
    const raws = await source({ retryDelayMs: 1 }).fetchWindow(WEEK, {});
    assert.equal(raws.length, COUNT);
    const [first, second] = server.requests.slice(before);
    assert.ok(second.at - first.at >= 900, `waited ${second.at - first.at} ms, Retry-After said 1 s`);
    // A Retry-After longer than we are willing to wait is an error at once, not a day of sleep.
    server.script([{ kind: 'status', status: 429, headers: { 'retry-after': '86400' } }]);
    await assert.rejects(source().fetchWindow(WEEK, {}), /retry after 86400 s/);
    assert.equal(retryAfterMs('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 07:27:00 GMT')), 60_000);
    assert.equal(retryAfterMs('soon'), null);
    survive();
  });

  test('5xx then success gives the whole week; 5xx for ever is an error', async () => {
    server.script([{ kind: 'status', status: 502 }, { kind: 'status', status: 503 }, { kind: 'ok', body: MBOX }]);
    assert.equal((await source().fetchWindow(WEEK, {})).length, COUNT);
    server.script([{ kind: 'status', status: 500 }]);
    await assert.rejects(source().fetchWindow(WEEK, {}), /answered 500.*after 3 attempts/);
    survive();
  });

  test('a gzip bomb stops at the size bound, with memory kept flat', async () => {
    server.script([{ kind: 'bomb', inflatedBytes: 512 * 1024 * 1024 }]);
    const rss0 = process.memoryUsage().rss;
    const t0 = Date.now();
    await assert.rejects(source({ maxBytes: 32 * 1024 * 1024 }).fetchWindow(WEEK, {}), /inflates past/);
    assert.ok(Date.now() - t0 < 20_000);
    assert.ok(process.memoryUsage().rss - rss0 < 256 * 1024 * 1024, 'the bomb did not inflate into memory');
    // The server is still usable afterwards (the bomb's connection was let go).
    server.script([{ kind: 'ok', body: MBOX }]);
    assert.equal((await source().fetchWindow(WEEK, {})).length, COUNT);
    survive();
  });
});

function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const n of names) {
      const full = path.join(d, n);
      if (statSync(full).isDirectory()) walk(full);
      else out.set(path.relative(dir, full), readFileSync(full).toString('base64'));
    }
  };
  walk(dir);
  return out;
}

describe('the CLI on a broken download', () => {
  let server: FaultServer;
  let work: string;
  before(async () => {
    server = await startFaultServer();
    work = mkdtempSync(path.join(tmpdir(), 'kvmarm-net-'));
  });
  after(async () => {
    await server.close();
    rmSync(work, { recursive: true, force: true });
  });

  async function run(outDir: string, cacheDir: string): Promise<{ code: number; stderr: string }> {
    let stderr = '';
    const code = await main(['--source', server.url, '--week', '2022-W45', '--tz', 'UTC', '--out', outDir, '--cache-dir', cacheDir], {
      stdout: { write: () => true },
      stderr: { write: (t: string) => ((stderr += t), true) },
      env: {},
      cwd: work,
      now: () => new Date('2022-11-15T00:00:00Z'),
    });
    return { code, stderr };
  }

  test('no report, no cache entry, nothing earlier overwritten', { timeout: 60_000 }, async () => {
    const outDir = path.join(work, 'out');
    const cacheDir = path.join(work, 'cache');
    // Nothing there yet: a failed download writes nothing at all.
    server.script([{ kind: 'truncatedGzip', body: MBOX }]);
    let r = await run(outDir, cacheDir);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /error: .*(truncated|corrupt)/i);
    assert.deepEqual([...snapshot(outDir).keys()], []);
    assert.deepEqual([...snapshot(cacheDir).keys()], []);

    // A good run writes the report (and may fill the cache)...
    server.script([{ kind: 'ok', body: MBOX }]);
    r = await run(outDir, cacheDir);
    assert.equal(r.code, 0, r.stderr);
    const good = snapshot(outDir);
    assert.deepEqual([...good.keys()].sort(), ['kvmarm_2022_week45.html', 'kvmarm_2022_week45.json', 'kvmarm_2022_week45.md']);
    const cacheBefore = snapshot(cacheDir);
    // ...then a planted stale file proves nothing is cleaned up or rewritten by a failing run.
    mkdirSync(path.join(outDir, 'keep'), { recursive: true });
    writeFileSync(path.join(outDir, 'keep', 'note.txt'), 'untouched');
    const before = snapshot(outDir);

    for (const fault of [
      { kind: 'truncatedGzip', body: MBOX, fraction: 0.7 },
      { kind: 'status', status: 429, headers: { 'retry-after': '99999' } },
      { kind: 'status', status: 403 },
    ] as const) {
      server.script([fault]);
      r = await run(outDir, cacheDir);
      assert.equal(r.code, 1, `${fault.kind}: ${r.stderr}`);
      assert.deepEqual(snapshot(outDir), before, `${fault.kind} changed the output directory`);
      assert.deepEqual(snapshot(cacheDir), cacheBefore, `${fault.kind} changed the cache`);
    }
  });
});
