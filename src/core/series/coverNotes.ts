// What a cover letter (or a lone patch's notes) says about earlier versions: links to the archive
// ("v1: https://lore.kernel.org/r/<id>", "[1] https://lore.kernel.org/kvmarm/<id>/", "Link: ...")
// and which version a link points at when the note says so.

export interface VersionNoteLink {
  messageId: string;
  /** The version the note names for this link ("v2: https://..."), or null when it does not say. */
  version: number | null;
}

// Archive URLs whose path carries a Message-ID: lore/public-inbox ("/<list>/<id>/", "/r/<id>"),
// patchwork's "/project/<p>/patch/<id>/" and "/cover/<id>/", marc/lkml.kernel.org "/r/<id>".
const ARCHIVE_URL =
  /https?:\/\/(?:lore\.kernel\.org|lkml\.kernel\.org|patchwork\.kernel\.org|[\w.-]*public-inbox[\w.-]*|marc\.info)\/[^\s<>"')\]]+/gi;

/** Links to earlier postings found in a cover letter's own text (quoted lines ignored). */
export function coverNoteLinks(text: string): VersionNoteLink[] {
  const out: VersionNoteLink[] = [];
  const seen = new Set<string>();
  const refVersions = referenceLabels(text);
  for (const rawLine of text.split('\n')) {
    if (rawLine.startsWith('>')) continue;
    ARCHIVE_URL.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = ARCHIVE_URL.exec(rawLine)) !== null) {
      const id = messageIdFromUrl(m[0]);
      if (!id || seen.has(id)) continue;
      seen.add(id);
      const before = rawLine.slice(0, m.index);
      let version = lastVersionIn(before);
      // "[2] https://..." used by "v1 -> v2 ... see [2]": the label sits where [2] was cited.
      const ref = /^\s*\[(\d+)\]\s*:?\s*$/.exec(before);
      if (version === null && ref) version = refVersions.get(ref[1]) ?? null;
      out.push({ messageId: id, version });
    }
  }
  return out;
}

/** Footnote numbers cited right after a version word: "v2 [1]", "v3[2]". */
function referenceLabels(text: string): Map<string, number> {
  const map = new Map<string, number>();
  const re = /\bv(\d{1,3})\s*:?\s*\[(\d+)\]/gi;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) if (!map.has(m[2])) map.set(m[2], Number(m[1]));
  return map;
}

function lastVersionIn(prefix: string): number | null {
  // Only a label right before the URL counts ("v2: ", "- v3 ", "Changes since v2 ("), not a
  // version mentioned somewhere earlier in a sentence.
  const p = prefix.trim();
  if (p.length > 40) return null;
  // "v4 -> v5: <url>" heads the changes made since v4 and links to v4.
  const step = /(?:^|[\s\-*•(\[])v(\d{1,3})\s*(?:->|→|=>|-->|to|\.\.)\s*v\d{1,3}\b[^a-z0-9]{0,6}$/i.exec(p);
  if (step) return Number(step[1]);
  const m = /(?:^|[\s\-*•(\[])(?:v|version\s*)(\d{1,3})\b[^a-z0-9]{0,6}$/i.exec(p);
  return m ? Number(m[1]) : null;
}

/** The Message-ID in an archive URL, or null. */
export function messageIdFromUrl(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url.replace(/[.,;:]+$/, ''));
  } catch {
    return null;
  }
  const parts = u.pathname.split('/').filter((p) => p.length > 0).map(safeDecode);
  // The id is the path segment holding an '@': /r/<id>, /<list>/<id>/, /<list>/<id>/T/#u.
  for (const p of parts) if (p.includes('@') && p.length <= 250) return p.replace(/^<|>$/g, '');
  return null;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
