import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseMail } from '../../src/core/mail.js';
import { parseRawMessages } from '../../src/core/parseBatch.js';
import type { RawMessage } from '../../src/core/types.js';

function msg(i: number): RawMessage {
  const raw = Buffer.from(
    `Message-ID: <m${i}@example.org>\nFrom: Tester <t@example.org>\nSubject: [PATCH ${i}/9] test ${i}\nDate: Tue, 8 Nov 2022 10:00:${String(i % 60).padStart(2, '0')} +0000\n\nbody ${i}\n`,
  );
  return { raw, origin: `fixture#${i}` };
}
const BROKEN: RawMessage = { raw: Buffer.from('no header here at all, just text\n'), origin: 'fixture#broken' };

describe('parseRawMessages', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'kvmarm-parse-test-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('keeps input order, sets origin, keeps unparseable messages as unparsed', async () => {
    const raws = [msg(1), BROKEN, msg(2)];
    const { mails, unparsed } = await parseRawMessages(raws, { cacheDir: null });
    assert.deepEqual(mails.map((m) => m.messageId), ['m1@example.org', 'm2@example.org']);
    assert.deepEqual(mails.map((m) => m.origin), ['fixture#1', 'fixture#2']);
    assert.equal(unparsed.length, 1);
    assert.equal(unparsed[0].origin, 'fixture#broken');
  });

  test('a warm run takes every result from the cache and parses nothing', async () => {
    const cacheDir = path.join(dir, 'cache');
    const raws = Array.from({ length: 30 }, (_, i) => msg(i));
    let calls = 0;
    const counting = (raw: RawMessage) => {
      calls++;
      return parseMail(raw);
    };
    const cold = await parseRawMessages(raws, { cacheDir, parse: counting });
    assert.equal(calls, 30);
    const warm = await parseRawMessages(raws, { cacheDir, parse: counting });
    assert.equal(calls, 30, 'no message parsed again');
    assert.deepEqual(warm, cold);

    // One new message: only it is parsed; the origin follows the new input.
    const more = [...raws, msg(99)].map((r, i) => ({ ...r, origin: `again#${i}` }));
    const third = await parseRawMessages(more, { cacheDir, parse: counting });
    assert.equal(calls, 31);
    assert.equal(third.mails[5].origin, 'again#5');
    assert.equal(third.mails.length, 31);
  });

  test('damaged cache packs are ignored (their messages are parsed again)', async () => {
    const cacheDir = path.join(dir, 'cache-damaged');
    const raws = [msg(1), msg(2)];
    await parseRawMessages(raws, { cacheDir });
    const packDir = path.join(cacheDir, 'parsed');
    const version = (await readdir(packDir))[0];
    const packs = await readdir(path.join(packDir, version));
    assert.equal(packs.length, 1);
    await writeFile(path.join(packDir, version, packs[0]), 'garbage');
    let calls = 0;
    const again = await parseRawMessages(raws, { cacheDir, parse: (r) => (calls++, parseMail(r)), logger: { info() {}, warn() {}, error() {} } });
    assert.equal(calls, 2);
    assert.equal(again.mails.length, 2);
  });

  test('the commit time is part of the key (it is the last fallback of receivedAt)', async () => {
    const cacheDir = path.join(dir, 'cache-ct');
    const noDate: RawMessage = { raw: Buffer.from('Message-ID: <nd@example.org>\nSubject: x\n\nbody\n'), commitTime: 1667900000 };
    const a = await parseRawMessages([noDate], { cacheDir });
    const b = await parseRawMessages([{ ...noDate, commitTime: 1667990000 }], { cacheDir });
    assert.notEqual(a.mails[0].receivedAt, b.mails[0].receivedAt);
  });

  test('worker threads give the same result as inline parsing', async () => {
    const raws = [...Array.from({ length: 450 }, (_, i) => msg(i)), BROKEN];
    const inline = await parseRawMessages(raws, { cacheDir: null, workers: 1 });
    let last = 0;
    const threaded = await parseRawMessages(raws, { cacheDir: path.join(dir, 'cache-w'), workers: 2, progress: (_p, done) => (last = done ?? last) });
    assert.deepEqual(threaded, inline);
    assert.equal(last, raws.length);
  });

  test('consume: the input is emptied and the result is the same, inline, in workers and from the cache', async () => {
    const make = () => [...Array.from({ length: 450 }, (_, i) => msg(i)), BROKEN];
    const expected = await parseRawMessages(make(), { cacheDir: null, workers: 1 });
    for (const options of [{ workers: 1 }, { workers: 2 }, { workers: 2, cacheDir: path.join(dir, 'cache-c') }, { workers: 2, cacheDir: path.join(dir, 'cache-c') }]) {
      const raws = make();
      const got = await parseRawMessages(raws, { cacheDir: null, ...options, consume: true });
      assert.equal(raws.length, 0, JSON.stringify(options));
      assert.deepEqual(got, expected, JSON.stringify(options));
    }
  });

  test('messages that already carry a parsed Mail pass through', async () => {
    const { mails: [m] } = await parseRawMessages([msg(7)], { cacheDir: null });
    let calls = 0;
    const out = await parseRawMessages([{ raw: Buffer.alloc(0), mail: m }], { cacheDir: null, parse: (r) => (calls++, parseMail(r)) });
    assert.equal(calls, 0);
    assert.equal(out.mails[0].messageId, 'm7@example.org');
  });

  test('cancellation stops the batch', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop now'));
    await assert.rejects(parseRawMessages([msg(1)], { signal: controller.signal }), /stop now/);
  });
});

// A timeout on the suite: without the watchdog these tests would hang, and a hang must fail.
describe('parseRawMessages: the worker watchdog', { timeout: 120_000 }, () => {
  const support = path.join(__dirname, '..', 'support');
  const misbehaving = path.join(support, 'misbehavingParseWorker.ts');
  const quiet = { info() {}, warn() {}, error() {} };
  function misbehave(i: number, how: string): RawMessage {
    const raw = Buffer.from(`Message-ID: <bad${i}@example.org>\nFrom: Mallory <m@example.org>\nSubject: hostile ${how}\nX-Test-Misbehave: ${how}\n\nbody\n`);
    return { raw, origin: `fixture#bad-${how}` };
  }

  for (const how of ['spin', 'exit', 'throw']) {
    test(`a worker that ${how === 'spin' ? 'spins for ever' : how === 'exit' ? 'exits' : 'throws'} on one message loses that message to unparsed, and only that one`, async () => {
      const raws = [...Array.from({ length: 60 }, (_, i) => msg(i)), misbehave(1, how), ...Array.from({ length: 60 }, (_, i) => msg(100 + i))];
      const warnings: string[] = [];
      const started = Date.now();
      const { mails, unparsed } = await parseRawMessages(raws, {
        cacheDir: null,
        workers: 2,
        isolate: true,
        stallMs: 1500,
        workerScript: misbehaving,
        logger: { ...quiet, warn: (m: string) => warnings.push(m) },
      });
      assert.equal(mails.length, 120, 'every other message is parsed');
      assert.deepEqual(mails.map((m) => m.messageId), [...Array.from({ length: 60 }, (_, i) => `m${i}@example.org`), ...Array.from({ length: 60 }, (_, i) => `m${100 + i}@example.org`)]);
      assert.equal(unparsed.length, 1);
      assert.equal(unparsed[0].origin, `fixture#bad-${how}`);
      assert.match(unparsed[0].reason, how === 'spin' ? /no result within 1500 ms/ : how === 'exit' ? /exited with code 3/ : /crashed: parser blew up/);
      assert.match(unparsed[0].headers, /X-Test-Misbehave/, 'the raw headers are kept');
      assert.ok(warnings.some((w) => w.includes(`fixture#bad-${how}`)), warnings.join('\n'));
      assert.ok(Date.now() - started < 30_000);
    });
  }

  test('a worker that dies with answers still on their way: only the culprit is lost', async () => {
    const raws = [...Array.from({ length: 30 }, (_, i) => msg(i)), misbehave(5, 'exit'), ...Array.from({ length: 30 }, (_, i) => msg(100 + i))];
    const { mails, unparsed } = await parseRawMessages(raws, {
      cacheDir: null,
      workers: 2,
      isolate: true,
      stallMs: 5000,
      workerScript: path.join(support, 'lateAnsweringParseWorker.ts'),
      logger: quiet,
    });
    assert.deepEqual(unparsed.map((u) => u.origin), ['fixture#bad-exit']);
    assert.equal(mails.length, 60);
    assert.deepEqual(mails.map((m) => m.messageId), [...Array.from({ length: 30 }, (_, i) => `m${i}@example.org`), ...Array.from({ length: 30 }, (_, i) => `m${100 + i}@example.org`)]);
  });

  test('two stuck messages in the same task: both lost, everything around them kept, in order', async () => {
    const raws = [msg(1), misbehave(1, 'spin'), msg(2), misbehave(2, 'exit'), msg(3)];
    const { mails, unparsed } = await parseRawMessages(raws, { cacheDir: null, isolate: true, stallMs: 1000, workerScript: misbehaving, logger: quiet });
    assert.deepEqual(mails.map((m) => m.messageId), ['m1@example.org', 'm2@example.org', 'm3@example.org']);
    assert.deepEqual(unparsed.map((u) => u.origin), ['fixture#bad-spin', 'fixture#bad-exit']);
  });

  test('a lost message is not cached: the next run tries it again', async () => {
    const cacheDir = await mkdtemp(path.join(os.tmpdir(), 'kvmarm-watchdog-test-'));
    after(() => rm(cacheDir, { recursive: true, force: true }));
    const raws = () => [msg(1), misbehave(3, 'exit'), msg(2)];
    const first = await parseRawMessages(raws(), { cacheDir, isolate: true, stallMs: 1000, workerScript: misbehaving, logger: quiet });
    assert.equal(first.unparsed.length, 1);
    // The real worker parses it fine (the header is only a test marker): a cached "unparsed" would hide that.
    const second = await parseRawMessages(raws(), { cacheDir, isolate: true, logger: quiet });
    assert.equal(second.unparsed.length, 0);
    assert.deepEqual(second.mails.map((m) => m.messageId), ['m1@example.org', 'bad3@example.org', 'm2@example.org']);
  });

  test('cancelling stops a batch whose worker spins, at once', async () => {
    const controller = new AbortController();
    const raws = [msg(1), misbehave(4, 'spin'), msg(2)];
    const started = Date.now();
    setTimeout(() => controller.abort(new Error('user cancelled')), 500);
    await assert.rejects(
      parseRawMessages(raws, { cacheDir: null, isolate: true, stallMs: 60_000, workerScript: misbehaving, signal: controller.signal, logger: quiet }),
      /user cancelled/,
    );
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
  });

  test('a worker that cannot start fails the batch with a clear error', async () => {
    await assert.rejects(
      parseRawMessages([msg(1)], { cacheDir: null, isolate: true, workerScript: path.join(support, 'brokenParseWorker.ts'), logger: quiet }),
      /parse worker failed to start: .*cannot load the parser/,
    );
  });

  test('isolate parses a small batch in the real worker, with the same result as inline', async () => {
    const raws = [msg(1), BROKEN, msg(2)];
    const inline = await parseRawMessages(raws, { cacheDir: null });
    const isolated = await parseRawMessages(raws, { cacheDir: null, isolate: true });
    assert.deepEqual(isolated, inline);
  });
});
