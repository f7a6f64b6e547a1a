// Starts code-server (a real VS Code) on 127.0.0.1 under Node 24, with its own user-data and
// extensions directories, as TESTING.md describes.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './sliceInbox.js';

export interface Harness {
  node24Dir: string;
  harnessDir: string;
}

function env(h: Harness, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, PATH: `${join(h.node24Dir, 'bin')}:${process.env.PATH ?? ''}`, ...extra };
}

function entry(h: Harness): string {
  return join(h.harnessDir, 'node_modules/code-server/out/node/entry.js');
}

export function installExtension(h: Harness, extensionsDir: string, userDataDir: string, vsix: string): void {
  const r = spawnSync(join(h.node24Dir, 'bin/node'), [entry(h), '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--install-extension', vsix, '--force'], {
    env: env(h),
    encoding: 'utf8',
  });
  if (r.status !== 0 || !/successfully installed/i.test(`${r.stdout}${r.stderr}`)) {
    throw new Error(`installing ${vsix} failed: ${r.stdout}${r.stderr}`);
  }
}

export function writeUserSettings(userDataDir: string, settings: Record<string, unknown>): string {
  const dir = join(userDataDir, 'User');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'settings.json');
  writeFileSync(file, JSON.stringify(settings, null, 2));
  return file;
}

export interface RunningCodeServer {
  url: string;
  log: () => string;
  stop(): Promise<void>;
}

export async function startCodeServer(
  h: Harness,
  o: { extensionsDir: string; userDataDir: string; workspace: string; env?: NodeJS.ProcessEnv; locale?: string },
): Promise<RunningCodeServer> {
  const port = await freePort();
  const args = [
    entry(h),
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--extensions-dir', o.extensionsDir,
    '--user-data-dir', o.userDataDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    ...(o.locale ? ['--locale', o.locale] : []),
    o.workspace,
  ];
  const child: ChildProcess = spawn(join(h.node24Dir, 'bin/node'), args, { env: env(h, o.env), stdio: ['ignore', 'pipe', 'pipe'], detached: false });
  let output = '';
  child.stdout?.on('data', (b: Buffer) => (output += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (output += b.toString()));
  const url = `http://127.0.0.1:${port}/`;
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`code-server exited: ${output}`);
    try {
      const r = await fetch(`${url}healthz`);
      if (r.ok) break;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    log: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}
