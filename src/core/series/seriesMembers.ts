// Which messages of a thread are the posted patches of a series. A thread may hold more than one
// posting (v2 sent in reply to v1, a reviewer's fixup patch, a resend): members are grouped by
// their tags and author, never by a key such as "PATCH v2 /4" that unrelated series share.

import type { Mail, Thread, ThreadMessage } from '../types.js';

/** Largest series we trust: a hostile "1/99999999" must not make us allocate missing indexes. */
export const MAX_SERIES_TOTAL = 500;

export interface SeriesGroup {
  version: number;
  total: number;
  author: string;
  cover: ThreadMessage | null;
  /** Patches by index (first posted wins on duplicates). */
  patches: Map<number, ThreadMessage>;
  /** Every member, cover included, in thread order. */
  members: ThreadMessage[];
  hasInWindow: boolean;
  containsRoot: boolean;
  firstDate: string;
}

/** A posted patch (or cover letter), not a reply to one and not a pull request. */
export function isPostedPatch(mail: Mail): boolean {
  const tags = mail.subject.tags;
  if (tags.isReply || tags.isPull) return false;
  return tags.isPatch || (tags.index !== null && tags.total !== null && (tags.isRfc || tags.isResend));
}

function mailTime(mail: Mail): string {
  return mail.date ?? mail.receivedAt;
}

/** Groups the posted patches of a thread into candidate series. */
export function groupSeries(thread: Thread): SeriesGroup[] {
  const groups = new Map<string, SeriesGroup>();
  const rootId = thread.messages.length > 0 && thread.messages[0].parentId === null ? thread.messages[0].mail.messageId : null;
  for (const tm of thread.messages) {
    const mail = tm.mail;
    if (!isPostedPatch(mail)) continue;
    const tags = mail.subject.tags;
    const hasPosition = tags.index !== null && tags.total !== null && tags.total > 0 && tags.index <= tags.total;
    const total = hasPosition ? Math.min(tags.total as number, MAX_SERIES_TOTAL) : 1;
    const index = hasPosition ? (tags.index as number) : 1;
    if (index > total) continue;
    // A patch without i/n is a series of its own; numbered ones group by version, size and author.
    const key = hasPosition
      ? `${tags.version}|${total}|${mail.from.address}|${tags.project ?? ''}`
      : `single|${mail.messageId}`;
    let group = groups.get(key);
    if (!group) {
      group = {
        version: tags.version,
        total,
        author: mail.from.address,
        cover: null,
        patches: new Map(),
        members: [],
        hasInWindow: false,
        containsRoot: false,
        firstDate: mailTime(mail),
      };
      groups.set(key, group);
    }
    if (index === 0) {
      if (group.cover) continue;
      group.cover = tm;
    } else {
      if (group.patches.has(index)) continue;
      group.patches.set(index, tm);
    }
    group.members.push(tm);
    if (tm.inWindow) group.hasInWindow = true;
    if (rootId !== null && mail.messageId === rootId) group.containsRoot = true;
    if (mailTime(mail) < group.firstDate) group.firstDate = mailTime(mail);
  }
  return [...groups.values()];
}

/**
 * The series a thread is about: the newest version (v2 sent in reply to v1 supersedes it), then
 * the one the thread starts with (not a reviewer's fixup patch), then one posted in the window,
 * then the biggest, then the earliest.
 */
export function pickSeries(groups: SeriesGroup[]): SeriesGroup | null {
  let best: SeriesGroup | null = null;
  for (const g of groups) {
    if (best === null || compareGroups(g, best) < 0) best = g;
  }
  return best;
}

function compareGroups(a: SeriesGroup, b: SeriesGroup): number {
  if (a.version !== b.version) return b.version - a.version;
  if (a.containsRoot !== b.containsRoot) return a.containsRoot ? -1 : 1;
  if (a.hasInWindow !== b.hasInWindow) return a.hasInWindow ? -1 : 1;
  if (a.members.length !== b.members.length) return b.members.length - a.members.length;
  return a.firstDate < b.firstDate ? -1 : a.firstDate > b.firstDate ? 1 : 0;
}
