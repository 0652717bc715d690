import { HallqError } from '../domain/errors.ts';
import type { InputOutcome } from '../devices-bridge/caller-host.ts';
import type { DeviceInputs } from '../devices-bridge/device-inputs.ts';
import type { DeviceInput } from '../realtime/protocol.ts';

/**
 * A key pressed longer ago than this is refused: a clerk who pressed 叫号 and saw nothing has pressed
 * again or used the console, and a call made now for a press of minutes ago would call a second person.
 */
export const KEY_MAX_AGE_MS = 10_000;
/** A score is applied at the time it was given, so it may come later; past this every request it could rate has expired. */
export const RATING_MAX_AGE_MS = 10 * 60_000;

export type RemoteInputReply = InputOutcome;

/**
 * Keys and scores from devices on agents. Each carries the agent's id for it and its age: one sent
 * again (its reply was lost) is applied once and answered `duplicate`; a key that arrives late is
 * refused; a score is applied at the time it was given (the domain rates what was pending then).
 */
export class RemoteInputs {
  readonly #seen = new Map<string, Promise<InputOutcome>>();

  constructor(
    private readonly inputs: DeviceInputs,
    /** The hub's clock, the one its events are stamped with. */
    private readonly now: () => number = Date.now,
  ) {}

  async apply(device: string, inputId: string, ageMs: number, input: DeviceInput): Promise<RemoteInputReply> {
    const key = `${device}|${inputId}`;
    if (this.#seen.has(key)) return { applied: false, duplicate: true };
    const givenAt = this.now() - ageMs;
    if (ageMs > (input.kind === 'key' ? KEY_MAX_AGE_MS : RATING_MAX_AGE_MS)) {
      this.#remember(key, Promise.resolve({ applied: false, code: 'HQ_ERR_DEVICE_INPUT_STALE' }));
      throw new HallqError('HQ_ERR_DEVICE_INPUT_STALE', { ageMs });
    }
    // Remembered before it runs: a repeat arriving while the first is still in the handler is a duplicate too.
    // The command keeps the input's id as its idempotency key: a repeat after a hub restart (the reply
    // lost to the crash, this map with it) finds the first command's record and is not applied again.
    const outcome = this.inputs.apply(device, input, givenAt, { key: `agent-input:${key}`, fingerprint: JSON.stringify(input) });
    this.#remember(key, outcome.catch(() => ({ applied: false, code: 'HQ_ERR_INTERNAL' })));
    return outcome;
  }

  #remember(key: string, outcome: Promise<InputOutcome>): void {
    if (this.#seen.size >= 5_000) this.#seen.delete(this.#seen.keys().next().value!);
    this.#seen.set(key, outcome);
  }
}
