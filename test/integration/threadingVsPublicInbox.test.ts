// Acceptance: thread grouping through BOTH the git source and the HTTP source agrees with
// public-inbox's own threading (over.tid) — pairwise F1 >= 0.999 and no in-window message
// missing — on several corpus weeks, including weeks whose mail was re-imported in bulk (commit
// time far from received time). Both sources read the same public-inbox slice.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseRawMessages } from '../../src/core/parseBatch.js';
import { createGitMirrorSource } from '../../src/core/sources/gitMirror.js';
import { createLoreSource } from '../../src/core/sources/lore.js';
import { buildThreads } from '../../src/core/thread.js';
import type { MailSource, Window } from '../../src/core/types.js';
import { corpusSkip } from '../support/corpus.js';
import { pairwiseF1, startPublicInbox, type PublicInboxServer, type TruthRow } from '../support/publicInbox.js';

// 2022-W45 (the reference week); 2022-06-27..07-03 (72 messages by received time, only 6 by
// commit time: re-imported 2022-07-11); weeks before the 2020-05-26 and 2019-07-01 bulk imports.
const WEEKS: Window[] = [
  { since: '2022-11-07T00:00:00Z', until: '2022-11-14T00:00:00Z', tz: 'UTC', isoWeek: '2022-W45' },
  { since: '2022-06-27T00:00:00Z', until: '2022-07-04T00:00:00Z', tz: 'UTC', isoWeek: '2022-W26' },
  { since: '2020-05-18T00:00:00Z', until: '2020-05-25T00:00:00Z', tz: 'UTC', isoWeek: '2020-W21' },
  { since: '2019-06-24T00:00:00Z', until: '2019-07-01T00:00:00Z', tz: 'UTC', isoWeek: '2019-W26' },
];

const skip = corpusSkip();

test('pairwise F1 scores groupings (sanity of the measure itself)', () => {
  const truth = new Map([['a', '1'], ['b', '1'], ['c', '1'], ['d', '2']]);
  assert.equal(pairwiseF1(truth, truth).f1, 1);
  // Splitting {a,b,c} into {a,b} and {c}: 1 of 3 true pairs found, no false pair.
  const split = new Map([['a', 'x'], ['b', 'x'], ['c', 'y'], ['d', 'z']]);
  assert.deepEqual(pairwiseF1(split, truth), { precision: 1, recall: 1 / 3, f1: 0.5 });
  // Merging everything: 3 true pairs of 6 claimed.
  const merged = new Map([['a', 'x'], ['b', 'x'], ['c', 'x'], ['d', 'x']]);
  assert.equal(pairwiseF1(merged, truth).precision, 0.5);
});

interface Grouping {
  /** messageId -> thread key */
  clusters: Map<string, string>;
  inWindow: Set<string>;
}

async function groupingFrom(source: MailSource, window: Window, cacheDir: string | null): Promise<Grouping> {
  const raws = await source.fetchWindow(window, {});
  const { mails } = await parseRawMessages(raws, { cacheDir });
  const since = Date.parse(window.since);
  const until = Date.parse(window.until);
  const inWin = (receivedAt: string): boolean => {
    const t = Date.parse(receivedAt);
    return t >= since && t < until;
  };
  const threads = buildThreads(mails, (m) => inWin(m.receivedAt)).filter((t) => t.messages.some((m) => m.inWindow));
  const clusters = new Map<string, string>();
  const inWindow = new Set<string>();
  for (const t of threads)
    for (const m of t.messages) {
      clusters.set(m.mail.messageId, t.id);
      if (m.inWindow) inWindow.add(m.mail.messageId);
    }
  return { clusters, inWindow };
}

function truthFor(rows: TruthRow[], window: Window): Grouping {
  const since = Date.parse(window.since) / 1000;
  const until = Date.parse(window.until) / 1000;
  const inWindow = new Set(rows.filter((r) => r.ts >= since && r.ts < until).map((r) => r.mid));
  const tids = new Set(rows.filter((r) => inWindow.has(r.mid)).map((r) => r.tid));
  const clusters = new Map<string, string>();
  for (const r of rows) if (tids.has(r.tid)) clusters.set(r.mid, String(r.tid));
  return { clusters, inWindow };
}

describe('thread grouping against public-inbox (over.tid)', { skip, timeout: 20 * 60_000 }, () => {
  let pi: PublicInboxServer;
  let truth: TruthRow[];
  let cacheDir: string;

  before(async () => {
    pi = await startPublicInbox(WEEKS, { padDays: 3 });
    truth = await pi.truth();
    cacheDir = await mkdtemp(path.join(os.tmpdir(), 'kvmarm-int-cache-'));
  });
  after(async () => {
    await pi?.stop();
    if (cacheDir) await rm(cacheDir, { recursive: true, force: true });
  });

  test('the slice was indexed (public-inbox skips only exact duplicates)', () => {
    assert.ok(truth.length <= pi.size && truth.length >= pi.size * 0.995, `${truth.length} of ${pi.size} indexed`);
  });

  for (const week of WEEKS) {
    test(`${week.isoWeek}: git and HTTP sources match over.tid`, async () => {
      const expected = truthFor(truth, week);
      assert.ok(expected.inWindow.size > 0, 'the week has messages');

      const git = await groupingFrom(createGitMirrorSource({ path: pi.gitDir, cacheDir }), week, cacheDir);
      const http = await groupingFrom(createLoreSource({ baseUrl: pi.baseUrl, retries: 0 }), week, null);

      for (const [name, got] of [['git', git], ['http', http]] as const) {
        const missing = [...expected.inWindow].filter((id) => !got.clusters.has(id));
        assert.deepEqual(missing, [], `${name}: in-window messages missing`);
        assert.deepEqual([...got.inWindow].sort(), [...expected.inWindow].sort(), `${name}: in-window set`);
        const f1 = pairwiseF1(got.clusters, expected.clusters);
        assert.ok(f1.f1 >= 0.999, `${name}: pairwise F1 ${f1.f1.toFixed(5)} (precision ${f1.precision}, recall ${f1.recall})`);
      }
      // The two sources give the same threads.
      assert.deepEqual(pairwiseF1(git.clusters, http.clusters).f1, 1);
      assert.deepEqual([...git.clusters.keys()].sort(), [...http.clusters.keys()].sort());
    });
  }

  test('2022-W45 holds the 224 messages lore counts for it', async () => {
    const expected = truthFor(truth, WEEKS[0]);
    assert.equal(expected.inWindow.size, 224);
  });
});
