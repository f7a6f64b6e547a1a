import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { main, parseCli, defaultCacheDir, type CliIo } from '../../src/cli.js';
import { resolveDemoSource } from '../../src/core/demo.js';

const REPO = path.resolve(__dirname, '..', '..');
const DEMO = path.join(REPO, 'test', 'fixtures', 'report', 'demo.mbox');
let tmp = '';

before(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'kvmarm-cli-'));
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

function io(cwd: string, extra: Partial<CliIo> = {}): CliIo & { out: string; err: string } {
  const state = { out: '', err: '' };
  const o = {
    stdout: { write: (s: string) => (state.out += s) },
    stderr: { write: (s: string) => (state.err += s), isTTY: false },
    env: { HOME: cwd },
    cwd,
    now: () => new Date('2022-11-14T02:00:00Z'),
    ...extra,
  };
  return Object.defineProperties(o, {
    out: { get: () => state.out },
    err: { get: () => state.err },
  }) as CliIo & { out: string; err: string };
}

async function freshDir(name: string): Promise<string> {
  const d = path.join(tmp, name);
  await mkdir(d, { recursive: true });
  return d;
}

test('usage errors exit 2 with one clear line', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['--bogus'], /Unknown option '--bogus'/],
    [['--week', '2022-45'], /invalid ISO week "2022-45"/],
    [['--week', '2022-W45', '--since', '2022-11-07', '--until', '2022-11-13'], /either --week or --since\/--until/],
    [['--since', '2022-11-07'], /--since and --until go together/],
    [['--since', '2022-11-08', '--until', '2022-11-07'], /before the since date/],
    [['--tz', 'Mars/Base'], /unknown time zone "Mars\/Base"/],
    [['--summarizer', 'gpt'], /unknown summarizer "gpt"/],
    [['--model', 'x'], /--model only applies to --summarizer openai/],
    [['--no-cache', '--cache-dir', 'x'], /--no-cache and --cache-dir/],
    [['--list-url', 'javascript:alert(1)'], /--list-url must be an http\(s\) URL/],
    [['extra'], /Unexpected argument 'extra'/],
    [['--out', ''], /--out needs a value/],
  ];
  for (const [argv, re] of cases) {
    const t = io(tmp);
    assert.equal(await main(argv, t), 2, argv.join(' '));
    const lines = t.err.trimEnd().split('\n');
    assert.match(lines[0], /^kvmarm-report: error: /);
    assert.match(lines[0], re);
    assert.match(lines[1], /--help/);
    assert.equal(t.out, '');
  }
});

test('--help and --version', async () => {
  const h = io(tmp);
  assert.equal(await main(['--help'], h), 0);
  assert.match(h.out, /^Usage: kvmarm-report/);
  for (const flag of ['--source', '--week', '--since', '--until', '--tz', '--summarizer', '--model', '--out', '--json', '--cache-dir', '--no-cache', '--demo', '--list-url']) {
    assert.ok(h.out.includes(flag), flag);
  }
  const v = io(tmp);
  assert.equal(await main(['-V'], v), 0);
  assert.match(v.out, /^kvmarm-report \d+\.\d+\.\d+\n$/);
});

test('defaults: lore source, current ISO week in the zone, cache under XDG or HOME', () => {
  const plan = parseCli(['--tz', 'Asia/Shanghai'], { env: { HOME: '/home/u' }, cwd: '/w', now: () => new Date('2022-11-13T20:00:00Z') });
  assert.equal(plan.source, 'https://lore.kernel.org/kvmarm/');
  assert.equal(plan.window.isoWeek, '2022-W46');
  assert.equal(plan.outDir, '/w');
  assert.equal(plan.json, null);
  assert.equal(plan.cacheDir, '/home/u/.cache/kvmarm-weekly');
  assert.equal(defaultCacheDir({ XDG_CACHE_HOME: '/x/cache', HOME: '/home/u' }), '/x/cache/kvmarm-weekly');
  const json = parseCli(['--json', '-', '--no-cache', '--source', 'a.mbox'], { env: {}, cwd: '/w' });
  assert.equal(json.outDir, null, '--json alone writes no other files');
  assert.equal(json.cacheDir, null);
  assert.equal(json.source, '/w/a.mbox');
  const both = parseCli(['--json', 'r.json', '--out', 'o'], { env: {}, cwd: '/w' });
  assert.equal(both.outDir, '/w/o');
  assert.equal(both.json, '/w/r.json');
  const range = parseCli(['--since', '2022-11-07', '--until', '2022-11-13', '--tz', 'UTC'], { env: {}, cwd: '/w' });
  assert.deepEqual(range.window, { since: '2022-11-07T00:00:00.000Z', until: '2022-11-14T00:00:00.000Z', tz: 'UTC', isoWeek: null });
});

test('a week from an mbox writes the three files and a closing line', async () => {
  const out = await freshDir('out1');
  const t = io(tmp);
  const code = await main(['--source', DEMO, '--week', '2022-W45', '--tz', 'Asia/Shanghai', '--out', out, '--no-cache'], t);
  assert.equal(code, 0, t.err);
  assert.deepEqual((await readdir(out)).sort(), ['kvmarm_2022_week45.html', 'kvmarm_2022_week45.json', 'kvmarm_2022_week45.md']);
  const md = await readFile(path.join(out, 'kvmarm_2022_week45.md'), 'utf8');
  assert.ok(md.startsWith('# KVMARM 邮件列表 AI 总结报告'));
  assert.ok(md.includes('本报告所有时间均为 Asia/Shanghai'));
  const last = t.err.trimEnd().split('\n').pop() ?? '';
  assert.match(last, /^kvmarm-report: 8 threads, 22 messages \(21 in the window\) in \d+\.\d\d s; wrote .*kvmarm_2022_week45\.md/);
  assert.ok(t.err.includes('kvmarm-report: fetch'), 'plain progress lines when not a TTY');
  assert.ok(!t.err.includes('\r'), 'no redraws when not a TTY');
  assert.equal(t.out, '');
});

test('a TTY gets one redrawn progress line', async () => {
  const out = await freshDir('tty');
  const t = io(tmp, {});
  (t.stderr as { isTTY?: boolean }).isTTY = true;
  assert.equal(await main(['--source', DEMO, '--week', '2022-W45', '--out', out, '--no-cache', '--tz', 'UTC'], t), 0, t.err);
  assert.ok(t.err.includes('\r\x1b[Kkvmarm-report: summarize'));
  assert.match(t.err, /kvmarm-report: 9 threads/);
});

test('--json - prints JSON on stdout and writes no files', async () => {
  const cwd = await freshDir('jsonstdout');
  const t = io(cwd);
  assert.equal(await main(['--source', DEMO, '--week', '2022-W45', '--tz', 'UTC', '--json', '-', '--no-cache'], t), 0, t.err);
  const json = JSON.parse(t.out);
  assert.equal(json.schemaVersion, 1);
  assert.equal(json.isoWeek, '2022-W45');
  assert.equal(json.threads.length, 9);
  assert.deepEqual(await readdir(cwd), []);
});

test('--since/--until names files by the day range', async () => {
  const out = await freshDir('range');
  const t = io(tmp);
  assert.equal(await main(['--source', DEMO, '--since', '2022-11-07', '--until', '2022-11-09', '--tz', 'UTC', '--out', out, '--no-cache'], t), 0, t.err);
  assert.deepEqual((await readdir(out)).sort(), ['kvmarm_2022-11-07_2022-11-09.html', 'kvmarm_2022-11-07_2022-11-09.json', 'kvmarm_2022-11-07_2022-11-09.md']);
});

test('failures exit 1 with one line and leave no report files', async () => {
  const cwd = await freshDir('fail');
  const missing = io(cwd);
  assert.equal(await main(['--source', path.join(cwd, 'nope.mbox'), '--week', '2022-W45'], missing), 1);
  assert.match(missing.err, /^kvmarm-report: error: source .*nope\.mbox does not exist\n$/);
  // --out names a regular file: nothing can be written, nothing partial is left.
  await writeFile(path.join(cwd, 'file'), 'x');
  const blocked = io(cwd);
  assert.equal(await main(['--source', DEMO, '--week', '2022-W45', '--out', path.join(cwd, 'file'), '--json', path.join(cwd, 'r.json'), '--no-cache'], blocked), 1);
  assert.match(blocked.err.trimEnd().split('\n').pop() ?? '', /^kvmarm-report: error: /);
  assert.deepEqual((await readdir(cwd)).sort(), ['file'], 'the JSON file was not written either');
  const noKey = io(cwd, { env: {} });
  assert.equal(await main(['--source', DEMO, '--summarizer', 'openai', '--no-cache'], noKey), 1);
  assert.match(noKey.err, /OPENAI_API_KEY is not set/);
  assert.deepEqual((await readdir(cwd)).sort(), ['file']);
});

test('--demo falls back to the shipped mbox when the corpus is not next to the repository', async () => {
  assert.equal(resolveDemoSource('/r', (p) => p === '/shared/corpus/kvmarm-2019-2023.bundle').kind, 'corpus');
  assert.equal(resolveDemoSource('/r', (p) => p === '/r/test/fixtures/report/demo.mbox').kind, 'fixture');
  assert.throws(() => resolveDemoSource('/r', () => false), /no demo data/);
  const root = await freshDir('fakerepo');
  await mkdir(path.join(root, 'test', 'fixtures', 'report'), { recursive: true });
  await copyFile(DEMO, path.join(root, 'test', 'fixtures', 'report', 'demo.mbox'));
  const out = await freshDir('demo-out');
  const t = io(tmp, { repoRoot: root });
  assert.equal(await main(['--demo', '--tz', 'Asia/Shanghai', '--out', out, '--no-cache'], t), 0, t.err);
  assert.deepEqual((await readdir(out)).sort(), ['kvmarm_2022_week45.html', 'kvmarm_2022_week45.json', 'kvmarm_2022_week45.md']);
  assert.equal(await main(['--demo', '--source', DEMO], io(tmp, { repoRoot: root })), 2);
});

test('the bundled CLI runs as a child process', async () => {
  const dist = await freshDir('dist');
  const cli = path.join(dist, 'cli.js');
  await build({ entryPoints: [path.join(REPO, 'src', 'cli.ts')], outfile: cli, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'silent', external: ['vscode'] });
  const run = promisify(execFile);
  const out = await freshDir('child-out');
  const { stderr } = await run(process.execPath, [cli, '--source', DEMO, '--week', '2022-W45', '--tz', 'UTC', '--out', out, '--no-cache'], { env: { ...process.env, HOME: tmp } });
  assert.match(stderr, /kvmarm-report: 9 threads, \d+ messages/);
  assert.equal(JSON.parse(await readFile(path.join(out, 'kvmarm_2022_week45.json'), 'utf8')).threads.length, 9);
  await assert.rejects(run(process.execPath, [cli, '--week', 'nope']), (err: { code?: number; stderr?: string }) => {
    assert.equal(err.code, 2);
    assert.match(err.stderr ?? '', /^kvmarm-report: error: invalid ISO week "nope"/);
    return true;
  });
});
