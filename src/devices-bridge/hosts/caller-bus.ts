import { CallerBus, type CallerKeypadSimulator, keyToIntent, type RatingOrder } from '../../../devices/caller/index.ts';
import { endpointForUri } from '../../../devices/endpoint.ts';
import type { DeviceCommand } from '../../realtime/protocol.ts';
import type { HostedDevice, InputSink, StatusSink } from './hosted-device.ts';

export interface BusUnit {
  address: number;
  /** An evaluator's keys, worst-first where wired so; best-first otherwise. */
  order?: RatingOrder | undefined;
}

/**
 * An RS-485 bus of caller keypads and evaluators (评价器): the bus driver with its link supervision
 * and resend filter. Keys and scores go to `onInput` with the time they came off the wire; LCD text,
 * beeps and rating requests come in as commands.
 */
export class CallerBusDevice implements HostedDevice {
  readonly bus: CallerBus;
  readonly simulator: CallerKeypadSimulator | null;

  constructor(
    readonly id: string,
    uri: string,
    units: readonly BusUnit[],
    onInput: InputSink,
    onStatus: StatusSink,
  ) {
    const ratingOrders = Object.fromEntries(units.flatMap((k) => (k.order ? [[k.address, k.order]] : [])));
    const endpoint = endpointForUri('caller', uri, { sim: { ratingOrders } });
    this.simulator = endpoint.simulator;
    this.bus = new CallerBus(endpoint.transport, { beepOnQueueFilled: 'ready', ratingOrders });
    // Digits travel with the key they precede; a key that asks for nothing is not sent.
    this.bus.on('key', (k) => keyToIntent(k) && onInput({ kind: 'key', address: k.address, key: k.key, digits: k.digits, ...(k.combo ? { combo: k.combo } : {}) }, Date.now()));
    this.bus.on('rating', (r) => onInput({ kind: 'rating', address: r.address, level: r.level }, Date.now()));
    this.bus.on('status', (s) => onStatus({ state: s.state, detail: s.detail ?? '' }));
  }

  start(): void {
    this.bus.start();
  }

  async stop(): Promise<void> {
    await this.bus.stop();
  }

  run(command: DeviceCommand): Promise<boolean> {
    switch (command.kind) {
      case 'keypad.lcd':
        return this.bus.showLcd(command.address, { waiting: command.waiting, current: command.current });
      case 'keypad.beep':
        return this.bus.beep(command.address, command.pattern);
      case 'pad.request':
        return this.bus.requestRating(command.address);
      default:
        return Promise.resolve(false);
    }
  }
}
