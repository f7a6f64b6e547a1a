// Golden test: the series facts of a small mbox written for this project (v1 and v2 of a series,
// review trailers in replies, objections, a b4-ty applied notice, a NAK, a pull request listing a
// fix). The expected JSON is checked in; regenerate it with UPDATE_GOLDEN=1 and review the diff.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { splitMboxrd } from '../../src/core/mbox.js';
import { parseMail } from '../../src/core/mail.js';
import { buildThreads } from '../../src/core/thread.js';
import { buildSeries } from '../../src/core/series/buildSeries.js';
import { markAppliedFromPullRequests } from '../../src/core/series/pullRequests.js';
import { linkPreviousVersions } from '../../src/core/series/linkPreviousVersions.js';
import { createMailsVersionFinder } from '../../src/core/series/mailsVersionFinder.js';
import { compareVersions, renderComparison } from '../../src/core/series/compareVersions.js';
import { describeSeriesState } from '../../src/core/series/describeSeriesState.js';
import type { Mail } from '../../src/core/types.js';

const DIR = path.join(__dirname, '..', 'fixtures', 'series');
const SINCE = '2022-11-07T00:00:00.000Z';
const UNTIL = '2022-11-14T00:00:00.000Z';

async function loadMails(): Promise<Mail[]> {
  const mails: Mail[] = [];
  let n = 0;
  for await (const raw of splitMboxrd(createReadStream(path.join(DIR, 'series.mbox')))) {
    const parsed = await parseMail({ raw, origin: `series.mbox#${n++}` });
    assert.ok(parsed.ok, 'every fixture message parses');
    mails.push(parsed.mail);
  }
  return mails;
}

test('golden: series facts of the fixture mbox', async () => {
  const mails = await loadMails();
  assert.equal(mails.length, 15);
  const threads = buildThreads(mails, (m) => m.receivedAt >= SINCE && m.receivedAt < UNTIL);
  const items = threads.map((thread) => ({ thread, series: buildSeries(thread) }));
  markAppliedFromPullRequests(items);
  await linkPreviousVersions(items, createMailsVersionFinder(mails));

  const v1 = mails.filter((m) => m.messageId.startsWith('20221003100000.1000-'));
  const v2 = mails.filter((m) => m.messageId.startsWith('20221108100000.2000-'));
  const comparison = compareVersions(v1, v2);

  const actual = {
    threads: items
      .map(({ thread, series }) => ({ id: thread.id, series, state: series ? describeSeriesState(series) : null }))
      .sort((a, b) => a.id.localeCompare(b.id)),
    comparison: { summary: comparison.summary, counts: comparison.counts, text: renderComparison(comparison).split('\n') },
  };
  const file = path.join(DIR, 'series.golden.json');
  if (process.env.UPDATE_GOLDEN) writeFileSync(file, JSON.stringify(actual, null, 2) + '\n');
  const expected = JSON.parse(readFileSync(file, 'utf8'));
  assert.deepEqual(JSON.parse(JSON.stringify(actual)), expected);
});

test('fixture facts that the golden file must show (guards against a blindly regenerated golden)', async () => {
  const golden = JSON.parse(readFileSync(path.join(DIR, 'series.golden.json'), 'utf8'));
  const byId = new Map<string, { series: { state: string; appliedTo: string | null; version: number; previous: Array<{ messageId: string }>; patches: Array<{ state: string; index: number }>; reviewers: Array<{ address: string }> } | null }>(
    golden.threads.map((t: { id: string }) => [t.id, t]),
  );
  const v1 = byId.get('20221003100000.1000-0-alice@example.org')?.series;
  assert.equal(v1?.state, 'changes-requested');
  assert.deepEqual(v1?.patches.map((p) => p.state), ['reviewed', 'changes-requested']);
  const v2 = byId.get('20221108100000.2000-0-alice@example.org')?.series;
  assert.equal(v2?.state, 'applied');
  assert.equal(v2?.appliedTo, 'next');
  assert.equal(v2?.version, 2);
  assert.deepEqual(v2?.previous.map((p) => p.messageId), ['20221003100000.1000-0-alice@example.org']);
  assert.deepEqual(v2?.reviewers.map((r) => r.address).sort(), ['rita@example.org', 'tom@example.org']);
  assert.equal(byId.get('20221109120000.3000-1-bob@example.org')?.series?.state, 'nacked');
  const fix = byId.get('20221107090000.4000-1-rita@example.org')?.series;
  assert.equal(fix?.state, 'applied');
  assert.equal(fix?.appliedTo, 'tags/kvmarm-fixes-6.1-1');
  assert.equal(byId.get('20221111150000.5000-1-marc@example.org')?.series, null, 'a pull request is not a series');
  assert.equal(golden.comparison.summary, '相对 v1：新增 1 个补丁，删除 0 个，修改 1 个（未变 1 个，修改的是第 2 个）');
});
