import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeSeriesState } from '../../src/core/series/describeSeriesState.js';
import type { Series } from '../../src/core/types.js';

function base(): Series {
  return {
    title: 'Frob',
    version: 3,
    total: 3,
    author: { name: 'Alice', address: 'alice@example.org' },
    coverMessageId: 'c',
    patches: [1, 2, 3].map((index) => ({ index, messageId: `p${index}`, subject: `[PATCH v3 ${index}/3] x`, trailers: [], state: 'new' as const })),
    missing: [],
    previous: [],
    state: 'new',
    reviewers: [],
    appliedTo: null,
  };
}

test('a new series without review', () => {
  assert.equal(describeSeriesState(base()), 'v3，共 3 个补丁；尚无评审');
});

test('reviewed, with reviewers, missing patches, partial review and earlier versions', () => {
  const s = base();
  s.missing = [3];
  s.patches = s.patches.slice(0, 2);
  s.patches[0].state = 'reviewed';
  s.patches[1].state = 'changes-requested';
  s.state = 'changes-requested';
  s.reviewers = [{ name: 'Rita', address: 'rita@example.org' }, { name: '', address: 'tom@example.org' }];
  s.previous = [{ version: 2, messageId: 'o', date: null }, { version: 1, messageId: 'p', date: null }];
  assert.equal(
    describeSeriesState(s),
    'v3，共 3 个补丁（缺第 3 个）；评审者要求修改；评审者：Rita、tom@example.org；要求修改的补丁：2；此前版本：v2、v1',
  );
});

test('applied names where, and how many patches when only some were taken', () => {
  const s = base();
  s.state = 'applied';
  s.appliedTo = 'kvmarm/next';
  s.patches[0].state = 'applied';
  s.patches[2].state = 'applied';
  assert.equal(describeSeriesState(s), 'v3，共 3 个补丁；已合入（kvmarm/next），2/3 个补丁');
  s.state = 'nacked';
  assert.match(describeSeriesState(s), /被否决/);
});
