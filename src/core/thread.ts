// Threads from References / In-Reply-To, grouped exactly as public-inbox groups them and shaped
// like a mail client shows them.
//
// Grouping: a thread is one connected component of the graph that links every message to every
// id in its References and In-Reply-To (public-inbox's OverIdx link_refs / merge_threads), with
// missing ids as ghost nodes and duplicate Message-IDs as one node. Nothing is merged by subject.
//
// Shape, inside a component (JWZ):
//  - consecutive References are linked parent -> child unless the child already has a parent or
//    the link would close a loop;
//  - a message's own parent is its In-Reply-To (trusted over References, as public-inbox does),
//    else its last reference; if that closes a loop, the next-to-last, and so on;
//  - ghosts are pruned: a ghost below the root level gives its children to its parent; a ghost
//    root with one child gives way to that child; a ghost root with several children stays (the
//    thread's id is then the ghost's id);
//  - when several top-level trees remain in one component (possible when messages disagree about
//    their ancestry), they are listed one after another, oldest first, each with parentId null;
//    the thread's id is the first one's root.
// Messages are listed depth-first, siblings by date. Two messages with the same Message-ID are
// both kept: they are listed side by side with the same parent, and replies follow them.

import type { Mail, Thread, ThreadMessage } from './types.js';

const NONE = -1;

function sortTime(mail: Mail): string {
  return mail.date ?? mail.receivedAt;
}

function compareMails(a: Mail, b: Mail): number {
  const ta = sortTime(a);
  const tb = sortTime(b);
  if (ta !== tb) return ta < tb ? -1 : 1;
  if (a.receivedAt !== b.receivedAt) return a.receivedAt < b.receivedAt ? -1 : 1;
  return a.messageId < b.messageId ? -1 : a.messageId > b.messageId ? 1 : 0;
}

/** The ids a message links to, oldest first, In-Reply-To last: its ancestry as it claims it. */
function ancestry(mail: Mail): string[] {
  const irt = mail.inReplyTo;
  if (irt === null || irt === mail.messageId) return mail.references;
  const out: string[] = [];
  for (const r of mail.references) if (r !== irt) out.push(r);
  out.push(irt);
  return out;
}

/** Build threads; `isInWindow` marks each message of the report's window. */
export function buildThreads(mails: Mail[], isInWindow: (mail: Mail) => boolean): Thread[] {
  const sorted = mails.slice().sort(compareMails);

  // Nodes: one per distinct id (message or ghost).
  const idOf: string[] = [];
  const nodeOf = new Map<string, number>();
  const mailsOf: Mail[][] = [];
  const node = (id: string): number => {
    let n = nodeOf.get(id);
    if (n === undefined) {
      n = idOf.length;
      idOf.push(id);
      mailsOf.push([]);
      nodeOf.set(id, n);
    }
    return n;
  };

  // Union-find for the grouping.
  const uf: number[] = [];
  const find = (x: number): number => {
    let r = x;
    while (uf[r] !== r) r = uf[r];
    while (uf[x] !== r) {
      const next = uf[x];
      uf[x] = r;
      x = next;
    }
    return r;
  };
  const ensure = (n: number): void => {
    while (uf.length <= n) uf.push(uf.length);
  };
  const union = (a: number, b: number): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) uf[ra < rb ? rb : ra] = ra < rb ? ra : rb;
  };

  const chains: number[][] = new Array(sorted.length);
  const mailNode: number[] = new Array(sorted.length);
  for (let i = 0; i < sorted.length; i++) {
    const mail = sorted[i];
    const n = node(mail.messageId);
    ensure(n);
    mailsOf[n].push(mail);
    mailNode[i] = n;
    const chain: number[] = [];
    const seen = new Set<number>();
    for (const id of ancestry(mail)) {
      const r = node(id);
      if (r === n || seen.has(r)) continue; // self-references and repeats carry no link
      seen.add(r);
      ensure(r);
      union(n, r);
      chain.push(r);
    }
    chains[i] = chain;
  }

  // JWZ tree links.
  const count = idOf.length;
  const parent = new Int32Array(count).fill(NONE);
  const ownParent = new Uint8Array(count); // 1 when the message itself chose its parent
  const childCount = new Int32Array(count);
  const wouldLoop = (p: number, c: number): boolean => {
    if (p === c) return true;
    if (childCount[c] === 0) return false; // nothing hangs below c, so p cannot be below it
    for (let x = p; x !== NONE; x = parent[x]) if (x === c) return true;
    return false;
  };
  const setParent = (c: number, p: number): void => {
    if (parent[c] !== NONE) childCount[parent[c]]--;
    parent[c] = p;
    childCount[p]++;
  };
  for (let i = 0; i < sorted.length; i++) {
    const chain = chains[i];
    for (let k = 0; k + 1 < chain.length; k++) {
      const p = chain[k];
      const c = chain[k + 1];
      if (parent[c] === NONE && !wouldLoop(p, c)) setParent(c, p);
    }
    const n = mailNode[i];
    if (ownParent[n]) continue; // a duplicate id: the first message's own claim stands
    for (let k = chain.length - 1; k >= 0; k--) {
      const p = chain[k];
      if (parent[n] === p) {
        ownParent[n] = 1;
        break;
      }
      if (!wouldLoop(p, n)) {
        setParent(n, p);
        ownParent[n] = 1;
        break;
      }
    }
  }

  // Components, each with its nodes in creation order.
  const components = new Map<number, number[]>();
  for (let n = 0; n < count; n++) {
    const r = find(n);
    let list = components.get(r);
    if (!list) components.set(r, (list = []));
    list.push(n);
  }

  const threads: Thread[] = [];
  for (const nodes of components.values()) {
    if (!nodes.some((n) => mailsOf[n].length > 0)) continue;
    threads.push(shapeThread(nodes, parent, idOf, mailsOf, isInWindow));
  }
  threads.sort((a, b) => {
    const ta = earliest(a);
    const tb = earliest(b);
    if (ta !== tb) return ta < tb ? -1 : 1;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
  return threads;
}

function earliest(thread: Thread): string {
  let t = '';
  for (const m of thread.messages) if (t === '' || m.mail.receivedAt < t) t = m.mail.receivedAt;
  return t;
}

/** Prune ghosts, order the tree, and list the messages of one component. */
function shapeThread(
  nodes: number[],
  parent: Int32Array,
  idOf: string[],
  mailsOf: Mail[][],
  isInWindow: (mail: Mail) => boolean,
): Thread {
  const isReal = (n: number): boolean => mailsOf[n].length > 0;
  const topOf = new Map<number, number>(); // node -> its top-level ancestor (memoised)
  const top = (n: number): number => {
    const path: number[] = [];
    let x = n;
    while (parent[x] !== NONE && !topOf.has(x)) {
      path.push(x);
      x = parent[x];
    }
    const t = topOf.get(x) ?? x;
    for (const p of path) topOf.set(p, t);
    topOf.set(x, t);
    return t;
  };
  // Nearest real ancestor of each real node (ghosts in between are pruned).
  const realParent = new Map<number, number>();
  const orphansUnder = new Map<number, number[]>(); // ghost root -> real nodes with no real ancestor
  const roots: number[] = [];
  for (const n of nodes) {
    if (!isReal(n)) continue;
    let p = parent[n];
    while (p !== NONE && !isReal(p)) p = parent[p];
    if (p !== NONE) {
      realParent.set(n, p);
      continue;
    }
    const t = top(n);
    if (t === n) {
      roots.push(n);
    } else {
      let list = orphansUnder.get(t);
      if (!list) orphansUnder.set(t, (list = []));
      list.push(n);
    }
  }
  const children = new Map<number, number[]>();
  const addChild = (p: number, c: number): void => {
    let list = children.get(p);
    if (!list) children.set(p, (list = []));
    list.push(c);
  };
  for (const [c, p] of realParent) addChild(p, c);
  for (const [ghost, orphans] of orphansUnder) {
    if (orphans.length === 1) roots.push(orphans[0]);
    else {
      roots.push(ghost);
      for (const o of orphans) addChild(ghost, o);
    }
  }

  // Sort siblings by their first message's date; order top-level trees by their earliest date.
  const firstMail = new Map<number, Mail>();
  const keyMail = (n: number): Mail | undefined => {
    if (firstMail.has(n)) return firstMail.get(n);
    let m: Mail | undefined = mailsOf[n].slice().sort(compareMails)[0];
    if (m === undefined) {
      for (const c of children.get(n) ?? []) {
        const cm = keyMail(c);
        if (cm && (m === undefined || compareMails(cm, m) < 0)) m = cm;
      }
    }
    firstMail.set(n, m as Mail);
    return m;
  };
  const byDate = (a: number, b: number): number => {
    const ma = keyMail(a);
    const mb = keyMail(b);
    if (ma && mb) {
      const c = compareMails(ma, mb);
      if (c !== 0) return c;
    }
    return idOf[a] < idOf[b] ? -1 : idOf[a] > idOf[b] ? 1 : 0;
  };
  roots.sort(byDate);

  const messages: ThreadMessage[] = [];
  const stack: Array<{ n: number; parentId: string | null; depth: number }> = [];
  for (let i = roots.length - 1; i >= 0; i--) stack.push({ n: roots[i], parentId: null, depth: 0 });
  while (stack.length > 0) {
    const { n, parentId, depth } = stack.pop()!;
    const own = mailsOf[n].slice().sort(compareMails);
    for (const mail of own) messages.push({ mail, parentId, depth, inWindow: isInWindow(mail) });
    const kids = (children.get(n) ?? []).slice().sort(byDate);
    for (let i = kids.length - 1; i >= 0; i--) stack.push({ n: kids[i], parentId: idOf[n], depth: depth + 1 });
  }

  const rootNode = roots[0];
  const rootMail = mailsOf[rootNode][0];
  let subjectMail = rootMail;
  if (subjectMail === undefined) {
    for (const m of messages) if (subjectMail === undefined || compareMails(m.mail, subjectMail) < 0) subjectMail = m.mail;
  }
  const ghosts: string[] = [];
  for (const n of nodes) if (!isReal(n)) ghosts.push(idOf[n]);
  return { id: idOf[rootNode], subject: subjectMail!.subject, messages, ghosts };
}
