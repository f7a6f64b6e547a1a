import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { escapeMboxrd } from '../../src/core/mbox.js';
import { createMboxFileSource } from '../../src/core/sources/mboxFile.js';
import { openSource, sourceKind } from '../../src/core/sources/openSource.js';
import type { Window } from '../../src/core/types.js';

const WEEK: Window = { since: '2022-11-07T00:00:00Z', until: '2022-11-14T00:00:00Z', tz: 'UTC', isoWeek: '2022-W45' };
const MESSAGES = ['a', 'b', 'c'].map((id) => Buffer.from(`Message-ID: <${id}@example.org>\nSubject: ${id}\n\n>From line in ${id}\n`));
const MBOX = Buffer.concat(MESSAGES.map((m) => escapeMboxrd(m)));

describe('mbox file source', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'kvmarm-mbox-test-'));
    await writeFile(path.join(dir, 'w.mbox'), MBOX);
    await writeFile(path.join(dir, 'w.mbox.gz'), gzipSync(MBOX));
    await writeFile(path.join(dir, 'cut.mbox.gz'), gzipSync(Buffer.concat(Array.from({ length: 200 }, () => MBOX))).subarray(0, 300));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  for (const name of ['w.mbox', 'w.mbox.gz']) {
    test(`${name}: every message, in order, mboxrd quoting undone`, async () => {
      const raws = await createMboxFileSource({ path: path.join(dir, name) }).fetchWindow(WEEK, {});
      assert.deepEqual(
        raws.map((r) => r.raw.toString()),
        MESSAGES.map((m) => m.toString()),
      );
      assert.equal(raws[1].origin, `${path.join(dir, name)}#2`);
    });
  }

  test('a truncated .mbox.gz is an error', async () => {
    await assert.rejects(createMboxFileSource({ path: path.join(dir, 'cut.mbox.gz') }).fetchWindow(WEEK, {}), /truncated or corrupt gzip/);
  });

  test('listUrl defaults to lore kvmarm and keeps a given one', () => {
    assert.equal(createMboxFileSource({ path: 'x' }).listUrl, 'https://lore.kernel.org/kvmarm/');
    assert.equal(createMboxFileSource({ path: 'x', listUrl: 'https://l/x' }).listUrl, 'https://l/x/');
  });

  test('openSource picks the source from the spec', async () => {
    assert.equal(sourceKind('https://lore.kernel.org/kvmarm/'), 'lore');
    assert.equal(sourceKind('HTTP://127.0.0.1:1/x/'), 'lore');
    assert.equal(sourceKind(path.join(dir, 'w.mbox')), 'mbox');
    assert.equal(sourceKind(path.join(dir, 'w.mbox.gz')), 'mbox');
    assert.equal(sourceKind(dir), 'git');
    await writeFile(path.join(dir, 'x.bundle'), '# v2 git bundle\nabc\n');
    assert.equal(sourceKind(path.join(dir, 'x.bundle')), 'bundle');
    assert.match(openSource('https://lore.kernel.org/kvmarm').description, /^lore /);
    assert.match(openSource(path.join(dir, 'w.mbox')).description, /^mbox /);
    assert.match(openSource(dir, { cacheDir: null }).description, /^git /);
    assert.equal(openSource(path.join(dir, 'w.mbox'), { listUrl: 'https://example.org/list/' }).listUrl, 'https://example.org/list/');
  });

  test('openSource gives clear errors', async () => {
    assert.throws(() => openSource(path.join(dir, 'missing.mbox')), /does not exist/);
    assert.throws(() => openSource('ftp://example.org/x'), /only http\(s\) URLs/);
    await writeFile(path.join(dir, 'notes.txt'), 'just some text\n');
    assert.throws(() => openSource(path.join(dir, 'notes.txt')), /not a recognised source/);
  });
});
