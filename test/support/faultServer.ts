// A loopback HTTP server that answers like a public-inbox archive going wrong: a gzip stream cut in
// half, a connection reset mid-stream, a stall after the headers, 429 with Retry-After, 5xx, a gzip
// bomb. Each request takes the next fault of a script (the last one repeats), so "5xx then
// success" is a script of two. Listens on 127.0.0.1 only.

import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gzipSync } from 'node:zlib';

export type Fault =
  /** 200 with the whole body (gzipped when `gzip`, the default). */
  | { kind: 'ok'; body: Buffer; gzip?: boolean }
  /** 200, the first `fraction` of the gzip stream, then a clean end of the response. */
  | { kind: 'truncatedGzip'; body: Buffer; fraction?: number }
  /** 200, the first `fraction` of the gzip stream, then the TCP connection is reset. */
  | { kind: 'reset'; body: Buffer; fraction?: number }
  /** 200 and the headers (and `prefix` bytes of the gzip stream), then nothing until the client gives up. */
  | { kind: 'stall'; body?: Buffer; prefixBytes?: number }
  /** Any status with optional headers and no body, e.g. 429 + Retry-After, 500, 503. */
  | { kind: 'status'; status: number; headers?: Record<string, string> }
  /** 200 and a small gzip stream that inflates to `inflatedBytes` of zeros (multi-member gzip). */
  | { kind: 'bomb'; inflatedBytes: number };

export interface FaultServer {
  /** Base URL of the fake inbox, ending in '/'. */
  url: string;
  /** Requests seen so far, with their arrival time (ms since start). */
  requests: Array<{ method: string; url: string; at: number }>;
  /** Replaces the script (and restarts it at its first fault). */
  script(faults: Fault[]): void;
  close(): Promise<void>;
}

const BOMB_MEMBER_BYTES = 16 * 1024 * 1024;
let bombMember: Buffer | null = null;

/** One gzip member of 16 MiB of zeros (~16 KiB on the wire); members repeat to make a bomb. */
function bombChunk(): Buffer {
  bombMember ??= gzipSync(Buffer.alloc(BOMB_MEMBER_BYTES), { level: 9 });
  return bombMember;
}

function cut(body: Buffer, fraction: number): Buffer {
  return body.subarray(0, Math.max(1, Math.floor(body.length * fraction)));
}

export async function startFaultServer(initial: Fault[] = []): Promise<FaultServer> {
  let faults = initial;
  let next = 0;
  const started = Date.now();
  const requests: FaultServer['requests'] = [];
  const sockets = new Set<Socket>();

  const server = http.createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', at: Date.now() - started });
    req.resume();
    const fault = faults[Math.min(next, faults.length - 1)];
    next++;
    if (!fault) {
      res.writeHead(500).end();
      return;
    }
    switch (fault.kind) {
      case 'ok': {
        const data = fault.gzip === false ? fault.body : gzipSync(fault.body);
        res.writeHead(200, { 'content-type': fault.gzip === false ? 'application/mbox' : 'application/gzip', 'content-length': data.length });
        res.end(data);
        return;
      }
      case 'truncatedGzip': {
        res.writeHead(200, { 'content-type': 'application/gzip' });
        res.end(cut(gzipSync(fault.body), fault.fraction ?? 0.5));
        return;
      }
      case 'reset': {
        res.writeHead(200, { 'content-type': 'application/gzip' });
        res.write(cut(gzipSync(fault.body), fault.fraction ?? 0.5), () => {
          setTimeout(() => req.socket.resetAndDestroy(), 20);
        });
        return;
      }
      case 'stall': {
        res.writeHead(200, { 'content-type': 'application/gzip' });
        if (fault.body && fault.prefixBytes) res.write(gzipSync(fault.body).subarray(0, fault.prefixBytes));
        else res.flushHeaders();
        return; // never ends: the client's timer must fire
      }
      case 'status': {
        res.writeHead(fault.status, fault.headers ?? {});
        res.end();
        return;
      }
      case 'bomb': {
        res.writeHead(200, { 'content-type': 'application/gzip' });
        const member = bombChunk();
        let left = Math.ceil(fault.inflatedBytes / BOMB_MEMBER_BYTES);
        const pump = (): void => {
          while (left > 0) {
            left--;
            if (!res.write(member)) {
              res.once('drain', pump);
              return;
            }
          }
          res.end();
        };
        res.on('error', () => undefined);
        pump();
        return;
      }
    }
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/kvmarm/`,
    requests,
    script(f) {
      faults = f;
      next = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
