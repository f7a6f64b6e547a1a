// A conservative token estimator. No tokenizer table can be downloaded at run time, and the
// summariser talks to many model families (GPT, DeepSeek, Qwen, Llama through Ollama/vLLM), so
// the estimate is built to be at or above what a byte-level BPE produces for mail text: prompts
// sized with it fit the model's window, at the price of some unused room.

/** Per-message framing the chat format adds around each message (role, separators). */
export const MESSAGE_OVERHEAD_TOKENS = 8;
/** Tokens the server adds to prime the assistant's answer. */
export const REPLY_PRIMING_TOKENS = 8;

/** Headroom over the raw estimate. */
const SAFETY_FACTOR = 1.1;

const enum Cls {
  Letter,
  Digit,
  Space,
  Newline,
  Punct,
  Other,
}

function classOf(code: number): Cls {
  if ((code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a)) return Cls.Letter;
  if (code >= 0x30 && code <= 0x39) return Cls.Digit;
  if (code === 0x20 || code === 0x09) return Cls.Space;
  if (code === 0x0a || code === 0x0d) return Cls.Newline;
  if (code < 0x80) return Cls.Punct;
  return Cls.Other;
}

/**
 * Estimated tokens of one non-ASCII code point. A byte-level BPE never needs more tokens than
 * UTF-8 bytes; common CJK ideographs and CJK punctuation are in every modern vocabulary (one or
 * two tokens), everything else counts its bytes.
 */
function nonAsciiTokens(code: number): number {
  if (code < 0x800) return 2;
  if ((code >= 0x4e00 && code <= 0x9fff) || (code >= 0x3000 && code <= 0x303f) || (code >= 0xff00 && code <= 0xffef)) return 2;
  if (code < 0x10000) return 3;
  return 4;
}

const isUpper = (c: number): boolean => c >= 0x41 && c <= 0x5a;

/** Letters beyond this many in one run are taken for glued words, not one long word. */
const GLUED_AFTER = 10;

/**
 * Estimated token count of a text. Runs of letters count one token per 3 characters (real
 * tokenisers average ~4), digit runs one per 2 (they are cut in groups of up to 3), mixed
 * letter/digit runs (hex ids) 3 per 4 characters, every ASCII punctuation mark one token,
 * whitespace runs one token (a single space is absorbed by the next word), non-ASCII characters
 * by their UTF-8 length; then 10% headroom. Measured against cl100k/o200k it is 1.1-2x high on
 * mail text. Letters past the tenth in one run count one token per 2 (words glued together,
 * "kvmkvmkvm", split worse than words); such runs and arbitrary ASCII junk stay within a quarter of
 * the real count (both checked by tests).
 */
export function estimateTokens(text: string): number {
  let total = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const code = text.codePointAt(i)!;
    const cls = classOf(code);
    if (cls === Cls.Other) {
      total += nonAsciiTokens(code);
      i += code > 0xffff ? 2 : 1;
      continue;
    }
    if (cls === Cls.Punct) {
      total += 1;
      i++;
      continue;
    }
    let j = i + 1;
    if (cls === Cls.Space || cls === Cls.Newline) {
      while (j < n) {
        const c = classOf(text.charCodeAt(j));
        if (c !== Cls.Space && c !== Cls.Newline) break;
        j++;
      }
      const len = j - i;
      // One space before a word merges into it; alone, or longer runs and line breaks, cost tokens.
      if (len === 1 && code === 0x20) {
        const after = j < n ? classOf(text.charCodeAt(j)) : Cls.Space;
        if (after !== Cls.Letter && after !== Cls.Digit) total += 1;
      } else {
        total += 1 + Math.floor(len / 8);
      }
    } else {
      // A run of letters and digits: plain words tokenise well, mixed ones (hex ids, "arm64",
      // base64) split at nearly every letter/digit change.
      let letters = cls === Cls.Letter ? 1 : 0;
      let digits = cls === Cls.Digit ? 1 : 0;
      // Case changes inside a word ("AeA", "kvmArm") cut it into more pieces.
      let caseChanges = 0;
      let prevUpper = isUpper(code);
      // Capitals tokenise worse than lower case ("CABXG" is 4 tokens in cl100k).
      let uppers = prevUpper ? 1 : 0;
      while (j < n) {
        const cc = text.charCodeAt(j);
        const c = classOf(cc);
        if (c === Cls.Letter) {
          letters++;
          const up = isUpper(cc);
          if (up) uppers++;
          if (up !== prevUpper) caseChanges++;
          prevUpper = up;
        } else if (c === Cls.Digit) {
          digits++;
        } else {
          break;
        }
        j++;
      }
      const len = j - i;
      if (digits === 0) {
        // Words run ~4 letters a token; past the length of a word, a run is words glued together
        // ("kvmkvmkvm", a URL slug) and splits nearly every 2 letters.
        const lowers = len - uppers;
        const lowerTokens = lowers <= GLUED_AFTER ? lowers / 3 : GLUED_AFTER / 3 + (lowers - GLUED_AFTER) / 2;
        total += Math.ceil(lowerTokens + uppers / 2) + caseChanges;
      }
      else if (letters === 0) total += Math.ceil(len / 2);
      else total += Math.ceil(len * 0.75) + caseChanges / 2;
    }
    i = j;
  }
  // A margin for tokenisers with smaller vocabularies than the GPT ones.
  return Math.ceil(total * SAFETY_FACTOR);
}

export interface ChatMessageLike {
  role: string;
  content: string;
}

/** Estimated prompt tokens of a whole chat request (messages plus framing). */
export function estimateChatTokens(messages: readonly ChatMessageLike[]): number {
  let total = REPLY_PRIMING_TOKENS;
  for (const m of messages) total += MESSAGE_OVERHEAD_TOKENS + estimateTokens(m.role) + estimateTokens(m.content);
  return total;
}

/**
 * The longest prefix of `text` whose estimate stays within `maxTokens` (cut at a line break when
 * one is near). Binary search over the length: the estimate is monotone in the prefix length.
 */
export function truncateToTokens(text: string, maxTokens: number): string {
  if (maxTokens <= 0) return '';
  if (estimateTokens(text) <= maxTokens) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (estimateTokens(text.slice(0, mid)) <= maxTokens) lo = mid;
    else hi = mid - 1;
  }
  // Do not split a surrogate pair.
  if (lo > 0 && lo < text.length) {
    const c = text.charCodeAt(lo - 1);
    if (c >= 0xd800 && c <= 0xdbff) lo--;
  }
  const cut = text.slice(0, lo);
  const nl = cut.lastIndexOf('\n');
  return nl >= lo * 0.8 ? cut.slice(0, nl) : cut;
}
