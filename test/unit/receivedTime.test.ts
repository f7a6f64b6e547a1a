import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHeaderFields } from '../../src/core/headers.js';
import { parseMailDate, receivedTime } from '../../src/core/receivedTime.js';

const iso = (s: number | null) => (s === null ? null : new Date(s * 1000).toISOString());

test('an RFC 822 date with a zone is converted to UTC', () => {
  assert.equal(iso(parseMailDate('Mon, 7 Nov 2022 17:43:05 +0100')), '2022-11-07T16:43:05.000Z');
  assert.equal(iso(parseMailDate('Tue,  6 May 2025 09:00:00 -0700')), '2025-05-06T16:00:00.000Z');
  assert.equal(iso(parseMailDate('7 Nov 2022 10:00 GMT')), '2022-11-07T10:00:00.000Z');
  assert.equal(iso(parseMailDate('Sun, 13 Nov 2022 23:59:59 EST')), '2022-11-14T04:59:59.000Z');
});

test('two-digit years and non-English months follow public-inbox', () => {
  assert.equal(iso(parseMailDate('1 Jan 09 00:00:00 +0000')), '2009-01-01T00:00:00.000Z');
  assert.equal(parseMailDate('1 Janvier 2009 00:00:00 +0000'), null);
});

test('the topmost Received: header with a date wins over Date:', () => {
  const fields = parseHeaderFields(
    [
      'Received: from localhost (localhost [127.0.0.1])',
      '\tby mail.example.org (Postfix) with ESMTP id 1234',
      '\tfor <kvmarm@lists.cs.columbia.edu>; Wed, 9 Nov 2022 01:02:03 -0500 (EST)',
      'Received: from other by relay; Tue, 8 Nov 2022 00:00:00 +0000',
      'Date: Mon, 7 Nov 2022 10:00:00 +0000',
    ].join('\n'),
  );
  assert.equal(iso(receivedTime(fields, 0)), '2022-11-09T06:02:03.000Z');
});

test('a Received: header without a parseable date is skipped', () => {
  const fields = parseHeaderFields(
    ['Received: from a by b with LMTP', 'Received: by c; 8 Nov 2022 00:00:01 +0000', 'Date: garbage'].join('\n'),
  );
  assert.equal(iso(receivedTime(fields)), '2022-11-08T00:00:01.000Z');
});

test('Date: then commit time are the fallbacks', () => {
  assert.equal(iso(receivedTime(parseHeaderFields('Date: Mon, 7 Nov 2022 10:00:00 +0800'))), '2022-11-07T02:00:00.000Z');
  assert.equal(receivedTime(parseHeaderFields('Subject: x'), 1667779200), 1667779200);
  assert.equal(receivedTime(parseHeaderFields('Subject: x')), null);
});
