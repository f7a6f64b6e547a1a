import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openGitCatFile } from '../../src/core/sources/gitCatFile.js';
import { createGitMirrorSource } from '../../src/core/sources/gitMirror.js';
import { indexFilePath, openHeaderIndex, readHeadOid } from '../../src/core/sources/headerIndex.js';
import type { Logger, Window } from '../../src/core/types.js';

// Messages written for these tests: times are chosen against a window of 2022-11-07..13 (UTC).
const T = (iso: string): number => Date.parse(iso) / 1000;
const WEEK: Window = { since: '2022-11-07T00:00:00Z', until: '2022-11-14T00:00:00Z', tz: 'UTC', isoWeek: '2022-W45' };

interface Msg {
  id: string;
  refs?: string[];
  received?: string; // RFC 2822 date for a Received: header
  date?: string;
  subject?: string;
  from?: string;
}

function raw(m: Msg): string {
  const lines: string[] = [];
  if (m.received) lines.push(`Received: from mx.example.org by list.example.org; ${m.received}`);
  lines.push(`From: ${m.from ?? 'Alice Example <Alice@Example.org>'}`);
  lines.push(`Subject: ${m.subject ?? `message ${m.id}`}`);
  if (m.date) lines.push(`Date: ${m.date}`);
  lines.push(`Message-ID: <${m.id}@example.org>`);
  if (m.refs?.length) {
    lines.push(`In-Reply-To: <${m.refs[m.refs.length - 1]}@example.org>`);
    lines.push(`References: ${m.refs.map((r) => `<${r}@example.org>`).join('\n ')}`);
  }
  return `${lines.join('\n')}\n\nbody of ${m.id}\n`;
}

type Commit = { msg: Msg; time: number } | { deleteOf: Msg; time: number };

/** Appends commits (one message each, file `m`; a removal writes `d`) to a bare repository. */
function commitAll(gitDir: string, commits: Commit[], fresh: boolean): void {
  let stream = '';
  let append = !fresh; // the first commit of a later run continues the existing branch
  for (const c of commits) {
    const content = 'msg' in c ? raw(c.msg) : raw(c.deleteOf);
    const file = 'msg' in c ? 'm' : 'd';
    const body = Buffer.from(content);
    stream += `commit refs/heads/master\ncommitter List <list@example.org> ${c.time} +0000\ndata 0\n`;
    if (append) stream += `from refs/heads/master^0\n`;
    append = false;
    stream += `deleteall\nM 100644 inline ${file}\ndata ${body.length}\n${content}\n`;
  }
  const r = spawnSync('git', ['--git-dir=' + gitDir, 'fast-import', '--quiet', '--force'], { input: stream });
  assert.equal(r.status, 0, r.stderr.toString());
}

function initRepo(gitDir: string): void {
  const r = spawnSync('git', ['init', '--quiet', '--bare', gitDir]);
  assert.equal(r.status, 0, r.stderr.toString());
}

const ROOT: Msg = { id: 'root', date: 'Mon, 3 Oct 2022 10:00:00 +0000', subject: '[PATCH 0/2] =?UTF-8?B?w6l0w6k=?= series' };
const BASE: Commit[] = [
  { msg: ROOT, time: T('2022-10-03T10:00:01Z') },
  { msg: { id: 'unrelated-old', date: 'Tue, 4 Oct 2022 10:00:00 +0000' }, time: T('2022-10-04T10:00:00Z') },
  // Received in the window, but committed weeks later (a bulk re-import).
  { msg: { id: 'reimported', received: 'Tue, 8 Nov 2022 09:00:00 +0100', date: 'Tue, 8 Nov 2022 08:59:00 +0100' }, time: T('2022-12-01T00:00:00Z') },
  // Committed in the window, but received before it.
  { msg: { id: 'late-commit', received: 'Sun, 6 Nov 2022 23:59:59 +0000' }, time: T('2022-11-08T00:00:00Z') },
  // A reply in the window to the old root, through a middle message (only References link it).
  { msg: { id: 'middle', refs: ['root'], date: 'Wed, 5 Oct 2022 10:00:00 +0000' }, time: T('2022-10-05T10:00:00Z') },
  { msg: { id: 'reply', refs: ['root', 'middle'], date: 'Wed, 9 Nov 2022 10:00:00 +0000' }, time: T('2022-11-09T10:00:00Z') },
  // A later reply (after the window) still belongs to the thread.
  { msg: { id: 'after', refs: ['root', 'middle', 'reply'], date: 'Thu, 17 Nov 2022 10:00:00 +0000' }, time: T('2022-11-17T10:00:00Z') },
  // Exactly at the window's end: excluded (half-open).
  { msg: { id: 'at-until', date: 'Mon, 14 Nov 2022 00:00:00 +0000' }, time: T('2022-11-14T00:00:00Z') },
  // Exactly at the window's start: included.
  { msg: { id: 'at-since', date: 'Mon, 7 Nov 2022 00:00:00 +0000' }, time: T('2022-11-07T00:00:00Z') },
];

const ids = (raws: Array<{ raw: Buffer }>): string[] =>
  raws.map((r) => /Message-ID: <([^>]+)@example.org>/.exec(r.raw.toString())![1]).sort();

describe('git mirror source', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'kvmarm-git-test-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('window by received time, complete threads however old, half-open bounds', async () => {
    const gitDir = path.join(dir, 'a.git');
    initRepo(gitDir);
    commitAll(gitDir, BASE, true);
    const source = createGitMirrorSource({ path: gitDir, cacheDir: null });
    const raws = await source.fetchWindow(WEEK, {});
    assert.deepEqual(ids(raws), ['after', 'at-since', 'middle', 'reimported', 'reply', 'root']);
    const reimported = raws.find((r) => r.raw.includes('reimported@'))!;
    assert.equal(reimported.commitTime, T('2022-12-01T00:00:00Z'));
    assert.match(reimported.origin!, /^[0-9a-f]{40}$/);
  });

  test('fetchThreads reads the complete threads of the asked ids in one go, and skips unknown ids', async () => {
    const gitDir = path.join(dir, 'a.git');
    const source = createGitMirrorSource({ path: gitDir, cacheDir: null });
    assert.deepEqual(ids(await source.fetchThreads!(['middle@example.org', 'at-until@example.org', 'nope@example.org'], {})), [
      'after', 'at-until', 'middle', 'reply', 'root',
    ]);
    assert.deepEqual(await source.fetchThreads!(['nope@example.org'], {}), []);
  });

  test('index entries: ids, references, decoded subject, lower-cased from, received time', async () => {
    const gitDir = path.join(dir, 'a.git');
    const index = await openHeaderIndex({ epochs: [{ epoch: 0, gitDir }] });
    assert.equal(index.size, BASE.length);
    const [root] = index.byMessageId('root@example.org');
    assert.equal(root.subject, '[PATCH 0/2] été series');
    assert.equal(root.from, 'alice@example.org');
    assert.equal(root.fromName, 'Alice Example');
    assert.equal(root.receivedTime, T('2022-10-03T10:00:00Z'), 'Date: when there is no Received:');
    const [reply] = index.byMessageId('reply@example.org');
    assert.deepEqual(reply.references, ['root@example.org', 'middle@example.org']);
    assert.equal(reply.inReplyTo, 'middle@example.org');
    const [re] = index.byMessageId('reimported@example.org');
    assert.equal(re.receivedTime, T('2022-11-08T08:00:00Z'), 'the Received: date wins over the commit time');
    assert.deepEqual(index.byMessageId('nope@example.org'), []);
    assert.equal(index.threadAt(index.receivedBetween(T('2022-11-09T00:00:00Z'), T('2022-11-10T00:00:00Z'))[0]), index.threadAt(0));
  });

  test('the index is stored once and extended with new commits only', async () => {
    const gitDir = path.join(dir, 'b.git');
    const cacheDir = path.join(dir, 'cache-b');
    initRepo(gitDir);
    commitAll(gitDir, BASE.slice(0, 4), true);
    const first = await openHeaderIndex({ epochs: [{ epoch: 0, gitDir }], cacheDir });
    assert.equal(first.size, 4);
    const files = await readdir(path.join(cacheDir, 'header-index'));
    assert.equal(files.filter((f) => f.endsWith('.idx')).length, 1);

    // Tamper with a stored subject: an extension keeps stored entries (it does not re-read them).
    const file = indexFilePath(cacheDir, [{ epoch: 0, gitDir }]);
    const { readFileSync, writeFileSync } = await import('node:fs');
    const buf = readFileSync(file);
    const marker = Buffer.from('message unrelated-old');
    const at = buf.indexOf(marker);
    assert.ok(at > 0);
    Buffer.from('MESSAGE unrelated-old').copy(buf, at);
    writeFileSync(file, buf);

    commitAll(gitDir, BASE.slice(4), false);
    const second = await openHeaderIndex({ epochs: [{ epoch: 0, gitDir }], cacheDir });
    assert.equal(second.size, BASE.length);
    assert.equal(second.byMessageId('unrelated-old@example.org')[0].subject, 'MESSAGE unrelated-old');
    assert.equal(second.byMessageId('after@example.org').length, 1);
    // No temp files are left behind.
    assert.deepEqual((await readdir(path.join(cacheDir, 'header-index'))).filter((f) => f.includes('.tmp')), []);
  });

  test('a stored index answers exactly as the one built in memory: entries, subjects, id lookups scanned and mapped', async () => {
    const gitDir = path.join(dir, 'many.git');
    const cacheDir = path.join(dir, 'cache-many');
    initRepo(gitDir);
    const many: Commit[] = [];
    for (let i = 0; i < 60; i++) {
      const refs = i % 3 === 0 ? [] : [`m${i - (i % 3)}`];
      // Non-ASCII subjects (encoded words), a reused id, and ids that are prefixes of others.
      const subject = i % 4 === 0 ? `=?UTF-8?B?${Buffer.from(`[PATCH v${i}] 中文 ${i}`).toString('base64')}?=` : `Re: "quoted" \\ subject ${i}`;
      many.push({ msg: { id: i === 59 ? 'm1' : `m${i}`, refs, subject, date: 'Mon, 7 Nov 2022 10:00:00 +0000' }, time: T('2022-11-07T10:00:00Z') + i });
    }
    commitAll(gitDir, many, true);
    const memory = await openHeaderIndex({ epochs: [{ epoch: 0, gitDir }] });
    await openHeaderIndex({ epochs: [{ epoch: 0, gitDir }], cacheDir });
    const stored = await openHeaderIndex({ epochs: [{ epoch: 0, gitDir }], cacheDir });
    const all = [...memory.entries()];
    assert.equal(all.length, 60);
    assert.deepEqual([...stored.entries()], all);
    assert.equal(memory.subjectAt(4), '[PATCH v4] 中文 4');
    for (let i = 0; i < all.length; i++) assert.equal(stored.subjectAt(i), all[i].subject);
    // More lookups than the scan limit: the first ones scan the id text, the rest use a map.
    const queries = [...all.flatMap((e) => e.messageIds), 'm1', 'm@example.org', 'nope@example.org', '"m1@example.org"'];
    assert.ok(queries.length > 40);
    for (let k = 0; k < 128; k++) assert.deepEqual(stored.byMessageId(`m${k % 60}@example.org`), all.filter((e) => e.messageIds.includes(`m${k % 60}@example.org`)));
    for (const index of [memory, stored]) {
      for (const id of queries) {
        assert.deepEqual(index.byMessageId(id), all.filter((e) => e.messageIds.includes(id)), id);
      }
    }
    assert.equal(stored.byMessageId('m1@example.org').length, 2, 'a reused id answers every message holding it');
  });

  test('a fetch that builds the index (messages kept from the build) reads the same bytes as one over a stored index', async () => {
    const gitDir = path.join(dir, 'kept.git');
    const cacheDir = path.join(dir, 'cache-kept');
    initRepo(gitDir);
    commitAll(gitDir, BASE.slice(0, 5), true);
    const cold = await createGitMirrorSource({ path: gitDir, cacheDir }).fetchWindow(WEEK, {});
    const warm = await createGitMirrorSource({ path: gitDir, cacheDir }).fetchWindow(WEEK, {});
    assert.ok(cold.length >= 1);
    assert.deepEqual(cold, warm);
    // Extended with new commits: the new messages come from the extension, the old ones from git.
    commitAll(gitDir, BASE.slice(5), false);
    const extended = await createGitMirrorSource({ path: gitDir, cacheDir }).fetchWindow(WEEK, {});
    const again = await createGitMirrorSource({ path: gitDir, cacheDir }).fetchWindow(WEEK, {});
    assert.deepEqual(ids(extended), ['after', 'at-since', 'middle', 'reimported', 'reply', 'root']);
    assert.deepEqual(extended, again);
  });

  test('a corrupt index is rebuilt, with a warning', async () => {
    const gitDir = path.join(dir, 'b.git');
    const cacheDir = path.join(dir, 'cache-b');
    const file = indexFilePath(cacheDir, [{ epoch: 0, gitDir }]);
    await writeFile(file, 'garbage');
    const warnings: string[] = [];
    const logger: Logger = { info: () => undefined, warn: (m) => warnings.push(m), error: () => undefined };
    const index = await openHeaderIndex({ epochs: [{ epoch: 0, gitDir }], cacheDir, logger });
    assert.equal(index.size, BASE.length);
    assert.equal(index.byMessageId('unrelated-old@example.org')[0].subject, 'message unrelated-old');
    assert.equal(warnings.length, 1);
    const again = await openHeaderIndex({ epochs: [{ epoch: 0, gitDir }], cacheDir, logger });
    assert.equal(again.size, BASE.length);
    assert.equal(warnings.length, 1, 'the rebuilt index loads cleanly');
  });

  test('a rewritten history is re-read whole', async () => {
    const gitDir = path.join(dir, 'c.git');
    const cacheDir = path.join(dir, 'cache-c');
    initRepo(gitDir);
    commitAll(gitDir, BASE.slice(0, 3), true);
    assert.equal((await openHeaderIndex({ epochs: [{ epoch: 0, gitDir }], cacheDir })).size, 3);
    await rm(gitDir, { recursive: true });
    initRepo(gitDir);
    commitAll(gitDir, BASE.slice(3, 5), true);
    const index = await openHeaderIndex({ epochs: [{ epoch: 0, gitDir }], cacheDir });
    assert.equal(index.size, 2);
    assert.deepEqual(index.byMessageId('root@example.org'), []);
  });

  test('removed messages (public-inbox `d` commits) are left out', async () => {
    const gitDir = path.join(dir, 'd.git');
    initRepo(gitDir);
    commitAll(gitDir, [...BASE, { deleteOf: (BASE[5] as { msg: Msg }).msg, time: T('2022-11-20T00:00:00Z') }], true);
    const raws = await createGitMirrorSource({ path: gitDir }).fetchWindow(WEEK, {});
    assert.ok(!ids(raws).includes('reply'));
    assert.ok(ids(raws).includes('reimported'));
  });

  test('a v2 inbox with two epochs: threads cross epochs', async () => {
    const inbox = path.join(dir, 'inbox');
    const e0 = path.join(inbox, 'git', '0.git');
    const e1 = path.join(inbox, 'git', '1.git');
    initRepo(e0);
    initRepo(e1);
    commitAll(e0, BASE.slice(0, 5), true);
    commitAll(e1, BASE.slice(5), true);
    const raws = await createGitMirrorSource({ path: inbox, cacheDir: path.join(dir, 'cache-inbox') }).fetchWindow(WEEK, {});
    assert.deepEqual(ids(raws), ['after', 'at-since', 'middle', 'reimported', 'reply', 'root']);
  });

  test('a git bundle is cloned into the cache once', async () => {
    const gitDir = path.join(dir, 'a.git');
    const bundle = path.join(dir, 'a.bundle');
    const r = spawnSync('git', ['--git-dir=' + gitDir, 'bundle', 'create', bundle, '--all']);
    assert.equal(r.status, 0, r.stderr.toString());
    const cacheDir = path.join(dir, 'cache-bundle');
    const raws = await createGitMirrorSource({ path: bundle, cacheDir }).fetchWindow(WEEK, {});
    assert.equal(raws.length, 6);
    const mirrors = await readdir(path.join(cacheDir, 'mirrors'));
    assert.equal(mirrors.length, 1);
    await createGitMirrorSource({ path: bundle, cacheDir }).fetchWindow(WEEK, {});
    assert.deepEqual(await readdir(path.join(cacheDir, 'mirrors')), mirrors);
  });

  test('clear errors for a missing path and for a directory that is no repository', async () => {
    await assert.rejects(createGitMirrorSource({ path: path.join(dir, 'nope') }).fetchWindow(WEEK, {}), /does not exist/);
    const empty = await mkdtemp(path.join(dir, 'empty-'));
    await assert.rejects(createGitMirrorSource({ path: empty }).fetchWindow(WEEK, {}), /not a public-inbox v2 inbox/);
  });

  test('cat-file: pipelined reads in order, missing objects are null', async () => {
    const cat = openGitCatFile(path.join(dir, 'a.git'));
    try {
      const [head, missing, blob] = await cat.readMany(['HEAD', '0'.repeat(40), 'HEAD:m']);
      assert.equal(head!.type, 'commit');
      assert.equal(missing, null);
      assert.equal(blob!.type, 'blob');
      assert.match(blob!.data.toString(), /body of at-since/);
    } finally {
      await cat.close();
    }
    await assert.rejects(cat.read('HEAD'), /closed/);
  });

  test('HEAD is read from loose and packed refs like git reads it; the source reuses an unchanged index', async () => {
    const gitDir = path.join(dir, 'e.git');
    initRepo(gitDir);
    assert.equal(await readHeadOid(gitDir), null, 'unborn branch');
    commitAll(gitDir, BASE.slice(0, 2), true);
    const revParse = () => spawnSync('git', ['--git-dir=' + gitDir, 'rev-parse', 'HEAD']).stdout.toString().trim();
    assert.equal(await readHeadOid(gitDir), revParse());
    assert.equal(spawnSync('git', ['--git-dir=' + gitDir, 'pack-refs', '--all']).status, 0);
    assert.equal(await readHeadOid(gitDir), revParse());

    const source = createGitMirrorSource({ path: gitDir, cacheDir: path.join(dir, 'cache-e') });
    const a = await source.headerIndex();
    assert.equal(await source.headerIndex(), a, 'same HEAD: same index object');
    commitAll(gitDir, BASE.slice(2, 3), false);
    const b = await source.headerIndex();
    assert.notEqual(b, a);
    assert.equal(b.size, 3);
  });
});
