// A persistent index of a git mirror's message headers, like public-inbox's own over.sqlite3:
// built once (reading every message's header block through one `git cat-file --batch`), then
// extended with new commits only. Kept as one file per inbox in the cache directory (typed columns
// for what a window query needs, so a warm open costs a few milliseconds, then the details as
// JSON, decoded on first use), written atomically (temp file + rename); an index that does not
// load or no longer matches the repository is rebuilt. It answers: which messages were received in a window, what are their
// complete threads (connected components over Message-ID/References/In-Reply-To, however old,
// the grouping public-inbox uses), and lookups by Message-ID (for finding earlier series versions).

import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Logger, ProgressFn } from '../types.js';
import { openGitCatFile, type GitCatFile } from './gitCatFile.js';
import { gitStatus, listEpochCommits } from './gitLog.js';
import { indexEntryOf, threadLinks, type HeaderEntry } from './indexEntry.js';

export type { HeaderEntry } from './indexEntry.js';

/** Bump when HeaderEntry's content for the same message changes: stored indexes are rebuilt. */
export const HEADER_INDEX_VERSION = 2;
const MAGIC = Buffer.from('KVMWHIX\n', 'latin1');

/** One epoch (one git repository) of an inbox. */
export interface Epoch {
  epoch: number;
  gitDir: string;
}

/**
 * The header index of an inbox. Messages are addressed by position (0..size-1, oldest commit
 * first, epoch by epoch). What a window query needs (received time, thread, blob) is available
 * at once; the full entries (subjects, ids, references) are decoded on first use.
 */
export interface HeaderIndex {
  /** Number of messages indexed (removed messages excluded). */
  readonly size: number;
  /** Positions of the messages received in [since, until) (epoch seconds), ascending. */
  receivedBetween(since: number, until: number): number[];
  /** Positions of every message in the complete threads of the given ones, ascending. */
  threadsOf(positions: readonly number[]): number[];
  /** Thread number of a message: equal for messages of one thread (public-inbox's grouping). */
  threadAt(position: number): number;
  epochAt(position: number): number;
  blobAt(position: number): string;
  commitTimeAt(position: number): number;
  receivedTimeAt(position: number): number;
  /** The full entry of a message. */
  entry(position: number): HeaderEntry;
  /** The decoded subject of a message, without building its entry (scans over the archive). */
  subjectAt(position: number): string;
  /** All entries, oldest commit first. */
  entries(): Iterable<HeaderEntry>;
  /** Entries holding this Message-ID (several when an id was reused). */
  byMessageId(messageId: string): HeaderEntry[];
}

export interface OpenHeaderIndexOptions {
  epochs: readonly Epoch[];
  /** Where the index file lives; null or undefined keeps the index in memory only. */
  cacheDir?: string | null;
  signal?: AbortSignal;
  progress?: ProgressFn;
  logger?: Logger;
}

// Details kept as JSON tuples (what the window query does not need).
type StoredDetail = [
  commit: string,
  date: number | null,
  messageIds: string[],
  inReplyTo: string | null,
  references: string[],
  subject: string,
  from: string,
  fromName: string,
];

interface StoredHeader {
  version: number;
  epochs: Array<{ epoch: number; gitDir: string; tip: string | null; deleted: string[] }>;
  count: number;
  detailBytes: number;
}

/** The columns of the index: typed arrays for the hot fields, details decoded lazily. */
interface Columns {
  count: number;
  receivedTime: Float64Array;
  commitTime: Float64Array;
  thread: Int32Array;
  epoch: Int32Array;
  /** 20 bytes per message. */
  blobs: Buffer;
  details: () => StoredDetail[];
}

/** The index file of an inbox: keyed by its epochs' absolute paths. */
export function indexFilePath(cacheDir: string, epochs: readonly Epoch[]): string {
  const key = createHash('sha256')
    .update(epochs.map((e) => `${e.epoch}\0${path.resolve(e.gitDir)}`).join('\n'))
    .digest('hex')
    .slice(0, 16);
  return path.join(cacheDir, 'header-index', `${key}.idx`);
}

function encode(header: StoredHeader, cols: Omit<Columns, 'details'>, details: StoredDetail[]): Buffer {
  const detailJson = Buffer.from(JSON.stringify(details), 'utf8');
  const headerJson = Buffer.from(JSON.stringify({ ...header, detailBytes: detailJson.length }), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(headerJson.length);
  const n = cols.count;
  const f64 = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, n * 8);
  const i32 = (a: Int32Array) => Buffer.from(a.buffer, a.byteOffset, n * 4);
  return Buffer.concat([MAGIC, len, headerJson, f64(cols.receivedTime), f64(cols.commitTime), i32(cols.thread), i32(cols.epoch), cols.blobs, detailJson]);
}

function decode(buf: Buffer): { header: StoredHeader; cols: Columns } {
  if (buf.length < MAGIC.length + 4 || !buf.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error('not a header index');
  let pos = MAGIC.length;
  const headerLen = buf.readUInt32LE(pos);
  pos += 4;
  const header = JSON.parse(buf.toString('utf8', pos, pos + headerLen)) as StoredHeader;
  pos += headerLen;
  const n = header.count;
  if (!Number.isInteger(n) || n < 0 || !Array.isArray(header.epochs)) throw new Error('bad header');
  const need = pos + n * (8 + 8 + 4 + 4 + 20) + header.detailBytes;
  if (buf.length !== need) throw new Error(`truncated (${buf.length} bytes, expected ${need})`);
  // Copies keep the typed arrays aligned whatever the buffer's offset.
  const take = (bytes: number): ArrayBuffer => {
    const ab = new ArrayBuffer(bytes);
    buf.copy(Buffer.from(ab), 0, pos, pos + bytes);
    pos += bytes;
    return ab;
  };
  const receivedTime = new Float64Array(take(n * 8));
  const commitTime = new Float64Array(take(n * 8));
  const thread = new Int32Array(take(n * 4));
  const epoch = new Int32Array(take(n * 4));
  const blobs = buf.subarray(pos, pos + n * 20);
  pos += n * 20;
  const detailStart = pos;
  let cached: StoredDetail[] | null = null;
  const details = (): StoredDetail[] => {
    if (!cached) {
      cached = JSON.parse(buf.toString('utf8', detailStart, detailStart + header.detailBytes)) as StoredDetail[];
      if (!Array.isArray(cached) || cached.length !== n) throw new Error('header index details do not match');
    }
    return cached;
  };
  return { header, cols: { count: n, receivedTime, commitTime, thread, epoch, blobs, details } };
}

async function loadStored(file: string, logger?: Logger): Promise<{ header: StoredHeader; cols: Columns } | null> {
  let buf: Buffer;
  try {
    buf = await readFile(file);
  } catch {
    return null;
  }
  try {
    const stored = decode(buf);
    if (stored.header.version !== HEADER_INDEX_VERSION) return null;
    return stored;
  } catch (err) {
    logger?.warn(`header index ${file} is unreadable (${(err as Error).message}); rebuilding it`);
    return null;
  }
}

async function saveStored(file: string, data: Buffer): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    // Written and fsynced before the rename makes it visible: a crash never leaves a partial index.
    const handle = await open(tmp, 'wx');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/**
 * HEAD's commit read from the repository's ref files (loose ref, then packed-refs), or null when
 * they cannot answer (an unborn branch, another ref storage): then ask git.
 */
export async function readHeadOid(gitDir: string): Promise<string | null> {
  try {
    const head = (await readFile(path.join(gitDir, 'HEAD'), 'utf8')).trim();
    if (/^[0-9a-f]{40}$/.test(head)) return head;
    const m = /^ref: (refs\/[^\s]+)$/.exec(head);
    if (!m) return null;
    const loose = await readFile(path.join(gitDir, m[1]), 'utf8').catch(() => null);
    if (loose !== null) return /^[0-9a-f]{40}$/.test(loose.trim()) ? loose.trim() : null;
    const packed = await readFile(path.join(gitDir, 'packed-refs'), 'utf8').catch(() => '');
    for (const line of packed.split('\n')) {
      const [oid, name] = line.split(' ');
      if (name === m[1] && /^[0-9a-f]{40}$/.test(oid)) return oid;
    }
    return null;
  } catch {
    return null;
  }
}

/** The commit HEAD points to, or null for an empty repository. */
async function headOf(cat: GitCatFile): Promise<string | null> {
  const obj = await cat.read('HEAD');
  return obj && obj.type === 'commit' ? obj.oid : null;
}

/** Reads the entries of the commits after `since` (all when null). */
async function readNewEntries(
  epoch: Epoch,
  cat: GitCatFile,
  since: string | null,
  options: OpenHeaderIndexOptions,
): Promise<{ entries: HeaderEntry[]; deleted: string[] }> {
  const commits = await listEpochCommits(epoch.gitDir, since, options.signal);
  const wanted = commits.filter((c) => c.blob);
  const entries: HeaderEntry[] = [];
  const deleted = commits.filter((c) => c.deleted).map((c) => c.deleted!);
  const BATCH = 512;
  for (let i = 0; i < wanted.length; i += BATCH) {
    options.signal?.throwIfAborted();
    const batch = wanted.slice(i, i + BATCH);
    const objs = await cat.readMany(batch.map((c) => c.blob!));
    batch.forEach((c, j) => {
      const obj = objs[j];
      if (!obj) throw new Error(`git mirror ${epoch.gitDir}: blob ${c.blob} of commit ${c.commit} is missing`);
      entries.push(indexEntryOf(obj.data, { epoch: epoch.epoch, commit: c.commit, blob: c.blob!, commitTime: c.commitTime }));
    });
    options.progress?.('index', Math.min(i + BATCH, wanted.length), wanted.length);
  }
  return { entries, deleted };
}

/** Union-find over ids: messages sharing any thread link get the same number. */
export function threadNumbers(entries: readonly HeaderEntry[]): Int32Array {
  const idNode = new Map<string, number>();
  const parent: number[] = [];
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  };
  const node = (id: string): number => {
    let n = idNode.get(id);
    if (n === undefined) {
      n = parent.length;
      parent.push(n);
      idNode.set(id, n);
    }
    return n;
  };
  const entryNode = new Int32Array(entries.length);
  entries.forEach((e, i) => {
    const links = threadLinks(e);
    // A message with no ids at all is its own thread.
    const root = links.length ? find(node(links[0])) : node(`\0entry-${i}`);
    for (let k = 1; k < links.length; k++) {
      const other = find(node(links[k]));
      if (other !== root) parent[other] = root;
    }
    entryNode[i] = root;
  });
  // Renumber the roots densely, in order of first appearance.
  const dense = new Map<number, number>();
  for (let i = 0; i < entryNode.length; i++) {
    const r = find(entryNode[i]);
    let d = dense.get(r);
    if (d === undefined) {
      d = dense.size;
      dense.set(r, d);
    }
    entryNode[i] = d;
  }
  return entryNode;
}

function toDetail(e: HeaderEntry): StoredDetail {
  return [e.commit, e.date, e.messageIds, e.inReplyTo, e.references, e.subject, e.from, e.fromName];
}

function columnsOf(entries: readonly HeaderEntry[]): Columns {
  const n = entries.length;
  let details: StoredDetail[] | null = null;
  const cols: Columns = {
    count: n,
    receivedTime: new Float64Array(n),
    commitTime: new Float64Array(n),
    thread: threadNumbers(entries),
    epoch: new Int32Array(n),
    blobs: Buffer.alloc(n * 20),
    details: () => (details ??= entries.map(toDetail)),
  };
  entries.forEach((e, i) => {
    cols.receivedTime[i] = e.receivedTime;
    cols.commitTime[i] = e.commitTime;
    cols.epoch[i] = e.epoch;
    cols.blobs.write(e.blob, i * 20, 20, 'hex');
  });
  return cols;
}

function indexOver(cols: Columns): HeaderIndex {
  const n = cols.count;
  const blobAt = (i: number): string => cols.blobs.toString('hex', i * 20, i * 20 + 20);
  const entry = (i: number): HeaderEntry => {
    const d = cols.details()[i];
    return {
      epoch: cols.epoch[i],
      commit: d[0],
      blob: blobAt(i),
      commitTime: cols.commitTime[i],
      receivedTime: cols.receivedTime[i],
      date: d[1],
      messageIds: d[2],
      inReplyTo: d[3],
      references: d[4],
      subject: d[5],
      from: d[6],
      fromName: d[7],
    };
  };
  let byId: Map<string, number[]> | null = null;
  return {
    size: n,
    receivedBetween(since, until) {
      const out: number[] = [];
      for (let i = 0; i < n; i++) {
        const t = cols.receivedTime[i];
        if (t >= since && t < until) out.push(i);
      }
      return out;
    },
    threadsOf(positions) {
      if (positions.length === 0) return [];
      const wanted = new Set<number>();
      for (const p of positions) wanted.add(cols.thread[p]);
      const out: number[] = [];
      for (let i = 0; i < n; i++) if (wanted.has(cols.thread[i])) out.push(i);
      return out;
    },
    threadAt: (i) => cols.thread[i],
    epochAt: (i) => cols.epoch[i],
    blobAt,
    commitTimeAt: (i) => cols.commitTime[i],
    receivedTimeAt: (i) => cols.receivedTime[i],
    entry,
    subjectAt: (i) => cols.details()[i][5],
    *entries() {
      for (let i = 0; i < n; i++) yield entry(i);
    },
    byMessageId(id) {
      if (!byId) {
        byId = new Map();
        const details = cols.details();
        for (let i = 0; i < n; i++)
          for (const mid of details[i][2]) {
            const list = byId.get(mid);
            if (list) list.push(i);
            else byId.set(mid, [i]);
          }
      }
      return (byId.get(id) ?? []).map(entry);
    },
  };
}

/** Entries of a stored index, for extending it. */
function storedEntries(cols: Columns): HeaderEntry[] {
  const index = indexOver(cols);
  return [...index.entries()];
}

/**
 * Opens (building or extending as needed) the header index of an inbox's epochs. With a cache
 * directory, the index is stored there and later calls only read the commits added since.
 */
export async function openHeaderIndex(options: OpenHeaderIndexOptions): Promise<HeaderIndex> {
  const file = options.cacheDir ? indexFilePath(options.cacheDir, options.epochs) : null;
  const stored = file ? await loadStored(file, options.logger) : null;

  // What changed since the stored index: each epoch's HEAD against its stored tip. HEAD is read
  // from the ref files (no process to start on a warm run); git itself answers when they don't.
  const opened: Array<GitCatFile | undefined> = [];
  const catFor = (k: number): GitCatFile => (opened[k] ??= openGitCatFile(options.epochs[k].gitDir));
  try {
    const heads = await Promise.all(options.epochs.map(async (e, k) => (await readHeadOid(e.gitDir)) ?? headOf(catFor(k))));
    const storedEpochs = new Map((stored?.header.epochs ?? []).map((e) => [e.epoch, e]));
    const sameEpochs =
      stored !== null &&
      stored.header.epochs.length === options.epochs.length &&
      options.epochs.every((e, k) => {
        const s = storedEpochs.get(e.epoch);
        return s !== undefined && s.gitDir === path.resolve(e.gitDir) && s.tip === heads[k];
      });
    if (stored && sameEpochs) return indexOver(stored.cols);

    // Extend epochs whose stored tip is an ancestor of HEAD; re-read the others whole.
    const old = stored ? storedEntries(stored.cols) : [];
    const entries: HeaderEntry[] = [];
    const epochsOut: StoredHeader['epochs'] = [];
    const deletedAll = new Set<string>();
    for (let k = 0; k < options.epochs.length; k++) {
      const epoch = options.epochs[k];
      const head = heads[k];
      const s = storedEpochs.get(epoch.epoch);
      let base: HeaderEntry[] = [];
      let deleted: string[] = [];
      let since: string | null = null;
      if (s && s.gitDir === path.resolve(epoch.gitDir) && s.tip && head) {
        if (s.tip === head || (await gitStatus(epoch.gitDir, ['merge-base', '--is-ancestor', s.tip, head])) === 0) {
          base = old.filter((e) => e.epoch === epoch.epoch);
          deleted = s.deleted;
          since = s.tip;
        } else {
          options.logger?.warn(`header index of ${epoch.gitDir} does not match its history; rebuilding it`);
        }
      }
      const added = head && since !== head ? await readNewEntries(epoch, catFor(k), since, options) : { entries: [], deleted: [] };
      deleted = [...deleted, ...added.deleted];
      for (const d of deleted) deletedAll.add(d);
      entries.push(...base, ...added.entries);
      epochsOut.push({ epoch: epoch.epoch, gitDir: path.resolve(epoch.gitDir), tip: head, deleted });
    }
    const live = entries.filter((e) => !deletedAll.has(e.blob));
    const cols = columnsOf(live);
    if (file) {
      const details = live.map(toDetail);
      await saveStored(file, encode({ version: HEADER_INDEX_VERSION, epochs: epochsOut, count: live.length, detailBytes: 0 }, cols, details));
    }
    return indexOver(cols);
  } finally {
    await Promise.all(opened.map((c) => c?.close()));
  }
}
