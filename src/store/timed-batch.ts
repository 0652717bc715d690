/**
 * A batch size that follows the time its batches take (issue #11: housekeeping never holds the hall's
 * thread for more than a few tens of milliseconds). A batch that took longer than the target halves
 * the next; one well under it lets the next grow by half. The same code then fits a township's
 * small rows on a fast disk and a city year's on a slow one, where a fixed 200 tickets took 80–150 ms.
 */
export class TimedBatch {
  #size: number;

  constructor(
    private readonly targetMs: number,
    start: number,
    private readonly min = 1,
    private readonly max = start * 8,
  ) {
    this.#size = start;
  }

  get size(): number {
    return this.#size;
  }

  /** Runs one batch of the current size and adapts the next to the time it took. */
  run<T>(batch: (size: number) => T): T {
    const t0 = performance.now();
    const out = batch(this.#size);
    const ms = performance.now() - t0;
    if (ms > this.targetMs) this.#size = Math.max(this.min, Math.floor(this.#size / 2));
    else if (ms < this.targetMs / 3) this.#size = Math.min(this.max, Math.ceil(this.#size * 1.5));
    return out;
  }
}
