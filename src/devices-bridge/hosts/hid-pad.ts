import { HidPadDriver, parseRatingPadConfig, type OpenHid } from '../../../devices/ratingpad/index.ts';
import type { DeviceCommand } from '../../realtime/protocol.ts';
import type { HostedDevice, InputSink, StatusSink } from './hosted-device.ts';

/**
 * One USB HID rating pad: the driver with its link supervision (reopened with backoff when pulled).
 * A pad knows only its window, so its score goes to `onInput` with address 0; it takes no commands.
 */
export class HidPadDevice implements HostedDevice {
  readonly driver: HidPadDriver;

  constructor(
    readonly id: string,
    /** The hall config's entry for the pad (`devices.ratingPads[i]`), checked here. */
    entry: unknown,
    onInput: InputSink,
    onStatus: StatusSink,
    openHid?: OpenHid,
  ) {
    const pad = parseRatingPadConfig(entry);
    this.driver = new HidPadDriver({ target: pad.target, decoder: pad.decoder, windowId: pad.windowId, ...(openHid ? { openHid } : {}) });
    this.driver.on('rating', (r) => onInput({ kind: 'rating', address: 0, level: r.level }, Date.now()));
    this.driver.on('status', (s) => onStatus({ state: s.state, detail: s.detail }));
  }

  start(): void {
    this.driver.start();
  }

  async stop(): Promise<void> {
    await this.driver.stop();
  }

  async run(_command: DeviceCommand): Promise<boolean> {
    return false;
  }
}
