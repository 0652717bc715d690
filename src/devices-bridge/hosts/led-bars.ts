import { endpointForUri } from '../../../devices/endpoint.ts';
import { SimpleBarDriver, type SimpleBarSimulator } from '../../../devices/led/index.ts';
import type { DeviceCommand } from '../../realtime/protocol.ts';
import type { HostedDevice, StatusSink } from './hosted-device.ts';

/**
 * The LED bars above the windows, on their RS-485 bus (`sim` or `serial:…`): one driver for every
 * address, its link supervised by the driver. `led.show` puts a text on one bar.
 */
export class LedBarsDevice implements HostedDevice {
  readonly driver: SimpleBarDriver;
  readonly simulator: SimpleBarSimulator | null;

  constructor(
    readonly id: string,
    uri: string,
    addresses: readonly number[],
    onStatus: StatusSink,
  ) {
    const endpoint = endpointForUri('ledBars', uri, { sim: { addresses: [...addresses] } });
    this.simulator = endpoint.simulator;
    this.driver = new SimpleBarDriver(endpoint.transport, { addresses: [...addresses] });
    this.driver.on('link', (s) => onStatus({ state: s.state, detail: s.detail }));
  }

  start(): void {
    this.driver.start();
  }

  async stop(): Promise<void> {
    await this.driver.stop();
  }

  async run(command: DeviceCommand): Promise<boolean> {
    if (command.kind !== 'led.show') return false;
    await this.driver.show(command.address, command.text);
    return true;
  }
}
