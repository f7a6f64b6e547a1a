// The report webview's HTML shell. Pure (no vscode import): the caller passes the webview's
// cspSource and resource URIs. Report content never goes in here: it arrives by postMessage.
import { escapeHtml } from '../core/report/htmlEscape.js';
import { randomBytes } from 'node:crypto';

export const REPORT_TITLE = 'KVMARM 邮件列表周报';

export interface ShellOptions {
  cspSource: string;
  scriptUri: string;
  styleUri: string;
  nonce?: string;
  /** Shown until the host posts the report. */
  loadingText: string;
  uiLanguage: string;
}

export function createNonce(): string {
  return randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}

export function reportShellHtml(options: ShellOptions): string {
  const nonce = options.nonce ?? createNonce();
  const csp = [
    "default-src 'none'",
    `style-src ${options.cspSource}`,
    `font-src ${options.cspSource}`,
    `img-src ${options.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="${escapeHtml(options.uiLanguage)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(options.styleUri)}">
<title>${escapeHtml(REPORT_TITLE)}</title>
</head>
<body>
<div id="layout">
<main id="report" lang="zh-CN"><p class="placeholder">${escapeHtml(options.loadingText)}</p></main>
<aside id="pane" hidden>
<header id="pane-header">
<div id="pane-title"></div>
<div id="pane-meta"></div>
<div id="pane-actions">
<button id="pane-browser" type="button"></button>
<button id="pane-document" type="button"></button>
<button id="pane-close" type="button"></button>
</div>
</header>
<pre id="pane-body"></pre>
</aside>
</div>
<script nonce="${nonce}" src="${escapeHtml(options.scriptUri)}"></script>
</body>
</html>`;
}
