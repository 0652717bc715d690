/** Time for the driver: the queue never calls Date.now() or setTimeout itself, so tests can move time by hand. */
export interface Scheduler {
  now(): number;
  /** Runs `fn` after `ms`; returns a function that cancels it. */
  schedule(ms: number, fn: () => void): () => void;
}

export const realScheduler: Scheduler = {
  now: () => Date.now(),
  schedule(ms, fn) {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  },
};

/** A scheduler tests move by hand: `advance(ms)` runs what falls due, in time order, letting promises settle. */
export class ManualScheduler implements Scheduler {
  #t: number;
  #seq = 0;
  #timers: { at: number; seq: number; fn: () => void }[] = [];

  constructor(start = 0) {
    this.#t = start;
  }

  now(): number {
    return this.#t;
  }

  schedule(ms: number, fn: () => void): () => void {
    const timer = { at: this.#t + Math.max(0, ms), seq: this.#seq++, fn };
    this.#timers.push(timer);
    return () => {
      this.#timers = this.#timers.filter((t) => t !== timer);
    };
  }

  /** Delays of the timers now pending, from now. */
  get pending(): number[] {
    return this.#timers.map((t) => t.at - this.#t).sort((a, b) => a - b);
  }

  async advance(ms: number): Promise<void> {
    const end = this.#t + ms;
    await settle();
    for (;;) {
      const next = this.#timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!next) break;
      this.#timers = this.#timers.filter((t) => t !== next);
      this.#t = next.at;
      next.fn();
      await settle();
    }
    this.#t = end;
    await settle();
  }
}

/** Lets pending promise chains (and I/O callbacks already queued) run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise<void>((r) => setImmediate(r));
}
