// The interdiff of two versions of one patch, from the mails alone: each side's diff is put in a
// canonical form (no index lines, hunk headers without line numbers, no diffstat) so that a
// rebase that only shifts lines compares equal, then the two canonical forms are diffed.

import type { Mail } from '../types.js';
import { diffLines, renderHunks, toHunks, type Hunk } from './lineDiff.js';

/** A patch reduced to what matters when comparing versions. */
export interface CanonicalPatch {
  /** The commit message without trailers (Reviewed-by etc. are expected to change). */
  message: string[];
  /** The diff: "diff --git" headers, "@@ <function context>" hunk headers and hunk lines. */
  diff: string[];
}

const TRAILER = /^[A-Z][A-Za-z-]*-by:|^(?:Cc|Link|Fixes|Closes|Message-Id|Change-Id):/i;

/** Splits a patch mail into its canonical commit message and diff. */
export function canonicalPatch(mail: Mail): CanonicalPatch {
  return { message: canonicalMessage(mail), diff: canonicalDiff(mail.patch ?? '') };
}

function canonicalMessage(mail: Mail): string[] {
  const lines = mail.text.split(/\r?\n/);
  const out: string[] = [];
  for (const line of lines) {
    // The message ends at the "---" separator before the diffstat, or at the diff itself.
    if (/^---\s*$/.test(line) || /^diff --git /.test(line) || /^--- a\//.test(line) || /^Index: /.test(line)) break;
    if (TRAILER.test(line)) continue;
    out.push(line.trimEnd());
  }
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  while (out.length > 0 && out[0] === '') out.shift();
  return out;
}

/** The diff without index lines and line numbers in hunk headers; trailing whitespace kept. */
export function canonicalDiff(patch: string): string[] {
  const out: string[] = [];
  const lines = patch.split('\n');
  let inHunk = false;
  let oldLeft = 0;
  let newLeft = 0;
  for (const raw of lines) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (inHunk && (oldLeft > 0 || newLeft > 0)) {
      const c = line[0];
      if (c === ' ' || line === '') {
        oldLeft--;
        newLeft--;
      } else if (c === '-') oldLeft--;
      else if (c === '+') newLeft--;
      else if (c === '\\') {
        out.push(line);
        continue;
      } else inHunk = false;
      if (inHunk) {
        out.push(line === '' ? ' ' : line);
        continue;
      }
    }
    const hunk = /^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@ ?(.*)$/.exec(line);
    if (hunk) {
      inHunk = true;
      oldLeft = hunk[1] === undefined ? 1 : Number(hunk[1]);
      newLeft = hunk[2] === undefined ? 1 : Number(hunk[2]);
      out.push(hunk[3] ? `@@ ${hunk[3]}` : '@@');
      continue;
    }
    inHunk = false;
    if (/^index [0-9a-f]+\.\.[0-9a-f]+/.test(line)) continue;
    if (/^diff --git |^--- |^\+\+\+ |^(?:new|deleted) file mode |^(?:old|new) mode |^similarity index |^rename (?:from|to) |^Binary files /.test(line)) {
      out.push(line);
    }
    // Anything else outside hunks (diffstat, "-- ", git version) is dropped.
  }
  return out;
}

export interface Interdiff {
  messageChanged: boolean;
  codeChanged: boolean;
  /** Hunks over the canonical text: commit message first, then the diff. */
  hunks: Hunk[];
}

/** Compares two versions of one patch. */
export function interdiff(previous: Mail, current: Mail): Interdiff {
  const a = canonicalPatch(previous);
  const b = canonicalPatch(current);
  const messageChanged = !sameLines(a.message, b.message);
  const codeChanged = !sameLines(a.diff, b.diff);
  const hunks = messageChanged || codeChanged ? toHunks(diffLines(joinCanonical(a), joinCanonical(b))) : [];
  return { messageChanged, codeChanged, hunks };
}

/** The canonical text of a patch as one list of lines, as the interdiff renders it. */
export function joinCanonical(p: CanonicalPatch): string[] {
  return [...p.message, '---', ...p.diff];
}

export function renderInterdiff(d: Interdiff): string {
  return renderHunks(d.hunks);
}

function sameLines(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
