// The hostile mail generator: writes, in code, every kind of message a public mailing list can be
// sent (markup in every header, legacy charsets, broken MIME, giant headers, looping ids, garbage
// dates, control characters). Nothing here is copied from any archive. Each message carries what
// a correct parser must decode from it where the charset is known (`expect`).

import { ALL_PAYLOADS, CONTROL_PAYLOADS, MARKDOWN_PAYLOADS, SCRIPT_PAYLOADS } from './payloads.js';
import { bWord, encodeGbk, encodeLatin1, isGb2312, qWord } from './charsets.js';

export interface HostileExpect {
  /** The decoded subject, whitespace collapsed. */
  subject?: string;
  /** The decoded display name of the sender. */
  fromName?: string;
  /** Strings the decoded body text must contain. */
  textIncludes?: string[];
  messageId?: string;
}

export interface HostileMessage {
  name: string;
  raw: Buffer;
  expect?: HostileExpect;
}

type HeaderValue = string | Buffer;

const DATE = 'Mon, 7 Nov 2022 10:00:00 +0000';

function build(headers: Array<[string, HeaderValue]>, body: HeaderValue, eol = '\n'): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of headers) {
    parts.push(Buffer.from(`${name}: `, 'latin1'));
    parts.push(typeof value === 'string' ? Buffer.from(value, 'utf8') : value);
    parts.push(Buffer.from(eol));
  }
  parts.push(Buffer.from(eol));
  parts.push(typeof body === 'string' ? Buffer.from(body, 'utf8') : body);
  return Buffer.concat(parts);
}

/** Plain headers for message n, with overrides (a null value drops the header). */
function headers(n: string, over: Record<string, HeaderValue | null> = {}): Array<[string, HeaderValue]> {
  const base: Record<string, HeaderValue | null> = {
    From: 'Alice Example <alice@example.org>',
    To: 'kvmarm@lists.linux.dev',
    Subject: `hostile ${n}`,
    Date: DATE,
    'Message-ID': `<hostile-${n}@example.org>`,
    ...over,
  };
  return Object.entries(base).filter((e): e is [string, HeaderValue] => e[1] !== null);
}

function u8(text: string): string {
  return bWord('UTF-8', Buffer.from(text, 'utf8'));
}

/** A header-safe form of a payload: one line, non-ASCII as an RFC 2047 word. */
function headerSafe(payload: string): string {
  const line = payload.replace(/\r?\n/g, ' ');
  // eslint-disable-next-line no-control-regex
  return /[^\x20-\x7e]/.test(line) ? u8(line) : line;
}

function patchBody(payload: string): string {
  return [
    `Own text: ${payload}`,
    '',
    payload,
    '',
    `> quoted: ${payload}`,
    '',
    `Reviewed-by: ${payload.replace(/\n/g, ' ')} <reviewer@example.org>`,
    `Signed-off-by: Alice Example <alice@example.org>`,
    '---',
    ` arch/arm64/kvm/${payload.replace(/\s/g, '_').slice(0, 40)}.c | 2 +-`,
    '',
    `diff --git a/arch/arm64/kvm/x.c b/arch/arm64/kvm/x.c`,
    `--- a/arch/arm64/kvm/x.c`,
    `+++ b/arch/arm64/kvm/x.c`,
    `@@ -1,1 +1,1 @@ ${payload.replace(/\n/g, ' ')}`,
    `-old line`,
    `+${payload.replace(/\n/g, ' ')}`,
    '',
  ].join('\n');
}

function payloadMessages(): HostileMessage[] {
  const out: HostileMessage[] = [];
  ALL_PAYLOADS.forEach((p, i) => {
    const h = headerSafe(p);
    out.push({
      name: `payload-${i}-headers-body`,
      raw: build(
        headers(`p${i}`, {
          From: `"${h.replace(/"/g, '\\"')}" <evil${i}@example.org>`,
          To: `${h} <to${i}@example.org>`,
          Cc: `"${h.replace(/"/g, '\\"')}" <cc${i}@example.org>, kvmarm@lists.linux.dev`,
          Subject: `[PATCH ${i + 1}/${ALL_PAYLOADS.length}] KVM: arm64: ${h}`,
          'X-Payload': h,
        }),
        patchBody(p),
      ),
    });
    // The same payload in the threading ids, in a reply to the message above.
    const idPart = p.replace(/[\s\r\n]/g, '');
    out.push({
      name: `payload-${i}-ids`,
      raw: build(
        headers(`p${i}r`, {
          Subject: `Re: ${h}`,
          'Message-ID': `<${idPart}@ids.example.org>`,
          'In-Reply-To': `<hostile-p${i}@example.org>`,
          References: `<hostile-p${i}@example.org> <${idPart}@refs.example.org>`,
        }),
        `> ${p}\n\nReply with ${p} again.\n\n[markdown link](${p})\n`,
      ),
    });
  });
  // An HTML-only message full of script: mailparser's html -> text path.
  out.push({
    name: 'html-only-scripts',
    raw: build(
      headers('html', { 'Content-Type': 'text/html; charset=utf-8' }),
      `<html><body>${SCRIPT_PAYLOADS.join('\n<br>')}<p>visible words</p></body></html>\n`,
    ),
    expect: { textIncludes: ['visible words'] },
  });
  // HTML-only bodies that make naive tag-stripping regexes quadratic (unclosed tags and comments).
  const html = (name: string, body: string): void => {
    out.push({ name, raw: build(headers(name, { 'Content-Type': 'text/html; charset=utf-8' }), body) });
  };
  html('html-unclosed-lt-200k', '<'.repeat(200_000));
  html('html-unclosed-comments', '<!--'.repeat(50_000));
  html('html-unclosed-script', '<script>'.repeat(20_000));
  html('html-unclosed-pre', '<pre>'.repeat(30_000));
  html('html-nested-blockquote', '<blockquote>'.repeat(3000) + 'deep' + '</blockquote>'.repeat(3000));
  html('html-pre-spaces', `<pre>a${' '.repeat(100_000)}b</pre>`);
  return out;
}

const ZH = 'KVM 中文测试：内存页表与中断';

function charsetMessages(): HostileMessage[] {
  const out: HostileMessage[] = [];
  const gb = encodeGbk(ZH);
  if (!isGb2312(gb)) throw new Error('test text must be plain GB2312');
  out.push({
    name: 'gb2312-subject-b-body-8bit',
    raw: build(
      headers('gb1', {
        Subject: bWord('GB2312', gb),
        From: `${bWord('GB2312', encodeGbk('张三'))} <zhang@example.cn>`,
        'MIME-Version': '1.0',
        'Content-Type': 'text/plain; charset=GB2312',
        'Content-Transfer-Encoding': '8bit',
      }),
      Buffer.concat([encodeGbk('正文第一行：虚拟机\n第二行'), Buffer.from('\n')]),
    ),
    expect: { subject: ZH, fromName: '张三', textIncludes: ['正文第一行：虚拟机', '第二行'] },
  });
  out.push({
    name: 'gb2312-subject-q-body-qp',
    raw: build(
      headers('gb2', {
        Subject: `Re: ${qWord('gb2312', gb)}`,
        'Content-Type': 'text/plain; charset="gb2312"',
        'Content-Transfer-Encoding': 'quoted-printable',
      }),
      [...encodeGbk('引用的中文')].map((b) => `=${b.toString(16).toUpperCase()}`).join('') + '\n',
    ),
    expect: { subject: `Re: ${ZH}`, textIncludes: ['引用的中文'] },
  });
  // 堃 and 镕 are GBK but not GB2312.
  const gbkText = '王堃与朱镕基的补丁';
  if (isGb2312(encodeGbk(gbkText))) throw new Error('test text must need GBK');
  out.push({
    name: 'gbk-subject-body-base64',
    raw: build(
      headers('gbk', {
        Subject: bWord('GBK', encodeGbk(gbkText)),
        'Content-Type': 'text/plain; charset=GBK',
        'Content-Transfer-Encoding': 'base64',
      }),
      encodeGbk(gbkText + '\n').toString('base64').replace(/.{76}/g, '$&\n') + '\n',
    ),
    expect: { subject: gbkText, textIncludes: [gbkText] },
  });
  const latin = 'Grüße aus Köln, café à la crème';
  out.push({
    name: 'iso-8859-1-subject-body',
    raw: build(
      headers('latin1', {
        Subject: qWord('ISO-8859-1', encodeLatin1(latin)),
        From: `${qWord('iso-8859-1', encodeLatin1('Jürgen Müller'))} <jm@example.de>`,
        'Content-Type': 'text/plain; charset=ISO-8859-1',
        'Content-Transfer-Encoding': '8bit',
      }),
      Buffer.concat([encodeLatin1(`Body: ${latin}\n`)]),
    ),
    expect: { subject: latin, fromName: 'Jürgen Müller', textIncludes: [`Body: ${latin}`] },
  });
  // RFC 2047 words split in the middle of a multi-byte character (against the RFC, common in practice).
  const hello = Buffer.from('你好世界 KVM', 'utf8');
  out.push({
    name: 'rfc2047-b-split-mid-char',
    raw: build(headers('split-b', { Subject: `${bWord('UTF-8', hello.subarray(0, 4))} ${bWord('UTF-8', hello.subarray(4))}` }), 'body\n'),
    expect: { subject: '你好世界 KVM' },
  });
  out.push({
    name: 'rfc2047-q-split-mid-char-folded',
    raw: build(
      headers('split-q', { Subject: `${qWord('utf-8', hello.subarray(0, 2))}\n ${qWord('utf-8', hello.subarray(2, 7))}\n\t${qWord('utf-8', hello.subarray(7))}` }),
      'body\n',
    ),
    expect: { subject: '你好世界 KVM' },
  });
  out.push({
    name: 'rfc2047-gb2312-split-mid-char',
    raw: build(headers('split-gb', { Subject: `${bWord('GB2312', gb.subarray(0, 5))} ${bWord('GB2312', gb.subarray(5))}` }), 'body\n'),
    expect: { subject: ZH },
  });
  const raw8 = '原始 UTF-8 主题 ✓';
  out.push({
    name: 'raw-8bit-utf8-headers',
    raw: build(headers('raw8', { Subject: Buffer.from(raw8, 'utf8'), From: Buffer.from('Łukasz Żółć <lz@example.pl>', 'utf8') }), Buffer.from('Zażółć gęślą jaźń\n', 'utf8')),
    expect: { subject: raw8, fromName: 'Łukasz Żółć', textIncludes: ['Zażółć gęślą jaźń'] },
  });
  out.push({
    name: 'raw-8bit-latin1-headers',
    raw: build(headers('raw8l', { Subject: encodeLatin1('Ärger mit café'), From: Buffer.concat([encodeLatin1('Ångström'), Buffer.from(' <a@example.se>')]) }), encodeLatin1('ÿ\xfe\xff body\n')),
  });
  out.push({
    name: 'raw-8bit-gbk-headers',
    raw: build(headers('raw8g', { Subject: encodeGbk('未声明字符集的主题') }), encodeGbk('未声明字符集的正文\n')),
  });
  const folded = '[PATCH v2 3/7] KVM: arm64: a very long subject that was folded across several lines';
  out.push({
    name: 'folded-headers',
    raw: build(
      headers('folded', {
        Subject: '[PATCH v2 3/7] KVM: arm64: a very long subject\n that was folded\n\tacross several\n  lines',
        References: '<a1@example.org>\n <a2@example.org>\n\t<a3@example.org>',
        From: 'Alice\n Example <alice@example.org>',
      }),
      'body\n',
    ),
    expect: { subject: folded },
  });
  out.push({ name: 'unknown-charset', raw: build(headers('xcs', { 'Content-Type': 'text/plain; charset=x-no-such-charset' }), 'plain ascii words\n'), expect: { textIncludes: ['plain ascii words'] } });
  out.push({ name: 'utf7-charset', raw: build(headers('utf7', { 'Content-Type': 'text/plain; charset=UTF-7' }), 'Hi Mom -+Jjo--!\n') });
  out.push({ name: 'rfc2047-bad-base64', raw: build(headers('badb64', { Subject: '=?UTF-8?B?!!!not*base64===?= =?UTF-8?Q?=ZZ=?= =?x?y?z?=' }), 'body\n') });
  out.push({ name: 'rfc2047-unknown-charset', raw: build(headers('xcs2', { Subject: '=?x-evil?B?PHNjcmlwdD4=?= tail' }), 'body\n') });
  out.push({
    name: 'utf8-body-base64-declared',
    raw: build(headers('u8b64', { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Transfer-Encoding': 'base64' }), Buffer.from('中文正文 ✓ \u202e RTL\n', 'utf8').toString('base64') + '\n'),
    expect: { textIncludes: ['中文正文 ✓'] },
  });
  return out;
}

function multipart(boundary: string, parts: string[], close = true): string {
  return parts.map((p) => `--${boundary}\nContent-Type: text/plain\n\n${p}\n`).join('') + (close ? `--${boundary}--\n` : '');
}

function mimeMessages(): HostileMessage[] {
  const out: HostileMessage[] = [];
  const mp = (name: string, ct: string, body: string): void => {
    out.push({ name, raw: build(headers(name, { 'MIME-Version': '1.0', 'Content-Type': ct }), body) });
  };
  mp('boundary-never-used', 'multipart/mixed; boundary="nowhere"', 'just text, no parts at all\n');
  mp('boundary-missing', 'multipart/mixed', multipart('x', ['part one']));
  mp('boundary-empty', 'multipart/mixed; boundary=""', '--\n\nempty boundary part\n----\n');
  mp('boundary-dashes', 'multipart/mixed; boundary="--"', multipart('--', ['a', 'b']));
  mp('boundary-long-special', `multipart/mixed; boundary="${"'()+_,-./:=? ".repeat(20)}"`, multipart("'()+_,-./:=? ".repeat(20), ['long boundary part']));
  mp('boundary-reused-nested', 'multipart/mixed; boundary="b"', `--b\nContent-Type: multipart/alternative; boundary="b"\n\n--b\nContent-Type: text/plain\n\ninner\n--b--\n--b--\n`);
  mp('boundary-prefix', 'multipart/mixed; boundary="ab"', `--ab\nContent-Type: multipart/mixed; boundary="abc"\n\n--abc\n\nx\n--abc--\n--ab--\n`);
  mp('boundary-unterminated', 'multipart/mixed; boundary="u"', multipart('u', ['never closed', 'second'], false));
  mp('boundary-no-parts-no-end', 'multipart/mixed; boundary="z"', '');
  mp('boundary-whitespace-only', 'multipart/mixed; boundary="   "', '--   \n\nws\n--   --\n');
  mp('boundary-crlf-mix', 'multipart/mixed; boundary="m"', '--m\r\nContent-Type: text/plain\r\n\r\ncrlf part\r\n--m\nContent-Type: text/plain\n\nlf part\n--m--\r\n');
  mp('content-type-garbage', 'multipart/;;;;===;boundary=;boundary="a";boundary', multipart('a', ['?']));
  mp('multipart-digest-empty', 'multipart/digest; boundary="d"', '--d\n\n--d\n\n--d--\n');
  mp('message-rfc822-empty', 'message/rfc822', '');
  mp('rfc822-part-header-only', 'multipart/mixed; boundary="h"', '--h\nContent-Type: message/rfc822\n\nSubject: header only\n--h--\n');
  mp('rfc822-part-bad-close', 'multipart/mixed; boundary="outer"', '--outer\nContent-Type: multipart/alternative; boundary="inner"\n\n--inner\nContent-Type: text/plain\n\nText\n\n--inner\nContent-Type: message/rfc822\n\nSubject: attached\n\n--outer\n');
  mp('report-delivery-status-open', 'multipart/report; report-type=delivery-status; boundary="w7T/foo"', '--w7T/foo\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; x\n\nFinal-Recipient: RFC822; a@b\n\n--w7T/foo\n\n');
  mp('multipart-base64-container', 'multipart/mixed; boundary="q"', multipart('q', ['x']).replace('Content-Type: text/plain', 'Content-Type: text/plain\nContent-Transfer-Encoding: base64'));
  const many = Array.from({ length: 4000 }, (_, i) => `part ${i}`);
  mp('mime-4000-parts', 'multipart/mixed; boundary="many"', multipart('many', many));
  const manyAttach = Array.from({ length: 1500 }, (_, i) => `--att\nContent-Type: application/octet-stream; name="f${i}.bin"\nContent-Disposition: attachment; filename="f${i}.patch"\nContent-Transfer-Encoding: base64\n\nAAEC\n`).join('') + '--att--\n';
  mp('mime-1500-attachments', 'multipart/mixed; boundary="att"', manyAttach);
  let nested = 'deepest text\n';
  for (let d = 300; d > 0; d--) nested = `--n${d}\nContent-Type: ${d === 300 ? 'text/plain' : `multipart/mixed; boundary="n${d + 1}"`}\n\n${nested}--n${d}--\n`;
  mp('mime-nested-300', 'multipart/mixed; boundary="n1"', nested);
  let rfc822 = 'Subject: innermost\n\ninner body\n';
  for (let d = 0; d < 120; d++) rfc822 = `Subject: level ${d}\nContent-Type: message/rfc822\n\n${rfc822}`;
  mp('message-rfc822-nested-120', 'message/rfc822', rfc822);
  out.push({ name: 'base64-garbage-body', raw: build(headers('b64g', { 'Content-Transfer-Encoding': 'base64' }), '!!!! not base64 \u0000 at all ====\n'.repeat(50)) });
  out.push({ name: 'qp-broken-escapes', raw: build(headers('qpb', { 'Content-Transfer-Encoding': 'quoted-printable' }), 'a =ZZ b =\n=4 c =3D=\n= \n'.repeat(20)) });
  out.push({ name: 'cte-unknown', raw: build(headers('cte', { 'Content-Transfer-Encoding': 'x-uuencode-evil' }), 'begin 644 x\n`\nend\n') });
  return out;
}

function sizeMessages(): HostileMessage[] {
  const out: HostileMessage[] = [];
  // A multi-megabyte header: one 3 MB field folded into short lines, and one 2 MB line.
  const foldedJunk = Array.from({ length: 40_000 }, (_, i) => `junk${i} ${'x'.repeat(64)}`).join('\n ');
  out.push({ name: 'header-3mb-folded', raw: build(headers('big1', { 'X-Junk': foldedJunk }), 'small body\n') });
  out.push({ name: 'subject-2mb-one-line', raw: build(headers('big2', { Subject: 'S'.repeat(2 * 1024 * 1024) }), 'small body\n') });
  out.push({ name: 'header-20000-received', raw: build([...Array.from({ length: 20_000 }, (_, i): [string, string] => ['Received', `from h${i} by lists; ${DATE}`]), ...headers('recv')], 'body\n') });
  out.push({ name: 'body-5mb-one-line', raw: build(headers('big3'), 'B'.repeat(5 * 1024 * 1024)) });
  out.push({ name: 'body-1mb-diff', raw: build(headers('big4', { Subject: '[PATCH] huge diff' }), `diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1,50000 @@\n${'+added line of code\n'.repeat(50_000)}`) });
  out.push({ name: 'trailers-10000', raw: build(headers('trl', { Subject: '[PATCH 1/1] many trailers' }), `text\n\n${Array.from({ length: 10_000 }, (_, i) => `Reviewed-by: R${i} <r${i}@example.org>`).join('\n')}\n`) });
  out.push({ name: 'trailer-redos-probe', raw: build(headers('redos1'), `Reviewed-by: ${'a '.repeat(50_000)}<${'b'.repeat(50_000)}\nSigned-off-by: ${'<'.repeat(30_000)}\n`) });
  out.push({ name: 'subject-bracket-redos', raw: build(headers('redos2', { Subject: '['.repeat(20_000) + 'PATCH' + ' v'.repeat(5000) + ']'.repeat(3) }), 'b\n') });
  out.push({ name: 'subject-re-10000', raw: build(headers('redos3', { Subject: 'Re: '.repeat(10_000) + '[PATCH v3 1/2] x' }), 'b\n') });
  out.push({ name: 'subject-numbers-overflow', raw: build(headers('num', { Subject: '[PATCH v99999999999999999999999 99999999999999999999/0] overflow' }), 'b\n') });
  out.push({ name: 'subject-index-above-total', raw: build(headers('num2', { Subject: '[PATCH v-1 7/3] index above total' }), 'b\n') });
  out.push({ name: 'subject-series-1e6', raw: build(headers('num3', { Subject: '[PATCH 1/1000000] giant series' }), 'b\n') });
  out.push({ name: 'quote-nesting-10000', raw: build(headers('quotes'), '>'.repeat(10_000) + ' deep\n' + '> > > >\n'.repeat(10_000)) });
  return out;
}

function idMessages(): HostileMessage[] {
  const out: HostileMessage[] = [];
  const add = (name: string, over: Record<string, HeaderValue | null>, body = 'body\n', expect?: HostileExpect): void => {
    out.push({ name, raw: build(headers(name, over), body), expect });
  };
  add('no-message-id-a', { 'Message-ID': null }, 'same body twice\n');
  add('no-message-id-b', { 'Message-ID': null }, 'same body twice\n');
  add('duplicate-id-1', { 'Message-ID': '<dup@example.org>', Subject: 'first of a duplicated id' });
  add('duplicate-id-2', { 'Message-ID': '<dup@example.org>', Subject: 'second of a duplicated id' });
  add('duplicate-id-header', { 'Message-ID': '<twice-a@example.org>', 'Message-Id': '<twice-b@example.org>' });
  add('self-reference', { 'Message-ID': '<self@example.org>', 'In-Reply-To': '<self@example.org>', References: '<self@example.org>' }, 'body\n', { messageId: 'self@example.org' });
  add('loop-a', { 'Message-ID': '<loop-a@example.org>', References: '<loop-b@example.org>', 'In-Reply-To': '<loop-b@example.org>' });
  add('loop-b', { 'Message-ID': '<loop-b@example.org>', References: '<loop-a@example.org>', 'In-Reply-To': '<loop-a@example.org>' });
  add('cycle3-a', { 'Message-ID': '<c3-a@example.org>', References: '<c3-c@example.org>' });
  add('cycle3-b', { 'Message-ID': '<c3-b@example.org>', References: '<c3-a@example.org>' });
  add('cycle3-c', { 'Message-ID': '<c3-c@example.org>', References: '<c3-b@example.org>' });
  add('cycle-via-refs-order', { 'Message-ID': '<ro-1@example.org>', References: '<ro-2@example.org> <ro-1@example.org> <ro-2@example.org>' });
  const longRefs = Array.from({ length: 10_000 }, (_, i) => `<ref${i}@example.org>`).join('\n ');
  add('references-10000', { References: longRefs, 'In-Reply-To': '<ref9999@example.org>' });
  add('references-10000-same', { References: Array(10_000).fill('<same@example.org>').join(' ') });
  add('references-10000-to-existing', { References: Array.from({ length: 10_000 }, (_, i) => `<hostile-p${i % 40}@example.org>`).join(' ') });
  add('message-id-empty-brackets', { 'Message-ID': '<>' });
  add('message-id-blank', { 'Message-ID': '' });
  add('message-id-spaces', { 'Message-ID': '<with some spaces@example.org>' });
  add('message-id-10k', { 'Message-ID': `<${'i'.repeat(10_000)}@example.org>` });
  add('message-id-unicode', { 'Message-ID': Buffer.from('<中文\u202eid@例子.org>', 'utf8') });
  add('message-id-path-traversal', { 'Message-ID': '<../../../etc/passwd>' }, 'body\n', { messageId: '../../../etc/passwd' });
  add('message-id-url-specials', { 'Message-ID': '<a?b#c%2F/../d&e=f@example.org>' });
  add('message-id-nul', { 'Message-ID': '<nul\u0000id@example.org>' });
  add('in-reply-to-garbage', { 'In-Reply-To': 'your message of yesterday <not an id' });
  add('in-reply-to-address', { 'In-Reply-To': '<alice@example.org>' });
  add('references-unclosed', { References: '<a@b <c@d <e@f' });
  return out;
}

function dateMessages(): HostileMessage[] {
  const out: HostileMessage[] = [];
  const dates = [
    'yesterday',
    'Mon, 7 Nov 2022 10:00:00 -0000',
    'Mon, 32 Foo 99999 99:99:99 +9999',
    '',
    'Thu, 01 Jan 1970 00:00:00 +0000',
    'Sat, 1 Jan 0001 00:00:00 +0000',
    'Fri, 31 Dec 275760 23:59:59 +0000',
    'Mon, 7 Nov 2022 10:00:00 +2400',
    'Mon, 7 Nov 22 10:00 GMT',
    '2022-11-07T10:00:00Z',
    '0',
    '-1',
    'Mon, 7 Nov 2022 10:00:00 +0000 (\u202eCST)',
    'D'.repeat(100_000),
    '1 1 1 1:1:1 1',
  ];
  dates.forEach((d, i) => out.push({ name: `date-${i}`, raw: build(headers(`date${i}`, { Date: d }), 'body\n') }));
  // The last instant JavaScript dates can hold, pushed past it by the zone offset; once in a
  // message that parses and once in one that mailparser refuses (too many MIME parts).
  const edge = 'Sat, 13 Sep 275760 00:00:00 -9959';
  out.push({ name: 'date-past-js-max', raw: build(headers('datemax', { Date: edge }), 'body\n') });
  out.push({ name: 'date-past-js-max-unparsed', raw: build(headers('datemaxu', { Date: edge, 'Content-Type': 'multipart/mixed; boundary="e"' }), multipart('e', Array.from({ length: 3000 }, () => 'x'))) });
  out.push({ name: 'received-past-js-max-unparsed', raw: build([['Received', `from a by b; ${edge}`], ...headers('recvmaxu', { 'Content-Type': 'multipart/mixed; boundary="e"' })], multipart('e', Array.from({ length: 3000 }, () => 'x'))) });
  out.push({ name: 'date-missing', raw: build(headers('nodate', { Date: null }), 'body\n') });
  out.push({ name: 'date-duplicate', raw: build([...headers('date2x'), ['Date', 'Tue, 8 Nov 2022 10:00:00 +0000']], 'body\n') });
  out.push({ name: 'date-digits-100k', raw: build(headers('dated', { Date: '1'.repeat(100_000) }), 'body\n') });
  out.push({ name: 'date-letters-then-digits', raw: build(headers('datel', { Date: `${'Mon, '.repeat(20_000)}7 Nov` }), 'body\n') });
  out.push({ name: 'received-digits-100k', raw: build([['Received', `from x by y; ${'1'.repeat(100_000)}`], ...headers('recvd')], 'body\n') });
  out.push({ name: 'received-garbage', raw: build([['Received', 'from x by y; not a date at all'], ['Received', 'from a by b; Mon, 99 Nov 2022 99:00:00 +0000'], ...headers('recvg')], 'body\n') });
  return out;
}

function byteMessages(): HostileMessage[] {
  const out: HostileMessage[] = [];
  out.push({ name: 'from-lines-in-body', raw: build(headers('fromlines'), 'From the start\n>From quoted once\n>>From quoted twice\nFrom alice@example.org Mon Nov  7 10:00:00 2022\nend\n'), expect: { textIncludes: ['>From quoted once', 'From the start'] } });
  out.push({ name: 'nul-bytes', raw: build(headers('nul', { Subject: 'nul\u0000in\u0000subject', From: 'Nul\u0000Name <nul@example.org>' }), 'body\u0000with\u0000nuls\n\u0000\u0000\u0000\n') });
  out.push({ name: 'nul-flood', raw: build(headers('nulf'), Buffer.alloc(200_000)) });
  out.push({ name: 'binary-garbage-body', raw: build(headers('bin'), Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i * 7919 + 13) & 0xff))) });
  out.push({ name: 'binary-garbage-whole', raw: Buffer.from(Array.from({ length: 50_000 }, (_, i) => (i * 104_729 + 7) & 0xff)) });
  out.push({ name: 'cr-only-line-endings', raw: build(headers('cr'), 'line one\rline two\r', '\r') });
  out.push({ name: 'crlf-line-endings', raw: build(headers('crlf'), 'line one\r\nline two\r\n', '\r\n'), expect: { subject: 'hostile crlf', textIncludes: ['line one'] } });
  out.push({ name: 'headers-only', raw: Buffer.from('Subject: only headers\nMessage-ID: <only@example.org>\n') });
  out.push({ name: 'no-headers', raw: Buffer.from('\nbody without any header\n') });
  out.push({ name: 'empty', raw: Buffer.alloc(0) });
  out.push({ name: 'single-newline', raw: Buffer.from('\n') });
  out.push({ name: 'header-no-colon', raw: Buffer.from('This is not a header\nAnother line\n\nbody\n') });
  out.push({ name: 'header-name-garbage', raw: build([[': no name', 'x'], ['\u0000\u0001', 'y'], ['X'.repeat(10_000), 'z'], ...headers('hng')], 'body\n') });
  out.push({ name: 'rtl-override-everywhere', raw: build(headers('rtl', { Subject: u8(`[PATCH] ${CONTROL_PAYLOADS[0]} fix`), From: `${u8('\u202eecilA')} <rtl@example.org>` }), `\u202e${CONTROL_PAYLOADS.join('\n')}\n`) });
  out.push({ name: 'lone-surrogates-utf8', raw: build(headers('surr'), Buffer.from([0xed, 0xa0, 0x80, 0x20, 0xf4, 0x90, 0x80, 0x80, 0x20, 0xc0, 0xaf, 0x0a])) });
  out.push({ name: 'markdown-structure-in-body', raw: build(headers('mdstruct', { Subject: '# heading | table | `code` **bold** ```' }), '```\nunclosed fence\n| a | b |\n|---|---|\n<div>\n# not a heading\n---\n') });
  return out;
}

/** Every hostile message, in a fixed order (names are unique). */
export function hostileMessages(): HostileMessage[] {
  const all = [...payloadMessages(), ...charsetMessages(), ...mimeMessages(), ...sizeMessages(), ...idMessages(), ...dateMessages(), ...byteMessages()];
  const seen = new Set<string>();
  for (const m of all) {
    if (seen.has(m.name)) throw new Error(`duplicate hostile message name ${m.name}`);
    seen.add(m.name);
  }
  return all;
}

/** The payloads planted in the messages, for checks that look for them in the output. */
export { ALL_PAYLOADS, MARKDOWN_PAYLOADS, SCRIPT_PAYLOADS };

const MBOX_FROM = Buffer.from('From hostile@example.org Mon Nov  7 10:00:00 2022\n');

/**
 * Messages as one mboxrd file: lines matching /^>*From / get one more '>' and each message is
 * followed by a blank line. Messages whose bytes are only whitespace cannot survive an mbox (the
 * reader skips them), so they are left out and returned in `skipped`.
 */
export function toMboxrd(messages: readonly HostileMessage[]): { mbox: Buffer; written: string[]; skipped: string[] } {
  const parts: Buffer[] = [];
  const written: string[] = [];
  const skipped: string[] = [];
  for (const m of messages) {
    if (m.raw.toString('latin1').trim() === '') {
      skipped.push(m.name);
      continue;
    }
    parts.push(MBOX_FROM);
    const text = m.raw.toString('latin1').replace(/(^|\n)(>*From )/g, '$1>$2');
    parts.push(Buffer.from(text, 'latin1'));
    if (!text.endsWith('\n')) parts.push(Buffer.from('\n'));
    parts.push(Buffer.from('\n'));
    written.push(m.name);
  }
  return { mbox: Buffer.concat(parts), written, skipped };
}
