// A minimal mocha-style runner (suite/test/figure) for the extension-host suite. It runs the same
// way under @vscode/test-electron (index.ts) and inside code-server (the helper extension), with no
// test framework bundled into either: results are plain data the caller reports or writes out.

export type TestFn = () => unknown | Promise<unknown>;

interface Case {
  suite: string;
  name: string;
  fn: TestFn;
  timeoutMs: number;
}

export interface CaseResult {
  suite: string;
  name: string;
  ok: boolean;
  ms: number;
  error?: string;
}

export interface RunResult {
  passed: number;
  failed: number;
  results: CaseResult[];
  /** Measured numbers the suite wants printed (never asserted on: timing is not a pass/fail test here). */
  figures: Record<string, number>;
}

export class Registry {
  private readonly cases: Case[] = [];
  private current = '';
  readonly figures: Record<string, number> = {};

  suite(name: string, body: () => void): void {
    const outer = this.current;
    this.current = outer ? `${outer} › ${name}` : name;
    try {
      body();
    } finally {
      this.current = outer;
    }
  }

  test(name: string, fn: TestFn, timeoutMs = 60_000): void {
    this.cases.push({ suite: this.current, name, fn, timeoutMs });
  }

  figure(name: string, value: number): void {
    this.figures[name] = Math.round(value * 10) / 10;
  }

  /** Runs every case in order; a failing case does not stop the others. */
  async run(onResult?: (r: CaseResult) => void): Promise<RunResult> {
    const results: CaseResult[] = [];
    for (const c of this.cases) {
      const started = performance.now();
      let error: string | undefined;
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          Promise.resolve().then(c.fn),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`timed out after ${c.timeoutMs} ms`)), c.timeoutMs);
          }),
        ]);
      } catch (err) {
        error = err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err);
      } finally {
        if (timer) clearTimeout(timer);
      }
      const result: CaseResult = { suite: c.suite, name: c.name, ok: error === undefined, ms: Math.round(performance.now() - started), error };
      results.push(result);
      onResult?.(result);
    }
    const failed = results.filter((r) => !r.ok).length;
    return { passed: results.length - failed, failed, results, figures: { ...this.figures } };
  }
}
