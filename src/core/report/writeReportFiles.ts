// Report files land atomically: every format is rendered and written to a temporary file first,
// then renamed into place. On any failure no temporary file is left and files that were already
// there are restored, so a reader never sees a half-written or mixed report.

import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Report, Window } from '../types.js';
import { createZoneFormatter, windowLastDay } from '../week.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';

export type ReportFormat = 'md' | 'html' | 'json';
export const REPORT_FORMATS: readonly ReportFormat[] = ['md', 'html', 'json'];

/** `kvmarm_<isoyear>_week<WW>` for an ISO week, `kvmarm_<since>_<until>` (inclusive days) otherwise. */
export function reportBaseName(window: Window): string {
  if (window.isoWeek) {
    const m = /^(\d{4})-W(\d{2})$/.exec(window.isoWeek);
    if (m) return `kvmarm_${m[1]}_week${m[2]}`;
  }
  const since = createZoneFormatter(window.tz).format(window.since, 'YYYY-MM-DD');
  return `kvmarm_${since}_${windowLastDay(window)}`;
}

export function renderFormat(report: Report, format: ReportFormat): string {
  switch (format) {
    case 'md': return renderMarkdown(report);
    case 'html': return renderHtml(report);
    case 'json': return renderJson(report);
  }
}

function tempName(target: string, tag: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${tag}-${process.pid}-${randomBytes(4).toString('hex')}`);
}

async function writeDurable(file: string, data: string): Promise<void> {
  const handle = await fs.open(file, 'wx', 0o644);
  try {
    await handle.writeFile(data, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.lstat(file);
    return true;
  } catch {
    return false;
  }
}

/** A file's content, or a function that renders it when its turn to be written comes. */
export type FileContent = string | (() => string);

/**
 * Writes several files as one unit: all land, or none changes. `files` maps target path -> content;
 * content given as a function is rendered just before its file is written, so only one rendered
 * report is in memory at a time (a whole-corpus report is tens of MB per format), and a rendering
 * error still writes nothing. Returns the target paths in the order given.
 */
export async function writeFilesAtomically(files: Array<[string, FileContent]>): Promise<string[]> {
  const temps: string[] = [];
  const backups = new Map<string, string>();
  const placed: string[] = [];
  try {
    const staged: Array<[string, string]> = [];
    for (const [target, data] of files) {
      const temp = tempName(target, 'tmp');
      temps.push(temp);
      await writeDurable(temp, typeof data === 'function' ? data() : data);
      staged.push([temp, target]);
    }
    for (const [temp, target] of staged) {
      if (await exists(target)) {
        const backup = tempName(target, 'bak');
        await fs.link(target, backup).catch(async () => fs.copyFile(target, backup));
        backups.set(target, backup);
      }
      await fs.rename(temp, target);
      placed.push(target);
    }
  } catch (err) {
    // Undo: put back what was there before, remove what we placed and every temporary file.
    for (const target of placed) {
      const backup = backups.get(target);
      if (backup) await fs.rename(backup, target).catch(() => undefined);
      else await fs.rm(target, { force: true }).catch(() => undefined);
    }
    for (const f of [...temps, ...backups.values()]) await fs.rm(f, { force: true }).catch(() => undefined);
    throw err;
  }
  for (const backup of backups.values()) await fs.rm(backup, { force: true }).catch(() => undefined);
  return files.map(([target]) => target);
}

/** Renders the report in each format and writes `<outDir>/<baseName>.<ext>` atomically. */
export async function writeReportFiles(
  report: Report,
  outDir: string,
  baseName: string,
  formats: readonly ReportFormat[] = REPORT_FORMATS,
): Promise<string[]> {
  if (!baseName || baseName.includes('/') || baseName.includes('\\') || baseName.startsWith('.')) {
    throw new Error(`invalid report file name "${baseName}"`);
  }
  // Each format is rendered when its temporary file is written; a rendering error writes nothing.
  const files: Array<[string, FileContent]> = formats.map((f) => [path.join(outDir, `${baseName}.${f}`), () => renderFormat(report, f)]);
  await fs.mkdir(outDir, { recursive: true });
  return writeFilesAtomically(files);
}
