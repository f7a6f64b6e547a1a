// Git pull requests ("[GIT PULL] KVM/arm64 fixes for 6.1") list the commits they carry in a
// shortlog ("Author (N):" then indented subjects). A series whose patches appear there was
// applied; this marks them, across the threads of a report.

import type { Series, Thread } from '../types.js';
import { normalizeTitle, parseSubject } from '../subject.js';
import { ownText } from './replySignals.js';

export interface PullRequest {
  /** Tag or branch the pull names ("tags/kvmarm-fixes-6.1-1"), else the pull's title. */
  target: string;
  /** Normalised commit subjects listed in the shortlog. */
  commits: Set<string>;
}

/** Reads a pull request mail's text: its target and the commit subjects of its shortlog. */
export function parsePullRequest(subjectTitle: string, text: string): PullRequest {
  const commits = new Set<string>();
  const lines = text.split('\n');
  let inAuthor = false;
  for (const line of lines) {
    if (/^\S.*\(\d+\):\s*$/.test(line)) {
      inAuthor = true;
      continue;
    }
    if (inAuthor) {
      const m = /^\s{2,}(\S.*?)\s*$/.exec(line);
      if (m) {
        commits.add(normalizeTitle(m[1]));
        continue;
      }
      if (line.trim() === '') continue;
      inAuthor = false;
    }
  }
  // "git://git.kernel.org/pub/scm/.../kvmarm.git tags/kvmarm-fixes-6.1-1" after "are available in".
  const repo = /^\s+(?:git|https?):\/\/\S+\s+((?:tags\/)?[\w./-]+)\s*$/m.exec(text);
  return { target: repo ? repo[1] : subjectTitle, commits };
}

/**
 * Marks as applied the patches of every series listed by a pull request among the threads, and
 * the series itself when at least one of its patches is. Series already applied keep their target.
 */
export function markAppliedFromPullRequests(items: Array<{ thread: Thread; series: Series | null }>): number {
  const pulls: PullRequest[] = [];
  for (const { thread } of items) {
    for (const tm of thread.messages) {
      const tags = tm.mail.subject.tags;
      if (!tags.isPull || tags.isReply) continue;
      const pr = parsePullRequest(tm.mail.subject.title, ownText(tm.mail));
      if (pr.commits.size > 0) pulls.push(pr);
    }
  }
  if (pulls.length === 0) return 0;
  let marked = 0;
  for (const { series } of items) {
    if (!series) continue;
    let hit: PullRequest | null = null;
    for (const patch of series.patches) {
      const title = normalizeTitle(parseSubject(patch.subject).title);
      const pr = pulls.find((p) => p.commits.has(title));
      if (!pr) continue;
      patch.state = 'applied';
      hit ??= pr;
    }
    if (hit) {
      marked++;
      if (series.state !== 'applied') {
        series.state = 'applied';
        series.appliedTo = hit.target;
      }
    }
  }
  return marked;
}
