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
 * git format-patch appends. Hunks are read by their line counts, so a removed line that reads
 * "-- " inside a hunk is kept; a "-- " line between hunks ends the diff.
 */
export function extractPatch(text: string, start: number): string {
  let pos = start;
  let oldLeft = 0;
  let newLeft = 0;
  const n = text.length;
  while (pos < n) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = n;
    const c = text.charCodeAt(pos);
    if (oldLeft > 0 || newLeft > 0) {
      if (c === 32 /* ' ' */ || end === pos) {
        oldLeft--;
        newLeft--;
      } else if (c === 45 /* '-' */) {
        oldLeft--;
      } else if (c === 43 /* '+' */) {
        newLeft--;
      } else if (c !== 92 /* '\\ No newline' */) {
        oldLeft = newLeft = 0; // a mangled hunk: fall back to reading headers
        continue;
      }
    } else if (c === 64 /* '@' */) {
      const m = /^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@/.exec(text.slice(pos, Math.min(end, pos + 80)));
      if (m) {
        oldLeft = m[1] === undefined ? 1 : Number(m[1]);
        newLeft = m[2] === undefined ? 1 : Number(m[2]);
      }
    } else if (end - pos === 3 && text.startsWith('-- ', pos)) {
      return text.slice(start, pos);
    }
    pos = end + 1;
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
