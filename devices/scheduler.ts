/**
 * Time as a driver sees it. Drivers never call Date.now() or setTimeout themselves, so tests can
 * drive them with ManualScheduler (virtual time) or with vitest's fake timers over systemScheduler.
 *
 * Design (merged from the ID-card reader's `setTimer/clearTimer` and the printer's `schedule`):
 * `schedule(ms, fn)` returns its own cancel function. There is no opaque `TimerHandle` to type as
 * `unknown` and cast back, a cancel cannot be handed to the wrong scheduler, calling it twice (or
 * after the timer ran) is harmless, and a fake needs two methods instead of three.
 */
export interface Scheduler {
  now(): number;
  /** Runs `fn` after `ms`; returns a function that cancels it. */
  schedule(ms: number, fn: () => void): () => void;
}

/** The real clock. Looks the globals up on each call, so vi.useFakeTimers() takes effect. */
export const systemScheduler: Scheduler = {
  now: () => Date.now(),
  schedule(ms, fn) {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  },
};

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
}

/** Lets pending I/O finish: MemoryTransport delivers on setImmediate, promises on microtasks. */
async function settleIo(rounds = 25): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * Virtual time for tests. Timers run only from `advance`, in due order (ties in the order they were
 * scheduled), and before each one the real event loop gets to finish its I/O, so "nothing arrived
 * within 1000 ms" means nothing was going to arrive. A whole minute of device life runs in
 * milliseconds.
 */
export class ManualScheduler implements Scheduler {
  #now: number;
  #seq = 0;
  #timers: Timer[] = [];

  constructor(start = 0) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  schedule(ms: number, fn: () => void): () => void {
    const timer: Timer = { at: this.#now + Math.max(0, ms), seq: this.#seq++, fn };
    this.#timers.push(timer);
    return () => {
      this.#timers = this.#timers.filter((t) => t !== timer);
    };
  }

  /** Delays of the timers pending now, from now, shortest first (`[]` when the driver is idle). */
  get pending(): number[] {
    return this.#timers.map((t) => t.at - this.#now).sort((a, b) => a - b);
  }

  /** Moves time forward by `ms`, running every timer that falls due on the way. */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    for (;;) {
      await settleIo();
      const next = this.#nextDue(target);
      if (!next) break;
      this.#timers = this.#timers.filter((t) => t !== next);
      this.#now = next.at;
      next.fn();
    }
    this.#now = target;
    await settleIo();
  }

  /** Advances in `stepMs` steps until `done()` holds; throws after `maxMs` of virtual time. */
  async until(done: () => boolean, maxMs = 60_000, stepMs = 10): Promise<void> {
    const limit = this.#now + maxMs;
    await settleIo();
    while (!done()) {
      if (this.#now >= limit) throw new Error(`condition not met within ${maxMs} virtual ms`);
      await this.advance(stepMs);
    }
  }

  #nextDue(target: number): Timer | undefined {
    let best: Timer | undefined;
    for (const t of this.#timers) {
      if (t.at > target) continue;
      if (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq)) best = t;
    }
    return best;
  }
}
