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
import type { ParseAnswer, ParseTask } from './parseBatchWorker.js';
import type { Logger, Mail, ProgressFn, RawMessage, UnparsedMail } from './types.js';

export interface ParseBatchOptions {
  /** Parsed-mail cache location; null or undefined parses everything. */
  cacheDir?: string | null;
  signal?: AbortSignal;
  progress?: ProgressFn;
  /** Worker threads for large batches (default: available cores; 0 or 1 parses inline). */
  workers?: number;
  logger?: Logger;
  /**
   * Let the batch drop each message's bytes once they are handed to a parser: `raws` is emptied
   * (the whole corpus is 200 MB of raw mail that need not outlive its parsing). Default false.
   */
  consume?: boolean;
  /** The parser for inline parsing (tests count calls through it); workers always use parseMail. */
  parse?: (raw: RawMessage) => Promise<ParsedMail>;
}

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
  const parse = options.parse ?? (await import('./mail.js')).parseMail;
  for (let i = 0; i < raws.length; i++) {
    options.signal?.throwIfAborted();
    const raw = raws[i]!;
    if (options.consume) raws[i] = null;
    onResult(i, encodeParsedMail(await parse({ raw: raw.raw, commitTime: raw.commitTime, origin: raw.origin })));
  }
}

async function parseInWorkers(raws: Array<RawMessage | null>, count: number, script: string, options: ParseBatchOptions, onResult: OnResult): Promise<void> {
  const tasks: ParseTask[] = [];
  for (let i = 0; i < raws.length; i += TASK_SIZE) {
    tasks.push({
      id: i,
      items: raws.slice(i, i + TASK_SIZE).map((r) => ({ raw: r!.raw, commitTime: r!.commitTime, origin: r!.origin })),
    });
  }
  // The tasks hold the bytes now; each task lets go of them once posted (see feed).
  if (options.consume) raws.fill(null);
  const workers: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let next = 0;
      let pending = tasks.length;
      let failed = false;
      const fail = (err: Error): void => {
        if (failed) return;
        failed = true;
        reject(err);
      };
      const onAbort = (): void => fail(options.signal!.reason instanceof Error ? options.signal!.reason : new Error('aborted'));
      if (options.signal?.aborted) return onAbort();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const feed = (w: Worker): void => {
        if (failed || next >= tasks.length) return;
        w.postMessage(tasks[next]);
        // postMessage copied the bytes: drop ours so the whole corpus does not sit in memory twice.
        tasks[next++].items = [];
      };
      for (let k = 0; k < count; k++) {
        const w = startWorker(script);
        workers.push(w);
        w.on('message', (answer: ParseAnswer & { error?: string }) => {
          if (answer.error) return fail(new Error(`parse worker: ${answer.error}`));
          try {
            answer.results.forEach((json, j) => onResult(answer.id + j, json));
          } catch (err) {
            return fail(err as Error);
          }
          if (--pending === 0) {
            options.signal?.removeEventListener('abort', onAbort);
            resolve();
          } else feed(w);
        });
        w.on('error', (err) => fail(new Error(`parse worker failed: ${err.message}`)));
        w.on('exit', (code) => {
          if (pending > 0 && code !== 0) fail(new Error(`parse worker exited with code ${code}`));
        });
        feed(w);
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
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
    const wanted = Math.min(options.workers ?? cores, Math.ceil(batch.length / TASK_SIZE));
    const script = wanted > 1 && batch.length >= WORKER_THRESHOLD && !options.parse ? parseWorkerScript() : null;
    if (wanted > 1 && batch.length >= WORKER_THRESHOLD && !script) options.logger?.warn('parse worker script not found; parsing on the main thread');
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
    try {
      if (script) await parseInWorkers(batch, wanted, script, options, onResult);
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
