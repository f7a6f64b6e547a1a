// Raw messages -> Mail[] in bulk: parsed results come from the persistent cache when the same
// bytes were parsed before (by the same parser version), the rest are parsed by worker threads
// when there are many (the whole corpus: ~0.6 ms of mailparser per message), inline otherwise.
// Output order follows the input; a message that cannot be parsed lands in `unparsed`.

import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ParsedMail } from './mail.js';
import { MAIL_PARSER_VERSION } from './mailParserVersion.js';
import { decodeParsedMail, encodeParsedMail } from './parseBatchCodec.js';
import { openParseCache, parseCacheKey, type PackWriter } from './parseBatchCache.js';
import type { ParseTask, WorkerAnswer } from './parseWorkerProtocol.js';
import { unparsedMail } from './unparsedMail.js';
import type { Logger, Mail, ProgressFn, RawMessage, UnparsedMail } from './types.js';

export interface ParseBatchOptions {
  /** Parsed-mail cache location; null or undefined parses everything. */
  cacheDir?: string | null;
  signal?: AbortSignal;
  progress?: ProgressFn;
  /** Worker threads for large batches (default: available cores; 0 or 1 parses inline unless `isolate`). */
  workers?: number;
  logger?: Logger;
  /**
   * Let the batch drop each message's bytes once they are handed to a parser: `raws` is emptied
   * (the whole corpus is 200 MB of raw mail that need not outlive its parsing). Default false.
   */
  consume?: boolean;
  /** The parser for inline parsing (tests count calls through it); workers always use parseMail. */
  parse?: (raw: RawMessage) => Promise<ParsedMail>;
  /**
   * Parse even a small batch in a worker thread, never on the caller's thread, so that no message
   * can hang the caller (the extension host, a weekly job). Default false: batches below
   * WORKER_THRESHOLD parse inline, which is faster for tests and small tools.
   */
  isolate?: boolean;
  /** A worker that gives no result for this long is replaced; default PARSE_STALL_MS. */
  stallMs?: number;
  /** The worker script (tests substitute one that misbehaves); default parseWorkerScript(). */
  workerScript?: string;
}

/**
 * How long a parse worker may go without a result before it is stopped and the message it was on
 * is kept as unparsed. Longer than mail.ts's own budget for mailparser (MAIL_PARSE_BUDGET_MS), so
 * a parser that is merely waiting is reported by that budget; this catches one that spins.
 */
export const PARSE_STALL_MS = 20_000;

export interface ParseBatchResult {
  mails: Mail[];
  unparsed: UnparsedMail[];
}

/** Below this many messages to parse, starting workers costs more than it saves. */
const WORKER_THRESHOLD = 400;
const TASK_SIZE = 48;

/** The worker script next to this module: the bundled .js in dist/, the .ts source under tsx. */
export function parseWorkerScript(): string | null {
  for (const name of ['parseBatchWorker.js', 'parseBatchWorker.ts']) {
    const file = path.join(path.dirname(__filename), name);
    if (existsSync(file)) return file;
  }
  return null;
}

/** A worker on the script; a TypeScript source (tests, bench under tsx) gets tsx's CJS hook. */
function startWorker(script: string): Worker {
  if (!script.endsWith('.ts')) return new Worker(script);
  const bootstrap = `require('tsx/cjs'); require(${JSON.stringify(script)});`;
  return new Worker(bootstrap, { eval: true });
}

/** Called with each result (encodeParsedMail's JSON) by its position in the batch. */
type OnResult = (position: number, json: string) => void;

async function parseInline(raws: Array<RawMessage | null>, options: ParseBatchOptions, onResult: OnResult): Promise<void> {
  // mailparser is loaded only when something is left to parse (a warm run parses nothing).
  // require, not import(): the same lazy load in the bundles and under tsx's CommonJS hook alone
  // (a worker thread of the test harness), where import() of a .ts source cannot be resolved.
  const parse = options.parse ?? (require('./mail.js') as typeof import('./mail.js')).parseMail;
  for (let i = 0; i < raws.length; i++) {
    options.signal?.throwIfAborted();
    const raw = raws[i]!;
    if (options.consume) raws[i] = null;
    onResult(i, encodeParsedMail(await parse({ raw: raw.raw, commitTime: raw.commitTime, origin: raw.origin })));
  }
}

/** Called when a worker died or stalled on the message at `position` (its bytes given back). */
type OnLost = (position: number, item: ParseTask['items'][number], reason: string) => void;

interface WorkerSlot {
  worker: Worker;
  ready: boolean;
  retired: boolean;
  /** The task in flight; its bytes are kept until it is answered, in case it has to be resent. */
  task: ParseTask | null;
  /** Results received for the task in flight. */
  done: number;
  timer: NodeJS.Timeout | null;
}

/**
 * Parses in `count` worker threads, each fed one task at a time. A watchdog stops a worker that
 * gives no result for `stallMs` (a parser spinning in a synchronous loop cannot be interrupted any
 * other way) or that dies: the message it was on is lost to "unparsed", the rest of its task goes
 * back to the queue, and a fresh worker takes over. A worker that fails before it is ready fails
 * the batch (a broken installation, not a hostile message).
 */
async function parseInWorkers(
  raws: Array<RawMessage | null>,
  count: number,
  script: string,
  stallMs: number,
  options: ParseBatchOptions,
  onResult: OnResult,
  onLost: OnLost,
): Promise<void> {
  const queue: ParseTask[] = [];
  for (let i = 0; i < raws.length; i += TASK_SIZE) {
    queue.push({
      id: i,
      items: raws.slice(i, i + TASK_SIZE).map((r) => ({ raw: r!.raw, commitTime: r!.commitTime, origin: r!.origin })),
    });
  }
  // The tasks hold the bytes now; each is let go once its task is answered.
  if (options.consume) raws.fill(null);
  let remaining = raws.length;
  const slots: WorkerSlot[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const fail = (err: Error): void => {
        if (settled) return;
        settled = true;
        options.signal?.removeEventListener('abort', onAbort);
        reject(err);
      };
      const countDown = (n: number): void => {
        remaining -= n;
        if (remaining === 0 && !settled) {
          settled = true;
          options.signal?.removeEventListener('abort', onAbort);
          resolve();
        }
      };
      const onAbort = (): void => fail(options.signal!.reason instanceof Error ? options.signal!.reason : new Error('aborted'));
      if (options.signal?.aborted) return onAbort();
      options.signal?.addEventListener('abort', onAbort, { once: true });

      const arm = (slot: WorkerSlot): void => {
        if (slot.timer) clearTimeout(slot.timer);
        slot.timer = setTimeout(() => retire(slot, `the parser gave no result within ${stallMs} ms`, 'stalled'), stallMs);
      };
      const feed = (slot: WorkerSlot): void => {
        if (settled || slot.retired || !slot.ready || slot.task) return;
        const task = queue.shift();
        if (!task) return;
        slot.task = task;
        slot.done = 0;
        slot.worker.postMessage(task);
        arm(slot);
      };
      // A stall (no result for stallMs) is the message after the last result: every earlier result
      // arrived long ago. A death is not so clear: results the worker posted just before it died
      // can still be on their way when 'error' or 'exit' arrives. So the unanswered messages of a
      // task that died are resent one per task, and a worker that dies on a task of one message
      // has found the culprit.
      const retire = (slot: WorkerSlot, reason: string, how: 'stalled' | 'died'): void => {
        if (slot.retired || settled) return;
        slot.retired = true;
        if (slot.timer) clearTimeout(slot.timer);
        void slot.worker.terminate();
        if (!slot.ready) return fail(new Error(`parse worker failed to start: ${reason}`));
        const task = slot.task;
        slot.task = null;
        if (task && slot.done < task.items.length) {
          const first = task.id + slot.done;
          const unanswered = task.items.slice(slot.done);
          if (how === 'stalled' || unanswered.length === 1) {
            if (unanswered.length > 1) queue.unshift({ id: first + 1, items: unanswered.slice(1) });
            try {
              onLost(first, unanswered[0], reason);
            } catch (err) {
              return fail(err as Error);
            }
            countDown(1);
          } else {
            queue.unshift(...unanswered.map((item, k) => ({ id: first + k, items: [item] })));
          }
        }
        if (!settled && queue.length > 0) spawn();
      };
      const spawn = (): void => {
        const slot: WorkerSlot = { worker: startWorker(script), ready: false, retired: false, task: null, done: 0, timer: null };
        slots.push(slot);
        slot.worker.on('message', (answer: WorkerAnswer) => {
          if (slot.retired || settled) return;
          if (answer.type === 'ready') {
            slot.ready = true;
            return feed(slot);
          }
          const task = slot.task;
          if (!task || answer.id !== task.id) return;
          if (answer.type === 'error') return fail(new Error(`parse worker: ${answer.error}`));
          if (answer.index !== slot.done) return fail(new Error(`parse worker answered item ${answer.index}, expected ${slot.done}`));
          try {
            onResult(task.id + answer.index, answer.json);
          } catch (err) {
            return fail(err as Error);
          }
          slot.done++;
          if (slot.done === task.items.length) {
            if (slot.timer) clearTimeout(slot.timer);
            slot.timer = null;
            slot.task = null;
            feed(slot);
          } else arm(slot);
          countDown(1);
        });
        slot.worker.on('error', (err) => retire(slot, `the parser crashed: ${err.message}`, 'died'));
        slot.worker.on('exit', (code) => retire(slot, `the parser exited with code ${code}`, 'died'));
      };
      for (let k = 0; k < count; k++) spawn();
    });
  } finally {
    for (const slot of slots) {
      slot.retired = true;
      if (slot.timer) clearTimeout(slot.timer);
    }
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }
}

/** Parses raw messages (cache first, then workers or inline), in input order. */
export async function parseRawMessages(raws: RawMessage[], options: ParseBatchOptions = {}): Promise<ParseBatchResult> {
  const total = raws.length;
  const origins = raws.map((r) => r.origin);
  let done = 0;
  const onDone = (n: number): void => {
    done += n;
    options.progress?.('parse', done, total);
  };
  const parsed: Array<ParsedMail | null> = raws.map((r) => (r.mail ? { ok: true, mail: r.mail } : null));
  const todo: number[] = [];
  parsed.forEach((p, i) => {
    if (!p) todo.push(i);
  });
  onDone(total - todo.length);

  const cache = options.cacheDir ? openParseCache(options.cacheDir, MAIL_PARSER_VERSION, options.logger) : null;
  let missing = todo;
  let keys: string[] = [];
  if (cache) {
    keys = raws.map((r, i) => (parsed[i] ? '' : parseCacheKey(r)));
    const positions = new Map<string, number[]>();
    for (const i of todo) {
      const list = positions.get(keys[i]);
      if (list) list.push(i);
      else positions.set(keys[i], [i]);
    }
    let hits = 0;
    await cache.lookup([...positions.keys()], (key, json) => {
      let value: ParsedMail;
      try {
        value = decodeParsedMail(json);
      } catch {
        return; // a damaged entry is parsed again
      }
      const list = positions.get(key) ?? [];
      list.forEach((i, k) => {
        // The same bytes twice in one batch: each copy gets its own object.
        parsed[i] = k === 0 ? value : decodeParsedMail(json);
      });
      hits += list.length;
    });
    missing = todo.filter((i) => !parsed[i]);
    onDone(hits);
  }
  options.signal?.throwIfAborted();

  if (missing.length) {
    const batch: Array<RawMessage | null> = missing.map((i) => raws[i]);
    if (options.consume) raws.length = 0;
    const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
    const tasks = Math.ceil(batch.length / TASK_SIZE);
    // Workers for any batch when the caller asks for isolation (at least one); otherwise only for a
    // batch large enough to share between two or more of them.
    const wanted = Math.max(1, Math.min(options.workers ?? cores, tasks));
    const wantWorkers = !options.parse && (options.isolate === true || (batch.length >= WORKER_THRESHOLD && wanted > 1));
    const script = wantWorkers ? (options.workerScript ?? parseWorkerScript()) : null;
    if (wantWorkers && !script) options.logger?.warn('parse worker script not found; parsing on the main thread');
    let writer: PackWriter | null = null;
    if (cache) {
      try {
        writer = cache.writer();
      } catch (err) {
        options.logger?.warn(`parse cache not written: ${(err as Error).message}`);
      }
    }
    const onResult: OnResult = (position, json) => {
      parsed[missing[position]] = decodeParsedMail(json);
      if (writer) {
        try {
          writer.add(keys[missing[position]], json);
        } catch (err) {
          options.logger?.warn(`parse cache not written: ${(err as Error).message}`);
          writer.abort();
          writer = null;
        }
      }
      onDone(1);
    };
    // A message a worker stalled or died on: kept as unparsed, and not cached (a stall can be the
    // machine's, not the message's; the next run tries it again).
    const onLost: OnLost = (position, item, reason) => {
      const at = missing[position];
      parsed[at] = { ok: false, unparsed: unparsedMail(item, reason) };
      options.logger?.warn(`message ${item.origin ?? `#${at}`} kept unparsed: ${reason}`);
      onDone(1);
    };
    try {
      if (script) await parseInWorkers(batch, wanted, script, options.stallMs ?? PARSE_STALL_MS, options, onResult, onLost);
      else await parseInline(batch, options, onResult);
    } catch (err) {
      (writer as PackWriter | null)?.abort();
      throw err;
    }
    if (writer && cache) {
      try {
        (writer as PackWriter).finish();
        await cache.tidy();
      } catch (err) {
        options.logger?.warn(`parse cache not written: ${(err as Error).message}`);
      }
    }
  }

  if (options.consume) raws.length = 0;
  const mails: Mail[] = [];
  const unparsed: UnparsedMail[] = [];
  parsed.forEach((p, i) => {
    const origin = origins[i];
    if (!p) return;
    if (p.ok) {
      if (origin !== undefined) p.mail.origin = origin;
      else delete p.mail.origin;
      mails.push(p.mail);
    } else {
      if (origin !== undefined) p.unparsed.origin = origin;
      unparsed.push(p.unparsed);
    }
  });
  return { mails, unparsed };
}
