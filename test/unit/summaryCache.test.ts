// The summary cache: keyed by content + model + prompt version, atomic writes, and anything that
// does not read back whole is a miss.

import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createSummaryCache, summaryCacheKey, threadContentHash, type CachedSummary } from '../../src/core/summarize/summaryCache.js';
import type { SummaryInput } from '../../src/core/types.js';
import { discussion, makeInput, makeMail, patchWithReview } from '../support/llmThreads.js';

const VALUE: CachedSummary = {
  text: '1. **原始补丁/问题**：测试',
  model: 'm',
  promptVersion: 'v1',
  promptTokens: 10,
  completionTokens: 5,
  createdAt: '2022-11-08T00:00:00.000Z',
};

function withExtraMessage(input: SummaryInput): SummaryInput {
  const t = input.thread;
  const mail = makeMail({ id: 'extra@example.org', parent: t.id, text: 'One more reply.' }, t.subject.full);
  return { ...input, thread: { ...t, messages: [...t.messages, { mail, parentId: t.id, depth: 1, inWindow: true }] } };
}

describe('threadContentHash', () => {
  it('is stable for the same content and changes with any message change', () => {
    const a = makeInput(patchWithReview(1));
    const b = makeInput(patchWithReview(1));
    assert.equal(threadContentHash(a), threadContentHash(b));
    assert.notEqual(threadContentHash(a), threadContentHash(withExtraMessage(a)), 'a new message');
    const edited = makeInput(patchWithReview(1));
    edited.thread.messages[1]!.mail.text += '\nAnd one more thing.';
    assert.notEqual(threadContentHash(a), threadContentHash(edited), 'an edited body');
    const moved = makeInput(patchWithReview(1));
    moved.thread.messages[0]!.inWindow = false;
    assert.notEqual(threadContentHash(a), threadContentHash(moved), 'a message moved out of the window');
    assert.notEqual(threadContentHash(a), threadContentHash({ ...a, category: 'RFC' }), 'another category');
    assert.notEqual(threadContentHash(a), threadContentHash(makeInput(discussion(1))));
  });

  it('does not confuse field boundaries', () => {
    const x = makeInput(discussion(1));
    const y = makeInput(discussion(1));
    x.thread.messages[0]!.mail.text = 'ab';
    x.thread.messages[1]!.mail.text = 'c';
    y.thread.messages[0]!.mail.text = 'a';
    y.thread.messages[1]!.mail.text = 'bc';
    assert.notEqual(threadContentHash(x), threadContentHash(y));
  });
});

describe('summaryCacheKey', () => {
  it('depends on content, model and prompt version', () => {
    const k = summaryCacheKey('h', 'gpt-4o-mini', 'v1');
    assert.match(k, /^[0-9a-f]{64}$/);
    assert.equal(k, summaryCacheKey('h', 'gpt-4o-mini', 'v1'));
    assert.notEqual(k, summaryCacheKey('h2', 'gpt-4o-mini', 'v1'));
    assert.notEqual(k, summaryCacheKey('h', 'deepseek-chat', 'v1'));
    assert.notEqual(k, summaryCacheKey('h', 'gpt-4o-mini', 'v2'));
  });
});

describe('createSummaryCache', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kvmarm-sumcache-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads back what it wrote, and misses on unknown keys', async () => {
    const cache = createSummaryCache(dir);
    const key = summaryCacheKey('roundtrip', 'm', 'v1');
    assert.equal(await cache.get(key), null);
    await cache.set(key, VALUE);
    assert.deepEqual(await cache.get(key), VALUE);
    assert.equal(await cache.get(summaryCacheKey('other', 'm', 'v1')), null);
    // A fresh instance over the same directory: persistent.
    assert.deepEqual(await createSummaryCache(dir).get(key), VALUE);
  });

  it('leaves no temp files behind and overwrites atomically', async () => {
    const cache = createSummaryCache(dir);
    const key = summaryCacheKey('atomic', 'm', 'v1');
    await Promise.all(Array.from({ length: 20 }, (_, i) => cache.set(key, { ...VALUE, text: `版本 ${i}` })));
    const got = await cache.get(key);
    assert.ok(got !== null && /^版本 \d+$/.test(got.text));
    const files = await readdir(join(dir, key.slice(0, 2)));
    assert.deepEqual(
      files.filter((f) => f.endsWith('.tmp')),
      [],
    );
  });

  it('treats a corrupt, partial or foreign entry as a miss', async () => {
    const cache = createSummaryCache(dir);
    const key = summaryCacheKey('corrupt', 'm', 'v1');
    await cache.set(key, VALUE);
    const file = join(dir, key.slice(0, 2), `${key}.json`);
    const whole = await readFile(file, 'utf8');

    await writeFile(file, whole.slice(0, whole.length / 2));
    assert.equal(await cache.get(key), null, 'partial JSON');
    await writeFile(file, '');
    assert.equal(await cache.get(key), null, 'empty file');
    await writeFile(file, Buffer.from([0xff, 0xfe, 0x00, 0x01]));
    assert.equal(await cache.get(key), null, 'binary junk');
    await writeFile(file, JSON.stringify({ ...JSON.parse(whole), key: summaryCacheKey('elsewhere', 'm', 'v1') }));
    assert.equal(await cache.get(key), null, 'an entry for another key');
    await writeFile(file, JSON.stringify({ ...JSON.parse(whole), text: '' }));
    assert.equal(await cache.get(key), null, 'no text');
    await writeFile(file, JSON.stringify({ ...JSON.parse(whole), format: 99 }));
    assert.equal(await cache.get(key), null, 'a future format');
    // And it heals on the next write.
    await cache.set(key, VALUE);
    assert.deepEqual(await cache.get(key), VALUE);
  });

  it('refuses keys that are not digests (no path tricks)', async () => {
    const cache = createSummaryCache(dir);
    assert.equal(await cache.get('../../etc/passwd'), null);
    await assert.rejects(cache.set('../x', VALUE), /sha256/);
  });

  it('misses, not fails, when the directory does not exist', async () => {
    const cache = createSummaryCache(join(dir, 'never', 'made'));
    assert.equal(await cache.get(summaryCacheKey('x', 'm', 'v1')), null);
  });
});
