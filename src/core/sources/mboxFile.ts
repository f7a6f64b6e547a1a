// The mbox file source: an `.mbox` or `.mbox.gz` (mboxrd, as `lei q` and `b4 mbox` write). It
// returns every message of the file; the pipeline keeps the threads holding in-window messages.

import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { splitMboxrd } from '../mbox.js';
import type { FetchOptions, MailSource, RawMessage, Window } from '../types.js';
import { DEFAULT_LIST_URL } from './gitMirror.js';

export interface MboxFileOptions {
  path: string;
  listUrl?: string;
}

/** True when the file starts with the gzip magic bytes. */
export async function isGzipFile(file: string): Promise<boolean> {
  const fh = await open(file, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await fh.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

/** Every message of an mbox file (gzipped or not), in file order. */
export async function readMboxFile(file: string, options: FetchOptions = {}): Promise<RawMessage[]> {
  const gz = await isGzipFile(file);
  const input = createReadStream(file, { signal: options.signal });
  const stream = gz ? input.pipe(createGunzip()) : input;
  if (gz) input.on('error', (err) => stream.destroy(err));
  const out: RawMessage[] = [];
  try {
    for await (const raw of splitMboxrd(stream as AsyncIterable<Buffer>)) {
      out.push({ raw, origin: `${file}#${out.length + 1}` });
      if (out.length % 1000 === 0) options.progress?.('read', out.length);
    }
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (gz && (e.code === 'Z_BUF_ERROR' || e.code === 'Z_DATA_ERROR' || /unexpected end/i.test(e.message))) {
      throw new Error(`${file} is a truncated or corrupt gzip file (${e.message})`);
    }
    throw err;
  }
  options.progress?.('read', out.length, out.length);
  return out;
}

export function createMboxFileSource(options: MboxFileOptions): MailSource {
  const listUrl = options.listUrl ?? DEFAULT_LIST_URL;
  return {
    description: `mbox ${options.path}`,
    listUrl: listUrl.endsWith('/') ? listUrl : listUrl + '/',
    fetchWindow: (_window: Window, fetchOptions: FetchOptions) => readMboxFile(options.path, fetchOptions),
  };
}
