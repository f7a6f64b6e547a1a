// Runs git for "Apply Series to Workspace": `git am -3` with the series mbox on stdin, and
// `git am --abort` to back out of a conflict. Pure Node (no vscode import).
import { spawn } from 'node:child_process';

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runGit(cwd: string, args: string[], input?: Buffer): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code: code ?? 1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }),
    );
    child.stdin.on('error', () => undefined); // git may exit before reading everything
    child.stdin.end(input ?? Buffer.alloc(0));
  });
}

/** The work tree's top level, or null when `dir` is not inside a git work tree. */
export async function gitTopLevel(dir: string): Promise<string | null> {
  try {
    const r = await runGit(dir, ['rev-parse', '--show-toplevel']);
    return r.code === 0 ? r.stdout.trim() : null;
  } catch {
    return null;
  }
}

/** True while a `git am` session is stopped in the repo (rebase-apply with an "applying" marker). */
export async function amInProgress(repo: string): Promise<boolean> {
  const r = await runGit(repo, ['rev-parse', '--git-path', 'rebase-apply/applying']);
  if (r.code !== 0) return false;
  const { access } = await import('node:fs/promises');
  const { resolve } = await import('node:path');
  try {
    await access(resolve(repo, r.stdout.trim()));
    return true;
  } catch {
    return false;
  }
}

export type ApplyOutcome =
  | { ok: true; applied: number; output: string }
  | { ok: false; stopped: boolean; output: string };

/** `git am -3` the mbox; on failure `stopped` says whether git left an am session to resolve or abort. */
export async function applyMbox(repo: string, mbox: Buffer, patches: number): Promise<ApplyOutcome> {
  const r = await runGit(repo, ['am', '-3', '--quiet'], mbox);
  const output = `${r.stdout}${r.stderr}`.trim();
  if (r.code === 0) return { ok: true, applied: patches, output };
  return { ok: false, stopped: await amInProgress(repo), output };
}

export async function abortAm(repo: string): Promise<GitResult> {
  return runGit(repo, ['am', '--abort']);
}
