// A persistent cache of model summaries, keyed by what the model saw: the thread's content (ids,
// bodies, which messages are in the window), the series facts and category, the model and the
// prompt version. Regenerating a week makes no call for unchanged threads; a thread with a new
// message hashes differently and is summarised again. Entries are written atomically (temp file,
// fsync, rename); an entry that does not read back whole, or whose checksum does not match its
// content (a damaged disk block), is a miss, never an error or a wrong summary.

import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { SummaryInput } from '../types.js';

const ENTRY_FORMAT = 2;

/** Hash of a thread's content: message ids, bodies, and whether each is in the window. */
export function threadContentHash(input: SummaryInput): string {
  const h = createHash('sha256');
  const field = (s: string): void => {
    h.update(String(Buffer.byteLength(s)));
    h.update(':');
    h.update(s);
  };
  field(input.thread.id);
  for (const m of input.thread.messages) {
    field(m.mail.messageId);
    field(m.inWindow ? 'w' : 'e');
    field(m.parentId ?? '');
    field(m.mail.subject.full);
    field(m.mail.text);
    field(m.mail.patch ?? '');
  }
  // What the prompt says besides the messages.
  field(input.category);
  const s = input.series;
  field(
    s === null
      ? ''
      : JSON.stringify([s.title, s.version, s.total, s.state, s.missing, s.appliedTo ?? null, s.reviewers.map((r) => r.address), s.previous.map((p) => p.version)]),
  );
  field(input.window.tz);
  return h.digest('hex');
}

/** The cache key of one thread's summary by one model under one prompt version. */
export function summaryCacheKey(contentHash: string, model: string, promptVersion: string): string {
  return createHash('sha256').update(`${ENTRY_FORMAT}\0${promptVersion}\0${model}\0${contentHash}`).digest('hex');
}

export interface CachedSummary {
  text: string;
  model: string;
  promptVersion: string;
  promptTokens: number;
  completionTokens: number;
  createdAt: string;
}

interface Entry extends CachedSummary {
  format: number;
  key: string;
  /** sha256 over the key and the summary's fields: a flipped byte anywhere makes the entry a miss. */
  sum: string;
}

function entrySum(key: string, v: CachedSummary): string {
  return createHash('sha256')
    .update(JSON.stringify([key, v.text, v.model, v.promptVersion, v.promptTokens, v.completionTokens, v.createdAt]))
    .digest('hex');
}

export interface SummaryCache {
  get(key: string): Promise<CachedSummary | null>;
  set(key: string, value: CachedSummary): Promise<void>;
}

function isEntry(v: unknown, key: string): v is Entry {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Record<string, unknown>;
  return (
    e.format === ENTRY_FORMAT &&
    e.key === key &&
    typeof e.text === 'string' &&
    e.text.length > 0 &&
    typeof e.model === 'string' &&
    typeof e.promptVersion === 'string' &&
    typeof e.promptTokens === 'number' &&
    typeof e.completionTokens === 'number' &&
    typeof e.createdAt === 'string' &&
    e.sum === entrySum(key, e as unknown as CachedSummary)
  );
}

/** A cache under `dir` (one JSON file per entry, fanned out by the key's first two hex digits). */
export function createSummaryCache(dir: string): SummaryCache {
  const pathOf = (key: string): string => join(dir, key.slice(0, 2), `${key}.json`);
  return {
    async get(key) {
      if (!/^[0-9a-f]{64}$/.test(key)) return null;
      let text: string;
      try {
        text = await readFile(pathOf(key), 'utf8');
      } catch {
        return null;
      }
      try {
        const v: unknown = JSON.parse(text);
        if (!isEntry(v, key)) return null;
        const { text: t, model, promptVersion, promptTokens, completionTokens, createdAt } = v;
        return { text: t, model, promptVersion, promptTokens, completionTokens, createdAt };
      } catch {
        return null;
      }
    },
    async set(key, value) {
      if (!/^[0-9a-f]{64}$/.test(key)) throw new Error('summary cache key must be a sha256 hex digest');
      const file = pathOf(key);
      const sub = join(dir, key.slice(0, 2));
      await mkdir(sub, { recursive: true });
      const entry: Entry = { format: ENTRY_FORMAT, key, ...value, sum: entrySum(key, value) };
      const tmp = join(sub, `.${key}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
      const handle = await open(tmp, 'wx', 0o600);
      try {
        await handle.writeFile(JSON.stringify(entry), 'utf8');
        await handle.sync();
      } catch (err) {
        await handle.close().catch(() => undefined);
        await unlink(tmp).catch(() => undefined);
        throw err;
      }
      await handle.close();
      try {
        await rename(tmp, file);
      } catch (err) {
        await unlink(tmp).catch(() => undefined);
        throw err;
      }
    },
  };
}
