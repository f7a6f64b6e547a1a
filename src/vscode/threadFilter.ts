// Which threads a "Filter Threads" query keeps: by text (subject, summary), author, or file path
// touched by a patch. Pure: no vscode import, so it is testable under node:test.
import type { ReportThread } from '../core/types.js';

export type FilterKind = 'text' | 'author' | 'path';

export interface ThreadFilter {
  kind: FilterKind;
  value: string;
}

const DIFF_PATH = /^(?:diff --git a\/(\S+) b\/(\S+)|\+\+\+ b\/(\S+)|--- a\/(\S+))$/gm;

/** Paths touched by a patch ("diff --git a/x b/y", "--- a/x", "+++ b/x" lines). */
export function patchPaths(patch: string): Set<string> {
  const paths = new Set<string>();
  for (const m of patch.matchAll(DIFF_PATH)) {
    for (const p of m.slice(1)) if (p) paths.add(p);
  }
  return paths;
}

export function matchesFilter(entry: ReportThread, filter: ThreadFilter): boolean {
  const needle = filter.value.trim().toLowerCase();
  if (needle === '') return true;
  const messages = entry.thread.messages;
  switch (filter.kind) {
    case 'text':
      return (
        entry.thread.subject.full.toLowerCase().includes(needle) ||
        entry.summary.text.toLowerCase().includes(needle) ||
        messages.some((m) => m.mail.subject.full.toLowerCase().includes(needle))
      );
    case 'author':
      return messages.some(
        (m) => m.mail.from.name.toLowerCase().includes(needle) || m.mail.from.address.includes(needle),
      );
    case 'path':
      return messages.some((m) => {
        if (!m.mail.patch) return false;
        for (const p of patchPaths(m.mail.patch)) if (p.toLowerCase().includes(needle)) return true;
        return false;
      });
  }
}
