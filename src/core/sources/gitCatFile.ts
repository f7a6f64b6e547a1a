// One long-lived `git cat-file --batch` per repository: requests are written to its stdin as they
// come and answers are read back in order, so reading thousands of blobs costs one process, not
// one per message.

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

export interface GitObject {
  oid: string;
  type: string;
  data: Buffer;
}

export interface GitCatFile {
  /** One object by oid or any rev (`HEAD`, `<commit>:m`); null when git says it is missing. */
  read(spec: string): Promise<GitObject | null>;
  /** Several objects, pipelined, in the order asked. */
  readMany(specs: readonly string[]): Promise<Array<GitObject | null>>;
  /** Ends the process; pending reads are rejected. Safe to call twice. */
  close(): Promise<void>;
}

interface Pending {
  spec: string;
  resolve(obj: GitObject | null): void;
  reject(err: Error): void;
}

/** Starts `git --git-dir=<gitDir> cat-file --batch`. */
export function openGitCatFile(gitDir: string, options: { gitBinary?: string } = {}): GitCatFile {
  const child: ChildProcessWithoutNullStreams = spawn(options.gitBinary ?? 'git', ['--git-dir=' + gitDir, 'cat-file', '--batch'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const queue: Pending[] = [];
  let failure: Error | null = null;
  let closed = false;
  let stderr = '';

  // Reader state: either waiting for a header line, or filling a body of known size.
  let head: Buffer[] = [];
  let body: Buffer | null = null;
  let bodyFilled = 0;
  let bodyMeta: { oid: string; type: string } | null = null;

  const fail = (err: Error): void => {
    if (!failure) failure = err;
    while (queue.length) queue.shift()!.reject(failure);
  };

  const onHeader = (line: string): void => {
    const current = queue[0];
    if (!current) {
      fail(new Error(`git cat-file: unexpected output "${line}"`));
      return;
    }
    const parts = line.split(' ');
    if (parts.length === 2 && (parts[1] === 'missing' || parts[1] === 'ambiguous')) {
      queue.shift()!.resolve(null);
      return;
    }
    if (parts.length !== 3 || !/^[0-9]+$/.test(parts[2])) {
      fail(new Error(`git cat-file: unexpected header "${line}"`));
      return;
    }
    // +1 for the newline git writes after every object.
    body = Buffer.allocUnsafe(Number(parts[2]) + 1);
    bodyFilled = 0;
    bodyMeta = { oid: parts[0], type: parts[1] };
  };

  child.stdout.on('data', (chunk: Buffer) => {
    let pos = 0;
    while (pos < chunk.length && !failure) {
      if (body) {
        const n = Math.min(body.length - bodyFilled, chunk.length - pos);
        chunk.copy(body, bodyFilled, pos, pos + n);
        bodyFilled += n;
        pos += n;
        if (bodyFilled === body.length) {
          const data = body.subarray(0, body.length - 1);
          const meta = bodyMeta!;
          body = null;
          bodyMeta = null;
          queue.shift()!.resolve({ oid: meta.oid, type: meta.type, data });
        }
        continue;
      }
      const nl = chunk.indexOf(0x0a, pos);
      if (nl < 0) {
        head.push(chunk.subarray(pos));
        break;
      }
      head.push(chunk.subarray(pos, nl));
      const line = Buffer.concat(head).toString('utf8');
      head = [];
      pos = nl + 1;
      onHeader(line);
    }
  });
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < 4096) stderr += chunk.toString('utf8');
  });
  child.on('error', (err) => fail(new Error(`git cat-file could not start in ${gitDir}: ${err.message}`)));
  child.on('close', (code) => {
    closed = true;
    if (queue.length) fail(new Error(`git cat-file exited (${code}) in ${gitDir}: ${stderr.trim() || 'no message'}`));
  });
  child.stdin.on('error', (err) => fail(new Error(`git cat-file: ${err.message}`)));

  const read = (spec: string): Promise<GitObject | null> => {
    if (failure) return Promise.reject(failure);
    if (closed) return Promise.reject(new Error('git cat-file is closed'));
    if (/[\r\n]/.test(spec)) return Promise.reject(new Error('git cat-file: a spec cannot hold a newline'));
    return new Promise((resolve, reject) => {
      queue.push({ spec, resolve, reject });
      child.stdin.write(spec + '\n');
    });
  };

  return {
    read,
    readMany: (specs) => Promise.all(specs.map(read)),
    close: () =>
      new Promise<void>((resolve) => {
        if (closed) return resolve();
        child.once('close', () => resolve());
        child.stdin.end();
      }),
  };
}
