// The Retry-After header (delta-seconds or an HTTP date) as milliseconds: both HTTP clients (the
// archive source and the model client) honour it, each under its own cap.

/** Milliseconds to wait, or null when the value is absent or unreadable. */
export function retryAfterMs(value: string | null, now: number = Date.now()): number | null {
  if (value === null) return null;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - now) : null;
}
