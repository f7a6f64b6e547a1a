// A time budget for one piece of asynchronous work on hostile input (e.g. mailparser on one
// message): when the work has not settled in time, the caller gets a TimeBudgetExceeded error and
// moves on, so a parser stuck waiting for an end that never comes cannot hang the whole report.
// (Synchronous loops cannot be interrupted this way: parseRawMessages' worker watchdog stops a
// parser that spins, and the hostile and fuzz suites keep the project's own code linear.)

export class TimeBudgetExceeded extends Error {
  constructor(
    readonly what: string,
    readonly budgetMs: number,
  ) {
    super(`${what} exceeded its time budget of ${budgetMs} ms`);
    this.name = 'TimeBudgetExceeded';
  }
}

/** Settles like `work`, or rejects with TimeBudgetExceeded after `budgetMs`. */
export function withTimeBudget<T>(work: Promise<T>, budgetMs: number, what: string): Promise<T> {
  if (!(budgetMs > 0) || !Number.isFinite(budgetMs)) return work;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new TimeBudgetExceeded(what, budgetMs)), budgetMs);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}
