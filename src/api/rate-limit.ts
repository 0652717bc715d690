/**
 * Token buckets by key: `burst` requests at once, refilled at `perMinute`. In memory (a restart
 * forgives everyone), bounded in size so a flood of invented keys cannot grow it without end.
 */
export class RateLimiter {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    readonly burst: number,
    readonly perMinute: number,
    private readonly now: () => number,
    private readonly maxKeys = 10_000,
  ) {}

  /** The ms until `key` has a token, without taking it (0: one is there). */
  wait(key: string): number {
    const b = this.#buckets.get(key);
    if (!b) return 0;
    const tokens = Math.min(this.burst, b.tokens + (Math.max(0, this.now() - b.at) * this.perMinute) / 60_000);
    return tokens >= 1 ? 0 : Math.ceil(((1 - tokens) * 60_000) / this.perMinute);
  }

  /** Takes one token for `key`: 0 if allowed, else the ms to wait before the next one. */
  take(key: string): number {
    const now = this.now();
    const b = this.#refill(key, now);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - b.tokens) * 60_000) / this.perMinute);
  }

  #refill(key: string, now: number): { tokens: number; at: number } {
    let b = this.#buckets.get(key);
    if (!b) {
      if (this.#buckets.size >= this.maxKeys) this.#evictFull(now);
      b = { tokens: this.burst, at: now };
      this.#buckets.set(key, b);
      return b;
    }
    // A clock that went back refills nothing rather than a negative amount.
    const elapsed = Math.max(0, now - b.at);
    b.tokens = Math.min(this.burst, b.tokens + (elapsed * this.perMinute) / 60_000);
    b.at = now;
    return b;
  }

  /** Drops buckets that have refilled (they hold no information); oldest first if none have. */
  #evictFull(now: number): void {
    for (const [k, b] of this.#buckets) {
      if (b.tokens + ((now - b.at) * this.perMinute) / 60_000 >= this.burst) this.#buckets.delete(k);
    }
    if (this.#buckets.size >= this.maxKeys) {
      const oldest = this.#buckets.keys().next();
      if (!oldest.done) this.#buckets.delete(oldest.value);
    }
  }
}
