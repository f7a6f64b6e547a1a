import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHeaderFields } from '../../src/core/headers.js';
import { MAX_MID_SIZE, extractIds, threadIds } from '../../src/core/mailIds.js';

const fields = (block: string) => parseHeaderFields(block);

test('extractIds: every bracketed id, CR/LF/TAB removed, bare only where allowed', () => {
  assert.deepEqual(extractIds(['<a@x> junk <b@y>'], false), ['a@x', 'b@y']);
  assert.deepEqual(extractIds(['bare@x'], false), []);
  assert.deepEqual(extractIds(['  bare@x  '], true), ['bare@x']);
  assert.deepEqual(extractIds(['<with\tta\rb@x>'], false), ['withtab@x']);
  assert.equal(extractIds([`<${'z'.repeat(400)}@x>`], false)[0].length, MAX_MID_SIZE);
});

test('threadIds: references then in-reply-to, deduplicated, own id and addresses dropped', () => {
  const ids = threadIds(
    fields(
      [
        'From: Sender <Sender@Example.org>',
        'To: list@example.org, "Other, Person" <other@example.org>',
        'Message-ID: <me@x>',
        'References: <root@x> <me@x> <root@x>',
        '\t<mid@x>',
        'In-Reply-To: <sender@example.org> <extra@x>',
      ].join('\n'),
    ),
  );
  assert.deepEqual(ids.messageIds, ['me@x']);
  assert.deepEqual(ids.references, ['root@x', 'mid@x', 'extra@x']);
  assert.deepEqual(ids.inReplyTo, ['extra@x']);
});

test('threadIds: "y"/"n" answers and missing ids', () => {
  const ids = threadIds(fields('From: a@x\nIn-Reply-To: <y>\nReferences: <n>\n'));
  assert.deepEqual(ids, { messageIds: [], references: [], inReplyTo: [] });
});

test('threadIds: several Message-ID headers keep their order; the first is the id', () => {
  const ids = threadIds(fields('Message-ID: <one@x>\nMessage-ID: <two@x>\nReferences: <two@x>\n'));
  assert.deepEqual(ids.messageIds, ['one@x', 'two@x']);
  // Only the first id is the message's own; a second one listed in References stays a reference.
  assert.deepEqual(ids.references, ['two@x']);
  // A second Message-ID (lore appends one to a message whose id was reused) is not a link by
  // itself: nobody else refers to it, so grouping is the same without it.
  assert.deepEqual(threadIds(fields('Message-ID: <one@x>\nMessage-ID: <two@x>\n')).references, []);
});
