// The hostile mail suite over the messages the generator writes (and over KVMARM_HOSTILE_DIR when
// set): no crash, no hang, nothing lost, known charsets decoded, nothing active in the report.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { hostileMessages, toMboxrd } from '../hostile/generate.js';
import { ALL_PAYLOADS, SCRIPT_PAYLOADS, MARKDOWN_PAYLOADS } from '../hostile/payloads.js';
import { auditHtml } from '../hostile/activeContent.js';
import { formatFigures, markdownLinkFindings, permissiveMarkdownHtml, runSuite } from '../hostile/suite.js';
import { loadHostileDir } from '../hostile/loadDir.js';
import { readMboxFile } from '../../src/core/sources/mboxFile.js';
import { parseMail } from '../../src/core/mail.js';
import { TimeBudgetExceeded, withTimeBudget } from '../../src/core/safety/timeBudget.js';

test('hostile suite: every generated message is kept, decoded where its charset is known, and nothing active reaches the report', { timeout: 120_000 }, async () => {
  const messages = hostileMessages();
  assert.ok(messages.length >= 200, `only ${messages.length} hostile messages`);
  const { figures, problems, report, html } = await runSuite(messages);
  console.log(`# ${formatFigures(figures)}`);
  assert.deepEqual(problems, []);
  assert.equal(figures.tried, messages.length);
  assert.equal(figures.crashes, 0);
  assert.equal(figures.hangs, 0);
  assert.equal(figures.lost, 0);
  assert.equal(figures.misdecoded, 0);
  assert.equal(figures.activeFindings, 0);
  assert.equal(figures.parsed + figures.unparsed, figures.tried);
  assert.ok(report && report.threads.length > 50, 'the hostile week still makes a report');
  // The payloads are in the report as text (escaped), not dropped.
  assert.ok(html.includes('&lt;script&gt;') || html.includes('&#60;script&#62;'), 'script payloads appear escaped');
});

test('the audit that declares a report clean does find each payload when it is not escaped', () => {
  for (const p of SCRIPT_PAYLOADS) {
    // Payloads that are only text in any context (entities, templates) carry no markup.
    if (!p.includes('<')) continue;
    const findings = auditHtml(`<!DOCTYPE html><html><body><p>${p}</p></body></html>`, { styles: 0, metas: 0 });
    assert.ok(findings.length > 0, `audit missed ${p}`);
  }
  for (const p of MARKDOWN_PAYLOADS) {
    const found = markdownLinkFindings(p).length + auditHtml(permissiveMarkdownHtml(p), { styles: 0, metas: 0 }).length;
    // markdown-it itself refuses some spellings, and a plain http autolink is a link a report may carry.
    const harmless = (/^\[js\]\(&#106;|^\[js\]\( javascript|^\[js\]\(<javascript/.test(p) && found === 0) || /^<http:/.test(p);
    if (!harmless) assert.ok(found > 0, `markdown audit missed ${p}`);
  }
});

test('a message mailparser does not finish within its budget comes back unparsed, not late', async () => {
  const big = Buffer.concat([Buffer.from('Subject: slow\nMessage-ID: <slow@example.org>\n\n'), Buffer.alloc(8 * 1024 * 1024, 0x61)]);
  const t0 = performance.now();
  const r = await parseMail({ raw: big, origin: 'slow' }, { budgetMs: 1 });
  assert.equal(r.ok, false);
  assert.match(r.ok ? '' : r.unparsed.reason, /time budget/);
  assert.ok(performance.now() - t0 < 5000);
  // Without the tiny budget the same message parses.
  assert.equal((await parseMail({ raw: big })).ok, true);
});

test('withTimeBudget rejects a promise that never settles and passes through one that does', async () => {
  await assert.rejects(withTimeBudget(new Promise(() => undefined), 20, 'never'), (err: unknown) => err instanceof TimeBudgetExceeded && err.budgetMs === 20);
  assert.equal(await withTimeBudget(Promise.resolve(7), 1000, 'quick'), 7);
  await assert.rejects(withTimeBudget(Promise.reject(new Error('own')), 1000, 'fails'), /own/);
});

test('hostile messages survive an mboxrd file byte for byte, and the directory runner reads them', { timeout: 120_000 }, async () => {
  const messages = hostileMessages();
  const { mbox, written, skipped } = toMboxrd(messages);
  assert.deepEqual(skipped, ['empty', 'single-newline']);
  const dir = mkdtempSync(path.join(tmpdir(), 'kvmarm-hostile-'));
  try {
    const file = path.join(dir, 'hostile.mbox');
    writeFileSync(file, mbox);
    const raws = await readMboxFile(file);
    assert.equal(raws.length, written.length);
    const byName = new Map(messages.map((m) => [m.name, m.raw]));
    written.forEach((name, i) => {
      const original = byName.get(name)!;
      const back = raws[i].raw;
      // The writer adds a final newline to messages without one; nothing else may change.
      const expected = original.length > 0 && original[original.length - 1] === 0x0a ? original : Buffer.concat([original, Buffer.from('\n')]);
      assert.ok(back.equals(expected), `${name} changed in the mbox round trip`);
    });
    writeFileSync(path.join(dir, 'single.eml'), messages.find((m) => m.name === 'gb2312-subject-b-body-8bit')!.raw);
    const loaded = await loadHostileDir(dir);
    assert.equal(loaded.length, written.length + 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('external hostile directory (KVMARM_HOSTILE_DIR) passes the same way', { skip: !process.env.KVMARM_HOSTILE_DIR && 'KVMARM_HOSTILE_DIR is not set', timeout: 600_000 }, async () => {
  const inputs = await loadHostileDir(process.env.KVMARM_HOSTILE_DIR!);
  assert.ok(inputs.length > 0, 'the hostile directory holds no messages');
  const { figures, problems } = await runSuite(inputs, { window: undefined });
  console.log(`# ${formatFigures(figures)}`);
  assert.deepEqual(
    problems.filter((p) => !/although its charset is known|text lacks|subject .* != /.test(p)),
    [],
  );
  assert.equal(figures.crashes + figures.hangs + figures.lost + figures.activeFindings, 0);
});

test('every payload is planted somewhere in the generated mail', () => {
  const all = Buffer.concat(hostileMessages().map((m) => m.raw)).toString('utf8');
  for (const p of ALL_PAYLOADS) assert.ok(all.includes(p.split('\n')[0]), `payload not planted: ${p}`);
});
