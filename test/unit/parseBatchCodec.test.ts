import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseMail, type ParsedMail } from '../../src/core/mail.js';
import { decodeParsedMail, encodeParsedMail } from '../../src/core/parseBatchCodec.js';
import type { Mail } from '../../src/core/types.js';

const FIXTURES = join(__dirname, '..', 'fixtures', 'mail');

function mail(text: string, patch: string | null): ParsedMail {
  const m: Mail = {
    messageId: 'a@example.org',
    synthesizedId: false,
    inReplyTo: null,
    references: [],
    subject: { full: 'x', title: 'x', tags: { isReply: false, isPatch: false, isRfc: false, isResend: false, isPull: false, version: 1, index: null, total: null, project: null, raw: [] } } as unknown as Mail['subject'],
    from: { name: '', address: 'a@example.org' },
    to: [],
    cc: [],
    date: null,
    receivedAt: '2022-11-07T00:00:00.000Z',
    text,
    segments: [],
    patch,
    trailers: [],
  };
  return { ok: true, mail: m };
}

test('every fixture message reads back from its stored form exactly as parsed', async () => {
  const names = readdirSync(FIXTURES);
  assert.ok(names.length >= 5);
  let withPatch = 0;
  for (const name of names) {
    const parsed = await parseMail({ raw: readFileSync(join(FIXTURES, name)), origin: name });
    const stored = encodeParsedMail(parsed);
    assert.deepEqual(decodeParsedMail(stored), parsed, name);
    // The old stored form (the whole ParsedMail as JSON) still reads the same.
    assert.deepEqual(decodeParsedMail(JSON.stringify(parsed)), parsed, name);
    if (parsed.ok) {
      assert.equal(JSON.parse(stored).mail.segments, undefined, `${name}: segments are not stored`);
      if (parsed.mail.patch && parsed.mail.text.includes(parsed.mail.patch)) {
        withPatch++;
        assert.ok(stored.length < JSON.stringify(parsed).length - parsed.mail.patch.length, `${name}: the inline patch is stored once`);
      }
    }
  }
  assert.ok(withPatch >= 1, 'a fixture has an inline patch');
});

test('segments come back as splitSegments of the text, a patch outside the text is kept whole', () => {
  const text = 'hello\n> quoted\n> more\nown\n\ndiff --git a/x b/x\n+x\n';
  const inline = mail(text, text.slice(text.indexOf('diff')));
  inline.ok && (inline.mail.segments = [
    { quoted: false, text: 'hello' },
    { quoted: true, text: '> quoted\n> more' },
    { quoted: false, text: 'own\n\ndiff --git a/x b/x\n+x\n' },
  ]);
  const back = decodeParsedMail(encodeParsedMail(inline));
  assert.deepEqual(back, inline);
  assert.ok(back.ok && back.mail.patch === 'diff --git a/x b/x\n+x\n');

  const attached = mail('see the attachment\n', 'diff --git a/y b/y\n+y\n');
  attached.ok && (attached.mail.segments = [{ quoted: false, text: 'see the attachment\n' }]);
  const stored = encodeParsedMail(attached);
  assert.match(stored, /diff --git a\/y/);
  assert.deepEqual(decodeParsedMail(stored), attached);

  const empty = mail('', null);
  assert.deepEqual(decodeParsedMail(encodeParsedMail(empty)), empty);

  const unparsed: ParsedMail = { ok: false, unparsed: { reason: 'no header fields', headers: 'x' } };
  assert.deepEqual(decodeParsedMail(encodeParsedMail(unparsed)), unparsed);
});
