import { endpointForUri } from '../../../devices/endpoint.ts';
import { IdCardReader, type IdCardSimulator } from '../../../devices/idcard/index.ts';
import type { StatusSink } from './hosted-device.ts';

/**
 * A kiosk's ID-card reader (`sim` or `serial:…`): the driver polling the card over its transport, its
 * link and SAM state told as they change. The hub's host and an agent's readers listen to `reader`'s
 * `card` themselves: the hub turns a read into a card token, an agent sends it to the hub.
 */
export class IdCardReaderDevice {
  readonly reader: IdCardReader;
  readonly simulator: IdCardSimulator | null;

  constructor(
    readonly id: string,
    uri: string,
    onStatus: StatusSink,
  ) {
    const endpoint = endpointForUri('idcard', uri);
    this.simulator = endpoint.simulator;
    // The simulator answers at once: a faster poll keeps the demo's card reads snappy.
    this.reader = new IdCardReader(endpoint.transport, endpoint.simulator ? { pollIntervalMs: 150 } : {});
    this.reader.on('status', (s) => onStatus({ state: s.state, detail: s.detail }));
  }

  start(): void {
    this.reader.start();
  }

  async stop(): Promise<void> {
    await this.reader.stop();
  }
}
