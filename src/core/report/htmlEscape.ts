// HTML escaping for text and attribute values, in a module of its own: the extension's webview
// shell needs it at activation, where the rest of the report code (markdown-it) must not load.

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c]);
}
