// Fuzzing the webview -> host protocol validator (fast-check): whatever a confused or compromised
// webview posts, parseWebviewMessage never throws, and what it accepts is exactly one of the
// protocol's shapes, with ids the host can look up and only http(s) URLs to open.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isSafeExternalUrl, parseWebviewMessage } from '../../src/vscode/protocol.js';

const RUNS = Number(process.env.KVMARM_FUZZ_RUNS ?? 400) * 5;

const TYPES = ['ready', 'showMessage', 'openPatch', 'openExternal', 'state', 'report', 'message', 'reveal', '__proto__', 'constructor', ''];
const URLS = [
  'https://lore.kernel.org/kvmarm/x@y/', 'http://127.0.0.1:9/', 'command:workbench.action.terminal.new', 'vscode://file/etc/passwd',
  'javascript:alert(1)', ' javascript:alert(1)', 'JAVASCRIPT:alert(1)', 'file:///etc/passwd', 'data:text/html,<script>', 'vscode-webview://x',
  'https:', '//evil.example/', 'mailto:a@b', 'https://\u202eevil.example/', 'http://[::1]/', 'x'.repeat(5000),
];

/** Values shaped like protocol messages, with every field possibly wrong. */
const nearValid = fc.record(
  {
    type: fc.oneof(fc.constantFrom(...TYPES), fc.string()),
    messageId: fc.oneof(fc.string(), fc.constantFrom('a@b', '<a@b>', 'a b', '', 'x'.repeat(2000)), fc.anything()),
    url: fc.oneof(fc.constantFrom(...URLS), fc.webUrl(), fc.string(), fc.anything()),
    state: fc.oneof(
      fc.record({
        isoWeek: fc.oneof(fc.constant(null), fc.constantFrom('2022-W45', '2022-W4', 'x'), fc.string()),
        scrollY: fc.oneof(fc.double(), fc.integer(), fc.constant(Number.NaN), fc.constant(-1), fc.string()),
        selectedMessageId: fc.oneof(fc.constant(null), fc.string(), fc.constant('a@b')),
      }, { requiredKeys: [] }),
      fc.anything(),
    ),
  },
  { requiredKeys: ['type'] },
);

function checkAccepted(input: unknown): void {
  let out: ReturnType<typeof parseWebviewMessage>;
  assert.doesNotThrow(() => {
    out = parseWebviewMessage(input);
  });
  out = parseWebviewMessage(input);
  if (out === null) return;
  switch (out.type) {
    case 'ready':
      assert.ok(out.state === null || typeof out.state === 'object');
      break;
    case 'showMessage':
    case 'openPatch':
      assert.equal(typeof out.messageId, 'string');
      assert.ok(out.messageId.length > 0 && out.messageId.length <= 998 && !/[\s<>]/.test(out.messageId));
      break;
    case 'openExternal': {
      const u = new URL(out.url);
      assert.ok(u.protocol === 'http:' || u.protocol === 'https:', `accepted ${out.url}`);
      assert.ok(isSafeExternalUrl(out.url));
      break;
    }
    case 'state':
      assert.ok(Number.isFinite(out.state.scrollY) && out.state.scrollY >= 0);
      assert.ok(out.state.isoWeek === null || /^\d{4}-W\d{2}$/.test(out.state.isoWeek));
      break;
    default:
      assert.fail(`accepted an unknown message type ${(out as { type: string }).type}`);
  }
  // What comes out is a fresh object with no more than the protocol's fields.
  const allowed = new Set(['type', 'state', 'messageId', 'url']);
  for (const k of Object.keys(out)) assert.ok(allowed.has(k), `extra field ${k}`);
}

test('fuzz: parseWebviewMessage over arbitrary values never throws and accepts only protocol shapes', () => {
  fc.assert(fc.property(fc.anything({ withObjectString: true, withNullPrototype: true, withMap: true, withSet: true, withBigInt: true }), checkAccepted), { numRuns: RUNS });
});

test('fuzz: near-valid messages: only http(s) leaves, only real ids are looked up', () => {
  let accepted = 0;
  fc.assert(
    fc.property(nearValid, (m) => {
      checkAccepted(m);
      if (parseWebviewMessage(m) !== null) accepted++;
    }),
    { numRuns: RUNS },
  );
  // The generator does reach the accepting paths (the property is not vacuous).
  assert.ok(accepted > RUNS / 20, `only ${accepted} of ${RUNS} near-valid messages were accepted`);
  for (const bad of URLS.filter((u) => !/^https?:\/\/[^\s]/i.test(u))) {
    assert.equal(parseWebviewMessage({ type: 'openExternal', url: bad }), null, bad);
  }
});

test('the validator survives hostile getters and prototypes', () => {
  const trap = new Proxy({}, { get: () => { throw new Error('trap'); }, ownKeys: () => { throw new Error('trap'); } });
  for (const v of [trap, Object.create(null), { type: 'openExternal', get url() { throw new Error('getter'); } }, { type: { toString: () => 'openExternal' }, url: 'https://x/' }]) {
    let result: unknown = 'threw';
    try {
      result = parseWebviewMessage(v);
    } catch {
      result = 'threw';
    }
    // A throwing object may make the validator throw (the host catches per message) but never be accepted.
    assert.ok(result === null || result === 'threw', `accepted ${String(result)}`);
  }
});
