import type { Clock } from './store/handle-command.ts';

export interface ClockJump {
  fromAt: number;
  toAt: number;
  /** Wall clock minus what really passed: + forward, − backward. */
  deltaMs: number;
  detectedAt: 'runtime' | 'startup';
}

/**
 * Watches the wall clock against the monotonic one. A small PC's clock jumps (a dead CMOS battery,
 * an NTP correction, a wrong manual setting); the hub notices a jump of more than `thresholdMs`
 * either way, says so, and reports how long the wall clock has been steady since, so that nothing
 * irreversible (closing a business day) follows a jump until the clock has stayed put.
 */
export class ClockGuard {
  #lastWall: number;
  #lastMono: number;
  #steadySinceMono: number;
  readonly #mono: () => number;

  constructor(
    private readonly clock: Clock,
    readonly thresholdMs: number,
    private readonly onJump: (jump: ClockJump) => void,
  ) {
    this.#mono = clock.monotonic ? () => clock.monotonic!() : () => performance.now();
    this.#lastWall = clock.now();
    this.#lastMono = this.#steadySinceMono = this.#mono();
  }

  /**
   * At start-up: a wall clock earlier than the log's last event (beyond the threshold) went back
   * while the hub was off. A later one cannot be told from the hub simply having been off.
   */
  checkAgainstLog(lastEventAt: number | null): void {
    const now = this.clock.now();
    if (lastEventAt !== null && lastEventAt - now > this.thresholdMs) {
      this.onJump({ fromAt: lastEventAt, toAt: now, deltaMs: now - lastEventAt, detectedAt: 'startup' });
    }
  }

  /** Compares the clocks since the last check; call it every few seconds. */
  check(): ClockJump | null {
    const wall = this.clock.now();
    const mono = this.#mono();
    const expected = this.#lastWall + (mono - this.#lastMono);
    const deltaMs = wall - expected;
    this.#lastWall = wall;
    this.#lastMono = mono;
    if (Math.abs(deltaMs) <= this.thresholdMs) return null;
    this.#steadySinceMono = mono;
    const jump: ClockJump = { fromAt: expected, toAt: wall, deltaMs, detectedAt: 'runtime' };
    this.onJump(jump);
    return jump;
  }

  /** How long the wall clock has run without a jump (since start-up or the last jump). */
  steadyForMs(): number {
    return this.#mono() - this.#steadySinceMono;
  }
}
