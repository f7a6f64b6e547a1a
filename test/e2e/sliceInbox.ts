// A public-inbox v2 inbox holding a slice of the kvmarm corpus (commits whose time falls in a
// range), built once into the e2e cache, and a public-inbox-httpd serving it on 127.0.0.1.
// The corpus is read in place from ../shared/corpus; nothing from it enters the repository.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export interface SliceOptions {
  bundle: string;
  cacheDir: string;
  /** Commit time range [from, to) in epoch seconds. */
  from: number;
  to: number;
}

export interface Inbox {
  dir: string;
  piConfig: string;
  home: string;
  messages: number;
}

function sh(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env, input?: Buffer): string {
  return execFileSync(cmd, args, { env, input, maxBuffer: 1 << 30, encoding: 'utf8', stdio: [input ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
}

/** Builds (or reuses) the slice inbox. Idempotent per (bundle, range). */
export function buildSliceInbox(o: SliceOptions): Inbox {
  const base = join(o.cacheDir, `inbox-${o.from}-${o.to}`);
  const dir = join(base, 'kvmarm');
  const piConfig = join(base, 'config');
  const home = join(base, 'home');
  const done = join(base, '.done');
  if (existsSync(done)) {
    return { dir, piConfig, home, messages: Number(sh('git', ['--git-dir', join(dir, 'git/0.git'), 'rev-list', '--count', 'HEAD']).trim()) };
  }
  rmSync(base, { recursive: true, force: true });
  mkdirSync(home, { recursive: true });
  const mirror = join(o.cacheDir, 'corpus.git');
  if (!existsSync(join(mirror, 'HEAD'))) sh('git', ['clone', '-q', '--mirror', o.bundle, mirror]);

  // Commits in the range, oldest first. The whole history is walked: commit times are not monotonic.
  const commits = sh('git', ['--git-dir', mirror, 'log', '--reverse', '--format=%H %ct'])
    .trim()
    .split('\n')
    .map((l) => l.split(' '))
    .filter(([, ct]) => Number(ct) >= o.from && Number(ct) < o.to)
    .map(([h, ct]) => ({ h: h!, ct: Number(ct) }));

  const env = { ...process.env, PI_CONFIG: piConfig, HOME: home };
  sh('public-inbox-init', ['-V2', '-L', 'medium', 'kvmarm', dir, 'http://127.0.0.1/kvmarm', 'kvmarm@lists.cs.columbia.edu'], env);
  const epoch = join(dir, 'git/0.git');
  rmSync(epoch, { recursive: true, force: true });
  sh('git', ['init', '-q', '--bare', epoch]);

  // One commit per message, tree = the single file "m", times kept (the git source's fallback).
  const chunks: Buffer[] = [];
  const raw = execFileSync('git', ['--git-dir', mirror, 'cat-file', '--batch'], { input: commits.map((c) => `${c.h}:m\n`).join(''), maxBuffer: 1 << 30 });
  let pos = 0;
  let mark = 1;
  for (const c of commits) {
    const nl = raw.indexOf(0x0a, pos);
    const header = raw.subarray(pos, nl).toString('latin1');
    const size = Number(header.split(' ')[2]);
    const blob = raw.subarray(nl + 1, nl + 1 + size);
    pos = nl + 1 + size + 1;
    chunks.push(Buffer.from(`blob\nmark :${mark}\ndata ${blob.length}\n`), blob, Buffer.from('\n'));
    chunks.push(
      Buffer.from(
        `commit refs/heads/master\nauthor kvmarm <kvmarm@example.org> ${c.ct} +0000\ncommitter kvmarm <kvmarm@example.org> ${c.ct} +0000\ndata 0\nM 100644 :${mark} m\n\n`,
      ),
    );
    mark++;
  }
  execFileSync('git', ['--git-dir', epoch, 'fast-import', '--quiet'], { input: Buffer.concat(chunks), maxBuffer: 1 << 30 });
  sh('public-inbox-index', [dir], env);
  writeFileSync(done, String(commits.length));
  return { dir, piConfig, home, messages: commits.length };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export interface Httpd {
  url: string;
  stop(): void;
}

export async function startHttpd(inbox: Inbox): Promise<Httpd> {
  const port = await freePort();
  const child: ChildProcess = spawn('public-inbox-httpd', ['-l', `http://127.0.0.1:${port}`], {
    env: { ...process.env, PI_CONFIG: inbox.piConfig, HOME: inbox.home },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
  const url = `http://127.0.0.1:${port}/kvmarm/`;
  for (let i = 0; i < 100; i++) {
    try {
      const r = await fetch(url);
      if (r.status < 500) return { url, stop: () => child.kill('SIGTERM') };
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`public-inbox-httpd did not start: ${stderr}`);
}
