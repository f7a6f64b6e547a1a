// Chooses the source from what the user gave: an http(s) URL is a public-inbox server, a
// directory, `.git` repository or git bundle is a git mirror, an mbox (plain or gzipped) is an
// mbox file. Anything else gets a clear error before any work starts.

import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import type { MailSource } from '../types.js';
import { createGitMirrorSource } from './gitMirror.js';
import { createLoreSource } from './lore.js';
import { createMboxFileSource } from './mboxFile.js';

export interface OpenSourceOptions {
  cacheDir?: string | null;
  /** Archive base URL for message links when the source is local. */
  listUrl?: string;
  fetch?: typeof fetch;
}

export type SourceKind = 'lore' | 'git' | 'bundle' | 'mbox';

function fileHead(file: string, bytes: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const n = readSync(fd, buf, 0, bytes, 0);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** What kind of source a spec names; throws a clear error when it names none. */
export function sourceKind(spec: string): SourceKind {
  if (/^https?:\/\//i.test(spec)) return 'lore';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(spec)) throw new Error(`source ${spec}: only http(s) URLs are supported`);
  if (!existsSync(spec)) throw new Error(`source ${spec} does not exist`);
  const st = statSync(spec);
  if (st.isDirectory()) return 'git';
  if (!st.isFile()) throw new Error(`source ${spec} is neither a directory nor a regular file`);
  const head = fileHead(spec, 64);
  const text = head.toString('latin1');
  if (/^# v[23] git bundle\n/.test(text)) return 'bundle';
  if (head.length === 0 || (head[0] === 0x1f && head[1] === 0x8b) || text.startsWith('From ')) return 'mbox';
  throw new Error(
    `source ${spec} is not a recognised source (expected an http(s) URL, a public-inbox directory, a .git repository, a git bundle, or an .mbox/.mbox.gz file)`,
  );
}

/** Opens the source a spec names. */
export function openSource(spec: string, options: OpenSourceOptions = {}): MailSource {
  const kind = sourceKind(spec);
  switch (kind) {
    case 'lore':
      return createLoreSource({ baseUrl: spec, fetch: options.fetch });
    case 'git':
    case 'bundle':
      return createGitMirrorSource({ path: spec, cacheDir: options.cacheDir, listUrl: options.listUrl });
    case 'mbox':
      return createMboxFileSource({ path: spec, listUrl: options.listUrl });
  }
}
