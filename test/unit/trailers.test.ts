import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extractTrailers, parsePerson, trailerFromLine } from '../../src/core/trailers.js';

test('every supported key, canonical spelling whatever the input case', () => {
  const text = [
    'signed-off-by: A One <a@x.org>',
    'Reviewed-By: B Two <B@X.org>',
    'ACKED-BY: C <c@x.org>',
    'Tested-by: d@x.org',
    'Reported-by: E <e@x.org>',
    'Suggested-by: F <f@x.org>',
    'Co-Developed-by: G <g@x.org>',
    'NACKed-by: H <h@x.org>',
    'cc: stable@vger.kernel.org # 5.15.x',
    'fixes: 0123456789abcdef ("x: y")',
    'link: https://lore.kernel.org/r/abc@x.org',
    'Closes: https://bugzilla.example.org/1',
    'Message-Id: <abc@x.org>',
  ].join('\n');
  assert.deepEqual(
    extractTrailers(text).map((t) => t.key),
    ['Signed-off-by', 'Reviewed-by', 'Acked-by', 'Tested-by', 'Reported-by', 'Suggested-by',
      'Co-developed-by', 'Nacked-by', 'Cc', 'Fixes', 'Link', 'Closes', 'Message-ID'],
  );
});

test('person trailers carry the person with a lower-cased address', () => {
  const [t] = extractTrailers('Reviewed-by: "Doe, Jane" <Jane.Doe@Example.ORG>');
  assert.equal(t.key, 'Reviewed-by');
  assert.equal(t.value, '"Doe, Jane" <Jane.Doe@Example.ORG>');
  assert.deepEqual(t.person, { name: 'Doe, Jane', address: 'jane.doe@example.org' });
  assert.equal(extractTrailers('Fixes: abcdef1 ("x")')[0].person, undefined);
});

test('parsePerson handles bare addresses, comments and junk', () => {
  assert.deepEqual(parsePerson('stable@vger.kernel.org # 5.10'), { name: '', address: 'stable@vger.kernel.org' });
  assert.deepEqual(parsePerson('marc@kernel.org (Marc Z)'), { name: 'Marc Z', address: 'marc@kernel.org' });
  assert.deepEqual(parsePerson('Marc Z <maz@kernel.org> [for the arm64 part]'), { name: 'Marc Z', address: 'maz@kernel.org' });
  assert.equal(parsePerson('the whole team'), null);
});

test('quoted trailers are ignored, however deeply or loosely quoted', () => {
  const text = [
    'On Mon, X wrote:',
    '> Signed-off-by: Quoted <q@x.org>',
    '>> Reviewed-by: Deeper <d@x.org>',
    ' > Acked-by: Indented Quote <i@x.org>',
    '',
    'Acked-by: Me <me@x.org>',
  ].join('\n');
  assert.deepEqual(extractTrailers(text).map((t) => t.person?.address), ['me@x.org']);
});

test('nothing is read from inside a diff', () => {
  const text = [
    'Signed-off-by: Author <a@x.org>',
    '---',
    'diff --git a/Documentation/process.rst b/Documentation/process.rst',
    '--- a/Documentation/process.rst',
    '+++ b/Documentation/process.rst',
    '@@ -1 +1 @@',
    '-Reviewed-by: Old <old@x.org>',
    'Reviewed-by: Context Line In Diff <ctx@x.org>',
  ].join('\n');
  assert.deepEqual(extractTrailers(text).map((t) => t.person?.address), ['a@x.org']);
  const plainDiff = 'Acked-by: A <a@x.org>\n--- a/x\n+++ b/x\nTested-by: T <t@x.org>\n';
  assert.deepEqual(extractTrailers(plainDiff).map((t) => t.key), ['Acked-by']);
});

test('prose that looks like a trailer is not one', () => {
  assert.equal(trailerFromLine('Fixes: the crash we saw last week'), null);
  assert.equal(trailerFromLine('Link: see the other thread'), null);
  assert.equal(trailerFromLine('Cc: everyone who cares'), null);
  assert.equal(trailerFromLine('Reviewed-by: nobody yet'), null);
  assert.equal(trailerFromLine('Subject: [PATCH] x'), null);
  assert.equal(trailerFromLine('Note: something'), null);
  assert.deepEqual(extractTrailers('Thanks,\nMarc\n'), []);
});

test('whitespace around key and value is tolerated, CRLF too', () => {
  const t = extractTrailers('  Reviewed-by :  Spacey <s@x.org>  \r\nTested-by: T <t@x.org>\r\n');
  assert.deepEqual(t.map((x) => [x.key, x.value]), [
    ['Reviewed-by', 'Spacey <s@x.org>'],
    ['Tested-by', 'T <t@x.org>'],
  ]);
});
