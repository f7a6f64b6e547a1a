// Plain-text body helpers for parseMail: where an inline diff starts and ends, and the split of
// the body into quoted ("> ...") and own segments.

import type { BodySegment } from './types.js';

function lineStartsAt(text: string, needle: string, from: number): number {
  if (from === 0 && text.startsWith(needle)) return 0;
  const i = text.indexOf('\n' + needle, from === 0 ? 0 : from - 1);
  return i < 0 ? -1 : i + 1;
}

/**
 * Offset of the first unquoted diff line: "diff --git ", or a "--- x" line directly followed by
 * a "+++ y" line (plain diff -u output). -1 when the body carries no diff.
 */
export function findPatchStart(text: string): number {
  const git = lineStartsAt(text, 'diff --git ', 0);
  let from = 0;
  const limit = git < 0 ? text.length : git;
  while (from < limit) {
    const minus = lineStartsAt(text, '--- ', from);
    if (minus < 0 || minus >= limit) break;
    const eol = text.indexOf('\n', minus);
    if (eol < 0) break;
    if (text.startsWith('+++ ', eol + 1)) return minus;
    from = eol + 1;
  }
  return git;
}

/**
 * The diff from `start`, without the trailing mail signature ("-- \n2.34.1") that
 * git format-patch appends; a "-- " line followed by more diff is a removed line, kept.
 */
export function extractPatch(text: string, start: number): string {
  let sig = text.indexOf('\n-- \n', start);
  while (sig >= 0) {
    const after = sig + 5;
    const moreDiff = lineStartsAt(text, 'diff --git ', after) >= 0 || lineStartsAt(text, '@@ ', after) >= 0;
    if (!moreDiff) return text.slice(start, sig + 1);
    sig = text.indexOf('\n-- \n', sig + 1);
  }
  return text.slice(start);
}

/**
 * The body as runs of quoted and own lines. Blank lines stay with the run they follow, so
 * joining the segments' texts with "\n" gives the body back exactly.
 */
export function splitSegments(text: string): BodySegment[] {
  if (text === '') return [];
  const segments: BodySegment[] = [];
  let segStart = 0;
  let quoted: boolean | null = null;
  let pos = 0;
  const n = text.length;
  while (pos <= n) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = n;
    if (end > pos) {
      const lineQuoted = text.charCodeAt(pos) === 62; // '>'
      if (quoted === null) {
        quoted = lineQuoted;
      } else if (lineQuoted !== quoted) {
        segments.push({ quoted, text: text.slice(segStart, pos - 1) });
        segStart = pos;
        quoted = lineQuoted;
      }
    }
    pos = end + 1;
  }
  segments.push({ quoted: quoted ?? false, text: text.slice(segStart) });
  return segments;
}
