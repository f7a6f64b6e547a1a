// The last generated report, kept in the extension's global storage so the tree and a revived
// report panel come back after a reload without fetching anything.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Report } from '../core/types.js';

const FILE = 'lastReport.json';

export async function saveLastReport(dir: string, report: Report): Promise<void> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, FILE);
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(report));
  await rename(tmp, path);
}

/** The saved report, or null when there is none or it is not a report this version understands. */
export async function loadLastReport(dir: string): Promise<Report | null> {
  let text: string;
  try {
    text = await readFile(join(dir, FILE), 'utf8');
  } catch {
    return null;
  }
  try {
    const value = JSON.parse(text) as Partial<Report> | null;
    if (!value || value.schemaVersion !== 1 || !Array.isArray(value.threads) || !value.window || typeof value.list !== 'string') {
      return null;
    }
    return value as Report;
  } catch {
    return null;
  }
}
