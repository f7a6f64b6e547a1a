// The token estimator must not undercount: prompts sized with it have to fit the model's window.
// Real BPE tables (cl100k for GPT-4/3.5, o200k for GPT-4o, from the dev-only gpt-tokenizer
// package) are the reference.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { encode as cl100k } from 'gpt-tokenizer/encoding/cl100k_base';
import { encode as o200k } from 'gpt-tokenizer/encoding/o200k_base';
import { mapSystemPrompt, planPrompts, reduceSystemPrompt, systemPrompt } from '../../src/core/summarize/prompt.js';
import { estimateChatTokens, estimateTokens, truncateToTokens } from '../../src/core/summarize/tokens.js';
import { discussion, hugeThread, makeInput, makePatch, patchWithReview } from '../support/llmThreads.js';

const real = (s: string): number => Math.max(cl100k(s).length, o200k(s).length);

/** Joins pieces as mail text does: two words never touch (a glued "vcpufixes" is not mail). */
function mailJoin(parts: string[]): string {
  let text = '';
  for (const p of parts) {
    if (/[A-Za-z0-9]$/.test(text) && /^[A-Za-z0-9]/.test(p)) text += ' ';
    text += p;
  }
  return text;
}

const SAMPLES: Record<string, string> = {
  prose:
    'The vGIC ITS save/restore path walks the device table twice. This series reworks the walk so that ' +
    'a single pass collects every collection, and drops the now unused helper. Tested on a Juno r2 and in QEMU (TCG).',
  reply:
    'On Tue, 8 Nov 2022 10:00:00 +0000,\nAlice <alice@example.org> wrote:\n> +\tret = kvm_vgic_its_save(its);\n\nThis can fail: please check ret before dropping the lock.\n\nThanks,\n\tM.',
  diff: makePatch('vgic', 3, 12),
  ids: '<20221108100000.12345-1-alice@example.org> <87a5b3c2d1e0f9a8.fsf@kernel.org> 3f2a9c1b7e5d4c3b2a1908f7e6d5c4b3a2918070 0x00000000ffff0000',
  trailers: 'Reviewed-by: Marc Zyngier <maz@kernel.org>\nAcked-by: Will Deacon <will@kernel.org>\nFixes: 1234567890ab ("KVM: arm64: Fix the vgic")\nLink: https://lore.kernel.org/r/20221108.1@example.org',
  chinese:
    '1. **原始补丁/问题**：该补丁系列重写了 vGIC ITS 的保存和恢复流程。\n2. **之前的讨论**：维护者在第二版中指出页表遍历存在竞争条件。\n3. **本周进展/结论**：作者发布了第三版，已获得 Reviewed-by。',
  system: systemPrompt(),
  mapSystem: mapSystemPrompt(),
  reduceSystem: reduceSystemPrompt(),
  code: 'static int kvm_arm_vcpu_init(struct kvm_vcpu *vcpu)\n{\n\tif (!vcpu->arch.has_run_once && KVM_ARM64_SVE_MAX_VLS > 0) {\n\t\treturn -EINVAL;\n\t}\n\treturn 0;\n}\n',
};

describe('estimateTokens', () => {
  for (const [name, text] of Object.entries(SAMPLES)) {
    it(`does not undercount ${name}`, () => {
      const est = estimateTokens(text);
      assert.ok(est >= real(text), `${name}: estimate ${est} < real ${real(text)}`);
      // ... and is not absurdly high either (the budget would be wasted).
      assert.ok(est <= real(text) * 3, `${name}: estimate ${est} vs real ${real(text)}`);
    });
  }

  it('does not undercount whole rendered prompts', () => {
    for (const input of [makeInput(patchWithReview(1)), makeInput(discussion(2), 'Question'), makeInput(hugeThread(8, 5), 'RFC')]) {
      const plan = planPrompts(input, 100_000);
      assert.equal(plan.kind, 'single');
      if (plan.kind !== 'single') continue;
      for (const m of plan.messages) assert.ok(estimateTokens(m.content) >= real(m.content));
    }
  });

  it('does not undercount mail-like text (property)', () => {
    const word = fc.constantFrom('the', 'vcpu', 'kvm', 'arm64', 'Reviewed-by', 'page', 'table', 'This', 'patch', 'fixes', 'GICv3', 'ITS', 'stage-2');
    const ident = fc.stringMatching(/^[a-z][a-z0-9_]{0,20}$/);
    const hex = fc.stringMatching(/^[0-9a-f]{7,40}$/);
    const num = fc.integer({ min: 0, max: 1_000_000 }).map(String);
    const punct = fc.constantFrom('.', ',', '(', ')', '->', '{', '}', ';', '==', '>', '> ', '+', '-', '@@', '*', '/', '<', '>', '"', "'", ':');
    const chinese = fc.constantFrom('补丁', '讨论', '本周', '维护者', '审阅', '已合入', '状态', '，', '。', '：');
    const space = fc.constantFrom(' ', ' ', ' ', '\n', '\n\n', '\t', '    ');
    const piece = fc.oneof(word, ident, hex, num, punct, chinese, space);
    // A prompt is thousands of tokens: over 100 pieces the estimate must never be below the real
    // count. A short fragment may come out one token under (a rounding of a few characters).
    fc.assert(
      fc.property(fc.array(piece, { minLength: 100, maxLength: 400 }), (parts) => {
        const text = mailJoin(parts);
        return estimateTokens(text) >= real(text);
      }),
      { numRuns: Number(process.env.KVMARM_TOKEN_RUNS ?? 300) },
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 100 }), (parts) => {
        const text = mailJoin(parts);
        return estimateTokens(text) + 1 >= real(text);
      }),
      { numRuns: Number(process.env.KVMARM_TOKEN_RUNS ?? 300) },
    );
  });

  it('stays within 25% of the real count when words are glued together ("kvmkvmkvm", not mail-like)', () => {
    const word = fc.constantFrom('the', 'vcpu', 'kvm', 'arm64', 'page', 'table', 'This', 'patch', 'fixes', 'GICv3', 'ITS');
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 50 }), (parts) => {
        const text = parts.join('');
        return estimateTokens(text) >= Math.floor(real(text) * 0.75);
      }),
      { numRuns: Number(process.env.KVMARM_TOKEN_RUNS ?? 300) },
    );
  });

  it('stays within 25% of the real count on arbitrary ASCII junk (the documented worst case)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary-ascii', maxLength: 200 }), (text) => estimateTokens(text) >= Math.floor(real(text) * 0.75)),
      { numRuns: Number(process.env.KVMARM_TOKEN_RUNS ?? 300) },
    );
  });

  it('grows with the text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 100 }), fc.string({ maxLength: 100 }), (a, b) => estimateTokens(a + b) >= estimateTokens(a)),
      { numRuns: Number(process.env.KVMARM_TOKEN_RUNS ?? 300) },
    );
    assert.equal(estimateTokens(''), 0);
  });
});

describe('truncateToTokens', () => {
  it('returns a prefix within the limit', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 400 }), fc.integer({ min: 0, max: 120 }), (text, max) => {
        const cut = truncateToTokens(text, max);
        return text.startsWith(cut) && estimateTokens(cut) <= Math.max(0, max);
      }),
      { numRuns: Number(process.env.KVMARM_TOKEN_RUNS ?? 300) },
    );
  });

  it('keeps a text that already fits, and cuts at a line break when one is near', () => {
    const text = Array.from({ length: 50 }, (_, i) => `line ${i} of the cover letter`).join('\n');
    assert.equal(truncateToTokens(text, 10_000), text);
    const cut = truncateToTokens(text, 40);
    assert.ok(cut.length > 0 && cut.length < text.length);
    assert.ok(text.slice(cut.length).startsWith('\n'), 'cut at a line end');
  });

  it('never splits a surrogate pair', () => {
    const text = '😀'.repeat(50);
    for (let max = 0; max < 60; max++) {
      const cut = truncateToTokens(text, max);
      assert.equal(Array.from(cut).join(''), cut);
      assert.ok(!/[\ud800-\udbff]$/.test(cut));
    }
  });
});

describe('estimateChatTokens', () => {
  it('adds the chat framing to the contents', () => {
    const messages = [
      { role: 'system', content: 'a b c' },
      { role: 'user', content: 'd e f' },
    ];
    const contents = estimateTokens('a b c') + estimateTokens('d e f');
    assert.ok(estimateChatTokens(messages) > contents + 2 * 4);
    assert.ok(estimateChatTokens(messages) >= real('a b c') + real('d e f') + 7);
  });
});
