// What one reply to a patch or cover letter says about the series: review trailers, a NAK,
// objections ("changes requested"), or an applied notice. Read from the replier's own text only.

import type { Mail, Trailer } from '../types.js';
import { parseAppliedNotice, type AppliedNotice } from './appliedNotice.js';

export const REVIEW_KEYS = new Set(['Reviewed-by', 'Acked-by', 'Tested-by', 'Nacked-by']);

export interface ReplySignals {
  /** Reviewed-by / Acked-by / Tested-by / Nacked-by the reply gives. */
  reviewTrailers: Trailer[];
  nak: boolean;
  /** The reply objects to the patch: inline comments on the diff or questions/requests. */
  objection: boolean;
  applied: AppliedNotice | null;
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
const OBJECTION_WORDS =
  /\?|\b(?:should(?:n't)?|must|please|nit|nits|wrong|broken|instead|why|don't|doesn't|isn't|can't|cannot|won't|not sure|not convinced|i'd rather|rather than|prefer|drop|remove|rename|split|missing|typo|incorrect|bug|breaks?|fails?|concern|object|disagree|no need|unnecessary|pointless|racy|race)\b/i;
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
export function readReply(mail: Mail, seriesAuthor: string): ReplySignals {
  const reviewTrailers = mail.trailers.filter((t) => REVIEW_KEYS.has(t.key));
  const own = ownText(mail);
  const byAuthor = mail.from.address !== '' && mail.from.address === seriesAuthor;
  const givesTested = reviewTrailers.some((t) => t.key === 'Tested-by');
  const applied = givesTested ? null : parseAppliedNotice(own);
  const nak =
    !byAuthor && (reviewTrailers.some((t) => t.key === 'Nacked-by') || NAK_LINE.test(own.replace(/^.*-by:.*$/gm, '')));
  let objection = false;
  if (!byAuthor && applied === null && !nak) {
    const gives = reviewTrailers.some((t) => t.key === 'Reviewed-by' || t.key === 'Acked-by');
    if (!gives) {
      const lines = substantiveLines(own);
      const words = lines.join(' ').split(/\s+/).filter((w) => w.length > 0).length;
      // Inline review: comments interleaved with the quoted diff. Otherwise a request in words.
      if (words >= 3 && quotesDiff(mail) && lines.some((l) => OBJECTION_WORDS.test(l))) objection = true;
      else if (words >= 6 && lines.some((l) => OBJECTION_WORDS.test(l))) objection = true;
    }
  }
  return { reviewTrailers, nak, objection, applied };
}
