// Reduces a patch to what a summary needs: a diffstat, plus the hunks that replies quote (the
// places reviewers talked about). Whole diffs are what blew past the model's context before.

export interface DiffFileStat {
  path: string;
  added: number;
  removed: number;
}

interface Hunk {
  file: string;
  header: string;
  lines: string[];
}

function fileFromDiffGit(line: string): string {
  // "diff --git a/x b/x": take the b/ side (renames show the new name).
  const m = /^diff --git a\/(.*?) b\/(.*)$/.exec(line);
  if (m) return m[2]!;
  return line.slice('diff --git '.length);
}

function parsePatch(patch: string): { stats: DiffFileStat[]; hunks: Hunk[] } {
  const stats: DiffFileStat[] = [];
  const hunks: Hunk[] = [];
  let file: DiffFileStat | null = null;
  let hunk: Hunk | null = null;
  let fileHasHunks = false;
  let oldLeft = 0;
  let newLeft = 0;
  const lines = patch.split(/\r?\n/);
  for (const line of lines) {
    if (line.startsWith('diff --git ')) {
      file = { path: fileFromDiffGit(line), added: 0, removed: 0 };
      stats.push(file);
      fileHasHunks = false;
      hunk = null;
      continue;
    }
    if (line.startsWith('+++ ') && hunk === null) {
      // A bare unified diff without "diff --git" headers names its file here.
      if (file === null || fileHasHunks) {
        file = { path: line.slice(4).replace(/^b\//, '').trim(), added: 0, removed: 0 };
        stats.push(file);
        fileHasHunks = false;
      }
      continue;
    }
    if (line.startsWith('--- ') && hunk === null) continue;
    if (line.startsWith('@@')) {
      if (file === null) {
        file = { path: '(unknown)', added: 0, removed: 0 };
        stats.push(file);
      }
      const m = /^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@/.exec(line);
      // The header's line counts say where the hunk ends; without them, read until a non-diff line.
      oldLeft = m ? Number(m[1] ?? '1') : Infinity;
      newLeft = m ? Number(m[2] ?? '1') : Infinity;
      fileHasHunks = true;
      hunk = { file: file.path, header: line, lines: [] };
      hunks.push(hunk);
      continue;
    }
    if (hunk === null || file === null) continue;
    if (line.startsWith('+')) {
      file.added++;
      newLeft--;
      hunk.lines.push(line);
    } else if (line.startsWith('-')) {
      file.removed++;
      oldLeft--;
      hunk.lines.push(line);
    } else if (line.startsWith(' ') || line === '') {
      oldLeft--;
      newLeft--;
      hunk.lines.push(line);
    } else if (line.startsWith('\\')) {
      hunk.lines.push(line);
    } else {
      hunk = null;
    }
    if (hunk !== null && oldLeft <= 0 && newLeft <= 0) hunk = null;
  }
  return { stats, hunks };
}

/** Per-file added/removed counts of a patch. */
export function diffStat(patch: string): DiffFileStat[] {
  return parsePatch(patch).stats;
}

/** A git-like diffstat text, at most `maxFiles` files listed. */
export function formatDiffStat(stats: readonly DiffFileStat[], maxFiles = 40): string {
  const lines: string[] = [];
  let added = 0;
  let removed = 0;
  for (const s of stats) {
    added += s.added;
    removed += s.removed;
  }
  for (const s of stats.slice(0, maxFiles)) lines.push(` ${s.path} | +${s.added} -${s.removed}`);
  if (stats.length > maxFiles) lines.push(` ... (${stats.length - maxFiles} more files)`);
  lines.push(` ${stats.length} files changed, +${added} -${removed}`);
  return lines.join('\n');
}

/** Normalises a diff or quoted line for matching: no trailing blanks, at least some substance. */
function matchKey(line: string): string | null {
  const t = line.replace(/\s+$/, '');
  if (t.length < 2) return null;
  const body = t.slice(1).trim();
  // Lines such as "+}" or "+" or "+	return 0;" are too common to tell one hunk from another.
  if (body.length < 6) return null;
  return t;
}

/**
 * Lines a reply quotes from its parent, one quote level removed ("> +foo" -> "+foo").
 * Deeper quotes (">> ...") are quotes of quotes and are kept at their level minus one.
 */
export function quotedLines(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^>[ ]?(.*)$/.exec(line);
    if (m) out.push(m[1]!);
  }
  return out;
}

export interface QuotedHunksOptions {
  /** Context lines kept around each quoted line inside a hunk. */
  context?: number;
  /** Upper bound on the lines kept in total. */
  maxLines?: number;
}

/**
 * The hunks of `patch` containing lines that `replyTexts` quote, each cut to the quoted lines
 * plus some context. Empty when no reply quotes the diff.
 */
export function quotedHunks(patch: string, replyTexts: readonly string[], options: QuotedHunksOptions = {}): string {
  const context = options.context ?? 3;
  const maxLines = options.maxLines ?? 200;
  const wanted = new Set<string>();
  for (const text of replyTexts) {
    for (const q of quotedLines(text)) {
      const key = matchKey(q);
      if (key !== null && /^[+\- ]/.test(key)) wanted.add(key);
    }
  }
  if (wanted.size === 0) return '';
  const { hunks } = parsePatch(patch);
  const out: string[] = [];
  let lastFile = '';
  for (const hunk of hunks) {
    const hits: number[] = [];
    hunk.lines.forEach((line, i) => {
      const key = matchKey(line);
      if (key !== null && wanted.has(key)) hits.push(i);
    });
    if (hits.length === 0) continue;
    const keep = new Array<boolean>(hunk.lines.length).fill(false);
    for (const h of hits) {
      for (let i = Math.max(0, h - context); i <= Math.min(hunk.lines.length - 1, h + context); i++) keep[i] = true;
    }
    if (hunk.file !== lastFile) {
      out.push(`--- ${hunk.file}`);
      lastFile = hunk.file;
    }
    out.push(hunk.header);
    let gap = false;
    hunk.lines.forEach((line, i) => {
      if (keep[i]) {
        out.push(line);
        gap = false;
      } else if (!gap) {
        out.push('  ...');
        gap = true;
      }
    });
    if (out.length >= maxLines) break;
  }
  if (out.length > maxLines) {
    out.length = maxLines;
    out.push('  ... (more quoted hunks omitted)');
  }
  return out.join('\n');
}
