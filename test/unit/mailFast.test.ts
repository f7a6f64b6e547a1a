// The shortcut for simple messages (mailFast.ts) must give exactly the Mail that mailparser gives:
// every fixture, every hostile message and every corpus message is parsed both ways and compared
// field by field (parseMail with and without the shortcut).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseMail } from '../../src/core/mail.js';
import { parseSimpleMail } from '../../src/core/mailFast.js';
import { openGitCatFile } from '../../src/core/sources/gitCatFile.js';
import { listEpochCommits } from '../../src/core/sources/gitLog.js';
import { hostileMessages } from '../hostile/generate.js';
import { corpusMirror, corpusSkip } from '../support/corpus.js';

const FIXTURES = join(__dirname, '..', 'fixtures', 'mail');

/** Parses both ways; returns whether the shortcut took the message. */
async function sameBothWays(raw: Buffer, label: string): Promise<boolean> {
  const fast = await parseMail({ raw, commitTime: 1667800000, origin: label });
  const full = await parseMail({ raw, commitTime: 1667800000, origin: label }, { fast: false });
  assert.deepEqual(fast, full, label);
  return parseSimpleMail(raw) !== null;
}

function msg(headers: string[], body: string, eol = '\n'): Buffer {
  return Buffer.from(headers.join(eol) + eol + eol + body.replace(/\n/g, eol), 'utf8');
}

test('the shortcut takes simple messages and gives mailparser\'s Mail (hand-made cases)', async () => {
  const base = ['From: =?UTF-8?Q?J=C3=B6rg?= <Joerg@Example.org>', 'To: a@example.org, "B, C" <b@example.org>', 'Subject: [PATCH v2 1/3] KVM: =?UTF-8?B?5L+u5aSN?= x', 'Message-ID: <a@example.org>', 'Date: Mon, 7 Nov 2022 10:00:00 +0000'];
  const simple = [
    msg(base, 'hello\n> quoted\n\ndiff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n-- \n2.34.1\n'),
    msg([...base, 'Content-Type: text/plain; charset="utf-8"', 'Content-Transfer-Encoding: 8bit'], 'été 中文\n', '\r\n'),
    msg([...base, 'Content-Type: TEXT/PLAIN; charset=us-ascii', 'Content-Transfer-Encoding: 7bit', 'Cc: d@example.org'], 'x\r\ny\n'),
    msg(base, ''),
    msg([...base, 'Content-Type: text/plain; charset=us-ascii; format=flowed'], 'flowed \nline\n> quoted \n> more\n\nend\n'),
    msg([...base, 'Content-Type: text/plain; charset=utf-8; format=flowed; delsp=yes'], 'del sp \nline\n中文 \n', '\r\n'),
    msg([...base, 'Content-Type: text/plain; format=fixed'], 'fixed \nline\n'),
    msg([...base, 'Content-Type: text/plain; charset=us-ascii', 'Content-Disposition: inline'], 'mutt\n'),
    msg([...base, 'Subject: second subject'], 'two subjects\n'),
    msg(['From nobody Mon Nov  7 10:00:00 2022', ...base], 'mbox line\n'),
    Buffer.concat([msg(base, 'invalid utf-8 '), Buffer.from([0xff, 0xc3, 0x0a])]),
  ];
  for (const [i, raw] of simple.entries()) assert.equal(await sameBothWays(raw, `simple ${i}`), true, `simple ${i} takes the shortcut`);
  const other = [
    msg([...base, 'Content-Type: text/plain; charset=iso-8859-1'], 'caf\xe9\n'),
    msg([...base, 'Content-Type: text/plain; format=wrapped'], 'odd \nformat\n'),
    msg([...base, 'Content-Type: text/plain; delsp=yes'], 'delsp \nwithout flowed\n'),
    msg([...base, 'Content-Transfer-Encoding: quoted-printable'], 'a=3Db\n'),
    msg([...base, 'Content-Type: text/html'], '<p>x</p>\n'),
    msg([...base, 'Content-Disposition: attachment; filename=x.patch'], 'diff\n'),
    msg([...base, 'Content-Disposition: inline; filename=x.patch'], 'diff\n'),
    msg([...base, 'Content-Type: multipart/mixed; boundary=b'], '--b\n\nx\n--b--\n'),
    msg([...base, 'Content-Type: text/plain (comment)'], 'x\n'),
    Buffer.from(base.join('\n')),
  ];
  for (const [i, raw] of other.entries()) assert.equal(await sameBothWays(raw, `other ${i}`), false, `other ${i} goes to mailparser`);
});

test('fixtures and hostile messages parse the same with and without the shortcut', async () => {
  let taken = 0;
  for (const name of readdirSync(FIXTURES)) if (await sameBothWays(readFileSync(join(FIXTURES, name)), name)) taken++;
  assert.ok(taken >= 2, `only ${taken} fixtures took the shortcut`);
  const hostile = hostileMessages();
  assert.ok(hostile.length > 10);
  for (const h of hostile) await sameBothWays(h.raw, h.name);
});

test('every corpus message parses the same with and without the shortcut', { skip: corpusSkip(), timeout: 600_000 }, async () => {
  const gitDir = await corpusMirror();
  const commits = (await listEpochCommits(gitDir, null)).filter((c) => c.blob);
  const cat = openGitCatFile(gitDir);
  let taken = 0;
  try {
    for (let i = 0; i < commits.length; i += 256) {
      const batch = commits.slice(i, i + 256);
      const objs = await cat.readMany(batch.map((c) => c.blob!));
      for (const [j, obj] of objs.entries()) {
        assert.ok(obj, `blob of ${batch[j].commit}`);
        if (await sameBothWays(obj.data, batch[j].blob!)) taken++;
      }
    }
  } finally {
    await cat.close();
  }
  assert.ok(commits.length > 20_000);
  // Most of the list is simple: the shortcut must be worth having.
  assert.ok(taken > commits.length / 2, `the shortcut took ${taken} of ${commits.length}`);
  console.log(`# shortcut taken for ${taken} of ${commits.length} corpus messages`);
});

test('a message over 1 MiB takes mailparser (and its time budget), not the shortcut', async () => {
  const head = 'From: a@example.org\nSubject: big\nMessage-ID: <big@example.org>\n\n';
  const small = Buffer.concat([Buffer.from(head), Buffer.alloc(1000, 0x61)]);
  const big = Buffer.concat([Buffer.from(head), Buffer.alloc(1024 * 1024, 0x61)]);
  assert.notEqual(parseSimpleMail(small), null);
  assert.equal(parseSimpleMail(big), null);
  assert.equal(await sameBothWays(big, 'big'), false);
});
