import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createZoneFormatter,
  currentIsoWeek,
  dayRangeWindow,
  formatInZone,
  isInWindow,
  isoWeekWindow,
  parseIsoWeek,
  recentIsoWeeks,
  systemTimeZone,
  windowLastDay,
} from '../../src/core/week.js';

test('an ISO week in UTC runs Monday 00:00 to the next Monday 00:00', () => {
  const w = isoWeekWindow('2022-W45', 'UTC');
  assert.deepEqual(w, {
    since: '2022-11-07T00:00:00.000Z',
    until: '2022-11-14T00:00:00.000Z',
    tz: 'UTC',
    isoWeek: '2022-W45',
  });
});

test('an ISO week in Asia/Shanghai starts at 16:00 UTC the Sunday before', () => {
  const w = isoWeekWindow('2022-W45', 'Asia/Shanghai');
  assert.equal(w.since, '2022-11-06T16:00:00.000Z');
  assert.equal(w.until, '2022-11-13T16:00:00.000Z');
});

test('a week spanning the US fall-back transition is 169 hours long in Los Angeles', () => {
  // DST ended on Sunday 2022-11-06 02:00 PDT: that is inside W44 (Oct 31 .. Nov 6).
  const w = isoWeekWindow('2022-W44', 'America/Los_Angeles');
  assert.equal(w.since, '2022-10-31T07:00:00.000Z');
  assert.equal(w.until, '2022-11-07T08:00:00.000Z');
  assert.equal((Date.parse(w.until) - Date.parse(w.since)) / 3_600_000, 169);
});

test('a week spanning the spring-forward transition is 167 hours long', () => {
  // DST began on Sunday 2023-03-26 in Europe/Berlin (W12: Mar 20 .. Mar 26).
  const w = isoWeekWindow('2023-W12', 'Europe/Berlin');
  assert.equal(w.since, '2023-03-19T23:00:00.000Z');
  assert.equal(w.until, '2023-03-26T22:00:00.000Z');
  assert.equal((Date.parse(w.until) - Date.parse(w.since)) / 3_600_000, 167);
});

test('a midnight skipped by DST starts the day at the first existing instant', () => {
  // America/Santiago sprang forward at 2022-09-11 00:00 -> 01:00 local (UTC-4 -> UTC-3).
  const w = dayRangeWindow('2022-09-11', '2022-09-11', 'America/Santiago');
  assert.equal(w.since, '2022-09-11T04:00:00.000Z');
  assert.equal(formatInZone(w.since, 'America/Santiago', 'YYYY-MM-DD HH:mm'), '2022-09-11 01:00');
  assert.equal(w.until, '2022-09-12T03:00:00.000Z');
});

test('ISO week numbering at year edges (W53, week 1 in the previous December)', () => {
  assert.equal(isoWeekWindow('2020-W53', 'UTC').since, '2020-12-28T00:00:00.000Z');
  assert.equal(isoWeekWindow('2021-W01', 'UTC').since, '2021-01-04T00:00:00.000Z');
  assert.equal(isoWeekWindow('2020-W01', 'UTC').since, '2019-12-30T00:00:00.000Z');
  assert.equal(currentIsoWeek(new Date('2021-01-03T12:00:00Z'), 'UTC'), '2020-W53');
  assert.equal(currentIsoWeek(new Date('2019-12-30T00:00:00Z'), 'UTC'), '2020-W01');
});

test('invalid week strings give clear errors', () => {
  assert.throws(() => isoWeekWindow('2022-45', 'UTC'), /invalid ISO week "2022-45"/);
  assert.throws(() => isoWeekWindow('2022-W00', 'UTC'), /W01 to W52/);
  assert.throws(() => isoWeekWindow('2021-W53', 'UTC'), /2021 has weeks W01 to W52/);
  assert.throws(() => parseIsoWeek('2022W45'), /expected YYYY-Www/);
  assert.deepEqual(parseIsoWeek('2020-W53'), { isoYear: 2020, week: 53 });
});

test('unknown zones give clear errors', () => {
  assert.throws(() => isoWeekWindow('2022-W45', 'Mars/Olympus'), /unknown time zone "Mars\/Olympus"/);
  assert.throws(() => formatInZone('2022-11-07T00:00:00Z', 'Nope', 'HH:mm'), /unknown time zone/);
  assert.throws(() => dayRangeWindow('2022-11-07', '2022-11-08', ''), /time zone is empty/);
});

test('day ranges include both days and validate dates', () => {
  const w = dayRangeWindow('2022-11-07', '2022-11-13', 'Asia/Shanghai');
  assert.equal(w.since, '2022-11-06T16:00:00.000Z');
  assert.equal(w.until, '2022-11-13T16:00:00.000Z');
  assert.equal(w.isoWeek, null);
  assert.equal(windowLastDay(w), '2022-11-13');
  assert.throws(() => dayRangeWindow('2022-02-30', '2022-03-01', 'UTC'), /no such day/);
  assert.throws(() => dayRangeWindow('2022-11-08', '2022-11-07', 'UTC'), /before the since date/);
  assert.throws(() => dayRangeWindow('20221107', '2022-11-08', 'UTC'), /expected YYYY-MM-DD/);
});

test('isInWindow is half-open', () => {
  const w = isoWeekWindow('2022-W45', 'UTC');
  assert.equal(isInWindow('2022-11-07T00:00:00.000Z', w), true);
  assert.equal(isInWindow('2022-11-13T23:59:59.999Z', w), true);
  assert.equal(isInWindow('2022-11-14T00:00:00.000Z', w), false);
  assert.equal(isInWindow('2022-11-06T23:59:59Z', w), false);
  assert.equal(isInWindow('not a date', w), false);
});

test('the current week depends on the zone near midnight', () => {
  const now = new Date('2022-11-13T20:00:00Z'); // Sunday 20:00 UTC = Monday 04:00 in Shanghai
  assert.equal(currentIsoWeek(now, 'UTC'), '2022-W45');
  assert.equal(currentIsoWeek(now, 'Asia/Shanghai'), '2022-W46');
  assert.deepEqual(recentIsoWeeks(3, now, 'Asia/Shanghai'), ['2022-W46', '2022-W45', '2022-W44']);
  assert.deepEqual(recentIsoWeeks(2, new Date('2021-01-06T00:00:00Z'), 'UTC'), ['2021-W01', '2020-W53']);
});

test('formatting in a zone with each pattern and the offset label', () => {
  const f = createZoneFormatter('America/Los_Angeles');
  const iso = '2022-11-07T16:43:05Z';
  assert.equal(f.format(iso, 'MM-DD HH:mm'), '11-07 08:43');
  assert.equal(f.format(iso, 'YYYY-MM-DD HH:mm'), '2022-11-07 08:43');
  assert.equal(f.format(iso, 'YYYY-MM-DD HH:mm:ss'), '2022-11-07 08:43:05');
  assert.equal(f.format(iso, 'YYYY-MM-DD'), '2022-11-07');
  assert.equal(f.format(iso, 'HH:mm'), '08:43');
  assert.equal(f.offsetLabel(iso), 'UTC-08:00');
  assert.equal(f.offsetLabel('2022-07-01T00:00:00Z'), 'UTC-07:00');
  assert.equal(formatInZone('2022-11-06T16:00:00Z', 'Asia/Shanghai', 'YYYY-MM-DD HH:mm'), '2022-11-07 00:00');
  assert.equal(createZoneFormatter('Asia/Kolkata').offsetLabel(iso), 'UTC+05:30');
  assert.throws(() => f.format('garbage', 'HH:mm'), /not a date-time/);
});

test('systemTimeZone names a zone the runtime accepts', () => {
  const tz = systemTimeZone();
  assert.ok(tz.length > 0);
  assert.doesNotThrow(() => formatInZone('2022-11-07T00:00:00Z', tz, 'HH:mm'));
});

test('the cached formatter agrees with Intl around DST transitions, minute by minute', () => {
  for (const tz of ['America/Los_Angeles', 'Europe/Berlin', 'Australia/Lord_Howe', 'Asia/Kolkata', 'America/Santiago']) {
    const f = createZoneFormatter(tz);
    const intl = new Intl.DateTimeFormat('en-CA', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
    // Two days around known transitions in 2022 (Lord Howe shifts by 30 minutes).
    for (const start of ['2022-03-12T00:00:00Z', '2022-03-26T12:00:00Z', '2022-04-02T06:00:00Z', '2022-09-10T00:00:00Z', '2022-10-01T06:00:00Z', '2022-11-05T00:00:00Z']) {
      for (let m = 0; m < 48 * 60; m += 7) {
        const iso = new Date(Date.parse(start) + m * 60_000).toISOString();
        const p = Object.fromEntries(intl.formatToParts(new Date(iso)).map((x) => [x.type, x.value]));
        assert.equal(f.format(iso, 'YYYY-MM-DD HH:mm'), `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`, `${tz} ${iso}`);
      }
    }
  }
});
