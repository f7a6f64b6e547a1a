// The commits of a public-inbox epoch with the blob each one adds. Every commit holds one message
// as the file `m`; a removal replaces `m` by `d` (holding the removed message). We walk the WHOLE
// history with `git log --raw`: `--since` would stop at the first out-of-order commit time.

import { spawn } from 'node:child_process';

export interface EpochCommit {
  commit: string;
  commitTime: number;
  /** Blob of `m` added or modified by this commit, or null. */
  blob: string | null;
  /** Blob of `d` added by this commit: a message removed from the archive. */
  deleted: string | null;
}

/** Runs git and collects stdout; rejects with git's stderr on a non-zero exit. */
export function runGit(gitDir: string | null, args: string[], signal?: AbortSignal): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', gitDir ? ['--git-dir=' + gitDir, ...args] : args, { stdio: ['ignore', 'pipe', 'pipe'], signal });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => {
      if (err.length < 4096) err += c.toString('utf8');
    });
    child.on('error', (e) => reject(e));
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new Error(`git ${args[0]} failed in ${gitDir ?? process.cwd()} (exit ${code}): ${err.trim()}`));
    });
  });
}

/** Exit status of a git command, for yes/no questions (`merge-base --is-ancestor`). */
export function gitStatus(gitDir: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['--git-dir=' + gitDir, ...args], { stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
}

/** Parses `git log --raw --no-abbrev --format='C %H %ct'` output; newest first, as git prints it. */
export function parseRawLog(text: string): EpochCommit[] {
  const commits: EpochCommit[] = [];
  let current: EpochCommit | null = null;
  for (const line of text.split('\n')) {
    if (line.startsWith('C ')) {
      const [, commit, time] = line.split(' ');
      current = { commit, commitTime: Number(time), blob: null, deleted: null };
      commits.push(current);
    } else if (line.startsWith(':') && current) {
      // ":100644 100644 <src> <dst> M\tm"
      const tab = line.indexOf('\t');
      if (tab < 0) continue;
      const path = line.slice(tab + 1);
      const fields = line.slice(1, tab).split(' ');
      const status = fields[4] ?? '';
      const dst = fields[3];
      if (path === 'm' && (status.startsWith('A') || status.startsWith('M'))) current.blob = dst;
      else if (path === 'd' && (status.startsWith('A') || status.startsWith('M'))) current.deleted = dst;
    }
  }
  return commits;
}

/**
 * Commits of an epoch, oldest first: all of them, or those after `since` (exclusive) when given.
 * `since` must be an ancestor of HEAD (the caller checks).
 */
export async function listEpochCommits(gitDir: string, since: string | null, signal?: AbortSignal): Promise<EpochCommit[]> {
  const range = since ? [`${since}..HEAD`] : ['HEAD'];
  const out = await runGit(gitDir, ['log', '--raw', '--no-abbrev', '--no-renames', '--format=C %H %ct', ...range, '--'], signal);
  return parseRawLog(out.toString('utf8')).reverse();
}
