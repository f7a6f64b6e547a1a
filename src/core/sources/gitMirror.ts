// The git mirror source: a public-inbox v2 inbox directory (git/0.git, git/1.git, ...), one bare
// epoch repository, or a git bundle of one (cloned --mirror into the cache directory once).
// A window's messages are chosen by received time from the header index, expanded to their
// complete threads, and read through one `git cat-file --batch` per epoch.

import { createHash, randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FetchOptions, MailSource, RawMessage, Window } from '../types.js';
import { openGitCatFile } from './gitCatFile.js';
import { runGit } from './gitLog.js';
import { openHeaderIndex, readHeadOid, type Epoch, type HeaderIndex } from './headerIndex.js';

export const DEFAULT_LIST_URL = 'https://lore.kernel.org/kvmarm/';

export interface GitMirrorOptions {
  /** Inbox directory, bare epoch repository (`*.git`), or a `.bundle` file. */
  path: string;
  /** Where the header index (and a bundle's clone) live; null keeps the index in memory only. */
  cacheDir?: string | null;
  listUrl?: string;
}

export interface GitMirrorSource extends MailSource {
  /** The header index, built or extended as needed (for series version lookups). */
  headerIndex(options?: FetchOptions): Promise<HeaderIndex>;
}

function isBareRepo(dir: string): boolean {
  return existsSync(path.join(dir, 'HEAD')) && existsSync(path.join(dir, 'objects')) && existsSync(path.join(dir, 'refs'));
}

/** The epochs of an inbox directory or a bare repository; throws when it is neither. */
export async function findEpochs(dir: string): Promise<Epoch[]> {
  const gitDir = path.join(dir, 'git');
  if (existsSync(gitDir) && statSync(gitDir).isDirectory()) {
    const names = await readdir(gitDir);
    const epochs = names
      .map((name) => /^(\d+)\.git$/.exec(name))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ epoch: Number(m[1]), gitDir: path.join(gitDir, m[0]) }))
      .filter((e) => isBareRepo(e.gitDir))
      .sort((a, b) => a.epoch - b.epoch);
    if (epochs.length) return epochs;
  }
  if (isBareRepo(dir)) {
    const m = /^(\d+)\.git$/.exec(path.basename(dir));
    return [{ epoch: m ? Number(m[1]) : 0, gitDir: dir }];
  }
  const dotGit = path.join(dir, '.git');
  if (existsSync(dotGit) && isBareRepo(dotGit)) return [{ epoch: 0, gitDir: dotGit }];
  throw new Error(`${dir} is not a public-inbox v2 inbox (git/<n>.git) nor a git repository`);
}

/** Clones a bundle --mirror into the cache once (keyed by the bundle's path, size and mtime). */
export async function cloneBundle(bundle: string, cacheDir: string | null | undefined, signal?: AbortSignal): Promise<string> {
  const st = statSync(bundle);
  const key = createHash('sha256')
    .update(`${path.resolve(bundle)}\0${st.size}\0${st.mtimeMs}`)
    .digest('hex')
    .slice(0, 16);
  const root = path.join(cacheDir ?? path.join(os.tmpdir(), 'kvmarm-weekly'), 'mirrors');
  const target = path.join(root, `${key}.git`);
  if (isBareRepo(target)) return target;
  await mkdir(root, { recursive: true });
  const tmp = path.join(root, `${key}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await runGit(null, ['clone', '--quiet', '--mirror', path.resolve(bundle), tmp], signal);
    await rename(tmp, target).catch(async (err) => {
      // Another process may have finished the same clone first.
      if (!isBareRepo(target)) throw err;
    });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return target;
}

export function createGitMirrorSource(options: GitMirrorOptions): GitMirrorSource {
  const listUrl = options.listUrl ?? DEFAULT_LIST_URL;
  let epochsPromise: Promise<Epoch[]> | null = null;

  const epochs = (signal?: AbortSignal): Promise<Epoch[]> => {
    if (!epochsPromise) {
      epochsPromise = (async () => {
        if (!existsSync(options.path)) throw new Error(`git mirror ${options.path} does not exist`);
        if (statSync(options.path).isFile()) {
          const dir = await cloneBundle(options.path, options.cacheDir, signal);
          return [{ epoch: 0, gitDir: dir }];
        }
        return findEpochs(options.path);
      })();
      epochsPromise.catch(() => {
        epochsPromise = null;
      });
    }
    return epochsPromise;
  };

  // The last index opened, with the epochs' HEADs it was opened at: a second call in the same run
  // (the pipeline's series lookups) reuses it unless the mirror moved on.
  let last: { heads: Array<string | null>; index: HeaderIndex } | null = null;
  const openIndex = async (fetchOptions: FetchOptions, onBlob?: (blob: string, data: Buffer) => void): Promise<HeaderIndex> => {
    const list = await epochs(fetchOptions.signal);
    const heads = await Promise.all(list.map((e) => readHeadOid(e.gitDir)));
    if (last && heads.every((h, k) => h !== null && h === last!.heads[k])) return last.index;
    const index = await openHeaderIndex({
      epochs: list,
      cacheDir: options.cacheDir,
      signal: fetchOptions.signal,
      progress: fetchOptions.progress,
      logger: fetchOptions.logger,
      onBlob,
    });
    last = { heads, index };
    return index;
  };
  const headerIndex = (fetchOptions: FetchOptions = {}): Promise<HeaderIndex> => openIndex(fetchOptions);

  return {
    description: `git ${options.path}`,
    listUrl: listUrl.endsWith('/') ? listUrl : listUrl + '/',
    headerIndex,
    async fetchWindow(window: Window, fetchOptions: FetchOptions): Promise<RawMessage[]> {
      const since = Math.floor(Date.parse(window.since) / 1000);
      const until = Math.floor(Date.parse(window.until) / 1000);
      if (!Number.isFinite(since) || !Number.isFinite(until)) throw new Error(`bad window ${window.since}..${window.until}`);
      const allEpochs = await epochs(fetchOptions.signal);
      // Messages the index reads while it is built or extended are kept for this window's read.
      let known: Map<string, Buffer> | null = new Map();
      const index = await openIndex(fetchOptions, (blob, data) => known!.set(blob, data));
      const wanted = index.threadsOf(index.receivedBetween(since, until)).map((i) => ({
        epoch: index.epochAt(i),
        blob: index.blobAt(i),
        commitTime: index.commitTimeAt(i),
      }));
      try {
        return await readBlobs(allEpochs, wanted, fetchOptions, known);
      } finally {
        known = null;
      }
    },
    async fetchThreads(messageIds: string[], fetchOptions: FetchOptions): Promise<RawMessage[]> {
      const index = await openIndex(fetchOptions);
      // All the threads in one read: one cat-file process, not one per thread.
      const wanted = index.threadsOf(messageIds.flatMap((id) => index.positionsOf(id))).map((i) => ({
        epoch: index.epochAt(i),
        blob: index.blobAt(i),
        commitTime: index.commitTimeAt(i),
      }));
      if (wanted.length === 0) return [];
      return readBlobs(await epochs(fetchOptions.signal), wanted, fetchOptions);
    },
  };
}

/** Where a message lives in the mirror. */
export interface BlobRef {
  epoch: number;
  blob: string;
  commitTime: number;
}

/**
 * Reads messages' blobs, epoch by epoch, each through one cat-file process; blobs already at hand
 * (`known`, by blob id) are taken from there. Output order: epoch by epoch, input order within.
 */
export async function readBlobs(
  epochs: readonly Epoch[],
  entries: readonly BlobRef[],
  options: FetchOptions = {},
  known: ReadonlyMap<string, Buffer> | null = null,
): Promise<RawMessage[]> {
  const out: RawMessage[] = [];
  let done = 0;
  for (const epoch of epochs) {
    const mine = entries.filter((e) => e.epoch === epoch.epoch);
    if (!mine.length) continue;
    const missing = known ? mine.filter((e) => !known.has(e.blob)) : mine;
    const read = new Map<string, Buffer>();
    if (missing.length) {
      const cat = openGitCatFile(epoch.gitDir);
      try {
        const BATCH = 256;
        for (let i = 0; i < missing.length; i += BATCH) {
          options.signal?.throwIfAborted();
          const batch = missing.slice(i, i + BATCH);
          const objs = await cat.readMany(batch.map((e) => e.blob));
          batch.forEach((e, j) => {
            const obj = objs[j];
            if (!obj) throw new Error(`git mirror ${epoch.gitDir}: blob ${e.blob} is missing`);
            read.set(e.blob, obj.data);
          });
          done += batch.length;
          options.progress?.('read', done, entries.length);
        }
      } finally {
        await cat.close();
      }
    }
    for (const e of mine) out.push({ raw: (known?.get(e.blob) ?? read.get(e.blob))!, commitTime: e.commitTime, origin: e.blob });
    done += mine.length - missing.length;
    options.progress?.('read', done, entries.length);
  }
  return out;
}
