// Keeps the API key out of everything the summariser says: log lines are passed through here. The
// key itself and anything shaped like a provider key ("sk-...", as OpenAI echoes a masked key in
// its 401 message) are replaced.

const KEY_SHAPED = /\b(sk|sess|key|pk)-[A-Za-z0-9_*\-]{4,}/g;

export function redactSecret(text: string, secret: string): string {
  let out = text;
  if (secret.length > 0) out = out.split(secret).join('***');
  return out.replace(KEY_SHAPED, '$1-***');
}

/** A base URL without user:password and without query (tokens sometimes ride there). */
export function safeUrl(url: string | undefined): string {
  if (!url) return '(default)';
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    u.search = '';
    return u.toString();
  } catch {
    return '(invalid URL)';
  }
}
