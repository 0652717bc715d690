import type { CallerBus, CallerBusFailure, CallerBusState, CallerKeyEvent, CallerRatingEvent, CallerUnknownEvent } from '../driver/caller-bus.ts';

/** Records everything a CallerBus emits. */
export class BusEvents {
  readonly keys: CallerKeyEvent[] = [];
  readonly ratings: CallerRatingEvent[] = [];
  readonly unknown: CallerUnknownEvent[] = [];
  readonly states: CallerBusState[] = [];
  readonly errors: CallerBusFailure[] = [];

  constructor(bus: CallerBus) {
    bus.on('key', (k) => this.keys.push(k));
    bus.on('rating', (r) => this.ratings.push(r));
    bus.on('unknown', (u) => this.unknown.push(u));
    bus.on('status', (s) => this.states.push(s.state));
    bus.on('error', (e) => this.errors.push(e));
  }

  /** `3:call`, `3:transfer 12`, `1:confirm 6 noShow`. */
  get presses(): string[] {
    return this.keys.map((k) => `${k.address}:${k.key}${k.digits ? ` ${k.digits}` : ''}${k.combo ? ` ${k.combo}` : ''}`);
  }

  get errorCodes(): string[] {
    return this.errors.map((e) => ('code' in e && typeof e.code === 'string' ? e.code : `TransportError${e instanceof Error && 'disconnected' in e && e.disconnected ? ':disconnected' : ''}`));
  }
}
