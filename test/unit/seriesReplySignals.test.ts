// What a reply says about a series ("changes requested" or not), and how the series state follows
// from a thread's replies. Every message here is written for the test.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readReply } from '../../src/core/series/replySignals.js';
import { buildSeries } from '../../src/core/series/buildSeries.js';
import { ALICE, MARC, RITA, TOM, mail, series, thread, type MailSpec } from '../fixtures/series/builders.js';

const AUTHOR = 'alice@example.org';
const T1 = '2022-11-08T10:00:00.000Z';
const T2 = '2022-11-09T10:00:00.000Z';
const T3 = '2022-11-10T10:00:00.000Z';
const T4 = '2022-11-11T10:00:00.000Z';
const DIFF = '> -\tfoo(kvm);\n> +\tfoo(kvm, 1);\n\n';

function reply(body: string, from = RITA) {
  return mail({ id: 'r', subject: 'Re: [PATCH 1/1] x', from, date: T1, parent: 's-1', body });
}

function stateOf(extra: MailSpec[]): { series: string; patches: string[] } {
  const s = buildSeries(thread([...series('s', 1, 1, 'Frob'), ...extra]));
  assert.ok(s);
  return { series: s.state, patches: s.patches.map((p) => p.state) };
}

test('a bare question on the patch is a question, not a change request', () => {
  const r = readReply(reply(`${DIFF}Why is this extra argument needed here at all?\n`), AUTHOR);
  assert.equal(r.objection, false);
  assert.equal(stateOf([{ id: 'q', subject: 'Re: x', from: RITA, date: T1, parent: 's-1', body: `${DIFF}Why is this extra argument needed here at all?\n` }]).series, 'new');
});

test('request language on the patch is a change request', () => {
  for (const body of [
    `${DIFF}Please pass the flag from the caller instead.\n`,
    `${DIFF}nit: the comment above still names the old helper.\n`,
    `${DIFF}s/foo/frob/ to match the rest of the file.\n`,
    `${DIFF}Use the existing accessor here, it already takes the lock.\n`,
    `${DIFF}Could you split the rename into its own patch?\n`,
    `${DIFF}This is wrong for 16k pages, the shift is different there.\n`,
    'I am not convinced this is worth the churn, and I do not plan to take it as is.\n',
  ]) {
    assert.equal(readReply(reply(body), AUTHOR).objection, true, body);
  }
});

test('"should" and "missing" ask for a change on the patch, not in a discussion further down', () => {
  const body = `${DIFF}This should take the vgic lock before walking the list, the walk is missing it.\n`;
  assert.equal(readReply(reply(body), AUTHOR, { onPatch: true }).objection, true);
  assert.equal(readReply(reply(body), AUTHOR, { onPatch: false }).objection, false);
  // In a thread: the same words in a reply to another reply leave the patch as it was.
  const deep: MailSpec[] = [
    { id: 'c', subject: 'Re: x', from: TOM, date: T1, parent: 's-1', body: `${DIFF}Tested on my board, works fine. Nothing more from me here.\n` },
    { id: 'd', subject: 'Re: x', from: MARC, date: T2, parent: 'c', body: '> works fine\n\nThat should be the case on any board, the walk is missing nothing there.\n' },
  ];
  assert.equal(stateOf(deep).series, 'new');
  assert.equal(stateOf([{ ...deep[1], parent: 's-1' }]).series, 'changes-requested');
});

test('"please" in a reply further down a discussion is still a request', () => {
  const specs: MailSpec[] = [
    { id: 'q', subject: 'Re: x', from: RITA, date: T1, parent: 's-1', body: `${DIFF}What does the second argument mean here?\n` },
    { id: 'a', subject: 'Re: x', from: ALICE, date: T2, parent: 'q', body: '> What does\n\nIt selects the slow path for the initial mapping.\n' },
    { id: 'p', subject: 'Re: x', from: RITA, date: T3, parent: 'a', body: '> slow path\n\nThen please say so in the commit message, it is not obvious.\n' },
  ];
  assert.equal(stateOf(specs.slice(0, 2)).series, 'new', 'question answered: no request');
  assert.equal(stateOf(specs).series, 'changes-requested');
});

test('the author agreeing to a question turns it into a change request', () => {
  const specs: MailSpec[] = [
    { id: 'q', subject: 'Re: x', from: RITA, date: T1, parent: 's-1', body: `${DIFF}Why is this called before the capability check?\n` },
    { id: 'a', subject: 'Re: x', from: ALICE, date: T2, parent: 'q', body: '> Why is this\n\nGood catch, will fix in the next version.\n' },
  ];
  assert.equal(readReply(mail(specs[1]), AUTHOR).agrees, true);
  assert.equal(stateOf(specs.slice(0, 1)).series, 'new');
  assert.deepEqual(stateOf(specs), { series: 'changes-requested', patches: ['changes-requested'] });
  // The author explaining, not agreeing, leaves it a question.
  const explained = [specs[0], { ...specs[1], body: '> Why is this\n\nBecause the check itself reads the register this sets up.\n' }];
  assert.equal(readReply(mail(explained[1]), AUTHOR).agrees, false);
  assert.equal(stateOf(explained).series, 'new');
});

test('the reviewer accepting the answer withdraws their request', () => {
  const specs: MailSpec[] = [
    { id: 'o', subject: 'Re: x', from: RITA, date: T1, parent: 's-1', body: `${DIFF}Please drop this hunk, it changes nothing.\n` },
    { id: 'a', subject: 'Re: x', from: ALICE, date: T2, parent: 'o', body: '> drop this hunk\n\nIt does: the second call now skips the flush on reset.\n' },
    { id: 'w', subject: 'Re: x', from: RITA, date: T3, parent: 'a', body: '> skips the flush\n\nAh, fair enough, I had read it the wrong way round.\n' },
  ];
  assert.equal(stateOf(specs.slice(0, 2)).series, 'changes-requested');
  const w = readReply(mail(specs[2]), AUTHOR, { onPatch: false });
  assert.equal(w.withdraws, true);
  assert.equal(w.objection, false, 'a withdrawal line is not read for requests ("wrong")');
  assert.equal(stateOf(specs).series, 'new');
  // Someone else's "fair enough" does not withdraw Rita's request.
  assert.equal(stateOf([...specs.slice(0, 2), { ...specs[2], from: TOM }]).series, 'changes-requested');
  // A new request after accepting still counts.
  const more = { ...specs[2], body: '> skips the flush\n\nFair enough. Then please say that in the commit message.\n' };
  assert.equal(stateOf([...specs.slice(0, 2), more]).series, 'changes-requested');
});

test('a request on the cover letter is cleared by the same reviewer\'s later Acked-by', () => {
  const specs: MailSpec[] = [
    { id: 'c', subject: 'Re: [PATCH 0/1] Frob', from: MARC, date: T1, parent: 's-0', body: '> This series\n\nLooks fine apart from a couple of nits, please respin with those fixed.\n' },
  ];
  assert.equal(stateOf(specs).series, 'changes-requested');
  specs.push({ id: 'k', subject: 'Re: [PATCH 0/1] Frob', from: MARC, date: T4, parent: 's-0', body: 'Acked-by: Marc Maintainer <marc@example.org>\n' });
  assert.deepEqual(stateOf(specs), { series: 'reviewed', patches: ['reviewed'] });
});

test('"what am I missing?" doubts the reader, not the patch', () => {
  const body = `${DIFF}I cannot see where the old value gets restored here. What am I missing?\n`;
  const r = readReply(reply(body), AUTHOR);
  assert.equal(r.objection, false);
  // Said about the patch, "missing" still asks for a change.
  assert.equal(readReply(reply(`${DIFF}The patch is missing the matching restore on exit.\n`), AUTHOR).objection, true);
});

test('"maybe" suggests a change on the patch, not in a side discussion', () => {
  const body = '> hard to merge\n\nMaybe this is the push we need to finally retire the 32bit host support.\n';
  assert.equal(readReply(reply(body, MARC), AUTHOR, { onPatch: false }).objection, false);
  assert.equal(readReply(reply(`${DIFF}Maybe pass the level instead of recomputing it here.\n`), AUTHOR, { onPatch: true }).objection, true);
});

test('"doesn\'t seem right", "I object" and "otherwise looks good" mark a request', () => {
  for (const body of [
    `${DIFF}This doesn't seem right for the 32bit view of the register.\n`,
    `${DIFF}FOO_LEVEL_2 here? Otherwise looks good to me.\n`,
  ]) {
    assert.equal(readReply(reply(body), AUTHOR).objection, true, body);
  }
  const nested = '>> +#ifdef CONFIG_FOO\n\nI object to the extra conditional, the option is always on.\n';
  assert.equal(readReply(reply(nested, MARC), AUTHOR, { onPatch: false }).objection, true);
});
