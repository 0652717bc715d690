import type { IdCard, IdCardReader, IdCardReaderError, ReaderState, ReaderStatus } from '../driver/id-card-reader.ts';

type Entry =
  | { at: number; event: 'card'; card: IdCard }
  | { at: number; event: 'removed' }
  | { at: number; event: 'status'; status: ReaderStatus }
  | { at: number; event: 'error'; error: IdCardReaderError };

/** Records everything a reader emits, with the time it happened. */
export class ReaderEvents {
  readonly log: Entry[] = [];

  constructor(reader: IdCardReader, now: () => number) {
    reader.on('card', (card) => this.log.push({ at: now(), event: 'card', card }));
    reader.on('removed', () => this.log.push({ at: now(), event: 'removed' }));
    reader.on('status', (status) => this.log.push({ at: now(), event: 'status', status }));
    reader.on('error', (error) => this.log.push({ at: now(), event: 'error', error }));
  }

  get cards(): IdCard[] {
    return this.log.flatMap((e) => (e.event === 'card' ? [e.card] : []));
  }

  get errors(): IdCardReaderError[] {
    return this.log.flatMap((e) => (e.event === 'error' ? [e.error] : []));
  }

  get errorCodes(): string[] {
    return this.errors.map((e) => ('code' in e ? String(e.code) : `TransportError${e.disconnected ? ':disconnected' : ''}`));
  }

  get states(): ReaderState[] {
    return this.log.flatMap((e) => (e.event === 'status' ? [e.status.state] : []));
  }

  get removals(): number {
    return this.log.filter((e) => e.event === 'removed').length;
  }

  /** The sequence of event names, e.g. ['status', 'card', 'removed']. */
  get names(): string[] {
    return this.log.map((e) => e.event);
  }
}
