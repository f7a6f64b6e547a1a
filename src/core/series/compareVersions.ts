// A range-diff of two versions of a series from the mails alone (no tree): patches are paired by
// normalised subject, then by position; each pair gets an interdiff, the rest are added/dropped.

import type { Mail } from '../types.js';
import { normalizeTitle } from '../subject.js';
import { isPostedPatch } from './seriesMembers.js';
import { interdiff, joinCanonical, canonicalPatch } from './interdiff.js';
import { diffLines, renderHunks, toHunks, type Hunk } from './lineDiff.js';

export interface PatchRef {
  index: number;
  messageId: string;
  subject: string;
}

export type PatchChange = 'unchanged' | 'message' | 'modified' | 'added' | 'dropped';

export interface PatchComparison {
  /** unchanged; message = only the commit message changed; modified = the code changed. */
  change: PatchChange;
  previous: PatchRef | null;
  current: PatchRef | null;
  /** How the pair was matched: same normalised subject, or same position. */
  matchedBy: 'subject' | 'position' | null;
  /** The diff of the two canonical patches (commit message, then the diff); empty when unchanged. */
  hunks: Hunk[];
}

export interface VersionComparison {
  previousVersion: number;
  currentVersion: number;
  patches: PatchComparison[];
  counts: Record<PatchChange, number>;
  /** A short Chinese line for the report, e.g. "相对 v2：新增 1 个补丁，删除 0 个，修改 3 个（…）". */
  summary: string;
}

interface Posted {
  ref: PatchRef;
  mail: Mail;
  key: string;
}

function postedPatches(mails: Mail[]): Posted[] {
  const byIndex = new Map<number, Posted>();
  for (const mail of mails) {
    if (!isPostedPatch(mail) || mail.subject.tags.index === 0) continue;
    const index = mail.subject.tags.index ?? 1;
    if (byIndex.has(index)) continue;
    byIndex.set(index, {
      ref: { index, messageId: mail.messageId, subject: mail.subject.full },
      mail,
      key: normalizeTitle(mail.subject.title),
    });
  }
  return [...byIndex.values()].sort((a, b) => a.ref.index - b.ref.index);
}

function versionOf(mails: Mail[]): number {
  for (const m of mails) if (isPostedPatch(m)) return m.subject.tags.version;
  return 1;
}

/** Compares the posted patches of vN-1 (previous) with those of vN (current). */
export function compareVersions(previous: Mail[], current: Mail[]): VersionComparison {
  const olds = postedPatches(previous);
  const news = postedPatches(current);
  const pairOf = new Map<Posted, { old: Posted; by: 'subject' | 'position' }>();
  const usedOld = new Set<Posted>();

  // 1. Same normalised subject (first unused one, in order).
  const oldByKey = new Map<string, Posted[]>();
  for (const o of olds) {
    const list = oldByKey.get(o.key) ?? [];
    list.push(o);
    oldByKey.set(o.key, list);
  }
  for (const n of news) {
    const o = (oldByKey.get(n.key) ?? []).find((c) => !usedOld.has(c));
    if (o) {
      pairOf.set(n, { old: o, by: 'subject' });
      usedOld.add(o);
    }
  }
  // 2. Same position among what is left: a reworded subject of the same patch.
  const oldByIndex = new Map(olds.map((o) => [o.ref.index, o]));
  for (const n of news) {
    if (pairOf.has(n)) continue;
    const o = oldByIndex.get(n.ref.index);
    if (o && !usedOld.has(o) && titlesRelated(o.key, n.key)) {
      pairOf.set(n, { old: o, by: 'position' });
      usedOld.add(o);
    }
  }

  const patches: PatchComparison[] = [];
  for (const n of news) {
    const pair = pairOf.get(n);
    if (!pair) {
      patches.push({ change: 'added', previous: null, current: n.ref, matchedBy: null, hunks: addedHunks(n.mail) });
      continue;
    }
    const d = interdiff(pair.old.mail, n.mail);
    const change: PatchChange = d.codeChanged ? 'modified' : d.messageChanged || pair.by === 'position' ? 'message' : 'unchanged';
    patches.push({ change, previous: pair.old.ref, current: n.ref, matchedBy: pair.by, hunks: d.hunks });
  }
  // Dropped patches go where they stood in the old series.
  for (const o of olds) {
    if (usedOld.has(o)) continue;
    const entry: PatchComparison = { change: 'dropped', previous: o.ref, current: null, matchedBy: null, hunks: droppedHunks(o.mail) };
    const at = patches.findIndex((p) => (p.previous ? p.previous.index > o.ref.index : (p.current as PatchRef).index >= o.ref.index));
    if (at < 0) patches.push(entry);
    else patches.splice(at, 0, entry);
  }

  const counts: Record<PatchChange, number> = { unchanged: 0, message: 0, modified: 0, added: 0, dropped: 0 };
  for (const p of patches) counts[p.change]++;
  const previousVersion = versionOf(previous);
  const currentVersion = versionOf(current);
  return { previousVersion, currentVersion, patches, counts, summary: summaryLine(previousVersion, patches, counts) };
}

/** Position pairs need some shared words: a patch replaced by an unrelated one is dropped + added. */
function titlesRelated(a: string, b: string): boolean {
  const wa = new Set(a.split(/[^a-z0-9_]+/).filter((w) => w.length > 2));
  const wb = b.split(/[^a-z0-9_]+/).filter((w) => w.length > 2);
  if (wa.size === 0 || wb.length === 0) return false;
  let shared = 0;
  for (const w of wb) if (wa.has(w)) shared++;
  return shared / Math.max(wa.size, wb.length) >= 0.5;
}

function addedHunks(mail: Mail): Hunk[] {
  return toHunks(diffLines([], joinCanonical(canonicalPatch(mail))));
}

function droppedHunks(mail: Mail): Hunk[] {
  return toHunks(diffLines(joinCanonical(canonicalPatch(mail)), []));
}

function summaryLine(previousVersion: number, patches: PatchComparison[], counts: Record<PatchChange, number>): string {
  let line = `相对 v${previousVersion}：新增 ${counts.added} 个补丁，删除 ${counts.dropped} 个，修改 ${counts.modified} 个`;
  const extra: string[] = [];
  if (counts.message > 0) extra.push(`仅提交说明变化 ${counts.message} 个`);
  if (counts.unchanged > 0) extra.push(`未变 ${counts.unchanged} 个`);
  const modified = patches.filter((p) => p.change === 'modified' && p.current).map((p) => (p.current as PatchRef).index);
  if (modified.length > 0 && modified.length <= 8) extra.push(`修改的是第 ${modified.join('、')} 个`);
  if (extra.length > 0) line += `（${extra.join('，')}）`;
  return line;
}

function fileName(version: number, ref: PatchRef): string {
  const slug = ref.subject
    .replace(/^(?:\s*\[[^\]]*\]\s*)+/, '')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 52);
  return `v${version}/${String(ref.index).padStart(4, '0')}-${slug || 'patch'}.patch`;
}

/**
 * The comparison as unified-diff text: one "file" per patch pair (v2/0003-....patch vs
 * v3/0003-....patch) whose lines are the canonical patches, so an editor shows it as a diff.
 */
export function renderComparison(c: VersionComparison): string {
  let out = `# ${c.summary}\n`;
  for (const p of c.patches) {
    const oldName = p.previous ? `a/${fileName(c.previousVersion, p.previous)}` : '/dev/null';
    const newName = p.current ? `b/${fileName(c.currentVersion, p.current)}` : '/dev/null';
    const label = p.current ?? p.previous;
    if (!label) continue;
    out += `diff --series ${oldName} ${newName}\n`;
    out += `# ${changeWord(p.change)}: ${label.subject}\n`;
    if (p.hunks.length === 0) continue;
    out += `--- ${oldName}\n+++ ${newName}\n`;
    out += renderHunks(p.hunks);
  }
  return out;
}

function changeWord(change: PatchChange): string {
  switch (change) {
    case 'unchanged':
      return '未变';
    case 'message':
      return '仅提交说明变化';
    case 'modified':
      return '已修改';
    case 'added':
      return '新增';
    case 'dropped':
      return '删除';
  }
}
