// When the list received a message, defined exactly as public-inbox defines it (and so as lore's
// `rt:` search sees it): the date in the topmost Received: header that parses, else the Date:
// header, else the commit time. Mirrors PublicInbox::MsgTime (msg_timestamp / str2date_zone).

import { headerValues } from './headers.js';

const MONTHS: Record<string, number> = {};
[
  'january', 'february', 'march', 'april', 'may', 'june',
  'july', 'august', 'september', 'october', 'november', 'december',
].forEach((name, i) => {
  MONTHS[name] = i;
  MONTHS[name.slice(0, 3)] = i;
});

const OBSOLETE_TZ: Record<string, string> = {
  EST: '-0500', EDT: '-0400', CST: '-0600', CDT: '-0500',
  MST: '-0700', MDT: '-0600', PST: '-0800', PDT: '-0700',
  UT: '+0000', GMT: '+0000', Z: '+0000',
};

// The lookbehinds keep the unanchored search linear: a match never starts inside a run of letters
// or digits (it would start at the run's beginning anyway), so hostile headers such as 100,000
// letters or digits cost one pass instead of minutes of backtracking. (RECEIVED_DATE dropped its
// leading \s*, which captured nothing and was quadratic over long runs of blanks.)
const RFC822_DATE = new RegExp(
  '(?:(?<![A-Za-z])[A-Za-z]+,?\\s+)?' + // day of week
    '(?<![0-9])([0-9]+),?\\s+' + // dd
    '([A-Za-z]+)\\s+' + // month
    '([0-9]{2,4})\\s+' + // year
    '([0-9]+)[:.]' + // HH
    '((?:[0-9]{2})|(?:\\s?[0-9]))' + // MM
    '(?:[:.]((?:[0-9]{2})|(?:\\s?[0-9])))?' + // :SS
    '\\s+' +
    '([+-])?' + // zone sign
    '[+-]*' +
    '([0-9]+|' + Object.keys(OBSOLETE_TZ).join('|') + ')(?:\\s|$)',
);

/** Epoch seconds of an RFC 822-ish date, or null when it does not parse (public-inbox's rules). */
export function parseMailDate(text: string): number | null {
  const m = RFC822_DATE.exec(text);
  if (!m) {
    // public-inbox falls back to Date::Parse; the nearest here is the platform's parser.
    const t = Date.parse(text);
    return Number.isFinite(t) && t >= 0 ? Math.floor(t / 1000) : null;
  }
  const [, dd, mon, yyyyText, hh, mm, ss, signIn, tzIn] = m;
  const month = MONTHS[mon.toLowerCase()];
  if (month === undefined) return null;
  let year = Number(yyyyText);
  if (yyyyText.length <= 3) {
    year += 1900;
    if (year < 1950) year += 100;
  }
  let sign = signIn ?? '+';
  let tz = tzIn;
  const obsolete = OBSOLETE_TZ[tz];
  if (obsolete !== undefined) {
    sign = obsolete[0];
    tz = obsolete.slice(1);
  }
  const base = Date.UTC(year, month, Number(dd), Number(hh), Number(mm.trim()), Number((ss ?? '0').trim()));
  if (!Number.isFinite(base)) return null;
  let ts = Math.floor(base / 1000);
  if (ts < 0) return null;
  let tzHours: number;
  let tzMinutes: number;
  if (tz.length === 1) {
    tzHours = Number(tz);
    tzMinutes = 0;
  } else if (tz.length === 2) {
    tzHours = 0;
    tzMinutes = Number(tz);
  } else {
    tzHours = Number(tz.slice(0, -2));
    tzMinutes = Number(tz.slice(-2));
  }
  while (tzMinutes >= 60) {
    tzMinutes -= 60;
    tzHours += 1;
  }
  const offset = tzMinutes * 60 + tzHours * 3600;
  ts -= sign === '-' ? -offset : offset;
  return ts;
}

const RECEIVED_DATE = /(?<![0-9])([0-9]+\s+[a-zA-Z]+\s+[0-9]{2,4}\s+[0-9]+[^0-9][0-9]+(?:[^0-9][0-9]+)\s+([+-][0-9]+))/s;

/** The received time (epoch seconds) from header fields, falling back to Date: then commitTime. */
export function receivedTime(fields: Array<[string, string]>, commitTime?: number): number | null {
  for (const received of headerValues(fields, 'received')) {
    const m = RECEIVED_DATE.exec(received);
    if (!m) continue;
    const ts = parseMailDate(m[1]);
    if (ts !== null) return ts;
  }
  for (const date of headerValues(fields, 'date')) {
    const ts = parseMailDate(date);
    if (ts !== null) return ts;
  }
  return commitTime ?? null;
}
