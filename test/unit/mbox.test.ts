import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { escapeMboxrd, splitMboxrd } from '../../src/core/mbox.js';

async function* chunksOf(data: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, Math.min(data.length, i + size));
}

async function split(data: Buffer, size = 1 << 16): Promise<string[]> {
  const out: string[] = [];
  for await (const m of splitMboxrd(chunksOf(data, size))) out.push(m.toString('latin1'));
  return out;
}

const SEP = 'From mboxrd@z Thu Jan  1 00:00:00 1970\n';

test('splits two messages and drops the blank line before the separator', async () => {
  const mbox = Buffer.from(`${SEP}Subject: a\n\nbody a\n\n${SEP}Subject: b\n\nbody b\n\n`);
  assert.deepEqual(await split(mbox), ['Subject: a\n\nbody a\n', 'Subject: b\n\nbody b\n']);
});

test('undoes mboxrd quoting: exactly one ">" is removed from >+From lines only', async () => {
  const mbox = Buffer.from(`${SEP}Subject: q\n\n>From here\n>>From there\n> From not\n>Fromage\nFrom-ish\n\n`);
  assert.deepEqual(await split(mbox), ['Subject: q\n\nFrom here\n>From there\n> From not\n>Fromage\nFrom-ish\n']);
});

test('a body line starting with "From " that is not a strict separator stays in the message', async () => {
  const mbox = Buffer.from(`${SEP}Subject: x\n\nFrom the looks of it\n\n`);
  assert.deepEqual(await split(mbox), ['Subject: x\n\nFrom the looks of it\n']);
});

test('keeps CRLF line endings and handles CRLF separators', async () => {
  const sep = SEP.replace('\n', '\r\n');
  const mbox = Buffer.from(`${sep}Subject: c\r\n\r\n>From crlf\r\n\r\n${sep}Subject: d\r\n\r\nx\r\n`);
  assert.deepEqual(await split(mbox), ['Subject: c\r\n\r\nFrom crlf\r\n', 'Subject: d\r\n\r\nx\r\n']);
});

test('returns a final message without a trailing newline whole', async () => {
  const mbox = Buffer.from(`${SEP}Subject: a\n\nend without newline`);
  assert.deepEqual(await split(mbox), ['Subject: a\n\nend without newline']);
});

test('skips text before the first separator and whitespace-only messages', async () => {
  const mbox = Buffer.from(`garbage\n\n${SEP}\n\n${SEP}Subject: real\n\nx\n`);
  assert.deepEqual(await split(mbox), ['Subject: real\n\nx\n']);
});

test('an empty stream yields nothing', async () => {
  assert.deepEqual(await split(Buffer.alloc(0)), []);
});

test('gives the same result for every chunk size (lines split across chunks)', async () => {
  const mbox = Buffer.from(`${SEP}Subject: a\r\n\r\n>>From x\r\n\r\n${SEP}Subject: b\n\nlast`);
  const expected = await split(mbox);
  assert.equal(expected.length, 2);
  for (let size = 1; size <= mbox.length; size++) assert.deepEqual(await split(mbox, size), expected, `chunk size ${size}`);
});

test('a huge message arriving in many chunks comes out whole', async () => {
  const line = 'x'.repeat(70) + '\n';
  const body = line.repeat(200_000); // ~14 MB
  const mbox = Buffer.from(`${SEP}Subject: big\n\n${body}\n${SEP}Subject: small\n\ny\n`);
  const out = await split(mbox, 64 * 1024);
  assert.equal(out.length, 2);
  assert.equal(out[0], `Subject: big\n\n${body}`);
  assert.equal(out[1], 'Subject: small\n\ny\n');
});

test('escape then split gives back the messages (property)', async () => {
  const lineArb = fc.oneof(
    fc.constantFrom('From x', '>From y', '>>From z', 'From mboxrd@z Thu Jan  1 00:00:00 1970', '', ' ', 'text'),
    fc.string({ maxLength: 20 }).map((s) => s.replace(/[\r\n]/g, '')),
  );
  const messageArb = fc
    .array(lineArb, { minLength: 0, maxLength: 8 })
    .map((lines) => `Subject: t\n\n${lines.join('\n')}\nend\n`);
  await fc.assert(
    fc.asyncProperty(fc.array(messageArb, { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 64 }), async (messages, size) => {
      const mbox = Buffer.concat(messages.map((m) => escapeMboxrd(Buffer.from(m, 'latin1'))));
      assert.deepEqual(await split(mbox, size), messages);
    }),
    { numRuns: 200 },
  );
});
