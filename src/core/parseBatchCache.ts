// The persistent parsed-mail cache: parsed results (ParsedMail as JSON) keyed by the message's
// content hash and the parser version, so a warm weekly run does not parse again. Stored as
// append-only pack files (one per run that parsed something new): writing 20,000 small files
// costs seconds, one pack costs one streaming write. A lookup reads each pack's key table, then
// only the bodies it needs, in bounded blocks. Packs are written atomically (temp, fsync, rename);
// a damaged pack is ignored (its messages are parsed again), and a body whose CRC-32 does not match
// the table is a miss, never a wrong answer; many packs are merged into one.

import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { open, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import type { Logger, RawMessage } from './types.js';

const MAGIC = Buffer.from('KVMWPCK\n', 'latin1');
const MAX_PACKS = 16;
/** Bodies are read in blocks of about this size: memory stays flat even for the whole corpus. */
const READ_BLOCK = 16 * 1024 * 1024;

/** The cache key of a message: git's blob id of its bytes, plus the commit time it falls back on. */
export function parseCacheKey(raw: RawMessage): string {
  const hash = createHash('sha1');
  hash.update(`blob ${raw.raw.length}\0`);
  hash.update(raw.raw);
  return `${hash.digest('hex')}:${raw.commitTime ?? ''}`;
}

// A pack: MAGIC, the bodies (UTF-8 JSON) back to back, the key table (JSON), the table's length
// (u32 LE) and MAGIC again. The table goes last so a pack is written in one streaming pass.
interface PackTable {
  file: string;
  keys: string[];
  offsets: number[];
  lengths: number[];
  /** CRC-32 of each body (packs written before checksums have none). */
  sums: number[] | null;
}

async function readTable(file: string): Promise<PackTable> {
  const fh = await open(file, 'r');
  try {
    const st = await fh.stat();
    const tail = Buffer.alloc(4 + MAGIC.length);
    if (st.size < MAGIC.length + tail.length) throw new Error('too short');
    await fh.read(tail, 0, tail.length, st.size - tail.length);
    if (!tail.subarray(4).equals(MAGIC)) throw new Error('truncated pack');
    const tableLen = tail.readUInt32LE(0);
    const tableAt = st.size - tail.length - tableLen;
    if (tableAt < MAGIC.length) throw new Error('bad table length');
    const tableBuf = Buffer.alloc(tableLen);
    await fh.read(tableBuf, 0, tableLen, tableAt);
    const table = JSON.parse(tableBuf.toString('utf8')) as { keys: string[]; lengths: number[]; sums?: number[] };
    if (!Array.isArray(table.keys) || !Array.isArray(table.lengths) || table.keys.length !== table.lengths.length) throw new Error('bad table');
    if (table.sums !== undefined && (!Array.isArray(table.sums) || table.sums.length !== table.keys.length)) throw new Error('bad table checksums');
    const offsets: number[] = [];
    let at = MAGIC.length;
    for (const len of table.lengths) {
      offsets.push(at);
      at += len;
    }
    if (at !== tableAt) throw new Error('table does not match the bodies');
    return { file, keys: table.keys, offsets, lengths: table.lengths, sums: table.sums ?? null };
  } finally {
    await fh.close();
  }
}

/** Writes one pack in a single pass, atomically (temp file, then rename). */
export interface PackWriter {
  add(key: string, json: string): void;
  /** Finishes the pack; returns its path, or null when nothing was added. */
  finish(): string | null;
  abort(): void;
}

function packWriter(dir: string): PackWriter {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${Date.now().toString(36)}-${randomBytes(6).toString('hex')}.pack`);
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, 'w');
  writeSync(fd, MAGIC);
  const keys: string[] = [];
  const lengths: number[] = [];
  const sums: number[] = [];
  let closed = false;
  const close = (): void => {
    if (!closed) closeSync(fd);
    closed = true;
  };
  return {
    add(key, json) {
      const body = Buffer.from(json, 'utf8');
      writeSync(fd, body);
      keys.push(key);
      lengths.push(body.length);
      sums.push(crc32(body));
    },
    finish() {
      if (keys.length === 0) {
        this.abort();
        return null;
      }
      try {
        const table = Buffer.from(JSON.stringify({ keys, lengths, sums }), 'utf8');
        const len = Buffer.alloc(4);
        len.writeUInt32LE(table.length);
        writeSync(fd, Buffer.concat([table, len, MAGIC]));
        // On disk before the rename makes it visible: a crash never leaves a named, partial pack.
        fsyncSync(fd);
        close();
        renameSync(tmp, file);
        return file;
      } catch (err) {
        this.abort();
        throw err;
      }
    },
    abort() {
      close();
      rmSync(tmp, { force: true });
    },
  };
}

export interface ParseCache {
  /** Calls onHit with the cached JSON of each key found (in no particular order). */
  lookup(keys: readonly string[], onHit: (key: string, json: string) => void): Promise<void>;
  /** A writer for one new pack of results. */
  writer(): PackWriter;
  /** Merges packs when there are many (call after finishing a writer). */
  tidy(): Promise<void>;
}

/** The parse cache under `<cacheDir>/parsed/v<parserVersion>/`. */
export function openParseCache(cacheDir: string, parserVersion: number, logger?: Logger): ParseCache {
  const dir = path.join(cacheDir, 'parsed', `v${parserVersion}`);

  const tables = async (): Promise<PackTable[]> => {
    let names: string[];
    try {
      names = (await readdir(dir)).filter((n) => n.endsWith('.pack')).sort();
    } catch {
      return [];
    }
    const out: PackTable[] = [];
    for (const name of names) {
      try {
        out.push(await readTable(path.join(dir, name)));
      } catch (err) {
        // Another process may be merging packs; a damaged pack is only a cache miss.
        logger?.warn(`parse cache: ignoring ${name} (${(err as Error).message})`);
      }
    }
    return out;
  };

  /** Reads the bodies at the given table positions, in file order, in bounded blocks. */
  const readBodies = async (t: PackTable, hits: number[], onBody: (i: number, json: string) => void): Promise<void> => {
    hits.sort((a, b) => t.offsets[a] - t.offsets[b]);
    const fh = await open(t.file, 'r');
    try {
      let k = 0;
      while (k < hits.length) {
        // A block: consecutive hits whose span stays under READ_BLOCK (at least one hit).
        const first = hits[k];
        const start = t.offsets[first];
        let end = start + t.lengths[first];
        let j = k + 1;
        while (j < hits.length && t.offsets[hits[j]] + t.lengths[hits[j]] - start <= READ_BLOCK) {
          end = t.offsets[hits[j]] + t.lengths[hits[j]];
          j++;
        }
        // Sparse hits: read them one by one rather than the gaps between them.
        const used = hits.slice(k, j).reduce((s, i) => s + t.lengths[i], 0);
        if (used * 2 < end - start) j = k + 1;
        const blockEnd = j === k + 1 ? start + t.lengths[first] : end;
        const buf = Buffer.allocUnsafe(blockEnd - start);
        const { bytesRead } = await fh.read(buf, 0, buf.length, start);
        if (bytesRead !== buf.length) throw new Error('short read');
        for (let m = k; m < j; m++) {
          const i = hits[m];
          const at = t.offsets[i] - start;
          // A body that does not match its checksum (a damaged block) is a miss: parsed again.
          if (t.sums && crc32(buf.subarray(at, at + t.lengths[i])) !== t.sums[i]) continue;
          onBody(i, buf.toString('utf8', at, at + t.lengths[i]));
        }
        k = j;
      }
    } finally {
      await fh.close();
    }
  };

  return {
    async lookup(keys, onHit) {
      if (keys.length === 0) return;
      const wanted = new Set(keys);
      for (const t of await tables()) {
        const hits: number[] = [];
        t.keys.forEach((k, i) => {
          if (wanted.has(k)) hits.push(i);
        });
        if (!hits.length) continue;
        try {
          await readBodies(t, hits, (i, json) => {
            if (!wanted.delete(t.keys[i])) return;
            onHit(t.keys[i], json);
          });
        } catch (err) {
          logger?.warn(`parse cache: cannot read ${t.file} (${(err as Error).message})`);
        }
        if (wanted.size === 0) break;
      }
    },
    writer: () => packWriter(dir),
    async tidy() {
      const all = await tables();
      if (all.length <= MAX_PACKS) return;
      const w = packWriter(dir);
      try {
        const seen = new Set<string>();
        for (const t of all) {
          await readBodies(
            t,
            t.keys.map((_, i) => i),
            (i, json) => {
              if (seen.has(t.keys[i])) return;
              seen.add(t.keys[i]);
              w.add(t.keys[i], json);
            },
          );
        }
        w.finish();
      } catch (err) {
        w.abort();
        throw err;
      }
      await Promise.all(all.map((t) => rm(t.file, { force: true })));
    },
  };
}
