// Fuzzing (fast-check) over mutated messages: the generator's hostile messages and, when the
// corpus is next to the checkout, real kvmarm messages read in place from a temporary mirror clone
// (never written into the repository). parseMail must answer every input (a Mail or an unparsed
// entry, JSON-serialisable for the parse cache) within the hang limit, and the pipeline and the
// renderers must take any batch of them without throwing or letting active content through.
// Then the text helpers are fed long repetitions of their own syntax (the shape of regex
// backtracking bugs, like the one the hostile suite found in the date parser).

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { parseMail } from '../../src/core/mail.js';
import { parseMailDate, receivedTime } from '../../src/core/receivedTime.js';
import { parseHeaderFields } from '../../src/core/headers.js';
import { parseSubject } from '../../src/core/subject.js';
import { extractTrailers } from '../../src/core/trailers.js';
import { extractPatch, findPatchStart, splitSegments } from '../../src/core/mailBody.js';
import { htmlToText } from '../../src/core/mailHtml.js';
import { escapeMarkdownInline, neutraliseMarkdown } from '../../src/core/report/markdownEscape.js';
import { hostileMessages } from '../hostile/generate.js';
import { runSuite } from '../hostile/suite.js';
import { corpusMirror, corpusSkip } from '../support/corpus.js';

const RUNS = Number(process.env.KVMARM_FUZZ_RUNS ?? 400);
const HANG_MS = 5000;
let iterations = 0;

/** Byte strings that mean something to a mail parser: splicing them in finds the odd paths. */
const TOKENS = [
  '\n', '\r\n', '\r', '\n\n', '\0', ' ', '\t', ':', ';', '<', '>', '"', '=', '--', '\n--b\n', '\n--b--\n',
  'Content-Type: multipart/mixed; boundary="b"\n', 'Content-Type: message/rfc822\n', 'Content-Transfer-Encoding: base64\n',
  'Content-Transfer-Encoding: quoted-printable\n', 'charset=gb2312', 'charset=x-unknown', '=?UTF-8?B?', '=?GB2312?Q?=C4=E3', '?=',
  '=E4=BD', '=\n', 'Subject: ', 'Message-ID: <', 'References: <a@b> <', 'In-Reply-To: ', 'Date: ', 'Received: from x; ',
  '>From ', 'From x Mon Nov  7 10:00:00 2022\n', 'diff --git a/x b/x\n', '@@ -1 +1 @@\n', '+', '-', 'Reviewed-by: ', '[PATCH v2 1/3] ',
  '\u202e', '\u00ff', '\u4e2d', '<script>', '](javascript:', '![](http://127.0.0.1:9/x)',
].map((t) => Buffer.from(t, 'utf8'));

type Mutation =
  | { op: 'flip'; at: number; bit: number }
  | { op: 'insert'; at: number; token: number }
  | { op: 'delete'; at: number; len: number }
  | { op: 'duplicate'; at: number; len: number; times: number }
  | { op: 'truncate'; at: number };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), bit: fc.nat(7) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), token: fc.nat(TOKENS.length - 1) }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 200 }) }),
  fc.record({ op: fc.constant('duplicate' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 300 }), times: fc.integer({ min: 2, max: 200 }) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
);

function mutate(raw: Buffer, mutations: Mutation[]): Buffer {
  let b = raw;
  for (const m of mutations) {
    const at = b.length === 0 ? 0 : m.at % (b.length + 1);
    switch (m.op) {
      case 'flip':
        if (b.length) {
          b = Buffer.from(b);
          b[at % b.length] ^= 1 << m.bit;
        }
        break;
      case 'insert':
        b = Buffer.concat([b.subarray(0, at), TOKENS[m.token], b.subarray(at)]);
        break;
      case 'delete':
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + m.len)]);
        break;
      case 'duplicate': {
        const piece = b.subarray(at, at + m.len);
        b = Buffer.concat([b.subarray(0, at), ...Array(m.times).fill(piece), b.subarray(at)]);
        break;
      }
      case 'truncate':
        b = b.subarray(0, at);
        break;
    }
  }
  return b;
}

/** The seeds: small and medium hostile messages (the multi-megabyte ones are covered by the suite). */
const SEEDS = hostileMessages().filter((m) => m.raw.length < 64 * 1024).map((m) => m.raw);

async function checkParse(raw: Buffer): Promise<void> {
  iterations++;
  const t0 = performance.now();
  const r = await parseMail({ raw, origin: 'fuzz' });
  const ms = performance.now() - t0;
  assert.ok(ms < HANG_MS, `parse took ${Math.round(ms)} ms on ${JSON.stringify(raw.subarray(0, 300).toString('latin1'))}`);
  if (r.ok) {
    const m = r.mail;
    assert.equal(typeof m.messageId, 'string');
    assert.ok(m.messageId.length > 0);
    assert.ok(!m.references.includes(m.messageId), 'a message never references itself');
    assert.equal(new Set(m.references).size, m.references.length, 'references are deduplicated');
    assert.ok(!Number.isNaN(Date.parse(m.receivedAt)), `receivedAt ${m.receivedAt}`);
    assert.ok(m.date === null || !Number.isNaN(Date.parse(m.date)));
    assert.equal(typeof m.subject.full, 'string');
    assert.equal(typeof m.text, 'string');
  } else {
    assert.equal(typeof r.unparsed.reason, 'string');
    assert.equal(typeof r.unparsed.headers, 'string');
  }
  // The parse cache stores results as JSON: they must round-trip.
  assert.deepEqual(JSON.parse(JSON.stringify(r)), JSON.parse(JSON.stringify(r)));
}

test('fuzz: mutated hostile messages always parse or come back unparsed, in time', { timeout: 300_000 }, async () => {
  await fc.assert(
    fc.asyncProperty(fc.nat(SEEDS.length - 1), fc.array(mutationArb, { minLength: 1, maxLength: 6 }), async (seed, mutations) => {
      await checkParse(mutate(SEEDS[seed], mutations));
    }),
    { numRuns: RUNS },
  );
});

test('fuzz: batches of mutated messages go through the whole pipeline and renderers without active content', { timeout: 300_000 }, async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.tuple(fc.nat(SEEDS.length - 1), fc.array(mutationArb, { minLength: 0, maxLength: 4 })), { minLength: 1, maxLength: 12 }),
      async (batch) => {
        const inputs = batch.map(([seed, mutations], i) => ({ name: `fuzz-${i}`, raw: mutate(SEEDS[seed], mutations) }));
        iterations += inputs.length;
        const { figures, problems } = await runSuite(inputs, { hangMs: HANG_MS });
        assert.deepEqual(problems, []);
        assert.equal(figures.crashes + figures.hangs + figures.lost + figures.activeFindings, 0);
      },
    ),
    { numRuns: Math.max(10, Math.floor(RUNS / 8)) },
  );
});

test('fuzz: mutated corpus messages (read in place from a temporary mirror clone)', { skip: corpusSkip(), timeout: 300_000 }, async () => {
  const mirror = await corpusMirror();
  const log = spawnSync('git', ['--git-dir', mirror, 'rev-list', '--all', '--max-count=4000'], { encoding: 'utf8' });
  assert.equal(log.status, 0, log.stderr);
  const commits = log.stdout.trim().split('\n');
  // An even spread of 60 messages over the newest 4000 commits.
  const picked = Array.from({ length: 60 }, (_, i) => commits[Math.floor((i * commits.length) / 60)]);
  const corpus: Buffer[] = [];
  for (const c of picked) {
    const r = spawnSync('git', ['--git-dir', mirror, 'show', `${c}:m`], { maxBuffer: 64 * 1024 * 1024 });
    if (r.status === 0 && r.stdout.length > 0) corpus.push(r.stdout);
  }
  assert.ok(corpus.length >= 30, `only ${corpus.length} corpus messages read`);
  for (const raw of corpus) await checkParse(raw);
  await fc.assert(
    fc.asyncProperty(fc.nat(corpus.length - 1), fc.array(mutationArb, { minLength: 1, maxLength: 6 }), async (seed, mutations) => {
      await checkParse(mutate(corpus[seed], mutations));
    }),
    { numRuns: RUNS },
  );
});

/** Long repetitions of syntax pieces: where an unanchored or nested regex goes quadratic. */
const REPEAT_ATOMS = [
  'a', '1', ' ', '\t', ',', ':', '.', '-', '+', '<', '>', '[', ']', '(', ')', '"', '=', '?', '@', '/', '\\', '*', '_', '`', '#', '|', '&',
  'Mon, ', '7 ', 'Nov ', '2022 ', '10:00', ' +0000', 'Re: ', 'RE:', 'Fwd: ', '[PATCH', ' v2', ' 1/3', ']', 'Reviewed-by: ', 'A <a@b>',
  '> ', '>\n', '\n', 'diff --git a/x b/x\n', '--- a/x\n', '+++ b/x\n', '@@ -1 +1 @@\n', '<p>', '<br>', '&amp;', '<!--', '=?UTF-8?B?', '?=',
];

test('fuzz: text helpers stay fast on long repetitions of their own syntax', { timeout: 300_000 }, () => {
  const helpers: Array<[string, (s: string) => unknown]> = [
    ['parseMailDate', parseMailDate],
    ['receivedTime', (s) => receivedTime(parseHeaderFields(`Received: ${s}\nDate: ${s}`))],
    ['parseHeaderFields', (s) => parseHeaderFields(s)],
    ['parseSubject', parseSubject],
    ['extractTrailers', extractTrailers],
    ['findPatchStart/extractPatch', (s) => {
      const at = findPatchStart(s);
      return at >= 0 ? extractPatch(s, at) : null;
    }],
    ['splitSegments', splitSegments],
    ['htmlToText', htmlToText],
    ['escapeMarkdownInline', escapeMarkdownInline],
    ['neutraliseMarkdown', neutraliseMarkdown],
  ];
  const slow: string[] = [];
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...REPEAT_ATOMS), { minLength: 1, maxLength: 4 }), fc.constantFrom(...REPEAT_ATOMS), (pattern, tail) => {
      const unit = pattern.join('');
      const text = unit.repeat(Math.ceil(30_000 / unit.length)) + tail;
      for (const [name, fn] of helpers) {
        iterations++;
        const t0 = performance.now();
        fn(text);
        const ms = performance.now() - t0;
        if (ms > 1000) slow.push(`${name}: ${Math.round(ms)} ms on ${JSON.stringify(unit)} x ${Math.ceil(30_000 / unit.length)}`);
      }
    }),
    { numRuns: Math.max(20, Math.floor(RUNS / 4)) },
  );
  assert.deepEqual(slow, []);
});

after(() => {
  console.log(`# fuzz iterations: ${iterations}`);
});
