// One thread -> one reader category, from a single ordered rule table: the first rule whose test
// holds wins. The decision looks at the thread's root (or its earliest message when the root is a
// ghost) with reply prefixes stripped, plus the thread's shape where a rule says so.

import type { Category, Mail, Subject, Thread } from './types.js';

/** What the rules look at, computed once per thread. */
export interface ClassifyContext {
  thread: Thread;
  /** The root's subject (earliest message's when the root is a ghost). */
  subject: Subject;
  /** The root message, or the earliest message when the root is a ghost. */
  root: Mail;
  /** Files touched by the diffs the thread posts (not replies), lazily computed. */
  patchFiles(): string[];
  /** Distinct sender addresses of every message except the root. */
  replyAuthors(): number;
}

export interface ClassifyRule {
  category: Category;
  /** The rule in words, for the README and the report's legend. */
  rule: string;
  test: (ctx: ClassifyContext) => boolean;
}

const SELFTEST_PREFIX = /^(?:[\w/.,+-]+:\s*)*?[\w/.+-]*\bselftests?\b[\w/.+-]*:/i;
const SELFTEST_DIR = 'tools/testing/selftests/';
// Bug words, whole words only: "debug", "debugging", "bugfix" or "Buggy" are not bug reports.
const BUG_WORDS =
  /\b(?:bugs?|crash(?:es|ed|ing)?|panic(?:s|ked|king)?|oops(?:es)?|regressions?|kasan|ubsan|kcsan|kmsan|syzbot|null[- ]pointer|null-ptr-deref|use-after-free|deadlocks?|lockups?|hung|hangs?|fails? to (?:boot|build|compile)|failed to (?:boot|build|compile)|boot failures?|build (?:failures?|errors?|breakage)|compil(?:e|ation) (?:errors?|failures?)|broken|breaks|fail(?:s|ed|ures?)?)\b/i;
// Kernel splat headers and compiler diagnostics quoted in a title ("arm.c:722:8: error: ...").
const BUG_MARKERS = /(?:^|\W)(?:BUG|WARNING|KASAN|UBSAN):|:\d+(?::\d+)?: (?:error|warning):/;
// A kernel splat in the root's own text: the report carries its evidence.
const SPLAT = /^\s*(?:\[\s*\d+\.\d+\]\s*)?(?:BUG:|WARNING:|Unable to handle kernel|Internal error:|Kernel panic|Call trace:|kernel BUG at)/m;
const QUESTION_LABEL = /^(?:\[(?:q|question)[^\]]*\]|q:|question\b)/i;
const QUESTION_OPENER =
  /^(?:how (?:to|do|does|can|should|is|are)|is it|is there|are there|can (?:i|we|you|kvm|one)|could|does|do (?:we|you|i)|why|what|when|where|which|should|any (?:way|idea|plan|reason|chance)s?)\b/i;
const STABLE_NOTICE = /^(?:Patch "[\s\S]+" has been added to the [\w.-]+ tree|FAILED: patch "[\s\S]+" failed to apply to )/;

/** The rules, in order. Exported so the table is documented and tested rule by rule. */
export const CLASSIFY_RULES: readonly ClassifyRule[] = [
  {
    category: 'GIT PULL',
    rule: 'The root is a pull request: a [GIT PULL] or [PULL ...] tag, or a title starting with "GIT PULL".',
    test: (ctx) => ctx.subject.tags.isPull || /^(?:git )?pull request\b|^git pull\b/i.test(ctx.subject.title),
  },
  {
    category: 'Selftest',
    rule:
      'A patch (or RFC patch) for tests: a title prefix naming selftests ("KVM: selftests:", "KVM: arm64: selftests:"), ' +
      'the kvm-unit-tests project tag, or diffs that touch only tools/testing/selftests/.',
    test: (ctx) => {
      const s = ctx.subject;
      if (!(s.tags.isPatch || s.tags.isRfc || ctx.root.patch !== null)) return false;
      if (s.tags.project === 'kvm-unit-tests' || SELFTEST_PREFIX.test(s.title)) return true;
      const files = ctx.patchFiles();
      return files.length > 0 && files.every((f) => f.startsWith(SELFTEST_DIR));
    },
  },
  {
    category: 'RFC',
    rule: 'An RFC: the tag RFC (or RFT) in any position, with or without PATCH ("[RFC PATCH]", "[PATCH RFC v2]", "[RFC]").',
    test: (ctx) => ctx.subject.tags.isRfc,
  },
  {
    category: 'PATCH',
    rule: 'A patch: a PATCH tag (or a versioned/numbered tag such as "[v2 0/6]").',
    test: (ctx) => ctx.subject.tags.isPatch,
  },
  {
    category: 'PATCH',
    rule:
      'An untagged patch: the root is not a reply, carries a diff and a Signed-off-by, and its title has a ' +
      'subsystem prefix ("KVM: arm64: ...").',
    test: (ctx) =>
      ctx.root.patch !== null &&
      !ctx.subject.tags.isReply &&
      ctx.root.trailers.some((t) => t.key === 'Signed-off-by') &&
      /^[\w/.+-]+(?: [\w/.+-]+)?: \S/.test(ctx.subject.title),
  },
  {
    category: 'PATCH',
    rule: 'A stable-tree notice about a patch ("Patch \\"...\\" has been added to the 5.10-stable tree", "FAILED: patch ... failed to apply").',
    test: (ctx) => STABLE_NOTICE.test(ctx.subject.title),
  },
  {
    category: 'Question',
    rule: 'Labelled as a question: the title starts with "Question", "[Question ...]", "[Q]" or "Q:".',
    test: (ctx) => QUESTION_LABEL.test(ctx.subject.title) || ctx.subject.tags.raw.some((w) => w === 'Q' || w.startsWith('QUESTION')),
  },
  {
    category: 'Bug Report',
    rule:
      'A bug report: the title has a bug word as a whole word (bug, crash, panic, oops, regression, KASAN, syzbot, ' +
      'null pointer, use-after-free, deadlock, hang, fail/failed/failure, broken...; "debug" is not one) ' +
      'or a "BUG:"/"WARNING:"/"file.c:1:2: error:" marker, an [Issue] or [BUG] tag, or the root quotes a kernel splat (BUG:, WARNING:, Call trace:...), or comes from syzbot.',
    test: (ctx) =>
      BUG_WORDS.test(ctx.subject.title) ||
      BUG_MARKERS.test(ctx.subject.title) ||
      ctx.subject.tags.raw.some((w) => w === 'BUG' || w === 'SYZBOT' || w === 'REGRESSION' || w === 'ISSUE') ||
      /(?:^|[.@])syzkaller\.appspotmail\.com$|^syzbot/i.test(ctx.root.from.address) ||
      SPLAT.test(ownText(ctx.root)),
  },
  {
    category: 'Question',
    rule: 'A question: the title ends with "?" or opens like one ("How to", "Is it", "Is there", "Can we", "Why", "What", "Any way"...).',
    test: (ctx) => /[?？]\s*$/.test(ctx.subject.title) || QUESTION_OPENER.test(ctx.subject.title),
  },
  {
    category: 'Discussion',
    rule: 'A conversation: replies from at least two different people.',
    test: (ctx) => ctx.replyAuthors() >= 2,
  },
  {
    category: 'Other',
    rule: 'Anything else (announcements, single unanswered mails, list notices).',
    test: () => true,
  },
];

/** The root's own (unquoted) text, bounded: a splat is near the top of a report. */
function ownText(mail: Mail): string {
  const parts: string[] = [];
  let size = 0;
  for (const s of mail.segments.length > 0 ? mail.segments : [{ quoted: false, text: mail.text }]) {
    if (s.quoted) continue;
    parts.push(s.text);
    size += s.text.length;
    if (size > 64 * 1024) break;
  }
  return parts.join('\n');
}

function diffFiles(patch: string, out: Set<string>): void {
  const re = /^diff --git a\/(\S+) b\/(\S+)|^\+\+\+ b\/(\S+)/gm;
  let m: RegExpExecArray | null;
  while ((m = re.exec(patch)) !== null) out.add(m[2] ?? m[3]);
}

/** The message the category is decided from: the root, or the earliest when the root is a ghost. */
function rootMail(thread: Thread): Mail {
  const first = thread.messages[0];
  if (first && first.parentId === null && first.mail.messageId === thread.id) return first.mail;
  let earliest = first?.mail;
  for (const m of thread.messages) {
    const t = m.mail.date ?? m.mail.receivedAt;
    if (earliest === undefined || t < (earliest.date ?? earliest.receivedAt)) earliest = m.mail;
  }
  if (earliest === undefined) throw new Error('classifyThread: a thread without messages');
  return earliest;
}

export function classifyContext(thread: Thread): ClassifyContext {
  const root = rootMail(thread);
  let files: string[] | null = null;
  let authors: number | null = null;
  return {
    thread,
    subject: thread.subject,
    root,
    patchFiles: () => {
      if (files === null) {
        const set = new Set<string>();
        for (const m of thread.messages) {
          if (m.mail.patch !== null && !m.mail.subject.tags.isReply) diffFiles(m.mail.patch, set);
        }
        files = [...set];
      }
      return files;
    },
    replyAuthors: () => {
      if (authors === null) {
        const set = new Set<string>();
        for (const m of thread.messages) {
          if (m.mail === root) continue;
          set.add(m.mail.from.address || m.mail.from.name);
        }
        authors = set.size;
      }
      return authors;
    },
  };
}

/** The first rule of CLASSIFY_RULES that holds, with its index (for explaining a decision). */
export function classifyWithRule(thread: Thread): { category: Category; ruleIndex: number } {
  const ctx = classifyContext(thread);
  for (let i = 0; i < CLASSIFY_RULES.length; i++) {
    if (CLASSIFY_RULES[i].test(ctx)) return { category: CLASSIFY_RULES[i].category, ruleIndex: i };
  }
  return { category: 'Other', ruleIndex: CLASSIFY_RULES.length - 1 };
}

export function classifyThread(thread: Thread): Category {
  return classifyWithRule(thread).category;
}
