import { type CallerFrame, sameFrame } from '../codec/frame.ts';

/**
 * Recognises our own frames coming back within `windowMs` (RS-485 adapters that hear their own
 * transmitter). Without it the echo of a rating ACK (FUNC 01) would read as a digit key, and every
 * echoed ACK would be ACKed again, for ever. `windowMs` 0 turns it off.
 */
export class OwnEchoFilter {
  #sent: { frame: CallerFrame; at: number }[] = [];

  constructor(readonly windowMs: number) {}

  sending(frame: CallerFrame, at: number): void {
    if (this.windowMs <= 0) return;
    // Pruned here too: on a bus where no keypad speaks (a quiet night, LCD refreshes only) nothing else would.
    if (this.#sent.length > 0 && at - this.#sent[0]!.at > this.windowMs) this.#sent = this.#sent.filter((s) => at - s.at <= this.windowMs);
    this.#sent.push({ frame, at });
  }

  /** Frames remembered (for tests: it must stay small). */
  get size(): number {
    return this.#sent.length;
  }

  /** True (once) when `frame` is one we sent within the window. */
  isOwnEcho(frame: CallerFrame, now: number): boolean {
    if (this.windowMs <= 0) return false;
    this.#sent = this.#sent.filter((s) => now - s.at <= this.windowMs);
    const i = this.#sent.findIndex((s) => sameFrame(s.frame, frame));
    if (i < 0) return false;
    this.#sent.splice(i, 1);
    return true;
  }

  clear(): void {
    this.#sent = [];
  }
}
