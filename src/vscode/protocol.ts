// The typed message protocol between the extension host and the report webview.
// Both directions are discriminated unions; everything the webview sends is validated on receipt
// (a compromised or confused webview must not be able to make the host do anything else).

/** What the webview remembers across reloads (vscode.setState) and hands back when revived. */
export interface WebviewState {
  /** The week shown, so a revived panel can tell whether the restored report still matches. */
  isoWeek: string | null;
  scrollY: number;
  /** Message shown in the diff pane, if any. */
  selectedMessageId: string | null;
}

export interface DiffLine {
  kind: 'add' | 'del' | 'hunk' | 'meta' | 'context';
  text: string;
}

/** Host -> webview. */
export type HostMessage =
  | {
      type: 'report';
      /** HTML from markdown-it (html:false, safe link validator): the only HTML the webview inserts. */
      html: string;
      isoWeek: string | null;
      /** The archive base URL (ending in '/'); links under it name messages. */
      list: string;
      title: string;
    }
  | { type: 'empty'; text: string }
  | {
      type: 'message';
      messageId: string;
      subject: string;
      from: string;
      date: string;
      url: string;
      /** Patch lines classified for colouring, or null when the message carries no patch. */
      diff: DiffLine[] | null;
      /** Body text shown when there is no patch. */
      text: string;
      labels: { openInBrowser: string; openAsDocument: string; close: string; noPatch: string };
    }
  | { type: 'reveal'; messageIds: string[] };

/** Webview -> host. */
export type WebviewMessage =
  | { type: 'ready'; state: WebviewState | null }
  | { type: 'showMessage'; messageId: string }
  | { type: 'openPatch'; messageId: string }
  | { type: 'openExternal'; url: string }
  | { type: 'state'; state: WebviewState };

const MAX_ID = 998; // RFC 5322 line limit: no real Message-ID is longer
const MAX_URL = 4096;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isMessageId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_ID && !/[\s<>]/.test(value);
}

function parseState(value: unknown): WebviewState | null {
  if (!isObject(value)) return null;
  const { isoWeek, scrollY, selectedMessageId } = value;
  if (!(isoWeek === null || (typeof isoWeek === 'string' && /^\d{4}-W\d{2}$/.test(isoWeek)))) return null;
  if (typeof scrollY !== 'number' || !Number.isFinite(scrollY) || scrollY < 0) return null;
  if (!(selectedMessageId === null || isMessageId(selectedMessageId))) return null;
  return { isoWeek, scrollY, selectedMessageId };
}

/** Only web links leave the webview: http(s) URLs, nothing else (no file:, command:, javascript:). */
export function isSafeExternalUrl(url: string): boolean {
  if (url.length > MAX_URL) return false;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:';
  } catch {
    return false;
  }
}

/** Validates a message received from the webview; returns null for anything malformed. */
export function parseWebviewMessage(value: unknown): WebviewMessage | null {
  if (!isObject(value)) return null;
  switch (value.type) {
    case 'ready': {
      if (value.state === null || value.state === undefined) return { type: 'ready', state: null };
      const state = parseState(value.state);
      return state ? { type: 'ready', state } : { type: 'ready', state: null };
    }
    case 'showMessage':
    case 'openPatch':
      return isMessageId(value.messageId) ? { type: value.type, messageId: value.messageId } : null;
    case 'openExternal':
      return typeof value.url === 'string' && isSafeExternalUrl(value.url) ? { type: 'openExternal', url: value.url } : null;
    case 'state': {
      const state = parseState(value.state);
      return state ? { type: 'state', state } : null;
    }
    default:
      return null;
  }
}

/** Splits a patch into lines tagged for colouring; the webview sets them as text, never HTML. */
export function classifyDiffLines(patch: string): DiffLine[] {
  const lines = patch.replace(/\r\n/g, '\n').split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.map((text): DiffLine => {
    if (text.startsWith('+++') || text.startsWith('---') || text.startsWith('diff ') || text.startsWith('index ')) {
      return { kind: 'meta', text };
    }
    if (text.startsWith('@@')) return { kind: 'hunk', text };
    if (text.startsWith('+')) return { kind: 'add', text };
    if (text.startsWith('-')) return { kind: 'del', text };
    return { kind: 'context', text };
  });
}
