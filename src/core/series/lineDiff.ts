// A line diff (Myers' O(ND) algorithm) and unified-diff hunks over it. Used to diff two versions
// of a patch; bounded so that a hostile or huge pair cannot take unbounded time or memory.

export type DiffOp = { op: ' ' | '-' | '+'; line: string };

export interface Hunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  ops: DiffOp[];
}

/** Work bound (edit distance) above which the diff gives up and replaces everything. */
const MAX_EDITS = 3000;

/** The edit script turning a into b, as a sequence of kept, removed and added lines. */
export function diffLines(a: string[], b: string[]): DiffOp[] {
  // Trim the common head and tail first: versions of a patch mostly agree.
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const ops: DiffOp[] = [];
  for (let i = 0; i < head; i++) ops.push({ op: ' ', line: a[i] });
  ops.push(...myers(a.slice(head, a.length - tail), b.slice(head, b.length - tail)));
  for (let i = a.length - tail; i < a.length; i++) ops.push({ op: ' ', line: a[i] });
  return ops;
}

function myers(a: string[], b: string[]): DiffOp[] {
  const n = a.length;
  const m = b.length;
  if (n === 0) return b.map((line) => ({ op: '+' as const, line }));
  if (m === 0) return a.map((line) => ({ op: '-' as const, line }));
  const max = Math.min(n + m, MAX_EDITS);
  const offset = max + 1;
  let v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = -1;
  for (let d = 0; d <= max; d++) {
    // Keep only diagonals -d-1..d+1 of each step: memory grows with D², not D·(N+M).
    trace.push(v.slice(offset - d - 1, offset + d + 2));
    const next = v;
    for (let k = -d; k <= d; k += 2) {
      let x: number;
      if (k === -d || (k !== d && next[offset + k - 1] < next[offset + k + 1])) x = next[offset + k + 1];
      else x = next[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      next[offset + k] = x;
      if (x >= n && y >= m) {
        found = d;
        break;
      }
    }
    if (found >= 0) break;
    v = next;
  }
  if (found < 0) {
    // Too different to be worth aligning: all old lines out, all new lines in.
    return [...a.map((line) => ({ op: '-' as const, line })), ...b.map((line) => ({ op: '+' as const, line }))];
  }
  // Walk the trace back from (n, m). trace[d] holds V before step d; trace[found + 1] after it.
  const ops: DiffOp[] = [];
  let x = n;
  let y = m;
  for (let d = found; d >= 0; d--) {
    const vd = trace[d];
    const at = (diag: number) => vd[diag + d + 1];
    const k = x - y;
    let prevK: number;
    if (d === 0) prevK = 0;
    else if (k === -d || (k !== d && at(k - 1) < at(k + 1))) prevK = k + 1;
    else prevK = k - 1;
    const prevX = d === 0 ? 0 : at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push({ op: ' ', line: a[x - 1] });
      x--;
      y--;
    }
    if (d > 0) {
      if (x === prevX) ops.push({ op: '+', line: b[prevY] });
      else ops.push({ op: '-', line: a[prevX] });
    }
    x = prevX;
    y = prevY;
  }
  return ops.reverse();
}

/** Groups an edit script into unified-diff hunks with `context` lines around each change. */
export function toHunks(ops: DiffOp[], context = 3): Hunk[] {
  const hunks: Hunk[] = [];
  const changed: number[] = [];
  for (let i = 0; i < ops.length; i++) if (ops[i].op !== ' ') changed.push(i);
  if (changed.length === 0) return hunks;
  // Old/new line numbers before each op.
  const oldAt = new Int32Array(ops.length + 1);
  const newAt = new Int32Array(ops.length + 1);
  for (let i = 0; i < ops.length; i++) {
    oldAt[i + 1] = oldAt[i] + (ops[i].op === '+' ? 0 : 1);
    newAt[i + 1] = newAt[i] + (ops[i].op === '-' ? 0 : 1);
  }
  let start = Math.max(0, changed[0] - context);
  let end = Math.min(ops.length, changed[0] + 1 + context);
  const flush = () => {
    const slice = ops.slice(start, end);
    const oldLines = oldAt[end] - oldAt[start];
    const newLines = newAt[end] - newAt[start];
    hunks.push({
      oldStart: oldLines === 0 ? oldAt[start] : oldAt[start] + 1,
      oldLines,
      newStart: newLines === 0 ? newAt[start] : newAt[start] + 1,
      newLines,
      ops: slice,
    });
  };
  for (let c = 1; c < changed.length; c++) {
    const from = changed[c] - context;
    if (from <= end) {
      end = Math.min(ops.length, changed[c] + 1 + context);
    } else {
      flush();
      start = Math.max(0, from);
      end = Math.min(ops.length, changed[c] + 1 + context);
    }
  }
  flush();
  return hunks;
}

/** The text of hunks in unified-diff form ("@@ -a,b +c,d @@" then prefixed lines). */
export function renderHunks(hunks: Hunk[]): string {
  let out = '';
  for (const h of hunks) {
    out += `@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@\n`;
    for (const o of h.ops) out += o.op + o.line + '\n';
  }
  return out;
}
