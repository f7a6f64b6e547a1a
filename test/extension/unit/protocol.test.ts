import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { classifyDiffLines, isSafeExternalUrl, parseWebviewMessage } from '../../../src/vscode/protocol.js';

test('accepts well-formed webview messages', () => {
  assert.deepEqual(parseWebviewMessage({ type: 'showMessage', messageId: 'a.b@c' }), { type: 'showMessage', messageId: 'a.b@c' });
  assert.deepEqual(parseWebviewMessage({ type: 'openPatch', messageId: '20221107.1-x@kernel.org' }), {
    type: 'openPatch',
    messageId: '20221107.1-x@kernel.org',
  });
  assert.deepEqual(parseWebviewMessage({ type: 'openExternal', url: 'https://lore.kernel.org/kvmarm/x@y/' }), {
    type: 'openExternal',
    url: 'https://lore.kernel.org/kvmarm/x@y/',
  });
  const state = { isoWeek: '2022-W45', scrollY: 120, selectedMessageId: null };
  assert.deepEqual(parseWebviewMessage({ type: 'ready', state }), { type: 'ready', state });
  assert.deepEqual(parseWebviewMessage({ type: 'ready', state: null }), { type: 'ready', state: null });
});

test('rejects malformed or dangerous webview messages', () => {
  for (const bad of [
    null,
    'showMessage',
    [],
    { type: 'runCommand', command: 'workbench.action.terminal.new' },
    { type: 'showMessage' },
    { type: 'showMessage', messageId: 42 },
    { type: 'showMessage', messageId: '' },
    { type: 'showMessage', messageId: 'a b@c' },
    { type: 'showMessage', messageId: '<x@y>' },
    { type: 'showMessage', messageId: 'x'.repeat(2000) },
    { type: 'openExternal', url: 'javascript:alert(1)' },
    { type: 'openExternal', url: 'command:workbench.action.terminal.new' },
    { type: 'openExternal', url: 'file:///etc/passwd' },
    { type: 'openExternal', url: 'vscode://foo' },
    { type: 'openExternal', url: 'not a url' },
    { type: 'state', state: { isoWeek: '2022-45', scrollY: 0, selectedMessageId: null } },
    { type: 'state', state: { isoWeek: null, scrollY: -1, selectedMessageId: null } },
    { type: 'state', state: { isoWeek: null, scrollY: Number.NaN, selectedMessageId: null } },
  ]) {
    assert.equal(parseWebviewMessage(bad), null, JSON.stringify(bad));
  }
  // A bad saved state on 'ready' is dropped, the message itself still counts.
  assert.deepEqual(parseWebviewMessage({ type: 'ready', state: { isoWeek: 3 } }), { type: 'ready', state: null });
});

test('only http(s) URLs count as external links', () => {
  assert.equal(isSafeExternalUrl('http://127.0.0.1:8080/kvmarm/'), true);
  assert.equal(isSafeExternalUrl('HTTPS://lore.kernel.org/'), true);
  assert.equal(isSafeExternalUrl('data:text/html,<script>'), false);
  assert.equal(isSafeExternalUrl(`https://x/${'a'.repeat(5000)}`), false);
});

test('classifies diff lines for colouring', () => {
  const lines = classifyDiffLines('diff --git a/x b/x\nindex 1..2 100644\n--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n ctx\n-old\n+new\n');
  assert.deepEqual(
    lines.map((l) => l.kind),
    ['meta', 'meta', 'meta', 'meta', 'hunk', 'context', 'del', 'add'],
  );
  assert.equal(lines[6]!.text, '-old');
  assert.deepEqual(classifyDiffLines('+a\r\n-b\r\n').map((l) => l.text), ['+a', '-b']);
});
