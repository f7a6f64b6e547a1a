// What one reply to a patch or cover letter says about the series: review trailers, a NAK,
// objections ("changes requested"), or an applied notice. Read from the replier's own text only.

import type { Mail, Trailer } from '../types.js';
import { parseAppliedNotice, type AppliedNotice } from './appliedNotice.js';

export const REVIEW_KEYS = new Set(['Reviewed-by', 'Acked-by', 'Tested-by', 'Nacked-by']);

export interface ReplySignals {
  /** Reviewed-by / Acked-by / Tested-by / Nacked-by the reply gives. */
  reviewTrailers: Trailer[];
  nak: boolean;
  /**
   * The reply asks for a change to the patch (see REQUEST_WORDS; ON_PATCH_WORDS only when the
   * reply answers the patch itself). A question or doubt alone is not a request.
   */
  objection: boolean;
  /** A non-author reply that accepts an explanation or takes back an earlier remark, asking nothing. */
  withdraws: boolean;
  /** The series author agreeing to change the patch ("will fix", "good catch", "fixed in v2"). */
  agrees: boolean;
  applied: AppliedNotice | null;
}

export interface ReadReplyOptions {
  /**
   * The reply answers a patch or the cover letter directly (its parent is a series member), rather
   * than a message further down a discussion. Default true.
   */
  onPatch?: boolean;
}

/** The replier's own words: unquoted segments, without the signature block. */
export function ownText(mail: Mail): string {
  let text = '';
  for (const seg of mail.segments) if (!seg.quoted) text += seg.text.endsWith('\n') ? seg.text : seg.text + '\n';
  const sig = text.search(/^-- ?$/m);
  return sig >= 0 ? text.slice(0, sig) : text;
}

const TRAILER_LINE = /^\s*[A-Za-z-]+-by:\s|^\s*(?:Fixes|Link|Cc|Closes):\s/;
// Words that carry no request: greetings, thanks, sign-offs, list boilerplate.
const COURTESY =
  /^\s*(?:hi|hello|hey|dear|thanks|thank you|many thanks|cheers|regards|best regards|kind regards|br|ok|okay|sure|great|nice|looks good|lgtm|m\.|[a-z]\.?|[-_=]+)[\s,.!:]*\w{0,20}[\s,.!]*$/i;
// Request language: the reviewer asks for something to change. Counts wherever the reply sits.
// Imperatives (please, drop, rename, use X), suggestions (how about, why not, I'd rather),
// named defects (typo, wrong) and refusals (not convinced, won't take it).
const REQUEST_WORDS = new RegExp(
  [
    String.raw`\bplease\b(?!\s+no\b)`,
    String.raw`\bnits?\b`,
    String.raw`\btypos?\b`,
    String.raw`(?:^|\s)s/[^/\s]+/[^/]*/`, // s/old/new/
    String.raw`^(?:just |simply |then |so )?(?:use|drop|remove|rename|move|add|make|keep|split|squash|fold|document|update)\b`,
    String.raw`\b(?:drop|rename|split|squash)\b`,
    String.raw`\b(?:can|could|would|will) (?:you|we)\b`,
    String.raw`\b(?:care to|how about|what about|why not|i'd rather|i would rather|prefer)\b`,
    String.raw`\b(?:would|might) be (?:better|nicer|cleaner|simpler|good)\b|\bbetter (?:to|if|off)\b`,
    String.raw`\bi(?:'d| would)(?: really)? (?:like|prefer|expect)\b`,
    String.raw`\b(?:wrong|incorrect|broken|spurious|unnecessary|pointless|no need)\b`,
    String.raw`\b(?:not convinced|not keen|not fond|don't like|do not like|cannot be right|can't be right)\b`,
    String.raw`\b(?:not|won't|don't plan to|not going to|not planning to) (?:take|apply|merge|queue)\b`,
    String.raw`\bfixes:? tag\b`,
    String.raw`\b(?:doesn't|does not) (?:seem|look) right\b|\bneeds? fixing\b|\bi object\b`,
    String.raw`\botherwise,? (?:this |it )?(?:looks good|lgtm)\b`, // "x -> y? Otherwise looks good."
  ].join('|'),
  'im',
);
// Words that ask for a change when said about the patch itself, but in a discussion further down
// mostly describe how things work ("this should be fine", "all QEMU is missing is...", "done
// there instead", "maybe this is the reason"): counted only for direct replies.
const ON_PATCH_WORDS =
  /\b(?:should(?:n't)?|must|needs? to|maybe|perhaps|missing|instead|rather than|bug|breaks?|fails?|racy|race|concern|object|disagree)\b/i;
// The reviewer doubting their own reading, not the patch: removed before looking for requests.
const SELF_DOUBT = /\b(?:what am i missing|am i missing|i(?:'m| am)(?: probably)? missing|i was missing|i fail to)\b/gi;
// A reviewer accepting an answer or taking a remark back.
const WITHDRAW_WORDS =
  /\b(?:fair enough|makes sense|make sense now|sorry for the noise|ignore (?:me|that|this)|my (?:bad|mistake)|you(?:'re| are) right|i stand corrected|never ?mind|no objection|that's fine|that is fine|i'm fine with|i am fine with|ok(?:ay)?,? then|thanks for (?:the )?(?:explanation|clarification|clarifying|explaining)|thank you for (?:the )?(?:explanation|clarification|clarifying|explaining)|thank you both for the explanation)/i;
// The author agreeing to change the patch.
const AGREE_WORDS =
  /\b(?:will (?:fix|do|change|update|drop|rename|remove|add|address|split|respin|resend|squash|move)|i'll (?:fix|do|change|update|drop|rename|remove|add|address|split|respin|resend|squash|move)|good (?:catch|point|spot)|nice catch|you(?:'re| are) right|agreed|fixed (?:in|for) (?:v\d+|the next)|will be fixed|in (?:the )?next (?:version|revision|spin)|for (?:the )?next (?:version|revision|spin))\b/i;
const NAK_LINE = /^\s*(?:NAK|NACK|Nak|Nack)\b|\bNAK(?:ed)?\b|\bNACK(?:ed)?\b/m;

/** Lines of a reply's own text that say something: no trailers, greetings or sign-offs. */
function substantiveLines(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (t === '' || TRAILER_LINE.test(line) || COURTESY.test(t)) continue;
    if (/^On .* wrote:$|wrote:$/.test(t)) continue;
    out.push(t);
  }
  return out;
}

function quotesDiff(mail: Mail): boolean {
  for (const seg of mail.segments) {
    if (!seg.quoted) continue;
    if (/^>+\s?(?:[+-](?![+-]{2}\s)|@@ |diff --git )/m.test(seg.text)) return true;
  }
  return false;
}

/** Reads what a reply says, given the address of the series' author. */
export function readReply(mail: Mail, seriesAuthor: string, options: ReadReplyOptions = {}): ReplySignals {
  const onPatch = options.onPatch ?? true;
  const reviewTrailers = mail.trailers.filter((t) => REVIEW_KEYS.has(t.key));
  const own = ownText(mail);
  const byAuthor = mail.from.address !== '' && mail.from.address === seriesAuthor;
  const givesTested = reviewTrailers.some((t) => t.key === 'Tested-by');
  const applied = givesTested ? null : parseAppliedNotice(own);
  const nak =
    !byAuthor && (reviewTrailers.some((t) => t.key === 'Nacked-by') || NAK_LINE.test(own.replace(/^.*-by:.*$/gm, '')));
  const lines = substantiveLines(own);
  let objection = false;
  let withdraws = false;
  if (!byAuthor && applied === null && !nak) {
    const gives = reviewTrailers.some((t) => t.key === 'Reviewed-by' || t.key === 'Acked-by');
    if (!gives) {
      const words = lines.join(' ').split(/\s+/).filter((w) => w.length > 0).length;
      // Inline review (comments between quoted diff lines) may be short; a reply in prose says more.
      const enough = words >= 6 || (words >= 3 && quotesDiff(mail));
      // A sentence accepting an answer is not read for requests ("thanks for the explanation, the
      // piece I was missing was..."); the next sentence may still ask for something.
      const accepts = lines.some((l) => WITHDRAW_WORDS.test(l));
      const sentences = lines.flatMap((l) => l.replace(SELF_DOUBT, '').split(/(?<=[.!;])\s+/));
      const request = sentences.some(
        (l) => !WITHDRAW_WORDS.test(l) && (REQUEST_WORDS.test(l) || (onPatch && ON_PATCH_WORDS.test(l))),
      );
      if (enough && request) objection = true;
      else if (accepts) withdraws = true;
    }
  }
  const agrees = byAuthor && lines.some((l) => AGREE_WORDS.test(l));
  return { reviewTrailers, nak, objection, withdraws, agrees, applied };
}
