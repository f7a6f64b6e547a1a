import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readdir, readFile, writeFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { reportBaseName, writeReportFiles, writeFilesAtomically } from '../../src/core/report/writeReportFiles.js';
import { dayRangeWindow, isoWeekWindow } from '../../src/core/week.js';
import { sampleReport } from '../fixtures/report/sampleReport.js';

test('base names: ISO week or inclusive day range', () => {
  assert.equal(reportBaseName(isoWeekWindow('2022-W45', 'Asia/Shanghai')), 'kvmarm_2022_week45');
  assert.equal(reportBaseName(isoWeekWindow('2021-W01', 'UTC')), 'kvmarm_2021_week01');
  assert.equal(reportBaseName(dayRangeWindow('2022-11-07', '2022-11-13', 'America/Los_Angeles')), 'kvmarm_2022-11-07_2022-11-13');
});

test('the three files are written and nothing else is left in the directory', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'kvmarm-write-'));
  try {
    const out = path.join(dir, 'nested', 'out');
    const files = await writeReportFiles(sampleReport(), out, 'kvmarm_2022_week45');
    assert.deepEqual(files, ['md', 'html', 'json'].map((e) => path.join(out, `kvmarm_2022_week45.${e}`)));
    assert.deepEqual((await readdir(out)).sort(), ['kvmarm_2022_week45.html', 'kvmarm_2022_week45.json', 'kvmarm_2022_week45.md']);
    assert.ok((await readFile(files[0], 'utf8')).startsWith('# KVMARM 邮件列表 AI 总结报告'));
    assert.equal(JSON.parse(await readFile(files[2], 'utf8')).schemaVersion, 1);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a failure while placing the last file restores the earlier files and leaves no temporary file', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'kvmarm-write-'));
  try {
    await writeFile(path.join(dir, 'r.md'), 'old markdown');
    await writeFile(path.join(dir, 'r.html'), 'old html');
    // A directory where the JSON file should go: renaming onto it fails after md and html are placed.
    await mkdir(path.join(dir, 'r.json'));
    await writeFile(path.join(dir, 'r.json', 'keep'), 'x');
    await assert.rejects(writeReportFiles(sampleReport(), dir, 'r'));
    assert.equal(await readFile(path.join(dir, 'r.md'), 'utf8'), 'old markdown');
    assert.equal(await readFile(path.join(dir, 'r.html'), 'utf8'), 'old html');
    assert.deepEqual((await readdir(dir)).sort(), ['r.html', 'r.json', 'r.md']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a failure on a fresh directory leaves no file at all', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'kvmarm-write-'));
  try {
    await mkdir(path.join(dir, 'b.html'));
    await writeFile(path.join(dir, 'b.html', 'x'), 'x');
    await assert.rejects(writeFilesAtomically([[path.join(dir, 'b.md'), 'a'], [path.join(dir, 'b.html'), 'b'], [path.join(dir, 'b.json'), 'c']]));
    assert.deepEqual(await readdir(dir), ['b.html']);
    // Writing into a directory that does not exist fails before anything lands.
    await assert.rejects(writeFilesAtomically([[path.join(dir, 'c.md'), 'a'], [path.join(dir, 'missing', 'c.json'), 'b']]));
    assert.deepEqual(await readdir(dir), ['b.html']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('contents rendered on demand: one at a time, in order, and a rendering error writes nothing', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'kvmarm-write-'));
  try {
    await writeFile(path.join(dir, 'd.md'), 'old md');
    const rendered: string[] = [];
    const render = (name: string) => () => (rendered.push(name), `new ${name}`);
    await assert.rejects(
      writeFilesAtomically([
        [path.join(dir, 'd.md'), render('md')],
        [path.join(dir, 'd.html'), () => { throw new Error('render failed'); }],
        [path.join(dir, 'd.json'), render('json')],
      ]),
      /render failed/,
    );
    assert.deepEqual(rendered, ['md'], 'rendering stops at the failure');
    assert.deepEqual(await readdir(dir), ['d.md']);
    assert.equal(await readFile(path.join(dir, 'd.md'), 'utf8'), 'old md');
    rendered.length = 0;
    await writeFilesAtomically([[path.join(dir, 'd.md'), render('md')], [path.join(dir, 'd.json'), 'plain json']]);
    assert.deepEqual(rendered, ['md']);
    assert.equal(await readFile(path.join(dir, 'd.md'), 'utf8'), 'new md');
    assert.equal(await readFile(path.join(dir, 'd.json'), 'utf8'), 'plain json');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('file names that escape the directory are refused', async () => {
  await assert.rejects(writeReportFiles(sampleReport(), os.tmpdir(), '../x'), /invalid report file name/);
  await assert.rejects(writeReportFiles(sampleReport(), os.tmpdir(), '.hidden'), /invalid report file name/);
});
