// A thread's patch series: cover letter, patches i/n, missing indexes, review and applied state.
// Called by the pipeline on every thread, so it is linear in the thread's size.

import type { Address, Series, SeriesPatch, SeriesState, SeriesVersionLink, Thread, ThreadMessage, Trailer } from '../types.js';
import { groupSeries, pickSeries, type SeriesGroup } from './seriesMembers.js';
import { readReply } from './replySignals.js';

interface PatchFacts {
  tm: ThreadMessage;
  index: number;
  trailers: Trailer[];
  reviewedBy: Set<string>;
  /**
   * Reviewers with outstanding change requests: a reply asking for a change, or one the author
   * agreed to. Cleared by a later Reviewed-by/Acked-by of theirs, or their reply accepting the answer.
   */
  objectors: Set<string>;
  nacked: boolean;
  applied: boolean;
}

/** The series a thread carries, or null when it carries none (a discussion, a pull request). */
export function buildSeries(thread: Thread): Series | null {
  const root = thread.messages.find((m) => m.parentId === null);
  if (root && root.mail.subject.tags.isPull && !root.mail.subject.tags.isReply) return null;
  const groups = groupSeries(thread);
  const group = pickSeries(groups);
  if (group === null) return null;

  const author = authorOf(group);
  const authorAddress = author.address;
  const patches = [...group.patches.entries()].sort((a, b) => a[0] - b[0]);
  const facts = new Map<string, PatchFacts>();
  for (const [index, tm] of patches) {
    facts.set(tm.mail.messageId, {
      tm,
      index,
      trailers: [...tm.mail.trailers],
      reviewedBy: new Set(),
      objectors: new Set(),
      nacked: false,
      applied: false,
    });
  }
  const coverId = group.cover?.mail.messageId ?? null;
  const memberIds = new Set(group.members.map((m) => m.mail.messageId));
  const byId = new Map<string, ThreadMessage>();
  for (const tm of thread.messages) if (!byId.has(tm.mail.messageId)) byId.set(tm.mail.messageId, tm);

  const reviewers = new Map<string, Address>();
  // Change requests made on the cover letter (about the whole series), by reviewer.
  const coverObjectors = new Set<string>();
  let seriesNacked = false;
  let appliedTo: string | null = null;
  let appliedAny = false;

  // Replies count for the nearest series member above them: a patch, or the cover (all patches).
  const anchorCache = new Map<string, string | null>();
  const anchorOf = (tm: ThreadMessage): string | null => {
    const seen: string[] = [];
    let parent = tm.parentId;
    let found: string | null = null;
    while (parent !== null) {
      if (anchorCache.has(parent)) {
        found = anchorCache.get(parent) ?? null;
        break;
      }
      seen.push(parent);
      if (memberIds.has(parent)) {
        found = parent;
        break;
      }
      const up = byId.get(parent);
      if (!up || seen.length > thread.messages.length + 1) break;
      parent = up.parentId;
    }
    for (const id of seen) anchorCache.set(id, found);
    return found;
  };

  const replies = thread.messages
    .filter((tm) => !memberIds.has(tm.mail.messageId))
    .sort((a, b) => timeOf(a).localeCompare(timeOf(b)));
  for (const tm of replies) {
    const anchor = anchorOf(tm);
    if (anchor === null) continue;
    const targets: PatchFacts[] = anchor === coverId ? [...facts.values()] : facts.has(anchor) ? [facts.get(anchor) as PatchFacts] : [];
    if (targets.length === 0) continue;
    // A reply to the patch itself, or a message further down a discussion under it.
    const onPatch = tm.parentId !== null && memberIds.has(tm.parentId);
    const signals = readReply(tm.mail, authorAddress, { onPatch });
    const sender = tm.mail.from.address;
    const objectorsOf = (): Set<string>[] => (anchor === coverId ? [coverObjectors] : targets.map((f) => f.objectors));

    for (const t of signals.reviewTrailers) {
      const who = t.person?.address || sender;
      if (who === authorAddress) continue;
      for (const f of targets) {
        addTrailer(f.trailers, t);
        if (t.key === 'Nacked-by') f.nacked = true;
        if (t.key === 'Reviewed-by' || t.key === 'Acked-by') {
          f.reviewedBy.add(who);
          f.objectors.delete(who);
          f.objectors.delete(sender);
        }
      }
      if ((t.key === 'Reviewed-by' || t.key === 'Acked-by') && anchor === coverId) {
        coverObjectors.delete(who);
        coverObjectors.delete(sender);
      }
      if (t.key !== 'Nacked-by' && !reviewers.has(who)) reviewers.set(who, t.person ?? tm.mail.from);
    }
    if (signals.nak) {
      for (const f of targets) f.nacked = true;
      seriesNacked = true;
    }
    if (signals.objection) for (const set of objectorsOf()) set.add(sender);
    // A reviewer accepting the answer takes back their requests on what this discussion is about.
    if (signals.withdraws) for (const set of objectorsOf()) set.delete(sender);
    // The author agreeing ("good catch, will fix") confirms what the message they answer asked for,
    // even when it was only a question.
    if (signals.agrees && tm.parentId !== null && !memberIds.has(tm.parentId)) {
      const asker = byId.get(tm.parentId)?.mail.from.address ?? '';
      if (asker !== '' && asker !== authorAddress) for (const set of objectorsOf()) set.add(asker);
    }
    if (signals.applied) {
      appliedAny = true;
      if (signals.applied.target && appliedTo === null) appliedTo = signals.applied.target;
      const named = signals.applied.indexes;
      for (const f of targets) {
        if (named === null || anchor !== coverId || named.includes(f.index)) f.applied = true;
      }
      // b4-ty lists commits: keep the first one as "where" when the notice named no branch.
      if (appliedTo === null && signals.applied.commits.size > 0) appliedTo = [...signals.applied.commits.values()][0];
    }
  }

  // Trailers carried on the patches themselves (from earlier versions) count as review too.
  for (const f of facts.values()) {
    for (const t of f.tm.mail.trailers) {
      const who = t.person?.address;
      if (!who || who === authorAddress) continue;
      if (t.key === 'Reviewed-by' || t.key === 'Acked-by') f.reviewedBy.add(who);
      if (t.key === 'Nacked-by') f.nacked = true;
      if (REVIEWER_KEYS.has(t.key) && !reviewers.has(who)) reviewers.set(who, t.person as Address);
    }
  }

  const seriesPatches: SeriesPatch[] = [...facts.values()].map((f) => ({
    index: f.index,
    messageId: f.tm.mail.messageId,
    subject: f.tm.mail.subject.full,
    trailers: f.trailers,
    state: patchState(f),
  }));
  const missing: number[] = [];
  for (let i = 1; i <= group.total; i++) if (!group.patches.has(i)) missing.push(i);

  let state: SeriesState = 'new';
  if (appliedAny || seriesPatches.some((p) => p.state === 'applied')) state = 'applied';
  else if (seriesNacked || seriesPatches.some((p) => p.state === 'nacked')) state = 'nacked';
  else if (coverObjectors.size > 0 || seriesPatches.some((p) => p.state === 'changes-requested')) state = 'changes-requested';
  else if (seriesPatches.length > 0 && seriesPatches.every((p) => p.state === 'reviewed')) state = 'reviewed';

  return {
    title: titleOf(group),
    version: group.version,
    total: group.total,
    author,
    coverMessageId: coverId,
    patches: seriesPatches,
    missing,
    previous: earlierInThread(groups, group),
    state,
    reviewers: [...reviewers.values()].map((a) => ({ name: a.name, address: a.address })),
    appliedTo: state === 'applied' ? appliedTo : null,
  };
}

const REVIEWER_KEYS = new Set(['Reviewed-by', 'Acked-by', 'Tested-by']);

function patchState(f: PatchFacts): SeriesState {
  if (f.applied) return 'applied';
  if (f.nacked) return 'nacked';
  if (f.objectors.size > 0) return 'changes-requested';
  if (f.reviewedBy.size > 0) return 'reviewed';
  return 'new';
}

function addTrailer(list: Trailer[], t: Trailer): void {
  const who = t.person?.address ?? t.value;
  if (list.some((x) => x.key === t.key && (x.person?.address ?? x.value) === who)) return;
  list.push(t);
}

function timeOf(tm: ThreadMessage): string {
  return tm.mail.date ?? tm.mail.receivedAt;
}

function authorOf(group: SeriesGroup): Address {
  const first = group.cover ?? group.members[0];
  return { name: first.mail.from.name, address: first.mail.from.address };
}

function titleOf(group: SeriesGroup): string {
  if (group.cover) return group.cover.mail.subject.title;
  const first = group.patches.get(1) ?? group.members[0];
  return first.mail.subject.title;
}

/** Earlier versions posted inside the same thread (v2 sent in reply to v1). */
function earlierInThread(groups: SeriesGroup[], chosen: SeriesGroup): SeriesVersionLink[] {
  const links: SeriesVersionLink[] = [];
  for (const g of groups) {
    if (g === chosen || g.version >= chosen.version || g.author !== chosen.author) continue;
    const head = g.cover ?? g.patches.get(1) ?? g.members[0];
    links.push({ version: g.version, messageId: head.mail.messageId, date: head.mail.date });
  }
  return links.sort((a, b) => b.version - a.version);
}
