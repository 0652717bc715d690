import type { Clock } from '../../src/store/handle-command.ts';

/**
 * A clock tests move by hand. `advance` and `set` are time passing (both clocks move); `jump` moves
 * the wall clock alone, as an operator or a bad NTP server would.
 */
export class FakeClock implements Clock {
  #mono = 0;
  constructor(public t: number) {}
  now(): number {
    return this.t;
  }
  monotonic(): number {
    return this.#mono;
  }
  set(t: number | string): void {
    const next = typeof t === 'string' ? Date.parse(t) : t;
    this.#mono += Math.max(0, next - this.t);
    this.t = next;
  }
  advance(ms: number): void {
    this.t += ms;
    this.#mono += ms;
  }
  /** The wall clock alone moves by `ms` (either way). */
  jump(ms: number): void {
    this.t += ms;
  }
}
