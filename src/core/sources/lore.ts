// The public-inbox HTTP source (lore.kernel.org or any public-inbox-httpd): one search request
// `POST {base}?q=rt:<since>..<until-1>&x=m&t=1` answers the window's messages WITH their complete
// threads as a gzipped mboxrd, streamed here through gunzip and the mboxrd splitter.
// `rt:` ranges are inclusive at both ends (Xapian value ranges) and received times are whole
// seconds, so asking for until-1 gives exactly the half-open window [since, until).

import { createGunzip } from 'node:zlib';
import { splitMboxrd } from '../mbox.js';
import { retryAfterMs } from '../retryAfter.js';
import { messageUrl } from '../report/links.js';
import type { FetchOptions, MailSource, RawMessage, Window } from '../types.js';
import { USER_AGENT } from './userAgent.js';

export interface LoreOptions {
  /** The inbox's base URL, e.g. https://lore.kernel.org/kvmarm/ */
  baseUrl: string;
  fetch?: typeof fetch;
  userAgent?: string;
  /** How long to wait for the answer's headers, and at most between two chunks of its body. */
  timeoutMs?: number;
  /** Further attempts after a connection error or a 5xx answer (default 3). */
  retries?: number;
  /** First backoff delay; doubled on each retry (default 1000 ms). */
  retryDelayMs?: number;
  /** Most bytes the answer may inflate to (default 1 GiB): a gzip bomb is an error, not an OOM. */
  maxBytes?: number;
  /** Longest Retry-After (429/503) honoured; a longer one is an error at once (default 120 s). */
  maxRetryAfterMs?: number;
}

/** A failure worth another attempt: the connection, the server (5xx), or 429 (after `delayMs`). */
class RetryableError extends Error {
  constructor(
    message: string,
    readonly delayMs?: number,
  ) {
    super(message);
  }
}

export { retryAfterMs };

/** The search URL for a window: epoch seconds, inclusive bounds. */
export function loreQueryUrl(baseUrl: string, since: number, until: number): string {
  const base = baseUrl.endsWith('/') ? baseUrl : baseUrl + '/';
  return `${base}?q=${encodeURIComponent(`rt:${since}..${until - 1}`)}&x=m&t=1`;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Gunzips when the bytes are gzip (the usual answer); passes them through otherwise. */
async function* maybeGunzip(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  const it = chunks[Symbol.asyncIterator]();
  let first = await it.next();
  while (!first.done && first.value.length === 0) first = await it.next();
  if (first.done) return;
  const head = Buffer.from(first.value);
  const rest = async function* (): AsyncGenerator<Buffer> {
    yield head;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield Buffer.from(r.value);
    }
  };
  if (!(head[0] === 0x1f && head[1] === 0x8b)) {
    yield* rest();
    return;
  }
  const gunzip = createGunzip();
  // Waits for room in the gunzip, or for its end when our reader stopped early (a size bound, a
  // parse error): then the feed must stop too, or `await feed` below would wait forever.
  const room = (): Promise<void> =>
    new Promise((resolve) => {
      const done = (): void => {
        gunzip.off('drain', done);
        gunzip.off('close', done);
        resolve();
      };
      gunzip.on('drain', done);
      gunzip.on('close', done);
    });
  // Feed the gunzip from the network while we read its output; a truncated stream makes
  // gunzip fail ("unexpected end of file"), which surfaces here as an error, never a short result.
  const feed = (async () => {
    try {
      for await (const chunk of rest()) {
        if (gunzip.destroyed) break;
        if (!gunzip.write(chunk)) await room();
      }
      if (!gunzip.destroyed) gunzip.end();
    } catch (err) {
      gunzip.destroy(err as Error);
    } finally {
      // Stop reading the network body once the gunzip is gone.
      await it.return?.();
    }
  })();
  try {
    for await (const out of gunzip) yield out as Buffer;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'Z_BUF_ERROR' || e.code === 'Z_DATA_ERROR' || /unexpected end/i.test(e.message)) {
      throw new Error(`the archive's answer is a truncated or corrupt gzip stream (${e.message})`);
    }
    throw err;
  } finally {
    await feed;
  }
}

export function createLoreSource(options: LoreOptions): MailSource {
  const doFetch = options.fetch ?? fetch;
  const userAgent = options.userAgent ?? USER_AGENT;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const retries = options.retries ?? 3;
  const retryDelayMs = options.retryDelayMs ?? 1000;
  const maxBytes = options.maxBytes ?? 1024 * 1024 * 1024;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 120_000;
  const base = options.baseUrl.endsWith('/') ? options.baseUrl : options.baseUrl + '/';

  async function attempt(url: string, method: 'POST' | 'GET', fetchOptions: FetchOptions): Promise<RawMessage[]> {
    const controller = new AbortController();
    const outer = fetchOptions.signal;
    const onOuterAbort = (): void => controller.abort(outer!.reason);
    outer?.addEventListener('abort', onOuterAbort, { once: true });
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        timedOut = true;
        controller.abort(new Error(`no answer from ${base} within ${timeoutMs} ms`));
      }, timeoutMs);
    };
    try {
      arm();
      let response: Response;
      try {
        response = await doFetch(url, {
          method,
          headers: { 'User-Agent': userAgent, Accept: 'application/gzip, application/mbox, */*' },
          signal: controller.signal,
        });
      } catch (err) {
        if (outer?.aborted) throw outer.reason;
        throw new RetryableError(timedOut ? `no answer from ${base} within ${timeoutMs} ms` : `cannot reach ${base}: ${(err as Error).message}`);
      }
      if (response.status === 404) {
        await response.body?.cancel();
        return [];
      }
      if (response.status === 429 || response.status >= 500) {
        await response.body?.cancel();
        const wait = retryAfterMs(response.headers.get('retry-after'));
        if (wait !== null && wait > maxRetryAfterMs) {
          throw new Error(`${base} answered ${response.status} and asks to retry after ${Math.round(wait / 1000)} s`);
        }
        throw new RetryableError(`${base} answered ${response.status} ${response.statusText}`, wait ?? undefined);
      }
      if (!response.ok || !response.body) {
        await response.body?.cancel();
        throw new Error(`${base} answered ${response.status} ${response.statusText}`);
      }
      const body = response.body;
      const timed = async function* (): AsyncGenerator<Uint8Array> {
        try {
          for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
            arm();
            yield chunk;
          }
        } catch (err) {
          if (outer?.aborted) throw outer.reason;
          throw new RetryableError(timedOut ? `${base} stalled for ${timeoutMs} ms while sending` : `connection to ${base} broke: ${(err as Error).message}`);
        }
      };
      // A gzip bomb (or an endless answer) stops at maxBytes, before it can exhaust memory.
      const bounded = async function* (chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
        let total = 0;
        for await (const chunk of chunks) {
          total += chunk.length;
          if (total > maxBytes) throw new Error(`the archive's answer inflates past ${maxBytes} bytes; refusing it`);
          yield chunk;
        }
      };
      const out: RawMessage[] = [];
      for await (const raw of splitMboxrd(bounded(maybeGunzip(timed())))) {
        out.push({ raw, origin: `${base}#${out.length + 1}` });
        if (out.length % 100 === 0) fetchOptions.progress?.('download', out.length);
      }
      fetchOptions.progress?.('download', out.length, out.length);
      return out;
    } finally {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onOuterAbort);
    }
  }

  /** One request, retried on connection errors, 429 and 5xx only, with backoff. */
  async function withRetries(url: string, method: 'POST' | 'GET', fetchOptions: FetchOptions): Promise<RawMessage[]> {
    for (let n = 0; ; n++) {
      fetchOptions.signal?.throwIfAborted();
      try {
        return await attempt(url, method, fetchOptions);
      } catch (err) {
        if (!(err instanceof RetryableError) || n >= retries) {
          throw err instanceof RetryableError ? new Error(`${err.message} (after ${n + 1} attempts)`) : err;
        }
        fetchOptions.logger?.warn(`${err.message}; retrying`);
        await sleep(err.delayMs ?? retryDelayMs * 2 ** n, fetchOptions.signal);
      }
    }
  }

  return {
    description: `lore ${base}`,
    listUrl: base,
    searchUrl: base,
    async fetchWindow(window: Window, fetchOptions: FetchOptions): Promise<RawMessage[]> {
      const since = Math.floor(Date.parse(window.since) / 1000);
      const until = Math.floor(Date.parse(window.until) / 1000);
      if (!Number.isFinite(since) || !Number.isFinite(until)) throw new Error(`bad window ${window.since}..${window.until}`);
      if (until <= since) return [];
      return withRetries(loreQueryUrl(base, since, until), 'POST', fetchOptions);
    },
    async fetchThreads(messageIds: string[], fetchOptions: FetchOptions): Promise<RawMessage[]> {
      // public-inbox serves a whole thread as {base}{message-id}/t.mbox.gz (404: no such message);
      // a few requests at a time, in the asked order.
      const answers: RawMessage[][] = new Array(messageIds.length);
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < messageIds.length) {
          const k = next++;
          answers[k] = await withRetries(`${messageUrl(base, messageIds[k])}t.mbox.gz`, 'GET', fetchOptions);
        }
      };
      await Promise.all(Array.from({ length: Math.min(4, messageIds.length) }, worker));
      return answers.flat();
    },
  };
}
