import type { Scheduler } from './scheduler.ts';

/**
 * A driver's timers on its Scheduler, so stop() can cancel every one of them at once. `onCancel`
 * runs when a timer is cancelled instead of firing (to settle a promise waiting on it).
 */
export class TimerSet {
  readonly #cancels = new Set<() => void>();

  constructor(private readonly scheduler: Scheduler) {}

  /** Runs `fn` after `ms` unless cancelled first (then `onCancel`). Returns a cancel function. */
  after(ms: number, fn: () => void, onCancel?: () => void): () => void {
    let done = false;
    const cancelTimer = this.scheduler.schedule(ms, () => {
      done = true;
      this.#cancels.delete(cancel);
      fn();
    });
    const cancel = (): void => {
      if (done) return;
      done = true;
      cancelTimer();
      this.#cancels.delete(cancel);
      onCancel?.();
    };
    this.#cancels.add(cancel);
    return cancel;
  }

  /** Resolves after `ms`, or at once when cancelled. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.after(ms, resolve, resolve));
  }

  /** Cancels every timer still pending. */
  cancelAll(): void {
    for (const cancel of [...this.#cancels]) cancel();
  }

  get size(): number {
    return this.#cancels.size;
  }
}
