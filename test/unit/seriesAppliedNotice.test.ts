import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAppliedNotice } from '../../src/core/series/appliedNotice.js';

const cases: Array<[string, string | null, number[] | null]> = [
  ['Applied to kvmarm/next, thanks!', 'kvmarm/next', null],
  ['Applied to next, thanks!', 'next', null],
  ['Applied to fixes, thanks!', 'fixes', null],
  ['Applied to arm64 (for-next/misc), thanks!', 'arm64 (for-next/misc)', null],
  ['Applied to kvmtool (master), thanks!', 'kvmtool (master)', null],
  ['Queued for 5.7. Thanks.', '5.7', null],
  ['Queued, thanks.', null, null],
  ['Thanks, applied.', null, null],
  ["I've applied this to kvm-arm64/fixes.", 'kvm-arm64/fixes', null],
  ['Queued patches 1-5, thanks.', null, [1, 2, 3, 4, 5]],
  ['Queued 3+5, thanks.', null, [3, 5]],
  ['Pushed to https://gitlab.com/example/kvm-unit-tests/-/commits/arm/queue', 'https://gitlab.com/example/kvm-unit-tests/-/commits/arm/queue', null],
];

for (const [line, target, indexes] of cases) {
  test(`notice: ${line}`, () => {
    const n = parseAppliedNotice(`Hi,\n\n${line}\n\n\tM.\n`);
    assert.ok(n, 'recognised');
    assert.equal(n.target, target);
    assert.deepEqual(n.indexes, indexes);
  });
}

const notNotices = [
  'Applied on top of v6.1-rc3 and tested on my Ampere box.',
  'I applied the series cleanly and booted a guest.',
  'Applied?',
  'The same fix should be applied to the vgic-v2 code too.',
  'Once this is applied to next, we can drop the workaround.',
  'applied. As KVM is more restrictive than the kernel...',
];
for (const line of notNotices) {
  test(`not a notice: ${line}`, () => {
    assert.equal(parseAppliedNotice(`${line}\n`), null);
  });
}

test('b4-ty list: indexes, titles and commits', () => {
  const text =
    'Applied to next, thanks!\n\n[1/2] KVM: arm64: First thing\n      commit: 85fbe08e4da862dc64fc10071c4a03e51b6361d0\n[2/2] KVM: arm64: Second thing\n      commit: 05714cab7d63\n\nCheers,\n';
  const n = parseAppliedNotice(text);
  assert.ok(n);
  assert.equal(n.target, 'next');
  assert.deepEqual(n.indexes, [1, 2]);
  assert.equal(n.titles.get(2), 'KVM: arm64: Second thing');
  assert.equal(n.commits.get(1), '85fbe08e4da862dc64fc10071c4a03e51b6361d0');
  assert.equal(n.commits.get(2), '05714cab7d63');
});
