// Turns one message of a thread into the plain text the model reads: the author's own words, the
// few quoted lines each reply paragraph answers, and for patches the commit message, a diffstat
// and only the hunks that replies quoted.

import type { Mail, ThreadMessage } from '../types.js';
import { diffStat, formatDiffStat, quotedHunks } from './diffReduce.js';

export interface BodyOptions {
  /** Quoted lines kept right before each reply paragraph. */
  quoteContextLines: number;
  /** Cap on the body's lines (null: no cap). */
  maxLines: number | null;
  /** Include the hunks replies quote (else only the diffstat). */
  includeHunks: boolean;
  /** Context lines around quoted diff lines. */
  hunkContext: number;
  /** Cap on the quoted-hunk lines of one patch. */
  maxHunkLines: number;
}

export const FULL_BODY: BodyOptions = {
  quoteContextLines: 3,
  maxLines: null,
  includeHunks: true,
  hunkContext: 3,
  maxHunkLines: 160,
};

const isQuoted = (line: string): boolean => line.startsWith('>');

/** Cuts list footers and signatures: what follows "-- " or the mailman rule line. */
function cutFooters(lines: string[]): string[] {
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l === '-- ' || l === '--' || /^_{20,}\s*$/.test(l)) return lines.slice(0, i);
  }
  return lines;
}

function collapseBlank(lines: string[]): string[] {
  const out: string[] = [];
  for (const l of lines) {
    const blank = l.trim() === '';
    if (blank && (out.length === 0 || out[out.length - 1]!.trim() === '')) continue;
    out.push(l.replace(/\s+$/, ''));
  }
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out;
}

/**
 * Keeps the author's own text and, before each own paragraph, the last `contextLines` non-empty
 * quoted lines (what the paragraph answers). Quotes nobody answers are dropped.
 */
export function trimQuotes(text: string, contextLines: number): string {
  const lines = cutFooters(text.split(/\r?\n/));
  const out: string[] = [];
  let quoteBlock: string[] = [];
  for (const line of lines) {
    if (isQuoted(line)) {
      quoteBlock.push(line);
      continue;
    }
    if (quoteBlock.length > 0) {
      if (line.trim() === '') {
        // A blank line between a quote and the answer: the quote is still pending.
        continue;
      }
      const substantive = quoteBlock.filter((q) => q.replace(/^[>\s]+/, '') !== '');
      const kept = contextLines > 0 ? substantive.slice(-contextLines) : [];
      if (substantive.length > kept.length) out.push('> ...');
      out.push(...kept);
      // A blank line keeps the answer visibly apart from what it answers.
      if (kept.length > 0) out.push('');
      quoteBlock = [];
    }
    out.push(line);
  }
  return collapseBlank(out).join('\n');
}

/** The part of a patch mail before its diff (and before git's "---" diffstat separator). */
export function commitMessagePart(mail: Mail): string {
  const text = mail.text;
  if (mail.patch === null) return text;
  const firstLine = mail.patch.split('\n', 1)[0] ?? '';
  let end = firstLine.length > 0 ? text.indexOf(firstLine) : -1;
  if (end < 0) end = text.length;
  let head = text.slice(0, end);
  const sep = head.search(/^---[ \t]*$/m);
  if (sep >= 0) head = head.slice(0, sep);
  return head.replace(/\s+$/, '');
}

/** Replies' texts by the id of the message they answer: their quotes tell which hunks were discussed. */
export function repliesByParent(messages: readonly ThreadMessage[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const m of messages) {
    if (m.parentId === null) continue;
    const list = out.get(m.parentId);
    if (list) list.push(m.mail.text);
    else out.set(m.parentId, [m.mail.text]);
  }
  return out;
}

function capLines(text: string, maxLines: number | null): string {
  if (maxLines === null) return text;
  const lines = text.split('\n');
  if (lines.length <= maxLines) return text;
  return [...lines.slice(0, maxLines), `[...... 省略 ${lines.length - maxLines} 行]`].join('\n');
}

/** The text of one message as the prompt shows it; `replies` are the texts of its direct replies. */
export function renderBody(message: ThreadMessage, replies: readonly string[], options: BodyOptions): string {
  const mail = message.mail;
  if (mail.patch !== null) {
    const parts: string[] = [];
    const head = trimQuotes(commitMessagePart(mail), options.quoteContextLines);
    parts.push(capLines(head, options.maxLines));
    parts.push('[diffstat]\n' + formatDiffStat(diffStat(mail.patch), options.maxLines === null ? 40 : 15));
    if (options.includeHunks) {
      const hunks = quotedHunks(mail.patch, replies, {
        context: options.hunkContext,
        maxLines: options.maxHunkLines,
      });
      if (hunks !== '') parts.push('[回复中引用到的 diff 片段]\n' + hunks);
    }
    return parts.join('\n\n');
  }
  return capLines(trimQuotes(mail.text, options.quoteContextLines), options.maxLines);
}
