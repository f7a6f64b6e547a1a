// Subject lines of kernel mail: reply prefixes, bracketed tags ("[PATCH v3 02/17]",
// "[kvm-unit-tests RFC PATCH 0/5]", "[STABLE 5.15.y] [PATCH]", "[GIT PULL]") and the title that
// remains (the series title for patches). Tag words are read order-insensitively, so
// "[PATCH v2 0/4]" and "[PATCH 0/4 v2]" mean the same, and glued forms ("[PATCHv2]",
// "[RFCv3]", "[PATCH-next]") are split first.

import type { Subject, SubjectTags } from './types.js';

// Reply/forward markers in the languages seen on kernel lists ("AW" German, "SV" Nordic,
// "回复" Chinese...), optionally with a counter ("Re[2]:", "Re^2:").
const REPLY_PREFIX =
  /^(?:re|fwd?|aw|sv|vs|antw|wg|rif|odp|tr|ynt|res|r|回复|回覆|答复|转发|轉寄)\s*(?:\[\d+\]|\^\d+)?\s*[:：]\s*/i;
const BRACKET_GROUP = /^\[([^\[\]]*)\]\s*/;
// Unbracketed openers some senders use: "RESEND: [PATCH] x", "PATCH: x".
const BARE_OPENER = /^(RESEND|PATCH)\s*:\s*/i;

// Words that say "this is a kernel-tree patch" but carry no project: list noise and branch hints.
const KERNEL_WORDS = new Set([
  'KERNEL', 'LINUX', 'NEXT', '-NEXT', 'LINUX-NEXT', 'FOR-NEXT', 'TRIVIAL', 'DONOTMERGE', 'URGENT',
]);
const DROP_WORDS = new Set(['DO', 'NOT', 'MERGE', 'FOR']);
const STABLE_WORDS = new Set(['STABLE', 'AUTOSEL', 'MANUALSEL', 'STABLE-RC']);
const RESEND_WORDS = new Set(['RESEND', 'REPOST', 'RESENT', '(RESEND)', 'RESUBMIT']);
const RFC_WORDS = new Set(['RFC', 'RFT', 'RFC/RFT', 'RFT/RFC']);

/** Title for matching versions of one series: lower-case, whitespace collapsed. */
export function normalizeTitle(title: string): string {
  return title.toLowerCase().replace(/\s+/g, ' ').trim();
}

/** Collapse folding whitespace (CR, LF, tabs, runs of spaces) into single spaces. */
export function unfoldSubject(text: string): string {
  return text.replace(/[\s\u0000-\u001f]+/g, ' ').trim();
}

/** Split one bracket group into tag words: "PATCHv2 1/3" -> PATCH V2 1/3, "PATCH-next" -> PATCH -NEXT. */
function tagWords(group: string): string[] {
  const words: string[] = [];
  for (let token of group.toUpperCase().split(/[\s,;:]+/)) {
    if (token === '') continue;
    // Glued version/suffix after a keyword: PATCHV2, RFCV3, PATCH-NEXT, PATCH-V2.
    const glued = /^(PATCH|RFC|RESEND|PULL)(-?V\d+(?:\.\d+)?|-[A-Z][\w.-]*)$/.exec(token);
    if (glued) {
      words.push(glued[1]);
      token = glued[2].startsWith('-V') ? glued[2].slice(1) : glued[2];
    }
    words.push(token);
  }
  return words;
}

function emptyTags(): SubjectTags {
  return {
    raw: [],
    isPatch: false,
    isRfc: false,
    isResend: false,
    isPull: false,
    version: 1,
    index: null,
    total: null,
    project: null,
    isReply: false,
  };
}

const KNOWN_PROJECTS = new Set(['KVMTOOL', 'KVM-UNIT-TESTS', 'KVM-UNIT-TEST', 'QEMU', 'KUT']);

function readTags(groups: string[][], tags: SubjectTags): void {
  const project: string[] = [];
  let explicitVersion: number | null = null;
  for (const words of groups) {
    const patchGroup = words.some(isPatchWord);
    for (let i = 0; i < words.length; i++) {
      readWord(words, i, patchGroup, project, tags, (v) => (explicitVersion = v));
    }
  }
  if (explicitVersion !== null) tags.version = explicitVersion;
  // "[v2 0/6]", "[kvmtool v3 5/5]", "[RFC 1/3]": numbered or versioned tags without the word PATCH
  // still post a patch series.
  if (!tags.isPatch && !tags.isPull && (tags.index !== null || explicitVersion !== null)) tags.isPatch = true;
  if (project.length > 0) tags.project = normalizeProject(project.join(' '));
}

function readWord(
  words: string[],
  i: number,
  patchGroup: boolean,
  project: string[],
  tags: SubjectTags,
  setVersion: (v: number) => void,
): void {
  const w = words[i];
  const prev = i > 0 ? words[i - 1] : '';
  let m: RegExpExecArray | null;
  if (w === 'PATCH' || w === 'PATCHES' || w === 'PATCHSET') {
    tags.isPatch = true;
  } else if (RFC_WORDS.has(w)) {
    tags.isRfc = true;
  } else if (RESEND_WORDS.has(w)) {
    tags.isResend = true;
  } else if (w === 'PULL' || (w === 'GIT' && words[i + 1] === 'PULL')) {
    tags.isPull = true;
  } else if ((m = /^(\d+)\/(\d+)$/.exec(w))) {
    tags.index = Number(m[1]);
    tags.total = Number(m[2]);
  } else if ((m = /^V(\d+(?:\.\d+)?)$/.exec(w)) && !(m[1].includes('.') && STABLE_WORDS.has(prev))) {
    // "v5.5" is a version, but "stable v4.9" names a release (handled below).
    setVersion(Number(m[1]));
  } else if (STABLE_WORDS.has(w) || /^(?:FOR-)?STABLE-/.test(w)) {
    project.push(w.replace(/^FOR-/, '').replace(/[:]$/, ''));
  } else if (/^V?\d+\.\d+(?:\.(?:Y|\d+))?$/.test(w)) {
    // A kernel release: "[PATCH 5.10 1/2]", "[STABLE 5.15.y]", "[PATCH stable v4.9 v2]".
    if (project.length === 0) project.push('STABLE');
    project.push(w.replace(/^V/, ''));
  } else if (KERNEL_WORDS.has(w) || DROP_WORDS.has(w)) {
    // Branch hints and list noise: still the kernel tree.
  } else if (KNOWN_PROJECTS.has(w) || (patchGroup && /^[A-Z][A-Z0-9_.+-]*$/.test(w))) {
    // Unknown words name a project only inside a patch tag: "[PATCH rcu]" but not "[External]".
    project.push(w);
  }
}

function isPatchWord(w: string): boolean {
  return w === 'PATCH' || w === 'PATCHES' || RFC_WORDS.has(w) || w === 'PULL' || RESEND_WORDS.has(w);
}

function normalizeProject(p: string): string {
  const lower = p.toLowerCase().replace(/^stable-rc/, 'stable');
  if (lower === 'kvm-unit-test' || lower === 'kut' || lower === 'unit-tests') return 'kvm-unit-tests';
  return lower.replace(/^(?:stable)[-:]\s*/, 'stable ').replace(/\s+/g, ' ').trim();
}

/** Parse a decoded subject: reply prefixes, bracket tags, and the remaining title. */
export function parseSubject(full: string): Subject {
  const unfolded = unfoldSubject(full);
  const tags = emptyTags();
  let rest = unfolded;
  const groups: string[] = [];
  // Prefixes and tag groups interleave in the wild ("[External] Re: [PATCH] x"): peel both.
  for (;;) {
    const reply = REPLY_PREFIX.exec(rest);
    if (reply) {
      tags.isReply = true;
      rest = rest.slice(reply[0].length);
      continue;
    }
    const group = BRACKET_GROUP.exec(rest) ?? BARE_OPENER.exec(rest);
    if (group && rest.length > group[0].length) {
      groups.push(group[1]);
      rest = rest.slice(group[0].length);
      continue;
    }
    break;
  }
  const wordGroups = groups.map(tagWords);
  tags.raw = wordGroups.flat();
  readTags(wordGroups, tags);
  return { full: unfolded, title: rest.trim(), tags };
}
