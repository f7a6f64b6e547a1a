// "Applied to kvmarm/next, thanks!" and friends: a maintainer saying a patch or series was taken.
// Recognised from the replier's own (unquoted) text only, at the start of a line, so that
// "I applied this on top of -rc3 and tested it" or a quoted notice do not count.

export interface AppliedNotice {
  /** Branch or tree named by the notice ("kvmarm/next", "arm64 (for-next/misc)", an URL), or null. */
  target: string | null;
  /** Patch indexes the notice names ("[1/3] ... commit: sha", "Queued patches 1-5"), or null = all. */
  indexes: number[] | null;
  /** Commit ids per patch index, from b4-ty style lists. */
  commits: Map<number, string>;
  /** Patch subjects listed by a b4-ty style notice, by index. */
  titles: Map<number, string>;
}

// Sentence-initial verbs a maintainer uses; optional "Thanks," / "I've" / "Now" before them.
const NOTICE_LINE =
  /^\s*(?:(?:thanks|thank you|many thanks)[,!.]?\s+)?(?:(?:i've|i have|i|now|and|so|i've now|i have now)\s+)?(applied|queued|pushed|picked up|picked|merged|taken)\b(.*)$/i;
// What follows the verb in a line that is not a notice: testing reports, questions, conditions.
const NOT_A_NOTICE =
  /^\s*(?:(?:it|this|these|them|the series|the patch(?:es)?|your series|your patch(?:es)?)\s+)?(?:on top|on (?:v?\d|linux|mainline|my|a |an |the )|cleanly|locally|and test|and boot|and ran|with(?:out)? (?:any )?(?:conflict|issue|problem)|fine|ok\b|correctly|properly|as is|the patch|the series|this (?:patch|series) (?:on|and|to (?:my|v?\d)))/i;
const OBJECT =
  /^\s*(?:up\s+)?(?:it|this(?: one| patch| series| fix)?|these|them|both|all|the (?:whole )?(?:series|patch(?:es)?|set)|(?:the first |the last )?(?:patch(?:es)?\s+)?\d+(?:\s*(?:-|–|,|\+|and)\s*\d+)*(?:\s+patches)?|your (?:patch(?:es)?|series|fix))?(?:\s+up)?(?:\s+already)?/i;
const NOTICE_TAIL = /^\s*(?:$|[,.!;:]|(?:to|into|in|for|on|onto|with|as|now|thanks|thank you)\b|https?:)/i;
const TARGET = /^\s*(?:(?:it|this|these|them|the series|the (?:whole )?patch(?:es)?(?: [\d, and-]+)?|patch(?:es)? [\d, and-]+|all|both)\s+)?(?:to|into|in|on|onto|for)\s+(.+)$/i;
const URL = /https?:\/\/\S+/;
const RANGE = /\b(?:patch(?:es)?\s+)?(\d+(?:\s*[-–]\s*\d+)?(?:\s*(?:,|\+|and)\s*\d+(?:\s*[-–]\s*\d+)?)*)\b/i;
const B4_ITEM = /^\s*\[(\d+)\/(\d+)\]\s+(.+?)\s*$/;
const B4_COMMIT = /^\s*commit:\s*([0-9a-f]{7,40})\b/i;

/** Reads an applied notice from a reply's own text, or null when there is none. */
export function parseAppliedNotice(ownText: string): AppliedNotice | null {
  const lines = ownText.split('\n');
  let notice: AppliedNotice | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (notice === null) {
      const m = NOTICE_LINE.exec(line);
      if (!m) continue;
      // Sentence-initial only: a capital letter or a "Thanks,"/"I've" opener, never mid-sentence.
      const first = line.trimStart();
      if (!/^[A-Z]/.test(first)) continue;
      const rest = m[2];
      if (/\?\s*$/.test(line) || NOT_A_NOTICE.test(rest)) continue;
      // After the verb and its object comes a destination, a courtesy or the end of the sentence;
      // anything else ("I've pushed a branch", "I've taken the decision") is not a notice.
      if (!NOTICE_TAIL.test(rest.replace(OBJECT, ''))) continue;
      notice = { target: readTarget(rest), indexes: readIndexes(rest), commits: new Map(), titles: new Map() };
      continue;
    }
    const item = B4_ITEM.exec(line);
    if (item) {
      const index = Number(item[1]);
      notice.titles.set(index, item[3]);
      const next = lines[i + 1];
      const commit = next === undefined ? null : B4_COMMIT.exec(next);
      if (commit) {
        notice.commits.set(index, commit[1]);
        i++;
      }
    }
  }
  if (notice && notice.titles.size > 0) notice.indexes = [...notice.titles.keys()].sort((a, b) => a - b);
  return notice;
}

function readTarget(rest: string): string | null {
  const url = URL.exec(rest);
  const t = TARGET.exec(rest);
  if (t) {
    let target = t[1];
    // Cut the courtesy that follows the branch: ", thanks!", ". Thanks.", " - thanks".
    target = target.replace(/\s*(?:[,.;!]\s*(?:thanks|thank you|cheers)\b.*|[,;]\s.*|\.\s.*|[.!,;]+\s*)$/i, '');
    target = target.replace(/\s+(?:--|-|and|with|as|but|so|apart|except|while|plus)\s.*$/i, '');
    target = target.replace(/^(?:the\s+)?/i, '').trim();
    if (/^(?:now|later|today|you|me|us|good|real)$/i.test(target)) target = '';
    if (target.length > 0 && target.length <= 80 && !/^(?:my|your|a)\s+(?:local|tree|machine|box)/i.test(target)) {
      return target;
    }
  }
  return url ? url[0].replace(/[.,;!)]+$/, '') : null;
}

function readIndexes(rest: string): number[] | null {
  const cut = rest.split(/[.,;!]\s|thanks/i)[0];
  if (!/\bpatch(?:es)?\b|^\s*\d/i.test(cut)) return null;
  const m = RANGE.exec(cut);
  if (!m) return null;
  const out = new Set<number>();
  for (const part of m[1].split(/\s*(?:,|\+|and)\s*/)) {
    const r = /^(\d+)(?:\s*[-–]\s*(\d+))?$/.exec(part.trim());
    if (!r) continue;
    const from = Number(r[1]);
    const to = r[2] === undefined ? from : Number(r[2]);
    if (to < from || to - from > 500) continue;
    for (let k = from; k <= to; k++) out.add(k);
  }
  return out.size > 0 ? [...out].sort((a, b) => a - b) : null;
}
