// A real public-inbox (the software lore.kernel.org runs) on 127.0.0.1, serving a slice of the
// kvmarm corpus: the messages received in chosen windows with their complete threads, plus every
// commit near those windows (so the slice does not depend on our own thread grouping alone).
// The slice is replayed commit by commit (same author/committer lines, same `m` blobs) into a
// fresh v2 epoch with `git fast-import`, indexed by `public-inbox-index`, and served by
// `public-inbox-httpd`. The inbox's git dir is exposed so the git source reads the same slice,
// and `truth()` reads public-inbox's own threading (over.tid) from its over.sqlite3.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { openGitCatFile } from '../../src/core/sources/gitCatFile.js';
import { openHeaderIndex } from '../../src/core/sources/headerIndex.js';
import { corpusMirror, corpusWorkDir } from './corpus.js';

export interface WindowRange {
  /** ISO date-time, inclusive. */
  since: string;
  /** ISO date-time, exclusive. */
  until: string;
}

/** One message as public-inbox indexed it. */
export interface TruthRow {
  num: number;
  tid: number;
  /** Received time (epoch seconds) as public-inbox computed it: what `rt:` searches. */
  ts: number;
  mid: string;
  blob: string;
}

export interface PublicInboxServer {
  /** e.g. http://127.0.0.1:41234/kvmarm/ */
  baseUrl: string;
  inboxDir: string;
  /** The slice's epoch repository (what the git source should read). */
  gitDir: string;
  /** How many messages the slice holds. */
  size: number;
  truth(): Promise<TruthRow[]>;
  stop(): Promise<void>;
}

const DAY = 86400;

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, input?: (child: ChildProcess) => Promise<void>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: [input ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr!.on('data', (c: Buffer) => {
      if (err.length < 8192) err += c.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} failed (${code}): ${err.trim()}`))));
    // A write to a process that died surfaces through 'close' with its stderr, not as EPIPE.
    child.stdin?.on('error', () => undefined);
    if (input) {
      input(child).catch((e: Error) => {
        err += `\n(input: ${e.message})`;
        child.kill();
      });
    }
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Positions (in the corpus's commit order) of the slice for these windows. */
async function slicePositions(mirror: string, ranges: readonly WindowRange[], padDays: number): Promise<{ positions: number[]; commits: string[] }> {
  const index = await openHeaderIndex({ epochs: [{ epoch: 0, gitDir: mirror }], cacheDir: corpusWorkDir() });
  const chosen = new Set<number>();
  for (const r of ranges) {
    const since = Date.parse(r.since) / 1000;
    const until = Date.parse(r.until) / 1000;
    for (const p of index.threadsOf(index.receivedBetween(since, until))) chosen.add(p);
    // Everything committed or received near the window, whatever our grouping says.
    const lo = since - padDays * DAY;
    const hi = until + padDays * DAY;
    for (let i = 0; i < index.size; i++) {
      const ct = index.commitTimeAt(i);
      const rt = index.receivedTimeAt(i);
      if ((ct >= lo && ct < hi) || (rt >= lo && rt < hi)) chosen.add(i);
    }
  }
  const positions = [...chosen].sort((a, b) => a - b);
  return { positions, commits: positions.map((i) => index.entry(i).commit) };
}

/** Replays commits (author, committer, message, blob `m`) into a new bare repository. */
async function replayCommits(mirror: string, commits: readonly string[], target: string, env: NodeJS.ProcessEnv): Promise<void> {
  await run('git', ['init', '--quiet', '--bare', target], env);
  const cat = openGitCatFile(mirror);
  try {
    await run('git', ['--git-dir=' + target, 'fast-import', '--quiet', '--date-format=raw-permissive'], env, async (child) => {
      const stdin = child.stdin!;
      const write = (data: string | Buffer): Promise<void> =>
        new Promise((resolve, reject) => (stdin.write(data, (err) => (err ? reject(err) : resolve())) as unknown));
      const BATCH = 128;
      for (let i = 0; i < commits.length; i += BATCH) {
        const batch = commits.slice(i, i + BATCH);
        const objs = await cat.readMany(batch.flatMap((c) => [c, `${c}:m`]));
        for (let j = 0; j < batch.length; j++) {
          const commit = objs[2 * j];
          const blob = objs[2 * j + 1];
          if (!commit || !blob) throw new Error(`cannot read commit ${batch[j]}`);
          const text = commit.data.toString('utf8');
          const headerEnd = text.indexOf('\n\n');
          const headers = text.slice(0, headerEnd).split('\n');
          const message = Buffer.from(text.slice(headerEnd + 2), 'utf8');
          const author = headers.find((h) => h.startsWith('author '))!;
          const committer = headers.find((h) => h.startsWith('committer '))!;
          await write(`commit refs/heads/master\n${author}\n${committer}\ndata ${message.length}\n`);
          await write(message);
          await write(`\ndeleteall\nM 100644 inline m\ndata ${blob.data.length}\n`);
          await write(blob.data);
          await write('\n');
        }
      }
      stdin.end();
    });
  } finally {
    await cat.close();
  }
}

/** The perl that prints public-inbox's own view of every message: num, tid, ts, blob, mid. */
const TRUTH_PERL = String.raw`
use strict; use PublicInbox::Over;
my $over = PublicInbox::Over->new($ARGV[0]);
my $dbh = $over->dbh;
my $nums = $dbh->selectcol_arrayref('SELECT num FROM over WHERE num > 0 ORDER BY num');
binmode STDOUT, ':utf8';
for my $num (@$nums) {
  my $smsg = $over->get_art($num) or next;
  print join("\t", $num, $smsg->{tid}, $smsg->{ts}, $smsg->{blob}, $smsg->{mid}), "\n";
}
`;

/**
 * Builds and serves a public-inbox slice of the corpus for these windows. `padDays` widens the
 * slice with every commit near the windows. Call `stop()` when done.
 */
export async function startPublicInbox(ranges: readonly WindowRange[], options: { padDays?: number } = {}): Promise<PublicInboxServer> {
  const mirror = await corpusMirror();
  const { commits } = await slicePositions(mirror, ranges, options.padDays ?? 7);
  const root = await mkdtemp(path.join(os.tmpdir(), 'kvmarm-pi-'));
  const env: NodeJS.ProcessEnv = { ...process.env, PI_CONFIG: path.join(root, 'config'), HOME: path.join(root, 'home') };
  await mkdir(env.HOME!, { recursive: true });
  let httpd: ChildProcess | null = null;
  const stop = async (): Promise<void> => {
    if (httpd && httpd.exitCode === null) {
      const exited = new Promise((r) => httpd!.once('exit', r));
      httpd.kill('SIGTERM');
      await exited;
    }
    await rm(root, { recursive: true, force: true });
  };
  try {
    const inboxDir = path.join(root, 'kvmarm');
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}/kvmarm/`;
    await run('public-inbox-init', ['-V2', '-L', 'medium', 'kvmarm', inboxDir, baseUrl, 'kvmarm@lists.cs.columbia.edu'], env);
    const gitDir = path.join(inboxDir, 'git', '0.git');
    await rm(gitDir, { recursive: true, force: true });
    await replayCommits(mirror, commits, gitDir, env);
    await run('public-inbox-index', [inboxDir], env);

    httpd = spawn('public-inbox-httpd', ['-l', `http://127.0.0.1:${port}`], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let httpdErr = '';
    httpd.stderr!.on('data', (c: Buffer) => (httpdErr += c.toString('utf8')));
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (httpd.exitCode !== null) throw new Error(`public-inbox-httpd exited: ${httpdErr.trim()}`);
      try {
        const res = await fetch(baseUrl);
        await res.body?.cancel();
        if (res.status < 500) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error('public-inbox-httpd did not start');
      await new Promise((r) => setTimeout(r, 100));
    }

    const overFile = path.join(inboxDir, 'xap15', 'over.sqlite3');
    const truth = async (): Promise<TruthRow[]> => {
      const script = path.join(root, 'truth.pl');
      await writeFile(script, TRUTH_PERL);
      const out = await run('perl', [script, overFile], env);
      return out
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const [num, tid, ts, blob, ...mid] = line.split('\t');
          return { num: Number(num), tid: Number(tid), ts: Number(ts), blob, mid: mid.join('\t') };
        });
    };
    return { baseUrl, inboxDir, gitDir, size: commits.length, truth, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

export interface PairwiseScore {
  precision: number;
  recall: number;
  f1: number;
}

/**
 * Pairwise agreement of two groupings (item -> cluster): a pair of items is "together" in a
 * grouping when both are in the same cluster. Items missing from `got` count against recall.
 */
export function pairwiseF1(got: ReadonlyMap<string, string>, expected: ReadonlyMap<string, string>): PairwiseScore {
  const pairs = (sizes: Iterable<number>): number => {
    let n = 0;
    for (const s of sizes) n += (s * (s - 1)) / 2;
    return n;
  };
  const count = (m: ReadonlyMap<string, string>): Map<string, number> => {
    const c = new Map<string, number>();
    for (const v of m.values()) c.set(v, (c.get(v) ?? 0) + 1);
    return c;
  };
  const both = new Map<string, number>();
  for (const [item, g] of got) {
    const e = expected.get(item);
    if (e === undefined) continue;
    const key = `${g}\0${e}`;
    both.set(key, (both.get(key) ?? 0) + 1);
  }
  const truePairs = pairs(both.values());
  const gotPairs = pairs(count(got).values());
  const expectedPairs = pairs(count(expected).values());
  const precision = gotPairs === 0 ? 1 : truePairs / gotPairs;
  const recall = expectedPairs === 0 ? 1 : truePairs / expectedPairs;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}
