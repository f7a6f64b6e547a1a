import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { REPORT_TITLE, createNonce, reportShellHtml } from '../../../src/vscode/reportHtml.js';

const base = {
  cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/report.js',
  styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/report.css',
  loadingText: 'Loading',
  uiLanguage: 'en',
};

test('the shell has a strict CSP: nothing by default, nonce-only scripts, styles from the extension', () => {
  const html = reportShellHtml({ ...base, nonce: 'abc123' });
  const csp = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1];
  assert.ok(csp);
  const decoded = csp.replace(/&#39;/g, "'");
  assert.match(decoded, /^default-src 'none';/);
  assert.ok(decoded.includes("script-src 'nonce-abc123'"));
  assert.ok(decoded.includes(`style-src ${base.cspSource}`));
  assert.ok(!decoded.includes('unsafe-inline') && !decoded.includes('unsafe-eval'));
  const scripts = html.match(/<script[^>]*>/g) ?? [];
  assert.equal(scripts.length, 1);
  assert.ok(scripts[0]!.includes('nonce="abc123"'));
  assert.ok(html.includes(`<title>${REPORT_TITLE}</title>`));
});

test('attribute values are escaped', () => {
  const html = reportShellHtml({ ...base, loadingText: '<img src=x onerror=alert(1)>', uiLanguage: 'en"><script>' });
  assert.ok(!html.includes('<img'));
  assert.ok(!html.includes('"><script>'));
});

test('nonces are fresh and alphanumeric', () => {
  const a = createNonce();
  const b = createNonce();
  assert.notEqual(a, b);
  assert.match(a, /^[A-Za-z0-9]{16,}$/);
  assert.notEqual(reportShellHtml(base).match(/nonce-(\w+)/)?.[1], reportShellHtml(base).match(/nonce-(\w+)/)?.[1]);
});
