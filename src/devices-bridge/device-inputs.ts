import { rateByDevice } from '../commands/rate-by-device.ts';
import { HallqError } from '../domain/errors.ts';
import type { DeviceInput } from '../realtime/protocol.ts';
import type { CommandHandler, Idempotency } from '../store/handle-command.ts';
import type { InputOutcome } from './caller-host.ts';

/** `idem`: an agent's input id, kept with the command, so a retry after a hub restart is not applied twice. */
type Apply = (input: DeviceInput, at: number, idem?: Idempotency) => Promise<InputOutcome>;

/**
 * Where a device's keys and scores go in the hub, by device id: the same entry for a device in the
 * hub's process (called by its host) and one on an agent (called by its HTTP report).
 */
export class DeviceInputs {
  readonly #byDevice = new Map<string, Apply>();

  register(device: string, apply: Apply): void {
    this.#byDevice.set(device, apply);
  }

  apply(device: string, input: DeviceInput, at: number, idem?: Idempotency): Promise<InputOutcome> {
    const to = this.#byDevice.get(device);
    if (!to) return Promise.reject(new HallqError('HQ_ERR_NOT_FOUND', { reason: 'no such input device' }));
    return to(input, at, idem);
  }
}

/** A USB pad's score rates its window's pending service, as a tablet's tap does; a refused one is logged. */
export function hidPadRatings(handler: CommandHandler, windowId: number, log: (err: unknown) => void): Apply {
  return async (input, at, idem) => {
    if (input.kind !== 'rating') return { applied: false, code: 'HQ_ERR_VALIDATION' };
    try {
      const done = await handler.submit(rateByDevice(input.level, 'hid', at), { kind: 'device', id: `hid-pad-${windowId}`, deviceKind: 'pad', windowId }, idem);
      return done.replayed ? { applied: false, duplicate: true } : { applied: true };
    } catch (err) {
      log(err);
      return { applied: false, code: err instanceof HallqError ? err.code : 'HQ_ERR_INTERNAL' };
    }
  };
}
