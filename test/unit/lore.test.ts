import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { escapeMboxrd } from '../../src/core/mbox.js';
import { createLoreSource, loreQueryUrl } from '../../src/core/sources/lore.js';
import type { Window } from '../../src/core/types.js';

const WEEK: Window = { since: '2022-11-07T00:00:00Z', until: '2022-11-14T00:00:00Z', tz: 'UTC', isoWeek: '2022-W45' };

function message(id: string, body: string): Buffer {
  return Buffer.from(`Message-ID: <${id}@example.org>\nSubject: test ${id}\nFrom: A <a@example.org>\n\n${body}\n`);
}

const MBOX = Buffer.concat([message('one', 'hello\nFrom the start'), message('two', '>From quoted')].map((m) => escapeMboxrd(m)));

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, n: number) => void;

describe('lore source against a loopback server', () => {
  let server: http.Server;
  let base: string;
  let handler: Handler;
  let requests: Array<{ method?: string; url?: string; ua?: string }> = [];

  before(async () => {
    server = http.createServer((req, res) => {
      requests.push({ method: req.method, url: req.url, ua: req.headers['user-agent'] });
      handler(req, res, requests.length);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/kvmarm/`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  const source = (extra: object = {}) => createLoreSource({ baseUrl: base, retryDelayMs: 5, timeoutMs: 2000, ...extra });

  test('one POST with rt: epoch seconds, half-open window, x=m&t=1, and our User-Agent', async () => {
    requests = [];
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/gzip' });
      res.end(gzipSync(MBOX));
    };
    const raws = await source().fetchWindow(WEEK, {});
    assert.equal(requests.length, 1);
    assert.equal(requests[0].method, 'POST');
    const url = new URL(requests[0].url!, base);
    assert.equal(url.searchParams.get('q'), 'rt:1667779200..1668383999');
    assert.equal(url.searchParams.get('x'), 'm');
    assert.equal(url.searchParams.get('t'), '1');
    assert.match(requests[0].ua!, /^kvmarm-weekly\/\d+\.\d+\.\d+/);
    assert.equal(raws.length, 2);
    assert.match(raws[0].raw.toString(), /^Message-ID: <one@example.org>/);
    assert.match(raws[0].raw.toString(), /\nFrom the start\n$/);
    assert.match(raws[1].raw.toString(), /\n>From quoted\n$/);
  });

  test('fetchThreads GETs each thread as {base}{mid}/t.mbox.gz; an unknown id (404) adds nothing', async () => {
    requests = [];
    handler = (req, res) => {
      if (req.method === 'GET' && req.url === '/kvmarm/one@example.org/t.mbox.gz') {
        res.writeHead(200, { 'content-type': 'application/gzip' });
        res.end(gzipSync(MBOX));
        return;
      }
      res.writeHead(404);
      res.end();
    };
    const raws = await source().fetchThreads!(['one@example.org', 'gone@example.org'], {});
    assert.deepEqual(requests.map((r) => `${r.method} ${r.url}`).sort(), [
      'GET /kvmarm/gone@example.org/t.mbox.gz',
      'GET /kvmarm/one@example.org/t.mbox.gz',
    ]);
    assert.equal(raws.length, 2);
    assert.match(raws[1].raw.toString(), /\n>From quoted\n$/);
  });

  test('404 means no messages', async () => {
    handler = (_req, res) => {
      res.writeHead(404);
      res.end('not found');
    };
    assert.deepEqual(await source().fetchWindow(WEEK, {}), []);
  });

  test('5xx is retried with backoff, then succeeds', async () => {
    requests = [];
    handler = (_req, res, n) => {
      if (n < 3) {
        res.writeHead(503);
        res.end();
        return;
      }
      res.writeHead(200);
      res.end(gzipSync(MBOX));
    };
    const raws = await source({ retries: 3 }).fetchWindow(WEEK, {});
    assert.equal(raws.length, 2);
    assert.equal(requests.length, 3);
  });

  test('retries are bounded: persistent 500 fails after 1 + retries attempts', async () => {
    requests = [];
    handler = (_req, res) => {
      res.writeHead(500);
      res.end();
    };
    await assert.rejects(source({ retries: 2 }).fetchWindow(WEEK, {}), /500.*after 3 attempts/);
    assert.equal(requests.length, 3);
  });

  test('4xx other than 404 is not retried', async () => {
    requests = [];
    handler = (_req, res) => {
      res.writeHead(403);
      res.end();
    };
    await assert.rejects(source({ retries: 3 }).fetchWindow(WEEK, {}), /403/);
    assert.equal(requests.length, 1);
  });

  test('a truncated gzip stream is an error, never a short result', async () => {
    const gz = gzipSync(Buffer.concat(Array.from({ length: 50 }, () => MBOX)));
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/gzip' });
      res.end(gz.subarray(0, Math.floor(gz.length * 0.6)));
    };
    await assert.rejects(source({ retries: 0 }).fetchWindow(WEEK, {}), /truncated or corrupt gzip/);
  });

  test('a connection that breaks mid-body is an error (after bounded retries)', async () => {
    requests = [];
    const gz = gzipSync(MBOX);
    handler = (_req, res) => {
      res.writeHead(200, { 'content-length': String(gz.length * 2) });
      res.write(gz.subarray(0, 10));
      setTimeout(() => res.destroy(), 20);
    };
    await assert.rejects(source({ retries: 1 }).fetchWindow(WEEK, {}));
    assert.equal(requests.length, 2);
  });

  test('a connection refused is retried, then reported', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const src = createLoreSource({ baseUrl: `http://127.0.0.1:${port}/kvmarm/`, retries: 1, retryDelayMs: 5 });
    await assert.rejects(src.fetchWindow(WEEK, {}), /cannot reach .*after 2 attempts/);
  });

  test('a stalled answer times out', async () => {
    handler = (_req, res) => {
      res.writeHead(200);
      res.write(gzipSync(MBOX).subarray(0, 5));
      // never ends
    };
    await assert.rejects(source({ retries: 0, timeoutMs: 200 }).fetchWindow(WEEK, {}), /stalled|within/);
  });

  test('cancellation through an AbortSignal stops the request', async () => {
    handler = () => {
      // never answers
    };
    const controller = new AbortController();
    const pending = source({ timeoutMs: 10_000 }).fetchWindow(WEEK, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('cancelled by user')), 50);
    await assert.rejects(pending, /cancelled by user/);
  });

  test('an uncompressed mboxrd answer is accepted too', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/mbox' });
      res.end(MBOX);
    };
    assert.equal((await source().fetchWindow(WEEK, {})).length, 2);
  });
});

test('listUrl is the base URL with a trailing slash', () => {
  assert.equal(createLoreSource({ baseUrl: 'https://lore.kernel.org/kvmarm' }).listUrl, 'https://lore.kernel.org/kvmarm/');
  assert.equal(loreQueryUrl('https://x/kvmarm', 10, 20), 'https://x/kvmarm/?q=rt%3A10..19&x=m&t=1');
});
