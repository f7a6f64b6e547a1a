// Small hand-written threads for the summariser's tests (no corpus mail): patches with reviews
// that quote hunks, plain discussions, earlier context and window messages.

import { parseSubject } from '../../src/core/subject.js';
import type { Category, Mail, Series, SummaryInput, Thread, ThreadMessage, Window } from '../../src/core/types.js';

export const TEST_WINDOW: Window = {
  since: '2022-11-07T00:00:00.000Z',
  until: '2022-11-14T00:00:00.000Z',
  tz: 'UTC',
  isoWeek: '2022-W45',
};

export interface MessageSpec {
  id: string;
  parent?: string | null;
  subject?: string;
  from?: string;
  text: string;
  patch?: string | null;
  inWindow?: boolean;
  receivedAt?: string;
}

export function makeMail(spec: MessageSpec, threadSubject: string): Mail {
  const subjectText = spec.subject ?? (spec.parent ? `Re: ${threadSubject}` : threadSubject);
  const fromName = spec.from ?? 'Alice Example';
  const address = `${fromName.toLowerCase().replace(/[^a-z]+/g, '.')}@example.org`;
  const receivedAt = spec.receivedAt ?? (spec.inWindow === false ? '2022-11-01T10:00:00.000Z' : '2022-11-08T10:00:00.000Z');
  const patch = spec.patch ?? null;
  return {
    messageId: spec.id,
    synthesizedId: false,
    inReplyTo: spec.parent ?? null,
    references: spec.parent ? [spec.parent] : [],
    subject: parseSubject(subjectText),
    from: { name: fromName, address },
    to: [],
    cc: [],
    date: receivedAt,
    receivedAt,
    text: patch ? `${spec.text}\n---\n${patch}` : spec.text,
    segments: [],
    patch,
    trailers: [],
  };
}

export function makeThread(subject: string, specs: readonly MessageSpec[]): Thread {
  const depthOf = new Map<string, number>();
  const messages: ThreadMessage[] = specs.map((spec) => {
    const parentId = spec.parent ?? null;
    const depth = parentId === null ? 0 : (depthOf.get(parentId) ?? 0) + 1;
    depthOf.set(spec.id, depth);
    return { mail: makeMail(spec, subject), parentId, depth, inWindow: spec.inWindow ?? true };
  });
  return { id: specs[0]!.id, subject: parseSubject(subject), messages, ghosts: [] };
}

export function makeInput(thread: Thread, category: Category = 'PATCH', series: Series | null = null): SummaryInput {
  return { thread, category, series, window: TEST_WINDOW };
}

/** A patch touching `files` files with `linesPerFile` added lines each. */
export function makePatch(tag: string, files: number, linesPerFile: number): string {
  const out: string[] = [];
  for (let f = 0; f < files; f++) {
    const path = `arch/arm64/kvm/${tag}_${f}.c`;
    out.push(`diff --git a/${path} b/${path}`, 'index 1111111..2222222 100644', `--- a/${path}`, `+++ b/${path}`);
    out.push(`@@ -10,3 +10,${3 + linesPerFile} @@ static int ${tag}_setup_${f}(struct kvm_vcpu *vcpu)`);
    out.push(' {', ' \tint ret;');
    for (let i = 0; i < linesPerFile; i++) out.push(`+\tret = kvm_${tag}_step_${f}_${i}(vcpu, ${i});`);
    out.push(' \treturn ret;');
  }
  return out.join('\n') + '\n-- \n2.30.0\n';
}

/** A series patch and a review quoting one of its added lines. */
export function patchWithReview(n: number): Thread {
  const tag = `feat${n}`;
  const patch = makePatch(tag, 2, 6);
  const subject = `[PATCH v2 1/1] KVM: arm64: Rework ${tag} handling`;
  return makeThread(subject, [
    { id: `p${n}@example.org`, from: 'Alice Example', text: `The ${tag} path takes the lock twice; take it once.\n\nSigned-off-by: Alice Example <alice.example@example.org>`, patch },
    {
      id: `r${n}@example.org`,
      parent: `p${n}@example.org`,
      from: 'Marc Reviewer',
      text: `On Tue, Alice wrote:\n> The ${tag} path takes the lock twice.\n\nRight.\n\n> +\tret = kvm_${tag}_step_0_3(vcpu, 3);\n\nThis can fail, check ret.\n\n> +\tret = kvm_${tag}_step_0_4(vcpu, 4);\n> +\tret = kvm_${tag}_step_0_5(vcpu, 5);\n\nThanks,\nMarc`,
    },
  ]);
}

/** A discussion with earlier context and replies in the window. */
export function discussion(n: number): Thread {
  const subject = `Question about stage-2 fault number ${n}`;
  return makeThread(subject, [
    { id: `q${n}@example.org`, from: 'Bob Asker', inWindow: false, text: `Why does the guest see a fault at IPA 0x${(n * 4096).toString(16)}?` },
    { id: `a${n}@example.org`, parent: `q${n}@example.org`, from: 'Oliver Answer', text: `> Why does the guest see a fault?\n\nBecause the memslot is not registered yet (${n}).` },
  ]);
}

/** About `count` threads of a week, half patches, half discussions. */
export function weekOfThreads(count: number): SummaryInput[] {
  const out: SummaryInput[] = [];
  for (let i = 0; i < count; i++) {
    out.push(i % 2 === 0 ? makeInput(patchWithReview(i), 'PATCH') : makeInput(discussion(i), 'Question'));
  }
  return out;
}

/** A thread far larger than any small budget: many long replies. */
export function hugeThread(messages: number, linesPerMessage: number): Thread {
  const subject = '[RFC PATCH 0/3] KVM: arm64: A very long discussion';
  const specs: MessageSpec[] = [{ id: 'huge0@example.org', from: 'Alice Example', inWindow: false, text: 'Cover letter.\n' + 'Motivation line. '.repeat(40) }];
  for (let i = 1; i < messages; i++) {
    const lines = Array.from({ length: linesPerMessage }, (_, j) => `Point ${i}.${j}: the vcpu ${j} needs to reload its timer state on entry ${i * j}.`);
    specs.push({ id: `huge${i}@example.org`, parent: `huge${i - 1}@example.org`, from: i % 2 ? 'Marc Reviewer' : 'Alice Example', inWindow: i > messages / 3, text: lines.join('\n') });
  }
  return makeThread(subject, specs);
}
