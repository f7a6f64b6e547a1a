import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildThreads } from '../../src/core/thread.js';
import { parseSubject } from '../../src/core/subject.js';
import type { Mail, Thread } from '../../src/core/types.js';

let clock = Date.UTC(2022, 10, 7, 8, 0, 0);

/** A small Mail; `at` is minutes after a fixed start, or taken from a running clock. */
function mail(id: string, opts: { refs?: string[]; irt?: string | null; at?: number; subject?: string; body?: string } = {}): Mail {
  const time = new Date(opts.at !== undefined ? Date.UTC(2022, 10, 7, 8, 0, 0) + opts.at * 60000 : (clock += 60000)).toISOString();
  return {
    messageId: id,
    synthesizedId: false,
    inReplyTo: opts.irt ?? null,
    references: opts.refs ?? [],
    subject: parseSubject(opts.subject ?? `subject of ${id}`),
    from: { name: id, address: `${id}@example.org` },
    to: [],
    cc: [],
    date: time,
    receivedAt: time,
    text: opts.body ?? '',
    segments: [],
    patch: null,
    trailers: [],
  };
}

const all = (): boolean => true;

function shape(t: Thread): string[] {
  return t.messages.map((m) => `${'  '.repeat(m.depth)}${m.mail.messageId}<${m.parentId ?? '-'}`);
}

function groups(threads: Thread[]): string[][] {
  return threads.map((t) => t.messages.map((m) => m.mail.messageId).sort()).sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

test('a patch series with replies: tree, depth-first order, siblings by date', () => {
  const threads = buildThreads(
    [
      mail('p2', { refs: ['cover'], irt: 'cover', at: 2, subject: '[PATCH 2/2] b' }),
      mail('cover', { at: 0, subject: '[PATCH 0/2] the series' }),
      mail('r1', { refs: ['cover', 'p1'], irt: 'p1', at: 10, subject: 'Re: [PATCH 1/2] a' }),
      mail('p1', { refs: ['cover'], irt: 'cover', at: 1, subject: '[PATCH 1/2] a' }),
      mail('r2', { refs: ['cover', 'p1', 'r1'], irt: 'r1', at: 20 }),
      mail('r0', { refs: ['cover'], irt: 'cover', at: 5 }),
    ],
    all,
  );
  assert.equal(threads.length, 1);
  const t = threads[0];
  assert.equal(t.id, 'cover');
  assert.equal(t.subject.title, 'the series');
  assert.deepEqual(shape(t), ['cover<-', '  p1<cover', '    r1<p1', '      r2<r1', '  p2<cover', '  r0<cover']);
  assert.deepEqual(t.ghosts, []);
});

test('no merging by subject: same subject, no references -> separate threads', () => {
  const threads = buildThreads([mail('a', { subject: 'Question' }), mail('b', { subject: 'Question' })], all);
  assert.equal(threads.length, 2);
});

test('missing root: a ghost root holds the siblings and names the thread', () => {
  const threads = buildThreads(
    [
      mail('x', { refs: ['lost-root'], irt: 'lost-root', at: 3, subject: 'Re: lost' }),
      mail('y', { refs: ['lost-root'], irt: 'lost-root', at: 1, subject: 'Re: lost too' }),
    ],
    all,
  );
  assert.equal(threads.length, 1);
  const t = threads[0];
  assert.equal(t.id, 'lost-root');
  assert.deepEqual(t.ghosts, ['lost-root']);
  assert.deepEqual(shape(t), ['  y<lost-root', '  x<lost-root']);
  // The root is a ghost: the subject is the earliest message's.
  assert.equal(t.subject.full, 'Re: lost too');
});

test('a ghost with one child gives way; ghosts in the middle are pruned', () => {
  const threads = buildThreads(
    [
      mail('root', { at: 0 }),
      mail('deep', { refs: ['root', 'missing-mid'], irt: 'missing-mid', at: 5 }),
      mail('only', { refs: ['gone'], irt: 'gone', at: 9 }),
    ],
    all,
  );
  assert.equal(threads.length, 2);
  const [a, b] = threads;
  assert.deepEqual(shape(a), ['root<-', '  deep<root']);
  assert.deepEqual(a.ghosts, ['missing-mid']);
  assert.equal(b.id, 'only');
  assert.deepEqual(shape(b), ['only<-']);
  assert.deepEqual(b.ghosts, ['gone']);
});

test('grouping is the connected component over all references (public-inbox), not just parents', () => {
  // c names a and b in References; a and b know nothing of each other.
  const threads = buildThreads(
    [mail('a', { at: 0 }), mail('b', { at: 1 }), mail('c', { refs: ['a', 'b'], irt: 'b', at: 2 })],
    all,
  );
  assert.equal(threads.length, 1);
  const t = threads[0];
  // JWZ: a -> b from c's References, c under b.
  assert.deepEqual(shape(t), ['a<-', '  b<a', '    c<b']);
});

test('In-Reply-To is trusted over a misordered References list', () => {
  const threads = buildThreads(
    [mail('root', { at: 0 }), mail('mid', { refs: ['root'], irt: 'root', at: 1 }), mail('leaf', { refs: ['mid', 'root'], irt: 'mid', at: 2 })],
    all,
  );
  assert.deepEqual(shape(threads[0]), ['root<-', '  mid<root', '    leaf<mid']);
});

test('self-references and loops do not hang or lose messages', () => {
  const threads = buildThreads(
    [
      mail('self', { refs: ['self'], irt: 'self', at: 0 }),
      mail('a', { refs: ['b'], irt: 'b', at: 1 }),
      mail('b', { refs: ['a'], irt: 'a', at: 2 }),
      mail('c', { refs: ['a', 'b', 'c', 'a'], irt: 'b', at: 3 }),
    ],
    all,
  );
  assert.equal(threads.length, 2);
  assert.deepEqual(groups(threads), [['a', 'b', 'c'], ['self']]);
  const loop = threads.find((t) => t.messages.length === 3)!;
  // Every message once, a single root, parents consistent with depth.
  assert.equal(loop.messages.filter((m) => m.parentId === null).length, 1);
  for (const m of loop.messages) {
    if (m.parentId === null) assert.equal(m.depth, 0);
    else {
      const p = loop.messages.find((x) => x.mail.messageId === m.parentId)!;
      assert.equal(m.depth, p.depth + 1);
    }
  }
  const self = threads.find((t) => t.messages.length === 1)!;
  assert.deepEqual(self.ghosts, []);
  assert.equal(self.messages[0].parentId, null);
});

test('duplicate Message-IDs: both messages kept, side by side, replies after them', () => {
  const threads = buildThreads(
    [
      mail('root', { at: 0 }),
      mail('dup', { refs: ['root'], irt: 'root', at: 1, body: 'first' }),
      mail('dup', { at: 2, body: 'second, claims no parent' }),
      mail('reply', { refs: ['root', 'dup'], irt: 'dup', at: 3 }),
    ],
    all,
  );
  assert.equal(threads.length, 1);
  const t = threads[0];
  assert.deepEqual(shape(t), ['root<-', '  dup<root', '  dup<root', '    reply<dup']);
  assert.deepEqual(t.messages.map((m) => m.mail.text), ['', 'first', 'second, claims no parent', '']);
});

test('a 10,000-long References chain threads quickly and correctly', () => {
  const refs = Array.from({ length: 10000 }, (_, i) => `g${i}@x`);
  const mails = [mail('g0@x', { at: 0 }), mail('tail', { refs, irt: 'g9999@x', at: 1 })];
  const many = [...mails, ...Array.from({ length: 200 }, (_, i) => mail(`other${i}`, { refs: refs.slice(0, 5000 + i), at: 2 + i }))];
  const t0 = performance.now();
  const threads = buildThreads(many, all);
  const ms = performance.now() - t0;
  assert.equal(threads.length, 1);
  const t = threads[0];
  assert.equal(t.id, 'g0@x');
  assert.equal(t.messages.length, 202);
  assert.equal(t.ghosts.length, 9999);
  assert.equal(t.messages.find((m) => m.mail.messageId === 'tail')!.parentId, 'g0@x');
  // A generous bound that only a quadratic blow-up would break.
  assert.ok(ms < 5000, `took ${ms} ms`);
});

test('inWindow comes from the predicate, per message', () => {
  const threads = buildThreads(
    [mail('old', { at: 0 }), mail('new', { refs: ['old'], irt: 'old', at: 60 * 24 * 9 })],
    (m) => m.receivedAt >= '2022-11-14',
  );
  assert.deepEqual(threads[0].messages.map((m) => [m.mail.messageId, m.inWindow]), [
    ['old', false],
    ['new', true],
  ]);
});

test('the result does not depend on input order', () => {
  const base = [
    mail('r', { at: 0 }),
    mail('a', { refs: ['r'], irt: 'r', at: 1 }),
    mail('b', { refs: ['r', 'a'], irt: 'a', at: 2 }),
    mail('c', { refs: ['r', 'ghost'], irt: 'ghost', at: 3 }),
    mail('d', { refs: ['x', 'b'], irt: 'b', at: 4 }),
    mail('lone', { at: 5 }),
  ];
  const expected = buildThreads(base, all).map(shape);
  for (let k = 0; k < 20; k++) {
    const shuffled = base.slice();
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = (i * 7 + k * 13) % (i + 1);
      [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
    }
    assert.deepEqual(buildThreads(shuffled, all).map(shape), expected);
  }
});

test('several top-level trees in one component are listed oldest first; the first root names the thread', () => {
  // m1 makes A the parent of B; m2 (a real message C) claims to be B's parent too, later.
  const threads = buildThreads(
    [
      mail('C', { at: 0 }),
      mail('m1', { refs: ['A', 'B'], irt: 'B', at: 1 }),
      mail('m2', { refs: ['C', 'B'], irt: 'B', at: 2 }),
    ],
    all,
  );
  assert.equal(threads.length, 1);
  const t = threads[0];
  assert.equal(t.messages.length, 3);
  assert.equal(t.id, 'C');
  // B is a ghost in the middle (pruned); the ghost root A holds both replies.
  assert.deepEqual(shape(t), ['C<-', '  m1<A', '  m2<A']);
  assert.deepEqual(t.ghosts.slice().sort(), ['A', 'B']);
});

test('empty input gives no threads', () => {
  assert.deepEqual(buildThreads([], all), []);
});

test('property: every message listed once; groups are the connected components; tree is consistent', async () => {
  const fc = await import('fast-check');
  const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'x', 'y'];
  const mailArb = fc.record({
    id: fc.constantFrom(...ids),
    refs: fc.array(fc.constantFrom(...ids), { maxLength: 5 }),
    irt: fc.option(fc.constantFrom(...ids), { nil: null }),
    at: fc.integer({ min: 0, max: 50 }),
  });
  fc.assert(
    fc.property(fc.array(mailArb, { minLength: 1, maxLength: 12 }), (specs) => {
      const mails = specs.map((s) => mail(s.id, { refs: s.refs, irt: s.irt, at: s.at }));
      const threads = buildThreads(mails, all);
      // Every input message exactly once.
      const listed = threads.flatMap((t) => t.messages.map((m) => m.mail));
      assert.equal(listed.length, mails.length);
      assert.equal(new Set(listed).size, mails.length);
      // Oracle: naive connected components over id -> referenced ids.
      const adj = new Map<string, Set<string>>();
      const link = (p: string, q: string) => {
        if (!adj.has(p)) adj.set(p, new Set());
        if (!adj.has(q)) adj.set(q, new Set());
        adj.get(p)!.add(q);
        adj.get(q)!.add(p);
      };
      for (const m of mails) {
        link(m.messageId, m.messageId);
        for (const r of [...m.references, ...(m.inReplyTo ? [m.inReplyTo] : [])]) link(m.messageId, r);
      }
      const comp = new Map<string, number>();
      let c = 0;
      for (const start of adj.keys()) {
        if (comp.has(start)) continue;
        const stack = [start];
        comp.set(start, c);
        while (stack.length) for (const q of adj.get(stack.pop()!)!) if (!comp.has(q)) (comp.set(q, c), stack.push(q));
        c++;
      }
      for (const t of threads) {
        const comps = new Set(t.messages.map((m) => comp.get(m.mail.messageId)));
        assert.equal(comps.size, 1, 'a thread spans one component');
      }
      const threadComps = threads.map((t) => comp.get(t.messages[0].mail.messageId));
      assert.equal(new Set(threadComps).size, threads.length, 'one thread per component');
      // Tree consistency: depth-first order, parents listed before children (or ghost roots).
      for (const t of threads) {
        const seenDepth = new Map<string, number>();
        for (const m of t.messages) {
          if (m.parentId === null) assert.equal(m.depth, 0);
          else if (seenDepth.has(m.parentId)) assert.equal(m.depth, seenDepth.get(m.parentId)! + 1);
          else {
            assert.equal(m.depth, 1, 'an unlisted parent is a ghost root');
            assert.ok(t.ghosts.includes(m.parentId));
          }
          if (!seenDepth.has(m.mail.messageId)) seenDepth.set(m.mail.messageId, m.depth);
        }
      }
    }),
    { numRuns: 500 },
  );
});
