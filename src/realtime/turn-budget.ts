/**
 * Work shared out over turns of the event loop: pieces of synchronous work queued by many callers
 * run in order, as many per turn as fit in the budget; the rest wait for a later turn (after I/O,
 * so requests keep being served). Thirty screens catching up at once then cost the hall a few
 * short turns, not one long one.
 */
export class TurnBudget {
  readonly #queue: (() => void)[] = [];
  #scheduled = false;

  constructor(private readonly budgetMs: number) {}

  /** Runs `work` in a turn with budget left, after everything queued before it; resolves with its result. */
  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push(() => {
        try {
          resolve(work());
        } catch (err) {
          reject(err);
        }
      });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => this.#drain());
  }

  #drain(): void {
    this.#scheduled = false;
    const start = performance.now();
    while (this.#queue.length > 0 && performance.now() - start < this.budgetMs) this.#queue.shift()!();
    if (this.#queue.length > 0) this.#schedule();
  }
}
