import { CallerBus, type CallerKeypadSimulator, keyToIntent, type CallerKeyEvent, type RatingOrder } from '../../devices/caller/index.ts';
import { endpointForUri } from '../../devices/endpoint.ts';
import type { HallConfig } from '../config/schema.ts';
import type { Actor, HallCommand } from '../domain/commands.ts';
import { HallqError } from '../domain/errors.ts';
import { newCallId, newServiceId } from '../ids.ts';
import type { StoredEvent } from '../store/event-log.ts';
import type { CommandHandler, Reply } from '../store/handle-command.ts';
import type { Emit } from './device-status.ts';
import { rateFromDevice } from './rate-from-device.ts';

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
      void rateFromDevice(this.handler, windowId, r.level, 'rs485', { kind: 'device', id: `evaluator-${r.address}`, deviceKind: 'pad' }).catch((err) =>
        this.#refused(r.address, windowId, err),
      );
    });
    this.bus.on('status', (s) => this.emit('manager', 'device.status', { device: 'caller-bus', kind: 'caller', state: s.state, detail: s.detail, at: Date.now() }));
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

  async #onKey(k: CallerKeyEvent): Promise<void> {
    const windowId = this.#windowOf.get(k.address);
    const suggestion = keyToIntent(k);
    if (windowId === undefined || !suggestion) return;
    const actor: Actor = { kind: 'device', id: `caller-${k.address}`, deviceKind: 'caller' };
    const paused = this.handler.state.windows.get(windowId)?.status === 'paused';
    let command: HallCommand;
    const intent = paused && suggestion.toggle ? suggestion.toggle : suggestion.intent;
    switch (intent) {
      case 'call':
        command = { type: 'CallNext', data: { windowId, callId: newCallId() } };
        break;
      case 'recall':
        command = { type: 'Recall', data: { windowId, callId: newCallId() } };
        break;
      case 'noShow':
        command = { type: 'MarkNoShow', data: { windowId } };
        break;
      case 'startService':
        command = { type: 'StartService', data: { windowId } };
        break;
      case 'completeService':
        command = { type: 'CompleteService', data: { windowId } };
        break;
      case 'pause':
        command = { type: 'PauseWindow', data: { windowId, reason: suggestion.defaultReason ?? '暂停服务' } };
        break;
      case 'resume':
        command = { type: 'ResumeWindow', data: { windowId } };
        break;
      case 'transfer': {
        const to = Number(k.digits);
        if (!k.digits || !Number.isInteger(to)) return this.#refused(k.address, windowId, new HallqError('HQ_ERR_TRANSFER_TARGET'));
        command = { type: 'TransferTicket', data: { windowId, newServiceId: newServiceId(), toWindowId: to } };
        break;
      }
      default: {
        const unmapped: never = intent;
        return unmapped;
      }
    }
    try {
      await this.handler.submit(command, actor, (): Reply => ({ status: 200, body: null }));
    } catch (err) {
      this.#refused(k.address, windowId, err);
    }
  }

  /** A refused key: an urgent beep at the keypad and the reason on the clerk's console. */
  #refused(address: number, windowId: number, err: unknown): void {
    void this.bus.beep(address, 'urgent');
    const e = err instanceof HallqError ? err : new HallqError('HQ_ERR_INTERNAL');
    const clerk = this.handler.state.windows.get(windowId)?.staffId;
    if (clerk) this.emit(`clerk:${clerk}`, 'keypad.refused', { windowId, address, code: e.code, message: e.message });
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
    const win = this.hall.windows.find((w) => w.id === windowId);
    if (address === undefined || !win) return;
    const state = this.handler.state;
    const waiting = win.categories.reduce((n, c) => n + (state.waiting.get(c.id)?.size ?? 0), 0);
    const ws = state.windows.get(windowId);
    const cur = ws?.currentServiceId ? state.services.get(ws.currentServiceId) : undefined;
    const live = cur && (cur.status === 'called' || cur.status === 'serving');
    void this.bus.showLcd(address, { waiting, current: live ? (state.tickets.get(cur.ticketId)?.number ?? null) : null });
  }
}
