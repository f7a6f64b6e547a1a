// Series version links over HTTP use public-inbox's own search (`?q=s:... f:...&x=A`): checked
// here against a real public-inbox-httpd, by comparing with the git source's header index over the
// very same slice of the corpus (both must link the same series to the same earlier postings).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { generateReport } from '../../src/core/pipeline.js';
import { createGitMirrorSource } from '../../src/core/sources/gitMirror.js';
import { createLoreSource } from '../../src/core/sources/lore.js';
import { createOfflineSummarizer } from '../../src/core/summarize/offline.js';
import type { MailSource, Report, Window } from '../../src/core/types.js';
import { corpusSkip } from '../support/corpus.js';
import { startPublicInbox, type PublicInboxServer } from '../support/publicInbox.js';

const W45: Window = { since: '2022-11-07T00:00:00Z', until: '2022-11-14T00:00:00Z', tz: 'UTC', isoWeek: '2022-W45' };

function links(report: Report): Map<string, string> {
  const out = new Map<string, string>();
  for (const rt of report.threads) {
    if (!rt.series) continue;
    out.set(rt.thread.id, rt.series.previous.map((p) => `v${p.version}:${p.messageId}`).join(' '));
  }
  return out;
}

describe('series versions over HTTP against a real public-inbox', { skip: corpusSkip() }, () => {
  let server: PublicInboxServer;
  let cache: string;
  before(async () => {
    server = await startPublicInbox([{ since: W45.since, until: W45.until }], { padDays: 35 });
    cache = await mkdtemp(path.join(os.tmpdir(), 'kvmarm-versions-http-'));
  });
  after(async () => {
    await server?.stop();
    await rm(cache, { recursive: true, force: true });
  });

  test('the HTTP source links the same earlier versions as the git header index', async () => {
    const run = (source: MailSource) =>
      generateReport({ source, window: W45, summarizer: createOfflineSummarizer(), cacheDir: path.join(cache, source.description.slice(0, 3)) });
    const overGit = links(await run(createGitMirrorSource({ path: server.gitDir, cacheDir: cache })));
    const overHttp = links(await run(createLoreSource({ baseUrl: server.baseUrl })));
    const linked = [...overGit.values()].filter((l) => l !== '').length;
    assert.ok(linked >= 5, `the slice holds earlier versions of several series (git found ${linked})`);
    assert.deepEqual(overHttp, overGit);
  });
});
