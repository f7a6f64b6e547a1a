import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAIL_PARSER_VERSION, parseMail } from '../../src/core/mail.js';
import type { Mail, RawMessage } from '../../src/core/types.js';

const FIXTURES = join(__dirname, '..', 'fixtures', 'mail');

function raw(name: string, extra: Partial<RawMessage> = {}): RawMessage {
  return { raw: readFileSync(join(FIXTURES, name)), origin: name, ...extra };
}

async function mailOf(name: string, extra: Partial<RawMessage> = {}): Promise<Mail> {
  const r = await parseMail(raw(name, extra));
  assert.equal(r.ok, true, `${name} should parse`);
  if (!r.ok) throw new Error('unreachable');
  return r.mail;
}

test('MAIL_PARSER_VERSION is a positive integer', () => {
  assert.ok(Number.isInteger(MAIL_PARSER_VERSION) && MAIL_PARSER_VERSION > 0);
});

test('folded RFC 2047 UTF-8 subject (B and Q words) is decoded and unfolded', async () => {
  const m = await mailOf('reply-qp-folded.eml');
  assert.equal(m.subject.full, 'Re: [PATCH v2 3/4] KVM: arm64: 修复 the vgic final word');
  assert.equal(m.subject.title, 'KVM: arm64: 修复 the vgic final word');
  assert.equal(m.subject.tags.isReply, true);
  assert.equal(m.subject.tags.index, 3);
});

test('ids: no angle brackets, references deduplicated oldest first without own id', async () => {
  const m = await mailOf('reply-qp-folded.eml');
  assert.equal(m.messageId, 'reply-1@example.com');
  assert.equal(m.synthesizedId, false);
  assert.equal(m.inReplyTo, 'patch-3@example.org');
  assert.deepEqual(m.references, ['cover-0@example.org', 'patch-3@example.org']);
});

test('addresses: encoded names decoded, addresses lower-cased, groups of To/Cc kept in order', async () => {
  const m = await mailOf('reply-qp-folded.eml');
  assert.deepEqual(m.from, { name: '张三', address: 'zhang.san@example.com' });
  assert.deepEqual(m.to, [
    { name: 'Maintainer, Marc', address: 'marc@example.org' },
    { name: '', address: 'kvmarm@lists.example.org' },
  ]);
  assert.deepEqual(m.cc.map((a) => a.address), ['alice@example.net', 'bob@example.net']);
});

test('date is the Date: header in UTC; receivedAt the topmost Received: date', async () => {
  const m = await mailOf('reply-qp-folded.eml');
  assert.equal(m.date, '2022-11-08T09:19:00.000Z');
  assert.equal(m.receivedAt, '2022-11-08T09:20:30.000Z');
});

test('quoted-printable body: soft breaks joined, UTF-8 decoded, CRLF normalised', async () => {
  const m = await mailOf('reply-qp-folded.eml');
  assert.match(m.text, /Looks good to me, 你好\. This line is a soft-broken long line\.\n/);
  assert.ok(!m.text.includes('\r'));
});

test('segments split quoted from own text and join back to the body', async () => {
  const m = await mailOf('reply-qp-folded.eml');
  assert.deepEqual(m.segments.map((s) => s.quoted), [false, true, false]);
  assert.match(m.segments[1].text, /^> This patch fixes the thing\./);
  assert.equal(m.segments.map((s) => s.text).join('\n'), m.text);
});

test('trailers come from own text only, not from quoted lines', async () => {
  const m = await mailOf('reply-qp-folded.eml');
  assert.deepEqual(
    m.trailers.map((t) => [t.key, t.person?.address]),
    [
      ['Reviewed-by', 'zhang.san@example.com'],
      ['Tested-by', 'tester@example.com'],
    ],
  );
  assert.equal(m.trailers[1].person?.name, 'Tester, The');
  assert.equal(m.patch, null);
});

test('GB2312 encoded-word subject split over two folded words, base64 GB2312 body', async () => {
  const m = await mailOf('gb2312-base64.eml');
  assert.equal(m.subject.full, '回复: 关于 KVM 的问题');
  assert.equal(m.subject.title, '关于 KVM 的问题');
  assert.equal(m.subject.tags.isReply, true);
  assert.equal(m.text, '你好，\n这是一个问题。\n');
});

test('inline patch: diff from "diff --git" to before the signature, trailers before it', async () => {
  const m = await mailOf('inline-patch.eml');
  assert.equal(m.subject.full, '[PATCH v3 1/2] KVM: arm64: Fix the timer');
  assert.ok(m.patch !== null);
  assert.ok(m.patch.startsWith('diff --git a/arch/arm64/kvm/arch_timer.c'));
  // The "-- " inside the hunk is a removed line and stays; the signature after it goes.
  assert.ok(m.patch.endsWith('-- \n context\n'), JSON.stringify(m.patch.slice(-40)));
  assert.ok(!m.patch.includes('2.39.0'));
  assert.deepEqual(
    m.trailers.map((t) => t.key),
    ['Fixes', 'Reported-by', 'Link', 'Cc', 'Signed-off-by'],
  );
  assert.ok(!m.trailers.some((t) => t.value.includes('Inside Diff')), 'no trailers from inside the diff');
  assert.equal(m.trailers[1].person?.name, 'Rép Orter');
  assert.equal(m.date, '2022-11-11T09:30:00.000Z');
  assert.equal(m.from.address, 'dev2@example.org');
});

test('patch carried as a text/x-patch attachment (base64)', async () => {
  const m = await mailOf('patch-attachment.eml');
  assert.ok(m.patch !== null);
  assert.match(m.patch, /^From 1111/);
  assert.match(m.patch, /diff --git a\/arch\/arm64\/kvm\/x\.c/);
  assert.equal(m.text.trim(), 'Please find the patch attached.\n\nAcked-by: Someone Else <someone@example.org>');
  assert.deepEqual(m.trailers.map((t) => t.key), ['Acked-by']);
  assert.equal(m.date, '2022-11-10T17:00:00.000Z');
});

test('missing Message-ID: synthesised, deterministic, different for different bytes', async () => {
  const a = await mailOf('no-id-no-date.eml');
  const b = await mailOf('no-id-no-date.eml');
  const c = await mailOf('no-id-no-date-nothing.eml');
  assert.equal(a.synthesizedId, true);
  assert.match(a.messageId, /^kvmarm-weekly-[0-9a-f]{40}@synthesised$/);
  assert.equal(a.messageId, b.messageId);
  assert.notEqual(a.messageId, c.messageId);
});

test('missing Date: date null, receivedAt from Received:', async () => {
  const m = await mailOf('no-id-no-date.eml');
  assert.equal(m.date, null);
  assert.equal(m.receivedAt, '2022-11-12T01:02:03.000Z');
});

test('no Date and no Received: commit time, else epoch 0', async () => {
  const withCommit = await mailOf('no-id-no-date-nothing.eml', { commitTime: 1668000000 });
  assert.equal(withCommit.date, null);
  assert.equal(withCommit.receivedAt, '2022-11-09T13:20:00.000Z');
  const bare = await mailOf('no-id-no-date-nothing.eml');
  assert.equal(bare.receivedAt, '1970-01-01T00:00:00.000Z');
  assert.equal(bare.origin, 'no-id-no-date-nothing.eml');
  // An In-Reply-To without angle brackets is not an id (public-inbox ignores it too).
  assert.equal(bare.inReplyTo, null);
  assert.deepEqual(bare.references, []);
});

test('HTML-only mail gets a text rendering with quotes, no script, entities decoded', async () => {
  const m = await mailOf('html-only.eml');
  assert.ok(!/<\/?(?:p|div|script|blockquote|br)\b/i.test(m.text), m.text);
  assert.ok(!m.text.includes('alert'), m.text);
  assert.ok(!m.text.includes('color:red'), m.text);
  assert.match(m.text, /^Hello & welcome,/);
  assert.match(m.text, /^> old text$/m);
  assert.match(m.text, /^My reply here\.\nSecond line 你$/m);
  assert.deepEqual(m.segments.map((s) => s.quoted), [false, true, false]);
  // The Acked-by sits inside the blockquote: it is someone else's.
  assert.deepEqual(m.trailers, []);
});

test('odd ids follow public-inbox: bare Message-ID, address-like and y/n refs dropped, long ids truncated', async () => {
  const m = await mailOf('odd-ids.eml');
  assert.equal(m.messageId, 'bare-id@example.org');
  assert.equal(m.synthesizedId, false);
  // <odd@example.org> in In-Reply-To is the sender's address; the last real id is the parent.
  assert.equal(m.inReplyTo, 'parent@example.org');
  assert.equal(m.references.length, 3);
  assert.equal(m.references[0], 'root@example.org');
  assert.equal(m.references[1].length, 244);
  assert.ok(m.references[1].startsWith('xxxx'));
  assert.equal(m.references[2], 'parent@example.org');
  assert.ok(!m.references.includes('bare-id@example.org'), 'own id is never a reference');
  assert.ok(!m.references.includes('y'));
});

test('garbage without headers is unparsed, not thrown or dropped', async () => {
  const r = await parseMail(raw('garbage.eml'));
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.equal(r.unparsed.origin, 'garbage.eml');
  assert.match(r.unparsed.reason, /header/);
  assert.match(r.unparsed.headers, /not a mail/);
});

test('empty and binary inputs never throw', async () => {
  const empty = await parseMail({ raw: Buffer.alloc(0) });
  assert.equal(empty.ok, false);
  const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256));
  const r = await parseMail({ raw: bytes, origin: 'noise' });
  assert.equal(typeof r.ok, 'boolean');
});

test('a huge References header (10,000 ids) is handled and deduplicated', async () => {
  const ids = Array.from({ length: 10000 }, (_, i) => `<r${i % 5000}@example.org>`);
  const text = `From: a@example.org\nSubject: Re: long\nMessage-ID: <long@example.org>\nReferences: ${ids.join('\n ')}\n\nhi\n`;
  const r = await parseMail({ raw: Buffer.from(text) });
  assert.equal(r.ok, true);
  if (!r.ok) return;
  assert.equal(r.mail.references.length, 5000);
  assert.equal(r.mail.references[0], 'r0@example.org');
  assert.equal(r.mail.references[4999], 'r4999@example.org');
});

test('8-bit raw UTF-8 subject without encoded words is decoded', async () => {
  const text = 'From: a@example.org\nSubject: Re: 关于 vgic 的讨论\nMessage-ID: <u8@example.org>\nContent-Type: text/plain; charset=utf-8\n\nhi\n';
  const r = await parseMail({ raw: Buffer.from(text, 'utf8') });
  assert.equal(r.ok, true);
  if (!r.ok) return;
  assert.equal(r.mail.subject.full, 'Re: 关于 vgic 的讨论');
});
