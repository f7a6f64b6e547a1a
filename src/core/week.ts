// ISO weeks and day ranges as half-open UTC windows, computed in a chosen IANA time zone, and
// formatting of instants in that zone. Built on Intl.DateTimeFormat only: a report states one zone
// and every time in it is shown in that zone, DST included.

import type { Window } from './types.js';

const DAY_MS = 86_400_000;

/** Civil (wall-clock) date-time fields. Months are 1-based. */
interface Civil {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export type TimePattern = 'MM-DD HH:mm' | 'YYYY-MM-DD HH:mm' | 'YYYY-MM-DD HH:mm:ss' | 'YYYY-MM-DD' | 'HH:mm';

/** Formats instants in one zone; create one per render (Intl formatters are costly to build). */
export interface ZoneFormatter {
  readonly tz: string;
  format(iso: string, pattern: TimePattern): string;
  /** The zone's UTC offset at that instant, e.g. "UTC+08:00". */
  offsetLabel(iso: string): string;
}

/** Throws a clear error for a zone name the runtime does not know. */
export function assertTimeZone(tz: string): void {
  if (typeof tz !== 'string' || tz.trim() === '') throw new Error('time zone is empty');
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
  } catch {
    throw new Error(`unknown time zone "${tz}" (use an IANA name such as Asia/Shanghai or UTC)`);
  }
}

/** The machine's zone (honours the TZ environment variable); "UTC" when the runtime has none. */
export function systemTimeZone(): string {
  const tz = new Intl.DateTimeFormat().resolvedOptions().timeZone;
  return tz && tz.length > 0 ? tz : 'UTC';
}

function civilReader(tz: string): (ms: number) => Civil {
  assertTimeZone(tz);
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    era: 'short',
  });
  return (ms: number) => {
    const c: Civil = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
    let bc = false;
    for (const p of fmt.formatToParts(new Date(ms))) {
      switch (p.type) {
        case 'year': c.year = Number(p.value); break;
        case 'month': c.month = Number(p.value); break;
        case 'day': c.day = Number(p.value); break;
        case 'hour': c.hour = Number(p.value) % 24; break;
        case 'minute': c.minute = Number(p.value); break;
        case 'second': c.second = Number(p.value); break;
        case 'era': bc = p.value.startsWith('B'); break;
      }
    }
    if (bc) c.year = 1 - c.year;
    return c;
  };
}

function civilToUtcMs(c: Civil): number {
  const d = new Date(0);
  d.setUTCFullYear(c.year, c.month - 1, c.day);
  d.setUTCHours(c.hour, c.minute, c.second, 0);
  return d.getTime();
}

/** Offset of the zone from UTC at an instant, in milliseconds (east positive). */
function offsetAt(read: (ms: number) => Civil, ms: number): number {
  const whole = Math.floor(ms / 1000) * 1000;
  return civilToUtcMs(read(whole)) - whole;
}

/**
 * The UTC instant of a wall-clock time in the zone. In a fall-back overlap the earlier instant wins;
 * a wall-clock time that does not exist (spring-forward gap, e.g. a midnight skipped by DST) maps to
 * the first instant after the gap, so a day always starts at its first existing instant.
 */
function zonedToUtcMs(read: (ms: number) => Civil, c: Civil): number {
  const local = civilToUtcMs(c);
  const before = offsetAt(read, local - DAY_MS);
  const after = offsetAt(read, local + DAY_MS);
  const candidates = [local - before, local - after].filter((t) => offsetAt(read, t) + t === local);
  if (candidates.length > 0) return Math.min(...candidates);
  return local - before;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function offsetLabelOf(offsetMs: number): string {
  const sign = offsetMs < 0 ? '-' : '+';
  const minutes = Math.round(Math.abs(offsetMs) / 60_000);
  return `UTC${sign}${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

function parseInstant(iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`not a date-time: "${iso}"`);
  return ms;
}

const BUCKET_MS = 6 * 3_600_000;

/**
 * Reading civil fields through Intl costs microseconds per call; a report shows tens of thousands
 * of times. Offsets only change at transitions (never twice within hours), so the offset is cached
 * per 6-hour bucket when both ends of the bucket agree, and computed exactly for every instant of a
 * bucket that holds a transition.
 */
function cachedCivilReader(tz: string): (ms: number) => Civil {
  const read = civilReader(tz);
  const offsets = new Map<number, number | null>();
  return (ms: number) => {
    const bucket = Math.floor(ms / BUCKET_MS);
    let offset = offsets.get(bucket);
    if (offset === undefined) {
      const start = offsetAt(read, bucket * BUCKET_MS);
      const end = offsetAt(read, bucket * BUCKET_MS + BUCKET_MS - 1000);
      offset = start === end ? start : null;
      offsets.set(bucket, offset);
    }
    if (offset === null) return read(ms);
    const d = new Date(Math.floor(ms / 1000) * 1000 + offset);
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
    };
  };
}

export function createZoneFormatter(tz: string): ZoneFormatter {
  const read = cachedCivilReader(tz);
  return {
    tz,
    format(iso: string, pattern: TimePattern): string {
      const c = read(parseInstant(iso));
      const date = `${pad(c.year, 4)}-${pad(c.month)}-${pad(c.day)}`;
      const hm = `${pad(c.hour)}:${pad(c.minute)}`;
      switch (pattern) {
        case 'MM-DD HH:mm': return `${pad(c.month)}-${pad(c.day)} ${hm}`;
        case 'YYYY-MM-DD HH:mm': return `${date} ${hm}`;
        case 'YYYY-MM-DD HH:mm:ss': return `${date} ${hm}:${pad(c.second)}`;
        case 'YYYY-MM-DD': return date;
        case 'HH:mm': return hm;
        default: throw new Error(`unknown time pattern "${String(pattern)}"`);
      }
    },
    offsetLabel(iso: string): string {
      return offsetLabelOf(offsetAt(read, parseInstant(iso)));
    },
  };
}

/** One instant shown in a zone. For many instants build a ZoneFormatter once. */
export function formatInZone(iso: string, tz: string, pattern: TimePattern): string {
  return createZoneFormatter(tz).format(iso, pattern);
}

const WEEK_RE = /^(\d{4})-W(\d{2})$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since the epoch of a civil date (proleptic Gregorian, UTC arithmetic). */
function epochDay(year: number, month: number, day: number): number {
  return Math.floor(civilToUtcMs({ year, month, day, hour: 0, minute: 0, second: 0 }) / DAY_MS);
}

function civilOfEpochDay(n: number): { year: number; month: number; day: number } {
  const d = new Date(n * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** Monday of ISO week 1 of an ISO year, as an epoch day. */
function isoYearStart(isoYear: number): number {
  const jan4 = epochDay(isoYear, 1, 4);
  const weekday = (((jan4 + 3) % 7) + 7) % 7; // 0 = Monday (1970-01-01 was a Thursday)
  return jan4 - weekday;
}

function weeksInIsoYear(isoYear: number): number {
  return (isoYearStart(isoYear + 1) - isoYearStart(isoYear)) / 7;
}

/** The ISO week ("2022-W45") holding a civil date. */
function isoWeekOfEpochDay(n: number): string {
  const { year } = civilOfEpochDay(n);
  let isoYear = year + 1;
  while (isoYearStart(isoYear) > n) isoYear--;
  const week = Math.floor((n - isoYearStart(isoYear)) / 7) + 1;
  return `${pad(isoYear, 4)}-W${pad(week)}`;
}

/** Parses and validates "2022-W45"; returns the ISO year and week number. */
export function parseIsoWeek(week: string): { isoYear: number; week: number } {
  const m = WEEK_RE.exec(typeof week === 'string' ? week.trim() : '');
  if (!m) throw new Error(`invalid ISO week "${week}" (expected YYYY-Www, e.g. 2022-W45)`);
  const isoYear = Number(m[1]);
  const n = Number(m[2]);
  const max = weeksInIsoYear(isoYear);
  if (n < 1 || n > max) throw new Error(`invalid ISO week "${week}": ${isoYear} has weeks W01 to W${pad(max)}`);
  return { isoYear, week: n };
}

function dayStart(read: (ms: number) => Civil, n: number): number {
  const { year, month, day } = civilOfEpochDay(n);
  return zonedToUtcMs(read, { year, month, day, hour: 0, minute: 0, second: 0 });
}

/** Monday 00:00 to the next Monday 00:00 in the zone, as UTC instants. */
export function isoWeekWindow(week: string, tz: string): Window {
  const { isoYear, week: n } = parseIsoWeek(week);
  const read = civilReader(tz);
  const monday = isoYearStart(isoYear) + (n - 1) * 7;
  return {
    since: new Date(dayStart(read, monday)).toISOString(),
    until: new Date(dayStart(read, monday + 7)).toISOString(),
    tz,
    isoWeek: `${pad(isoYear, 4)}-W${pad(n)}`,
  };
}

function parseDay(value: string, what: string): number {
  const m = DATE_RE.exec(typeof value === 'string' ? value.trim() : '');
  if (!m) throw new Error(`invalid ${what} date "${value}" (expected YYYY-MM-DD)`);
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const n = epochDay(year, month, day);
  const back = civilOfEpochDay(n);
  if (back.year !== year || back.month !== month || back.day !== day) {
    throw new Error(`invalid ${what} date "${value}": no such day`);
  }
  return n;
}

/** Whole days since..until, both inclusive, in the zone: [since 00:00, until+1 00:00). */
export function dayRangeWindow(since: string, until: string, tz: string): Window {
  const first = parseDay(since, 'since');
  const last = parseDay(until, 'until');
  if (last < first) throw new Error(`the until date ${until} is before the since date ${since}`);
  const read = civilReader(tz);
  return {
    since: new Date(dayStart(read, first)).toISOString(),
    until: new Date(dayStart(read, last + 1)).toISOString(),
    tz,
    isoWeek: null,
  };
}

/** The ISO week holding the instant `now` in the zone. */
export function currentIsoWeek(now: Date, tz: string): string {
  const c = civilReader(tz)(now.getTime());
  return isoWeekOfEpochDay(epochDay(c.year, c.month, c.day));
}

/** The current ISO week and the ones before it, newest first. */
export function recentIsoWeeks(count: number, now: Date, tz: string): string[] {
  const c = civilReader(tz)(now.getTime());
  const today = epochDay(c.year, c.month, c.day);
  const weeks: string[] = [];
  for (let i = 0; i < count; i++) weeks.push(isoWeekOfEpochDay(today - 7 * i));
  return weeks;
}

/** True when the instant falls in [since, until). */
export function isInWindow(iso: string, window: Window): boolean {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return false;
  return t >= Date.parse(window.since) && t < Date.parse(window.until);
}

/** The inclusive last day of a window in its zone (until minus one instant). */
export function windowLastDay(window: Window): string {
  return createZoneFormatter(window.tz).format(new Date(Date.parse(window.until) - 1).toISOString(), 'YYYY-MM-DD');
}
