import type { TimerSet } from '../../timer-set.ts';

/**
 * The digits a keypad has typed and not yet followed by a key (a transfer target, the 6 of 6+确认).
 * Forgotten after `timeoutMs` without a key, and capped at `maxDigits` (older digits drop off).
 */
export class DigitEntry {
  readonly #entries = new Map<number, { digits: string; cancel: () => void }>();

  constructor(
    private readonly timers: TimerSet,
    private readonly timeoutMs: number,
    private readonly maxDigits: number,
  ) {}

  /** A digit frame: the entry so far, this frame's digits added. */
  addDigits(address: number, digits: string): string {
    const typed = this.#take(address) + digits;
    const kept = typed.slice(-this.maxDigits);
    const cancel = this.timers.after(this.timeoutMs, () => this.#entries.delete(address));
    this.#entries.set(address, { digits: kept, cancel });
    return kept;
  }

  /** A key: the entry typed before it (plus digits inside the key's own frame), which the key consumes. */
  consume(address: number, frameDigits: string): string {
    return (this.#take(address) + frameDigits).slice(-this.maxDigits);
  }

  clear(): void {
    for (const e of this.#entries.values()) e.cancel();
    this.#entries.clear();
  }

  #take(address: number): string {
    const entry = this.#entries.get(address);
    if (!entry) return '';
    entry.cancel();
    this.#entries.delete(address);
    return entry.digits;
  }
}
