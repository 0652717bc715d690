import { CallerBus, type CallerKeypadSimulator, keyToIntent, type CallerKeyEvent, type RatingOrder } from '../../devices/caller/index.ts';
import { endpointForUri } from '../../devices/endpoint.ts';
import type { HallConfig } from '../config/schema.ts';
import { rateByDevice } from '../commands/rate-by-device.ts';
import { windowCommand, type WindowAction } from '../commands/window-actions.ts';
import { HallqError } from '../domain/errors.ts';
import { liveServiceAt, numberOf, signedInAt, waitingFor } from '../domain/queries.ts';
import type { StoredEvent } from '../store/event-log.ts';
import type { CommandHandler } from '../store/handle-command.ts';
import { reportStatus, type Emit } from './device-status.ts';

export interface CallerHostConfig {
  /** `sim`, or `serial:/dev/ttyUSB2?baud=9600` for the RS-485 bus. */
  uri: string;
  keypads: { address: number; windowId: number; order?: RatingOrder | undefined }[];
}

/**
 * The RS-485 caller keypads (呼叫器) of the hall, run by the hub. A key becomes exactly the command
 * the console button sends, through the same handler; the keypad's LCD shows its window's waiting
 * count and current number, and it beeps "be ready" when its queue goes from empty to non-empty.
 */
export class CallerHost {
  readonly bus: CallerBus;
  readonly simulator: CallerKeypadSimulator | null;
  readonly #windowOf = new Map<number, number>();
  readonly #addressOf = new Map<number, number>();

  constructor(
    readonly config: CallerHostConfig,
    private readonly handler: CommandHandler,
    private readonly hall: HallConfig,
    private readonly emit: Emit,
  ) {
    for (const k of config.keypads) {
      this.#windowOf.set(k.address, k.windowId);
      this.#addressOf.set(k.windowId, k.address);
    }
    // Evaluators wired worst-first (config `order`), by bus address; the rest run best-first.
    const ratingOrders = Object.fromEntries(config.keypads.flatMap((k) => (k.order ? [[k.address, k.order]] : [])));
    const endpoint = endpointForUri('caller', config.uri, { sim: { ratingOrders } });
    this.simulator = endpoint.simulator;
    this.bus = new CallerBus(endpoint.transport, { beepOnQueueFilled: 'ready', ratingOrders });
    this.bus.on('key', (k) => void this.#onKey(k));
    // RS-485 evaluators (评价器) share the bus: a score rates the window's pending service.
    this.bus.on('rating', (r) => {
      const windowId = this.#windowOf.get(r.address);
      if (windowId === undefined) return;
      void this.handler
        .submit(rateByDevice(r.level, 'rs485'), { kind: 'device', id: `evaluator-${r.address}`, deviceKind: 'pad', windowId })
        .catch((err) => this.#refused(r.address, windowId, err));
    });
    this.bus.on('status', (s) => reportStatus(this.emit, 'caller-bus', 'caller', s));
    handler.onCommitted((events) => this.#refreshLcds(events));
  }

  /** The window of the keypad at `address`, if there is one. */
  windowOf(address: number): number | undefined {
    return this.#windowOf.get(address);
  }

  start(): void {
    this.bus.start();
    for (const windowId of this.#addressOf.keys()) this.#showLcd(windowId);
  }

  async stop(): Promise<void> {
    await this.bus.stop();
  }

  /** A key: its intent becomes the console's window action, with the keypad as actor (the signed-in clerk is credited). */
  async #onKey(k: CallerKeyEvent): Promise<void> {
    const windowId = this.#windowOf.get(k.address);
    const key = keyToIntent(k);
    if (windowId === undefined || !key) return;
    let action: WindowAction;
    switch (key.intent) {
      case 'call':
        action = { action: 'call' };
        break;
      case 'recall':
        action = { action: 'recall' };
        break;
      case 'noShow':
        action = { action: 'no-show' };
        break;
      case 'startService':
        action = { action: 'start' };
        break;
      case 'completeService':
        action = { action: 'complete' };
        break;
      case 'pause':
        // One key for both: `decide` pauses an open window and resumes a paused one.
        action = key.toggle === 'resume' ? { action: 'toggle-pause', reason: key.defaultReason ?? '暂停服务' } : { action: 'pause', reason: key.defaultReason ?? '暂停服务' };
        break;
      case 'resume':
        action = { action: 'resume' };
        break;
      case 'transfer': {
        const to = Number(k.digits);
        if (!k.digits || !Number.isInteger(to)) return this.#refused(k.address, windowId, new HallqError('HQ_ERR_TRANSFER_TARGET'));
        action = { action: 'transfer', toWindowId: to };
        break;
      }
      default: {
        const unmapped: never = key.intent;
        return unmapped;
      }
    }
    try {
      await this.handler.submit(windowCommand(windowId, action), { kind: 'device', id: `caller-${k.address}`, deviceKind: 'caller', windowId });
    } catch (err) {
      this.#refused(k.address, windowId, err);
    }
  }

  /** A refused key: an urgent beep at the keypad and the reason on the clerk's console. */
  #refused(address: number, windowId: number, err: unknown): void {
    void this.bus.beep(address, 'urgent');
    const e = err instanceof HallqError ? err : new HallqError('HQ_ERR_INTERNAL');
    void this.handler.read((state) => {
      const clerk = signedInAt(state, windowId);
      if (clerk) this.emit(`clerk:${clerk}`, 'keypad.refused', { windowId, address, code: e.code, message: e.message });
    });
  }

  #refreshLcds(events: StoredEvent[]): void {
    // A service ended at a window with an evaluator: ask it for the score.
    for (const e of events) {
      if (e.type !== 'rating.requested') continue;
      const address = this.#addressOf.get(e.data.windowId);
      if (address !== undefined) void this.bus.requestRating(address);
    }
    const counts = events.some((e) => e.type.startsWith('ticket.') || e.type.startsWith('window.'));
    if (!counts) return;
    for (const windowId of this.#addressOf.keys()) this.#showLcd(windowId);
  }

  #showLcd(windowId: number): void {
    const address = this.#addressOf.get(windowId);
    if (address === undefined) return;
    void this.handler.read((state) => {
      const live = liveServiceAt(state, windowId);
      void this.bus.showLcd(address, { waiting: waitingFor(state, this.hall, windowId), current: live ? numberOf(state, live.ticketId) || null : null });
    });
  }
}
