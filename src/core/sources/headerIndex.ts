// A persistent index of a git mirror's message headers, like public-inbox's own over.sqlite3:
// built once (reading every message's header block through one `git cat-file --batch`), then
// extended with new commits only. Kept as one file per inbox in the cache directory (typed columns
// for what a window query needs, so a warm open costs a few milliseconds; the subjects as one text
// and the Message-IDs as one text, so scans over the archive decode no JSON; then each message's
// other details as its own JSON, decoded only for the messages asked for), written atomically (temp file + rename); an index that does not
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
export const HEADER_INDEX_VERSION = 3;
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
  /** Positions of the messages holding this Message-ID. */
  positionsOf(messageId: string): number[];
}

export interface OpenHeaderIndexOptions {
  epochs: readonly Epoch[];
  /** Where the index file lives; null or undefined keeps the index in memory only. */
  cacheDir?: string | null;
  signal?: AbortSignal;
  progress?: ProgressFn;
  logger?: Logger;
  /**
   * Each message read while building or extending the index (blob id, bytes): a caller that is
   * about to read messages anyway (a cold run over the whole archive) keeps them instead of reading
   * them a second time.
   */
  onBlob?: (blob: string, data: Buffer) => void;
}

// Each message's details as its own JSON tuple (what neither the window query nor a scan needs).
type StoredDetail = [commit: string, date: number | null, inReplyTo: string | null, references: string[], from: string, fromName: string];

interface StoredHeader {
  version: number;
  epochs: Array<{ epoch: number; gitDir: string; tip: string | null; deleted: string[] }>;
  count: number;
  subjectBytes: number;
  idBytes: number;
  detailBytes: number;
}

/**
 * The columns of the index: typed arrays for the hot fields; the subjects as one string (message
 * i's is subjects.slice(subjectOffsets[i], subjectOffsets[i + 1])); each message's Message-IDs as
 * a JSON array, back to back in one string the same way; each message's details as a JSON tuple,
 * back to back in one buffer (byte offsets), parsed one at a time.
 */
interface Columns {
  count: number;
  receivedTime: Float64Array;
  commitTime: Float64Array;
  thread: Int32Array;
  epoch: Int32Array;
  /** 20 bytes per message. */
  blobs: Buffer;
  subjects: string;
  subjectOffsets: Uint32Array;
  ids: string;
  idOffsets: Uint32Array;
  details: Buffer;
  detailOffsets: Uint32Array;
}

/** The index file of an inbox: keyed by its epochs' absolute paths. */
export function indexFilePath(cacheDir: string, epochs: readonly Epoch[]): string {
  const key = createHash('sha256')
    .update(epochs.map((e) => `${e.epoch}\0${path.resolve(e.gitDir)}`).join('\n'))
    .digest('hex')
    .slice(0, 16);
  return path.join(cacheDir, 'header-index', `${key}.idx`);
}

function encode(header: StoredHeader, cols: Columns): Buffer {
  const subjects = Buffer.from(cols.subjects, 'utf8');
  const ids = Buffer.from(cols.ids, 'utf8');
  const stored: StoredHeader = { ...header, count: cols.count, subjectBytes: subjects.length, idBytes: ids.length, detailBytes: cols.details.length };
  const headerJson = Buffer.from(JSON.stringify(stored), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(headerJson.length);
  const n = cols.count;
  const bytes = (a: Float64Array | Int32Array | Uint32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  return Buffer.concat([
    MAGIC,
    len,
    headerJson,
    bytes(cols.receivedTime.subarray(0, n)),
    bytes(cols.commitTime.subarray(0, n)),
    bytes(cols.thread.subarray(0, n)),
    bytes(cols.epoch.subarray(0, n)),
    cols.blobs.subarray(0, n * 20),
    bytes(cols.subjectOffsets),
    bytes(cols.idOffsets),
    bytes(cols.detailOffsets),
    subjects,
    ids,
    cols.details,
  ]);
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
  for (const k of ['subjectBytes', 'idBytes', 'detailBytes'] as const) {
    if (!Number.isInteger(header[k]) || header[k] < 0) throw new Error('bad header');
  }
  const need = pos + n * (8 + 8 + 4 + 4 + 20) + 3 * 4 * (n + 1) + header.subjectBytes + header.idBytes + header.detailBytes;
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
  const subjectOffsets = new Uint32Array(take(4 * (n + 1)));
  const idOffsets = new Uint32Array(take(4 * (n + 1)));
  const detailOffsets = new Uint32Array(take(4 * (n + 1)));
  const subjects = buf.toString('utf8', pos, pos + header.subjectBytes);
  pos += header.subjectBytes;
  const ids = buf.toString('utf8', pos, pos + header.idBytes);
  pos += header.idBytes;
  const details = buf.subarray(pos, pos + header.detailBytes);
  const ascending = (o: Uint32Array, end: number): boolean => {
    if (o[0] !== 0 || o[n] !== end) return false;
    for (let i = 0; i < n; i++) if (o[i] > o[i + 1]) return false;
    return true;
  };
  if (!ascending(subjectOffsets, subjects.length) || !ascending(idOffsets, ids.length) || !ascending(detailOffsets, details.length)) {
    throw new Error('header index offsets do not match');
  }
  return { header, cols: { count: n, receivedTime, commitTime, thread, epoch, blobs, subjects, subjectOffsets, ids, idOffsets, details, detailOffsets } };
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
      options.onBlob?.(c.blob!, obj.data);
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
  return [e.commit, e.date, e.inReplyTo, e.references, e.from, e.fromName];
}

const SURROGATE = /[\ud800-\udfff]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** The text as it reads back from UTF-8 (a lone surrogate becomes U+FFFD): stored and in-memory agree. */
function wellFormed(text: string): string {
  return SURROGATE.test(text) ? text.replace(LONE_SURROGATE, '\ufffd') : text;
}

function columnsOf(entries: readonly HeaderEntry[]): Columns {
  const n = entries.length;
  const subjects: string[] = [];
  const ids: string[] = [];
  const details: Buffer[] = [];
  const subjectOffsets = new Uint32Array(n + 1);
  const idOffsets = new Uint32Array(n + 1);
  const detailOffsets = new Uint32Array(n + 1);
  const cols = {
    count: n,
    receivedTime: new Float64Array(n),
    commitTime: new Float64Array(n),
    thread: threadNumbers(entries),
    epoch: new Int32Array(n),
    blobs: Buffer.alloc(n * 20),
    subjectOffsets,
    idOffsets,
    detailOffsets,
  };
  entries.forEach((e, i) => {
    cols.receivedTime[i] = e.receivedTime;
    cols.commitTime[i] = e.commitTime;
    cols.epoch[i] = e.epoch;
    cols.blobs.write(e.blob, i * 20, 20, 'hex');
    const subject = wellFormed(e.subject);
    subjects.push(subject);
    subjectOffsets[i + 1] = subjectOffsets[i] + subject.length;
    const idJson = JSON.stringify(e.messageIds);
    ids.push(idJson);
    idOffsets[i + 1] = idOffsets[i] + idJson.length;
    const detail = Buffer.from(JSON.stringify(toDetail(e)), 'utf8');
    details.push(detail);
    detailOffsets[i + 1] = detailOffsets[i] + detail.length;
  });
  return { ...cols, subjects: subjects.join(''), ids: ids.join(''), details: Buffer.concat(details) };
}

/** Up to this many Message-ID lookups scan the id text (~0.2 ms each on the corpus); more build a map (~25 ms). */
const ID_SCANS_BEFORE_MAP = 128;

function indexOver(cols: Columns): HeaderIndex {
  const n = cols.count;
  const blobAt = (i: number): string => cols.blobs.toString('hex', i * 20, i * 20 + 20);
  const subjectAt = (i: number): string => cols.subjects.slice(cols.subjectOffsets[i], cols.subjectOffsets[i + 1]);
  const idsAt = (i: number): string[] => JSON.parse(cols.ids.slice(cols.idOffsets[i], cols.idOffsets[i + 1])) as string[];
  const entry = (i: number): HeaderEntry => {
    const d = JSON.parse(cols.details.toString('utf8', cols.detailOffsets[i], cols.detailOffsets[i + 1])) as StoredDetail;
    return {
      epoch: cols.epoch[i],
      commit: d[0],
      blob: blobAt(i),
      commitTime: cols.commitTime[i],
      receivedTime: cols.receivedTime[i],
      date: d[1],
      messageIds: idsAt(i),
      inReplyTo: d[2],
      references: d[3],
      subject: subjectAt(i),
      from: d[4],
      fromName: d[5],
    };
  };
  /** The message whose id text holds character `at`. */
  const positionOfIdChar = (at: number): number => {
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (cols.idOffsets[mid] <= at) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  let scans = 0;
  let byId: Map<string, number[]> | null = null;
  const positionsOfId = (id: string): number[] => {
    if (byId) return byId.get(id) ?? [];
    if (++scans > ID_SCANS_BEFORE_MAP) {
      byId = new Map();
      for (let i = 0; i < n; i++)
        for (const mid of idsAt(i)) {
          const list = byId.get(mid);
          if (list) list.push(i);
          else byId.set(mid, [i]);
        }
      return byId.get(id) ?? [];
    }
    // A few lookups (a week's report): find the id's JSON text, then confirm on the parsed list.
    const needle = JSON.stringify(id);
    const out: number[] = [];
    for (let at = cols.ids.indexOf(needle); at >= 0; at = cols.ids.indexOf(needle, at + 1)) {
      const i = positionOfIdChar(at);
      if (out[out.length - 1] !== i && idsAt(i).includes(id)) out.push(i);
    }
    return out;
  };
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
    subjectAt,
    *entries() {
      for (let i = 0; i < n; i++) yield entry(i);
    },
    byMessageId: (id) => positionsOfId(id).map(entry),
    positionsOf: (id) => positionsOfId(id),
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
      await saveStored(file, encode({ version: HEADER_INDEX_VERSION, epochs: epochsOut, count: 0, subjectBytes: 0, idBytes: 0, detailBytes: 0 }, cols));
    }
    return indexOver(cols);
  } finally {
    await Promise.all(opened.map((c) => c?.close()));
  }
}
