/**
 * Tells a keypad's resend from a new press. A keypad resends the same bytes until it hears the
 * ACK, so a frame seen again within `windowMs` of its last sighting is a resend. The window
 * slides: a chain of resends stays one press however long it runs. There is no sequence number on
 * the wire, so a real second press of the same key inside the window is also taken as a resend
 * (README.md, "Limits").
 */
export class ResendFilter {
  readonly #last = new Map<string, number>();

  constructor(readonly windowMs: number) {
    if (!(windowMs >= 0)) throw new TypeError(`"resendWindowMs" must be ≥ 0, got ${windowMs}`);
  }

  /** Records a sighting of `key` at `now`; true when it is a resend of an earlier one. */
  isResend(key: string, now: number): boolean {
    const last = this.#last.get(key);
    this.#last.set(key, now);
    this.#prune(now);
    return last !== undefined && now - last <= this.windowMs;
  }

  /** Entries held (for tests: the map does not grow without bound). */
  get size(): number {
    return this.#last.size;
  }

  clear(): void {
    this.#last.clear();
  }

  #prune(now: number): void {
    if (this.#last.size < 64) return;
    for (const [k, at] of this.#last) if (now - at > this.windowMs) this.#last.delete(k);
  }
}
