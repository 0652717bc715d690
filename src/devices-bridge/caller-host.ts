import { type CallerBus, type CallerCombo, type CallerKey, type CallerKeypadSimulator, keyToIntent, type RatingOrder } from '../../devices/caller/index.ts';
import type { HallConfig } from '../config/schema.ts';
import { rateByDevice } from '../commands/rate-by-device.ts';
import { windowCommand, type WindowAction } from '../commands/window-actions.ts';
import { HallqError } from '../domain/errors.ts';
import { liveServiceAt, numberOf, signedInAt, waitingFor } from '../domain/queries.ts';
import type { DeviceCommand, DeviceInput } from '../realtime/protocol.ts';
import type { StoredEvent } from '../store/event-log.ts';
import type { CommandHandler, Idempotency } from '../store/handle-command.ts';
import { inProcessLink, type DeviceLink } from './device-link.ts';
import { reportStatus, type Emit } from './device-status.ts';
import { CallerBusDevice } from './hosts/caller-bus.ts';

/** A refusal's beep heard later than this would answer some other press. */
const REFUSAL_BEEP_TTL_MS = 10_000;

/**
 * What a device input came to at the hub: applied, refused with the code the device is told, or a
 * duplicate (an agent's retry of an input applied before: nothing was done again).
 */
export type InputOutcome = { applied: true } | { applied: false; code: string } | { applied: false; duplicate: true };

export interface CallerHostConfig {
  /** `sim`, or `serial:/dev/ttyUSB2?baud=9600` for the RS-485 bus. */
  uri: string;
  keypads: { address: number; windowId: number; order?: RatingOrder | undefined }[];
  /** On the PC where the bus cable ends, run by an agent. */
  agent?: boolean | undefined;
}

export interface CallerHostOptions {
  /** The bus's device id: `caller-bus` (keypads and evaluators), `pad-bus` (evaluators alone). */
  device: 'caller-bus' | 'pad-bus';
  /** How commands reach a bus on an agent. */
  agentLink?: DeviceLink | null;
  /** The hub's clock (a command's `until` is in its time). */
  now?: () => number;
}

/**
 * The RS-485 caller keypads (呼叫器) and evaluators (评价器) of the hall, their logic in the hub. A key
 * becomes exactly the command the console button sends, through the same handler; the keypad's LCD
 * shows its window's waiting count and current number, and it beeps "be ready" when its queue goes
 * from empty to non-empty; an evaluator's score rates its window's pending service. The bus itself is
 * a device reached through a link: this process's own host (CallerBusDevice) or an agent's, which
 * sends its keys and scores back as inputs with their own time (`onInput`).
 */
export class CallerHost {
  readonly simulator: CallerKeypadSimulator | null;
  readonly device: string;
  readonly #windowOf = new Map<number, number>();
  readonly #addressOf = new Map<number, number>();
  readonly #local: CallerBusDevice | null;
  readonly #link: DeviceLink | null;
  /** What each keypad's LCD was last sent: an unchanged LCD is not sent again (on an agent, each is a stored command). */
  readonly #lcd = new Map<number, string>();
  readonly #now: () => number;

  constructor(
    readonly config: CallerHostConfig,
    private readonly handler: CommandHandler,
    private readonly hall: HallConfig,
    private readonly emit: Emit,
    opts: CallerHostOptions = { device: 'caller-bus' },
  ) {
    this.device = opts.device;
    this.#now = opts.now ?? Date.now;
    for (const k of config.keypads) {
      this.#windowOf.set(k.address, k.windowId);
      this.#addressOf.set(k.windowId, k.address);
    }
    if (config.agent) {
      this.#local = null;
      this.#link = opts.agentLink ?? null;
    } else {
      // In this process a key is heard as it is made: it is stamped with the hub's clock, as its events are.
      this.#local = new CallerBusDevice(this.device, config.uri, config.keypads, (input) => void this.onInput(input, this.#now()), (s) =>
        reportStatus(this.emit, this.device, this.device === 'caller-bus' ? 'caller' : 'pad', s),
      );
      this.#link = inProcessLink(this.#local);
    }
    this.simulator = this.#local?.simulator ?? null;
    handler.onCommitted((events) => this.#refreshLcds(events));
  }

  /** The bus driver when the bus runs in the hub (the simulator's controls and tests wait on it). */
  get bus(): CallerBus {
    if (!this.#local) throw new Error(`${this.device} runs on an agent`);
    return this.#local.bus;
  }

  /** The window of the keypad at `address`, if there is one. */
  windowOf(address: number): number | undefined {
    return this.#windowOf.get(address);
  }

  start(): void {
    this.#local?.start();
    for (const windowId of this.#addressOf.keys()) this.#showLcd(windowId);
  }

  async stop(): Promise<void> {
    await this.#local?.stop();
  }

  /**
   * A key or a score from the bus, made at `at` (now, in this process; earlier, from an agent). A
   * refused one beeps urgently at the device and tells the clerk why.
   */
  async onInput(input: DeviceInput, at: number, idem?: Idempotency): Promise<InputOutcome> {
    const windowId = this.#windowOf.get(input.address);
    if (windowId === undefined) return { applied: false, code: 'HQ_ERR_NOT_FOUND' };
    try {
      if (input.kind === 'rating') {
        const done = await this.handler.submit(rateByDevice(input.level, 'rs485', at), { kind: 'device', id: `evaluator-${input.address}`, deviceKind: 'pad', windowId }, idem);
        if (done.replayed) return { applied: false, duplicate: true };
      } else {
        const applied = await this.#onKey(windowId, input, idem);
        if (applied === null) return { applied: false, code: 'HQ_ERR_VALIDATION' };
        if (applied === 'replayed') return { applied: false, duplicate: true };
      }
      return { applied: true };
    } catch (err) {
      return { applied: false, code: this.#refused(input.address, windowId, err) };
    }
  }

  #send(command: DeviceCommand): void {
    this.#link?.send(this.device, command);
  }

  /** A key: its intent becomes the console's window action, with the keypad as actor (the signed-in clerk is credited). Null: a key with no action. */
  async #onKey(windowId: number, k: { address: number; key: string; digits: string; combo?: string | undefined }, idem?: Idempotency): Promise<'applied' | 'replayed' | null> {
    const key = keyToIntent({ key: k.key as CallerKey, ...(k.combo ? { combo: k.combo as CallerCombo } : {}) });
    if (!key) return null;
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
        if (!k.digits || !Number.isInteger(to)) throw new HallqError('HQ_ERR_TRANSFER_TARGET');
        action = { action: 'transfer', toWindowId: to };
        break;
      }
      default: {
        const unmapped: never = key.intent;
        return unmapped;
      }
    }
    const done = await this.handler.submit(windowCommand(windowId, action), { kind: 'device', id: `caller-${k.address}`, deviceKind: 'caller', windowId }, idem);
    return done.replayed ? 'replayed' : 'applied';
  }

  /** A refused key or score: an urgent beep at the device and the reason on the clerk's console. */
  #refused(address: number, windowId: number, err: unknown): string {
    this.#send({ kind: 'keypad.beep', address, pattern: 'urgent', until: this.#now() + REFUSAL_BEEP_TTL_MS });
    const e = err instanceof HallqError ? err : new HallqError('HQ_ERR_INTERNAL');
    void this.handler.read((state) => {
      const clerk = signedInAt(state, windowId);
      if (clerk) this.emit(`clerk:${clerk}`, 'keypad.refused', { windowId, address, code: e.code, message: e.message });
    });
    return e.code;
  }

  #refreshLcds(events: StoredEvent[]): void {
    // A service ended at a window with an evaluator: ask it for the score.
    for (const e of events) {
      if (e.type !== 'rating.requested') continue;
      const address = this.#addressOf.get(e.data.windowId);
      if (address !== undefined) this.#send({ kind: 'pad.request', address, until: e.data.expiresAt });
    }
    // An evaluators' bus has no LCDs.
    if (this.device === 'pad-bus') return;
    const counts = events.some((e) => e.type.startsWith('ticket.') || e.type.startsWith('window.'));
    if (!counts) return;
    for (const windowId of this.#addressOf.keys()) this.#showLcd(windowId);
  }

  #showLcd(windowId: number): void {
    const address = this.#addressOf.get(windowId);
    if (address === undefined) return;
    void this.handler.read((state) => {
      const live = liveServiceAt(state, windowId);
      const lcd = { waiting: waitingFor(state, this.hall, windowId), current: live ? numberOf(state, live.ticketId) || null : null };
      const key = `${lcd.waiting}|${lcd.current}`;
      // The bus driver refreshes what it showed last by itself (a keypad power-cycled): only changes go.
      if (this.#local === null && this.#lcd.get(address) === key) return;
      this.#lcd.set(address, key);
      this.#send({ kind: 'keypad.lcd', address, ...lcd });
    });
  }
}
