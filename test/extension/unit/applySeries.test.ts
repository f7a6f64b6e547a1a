// "Apply Series to Workspace" without the UI: the series mbox built from parsed mails goes through
// a real `git am -3` into a scratch repository; a conflict stops it and `git am --abort` backs out.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseMail } from '../../../src/core/mail.js';
import type { Mail, ReportThread } from '../../../src/core/types.js';
import { abortAm, amInProgress, applyMbox, gitTopLevel } from '../../../src/vscode/gitApply.js';
import { mailToRfc822, seriesMbox, seriesPatchMails } from '../../../src/vscode/seriesMbox.js';

const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 'Base', GIT_AUTHOR_EMAIL: 'base@example.org', GIT_COMMITTER_NAME: 'Base', GIT_COMMITTER_EMAIL: 'base@example.org' },
  });

/** A repo with one file at a base commit, and a patch mail (as git format-patch writes it) on top. */
async function scenario(): Promise<{ repo: string; base: string; mails: Mail[] }> {
  const repo = mkdtempSync(join(tmpdir(), 'kvmarm-am-'));
  git(repo, 'init', '-q', '-b', 'main');
  // git am commits as the repository's user: a developer's repo has one, a fresh CI machine does not.
  git(repo, 'config', 'user.name', 'Kernel Developer');
  git(repo, 'config', 'user.email', 'dev@example.org');
  writeFileSync(join(repo, 'timer.c'), 'int a;\nint b;\nint c;\n');
  git(repo, 'add', 'timer.c');
  git(repo, 'commit', '-q', '-m', 'base');
  const base = git(repo, 'rev-parse', 'HEAD').trim();
  const mails: Mail[] = [];
  for (const [i, [from, to]] of [['int b;', 'int B;'], ['int c;', 'int C; /* 中文注释 */']].entries()) {
    writeFileSync(join(repo, 'timer.c'), readFileSync(join(repo, 'timer.c'), 'utf8').replace(from!, to!));
    git(repo, 'commit', '-q', '-a', '--author', '张三 <zhang@example.org>', '-m', `KVM: arm64: change ${i + 1}\n\nBody of change ${i + 1}.\n\nSigned-off-by: 张三 <zhang@example.org>`);
  }
  const patches = git(repo, 'format-patch', '--stdout', '--thread', '--cover-letter', '-2', 'HEAD');
  for (const raw of patches.split(/^(?=From [0-9a-f]{40} )/m).filter((s) => s.trim())) {
    const parsed = await parseMail({ raw: Buffer.from(raw.replace(/^From [0-9a-f]{40} .*\n/, ''), 'utf8') });
    assert.ok(parsed.ok);
    mails.push(parsed.mail);
  }
  git(repo, 'reset', '-q', '--hard', base);
  return { repo, base, mails };
}

function threadOf(mails: Mail[]): ReportThread {
  return {
    thread: { id: mails[0]!.messageId, subject: mails[0]!.subject, messages: mails.map((mail, i) => ({ mail, parentId: i ? mails[0]!.messageId : null, depth: i ? 1 : 0, inWindow: true })), ghosts: [] },
    category: 'PATCH',
    series: null,
    summary: { text: '', source: 'offline' },
  };
}

test('picks the posted patches in order, without the cover letter', async () => {
  const { mails } = await scenario();
  assert.equal(mails.length, 3);
  const picked = seriesPatchMails(threadOf([mails[0]!, mails[2]!, mails[1]!]));
  assert.deepEqual(picked.map((m) => m.subject.tags.index), [1, 2]);
});

test('git am -3 applies the series with authors and non-ASCII text intact', async () => {
  const { repo, base, mails } = await scenario();
  assert.equal(await gitTopLevel(repo), repo);
  const patches = seriesPatchMails(threadOf(mails));
  const outcome = await applyMbox(repo, seriesMbox(patches), patches.length);
  assert.ok(outcome.ok, outcome.ok ? '' : outcome.output);
  assert.equal(readFileSync(join(repo, 'timer.c'), 'utf8'), 'int a;\nint B;\nint C; /* 中文注释 */\n');
  const log = git(repo, 'log', '--format=%an <%ae>|%s', `${base}..HEAD`).trim().split('\n');
  assert.deepEqual(log, ['张三 <zhang@example.org>|KVM: arm64: change 2', '张三 <zhang@example.org>|KVM: arm64: change 1']);
  assert.equal(await amInProgress(repo), false);
});

test('a conflict stops git am, and git am --abort restores the tree', async () => {
  const { repo, mails } = await scenario();
  writeFileSync(join(repo, 'timer.c'), 'int a;\nint X;\nint c;\n');
  git(repo, 'commit', '-q', '-a', '-m', 'conflicting change');
  const head = git(repo, 'rev-parse', 'HEAD').trim();
  const patches = seriesPatchMails(threadOf(mails));
  const outcome = await applyMbox(repo, seriesMbox(patches), patches.length);
  assert.equal(outcome.ok, false);
  assert.ok(!outcome.ok && outcome.stopped, 'git left an am session to resolve');
  assert.equal(await amInProgress(repo), true);
  const r = await abortAm(repo);
  assert.equal(r.code, 0);
  assert.equal(await amInProgress(repo), false);
  assert.equal(git(repo, 'rev-parse', 'HEAD').trim(), head);
  assert.equal(readFileSync(join(repo, 'timer.c'), 'utf8'), 'int a;\nint X;\nint c;\n');
});

test('a directory outside git is not a target', async () => {
  assert.equal(await gitTopLevel(mkdtempSync(join(tmpdir(), 'kvmarm-nogit-'))), null);
});

test('the rewritten message keeps hostile header text on one line', async () => {
  const { mails } = await scenario();
  const m = { ...mails[1]!, subject: { ...mails[1]!.subject, full: 'evil\nX-Injected: yes' } };
  const text = mailToRfc822(m);
  assert.ok(!/^X-Injected/m.test(text));
});
