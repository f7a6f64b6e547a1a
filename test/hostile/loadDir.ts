// Loads a directory of hostile mail kept outside the project (KVMARM_HOSTILE_DIR): mbox files
// (.mbox, .mbox.gz, or anything starting with a "From " line) are split as mboxrd, other files are
// taken as one message each. Subdirectories are read too. Names say file and position.

import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { readMboxFile } from '../../src/core/sources/mboxFile.js';
import type { SuiteInput } from './suite.js';

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(full)));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

function looksLikeMbox(file: string, head: Buffer): boolean {
  if (/\.mbox(\.gz)?$|\.mboxrd$/i.test(file)) return true;
  if (head[0] === 0x1f && head[1] === 0x8b) return true;
  return head.subarray(0, 5).toString('latin1') === 'From ';
}

export async function loadHostileDir(dir: string): Promise<SuiteInput[]> {
  const inputs: SuiteInput[] = [];
  for (const file of await filesUnder(dir)) {
    const rel = path.relative(dir, file);
    const bytes = await readFile(file);
    if (looksLikeMbox(file, bytes)) {
      const raws = await readMboxFile(file);
      raws.forEach((r, i) => inputs.push({ name: `${rel}#${i + 1}`, raw: r.raw }));
    } else {
      inputs.push({ name: rel, raw: bytes });
    }
  }
  return inputs;
}
