import { EventEmitter } from 'node:events';
import { type DecoderConfig, type DecoderConfigInput, resolveDecoderConfig } from '../codec/decoder-config.ts';
import { keyboardReport, reportsForLevel } from '../codec/encode-report.ts';
import { type RatingLevel, usageOfCode } from '../codec/key-levels.ts';
import type { HidDeviceInfo, HidDeviceLike, HidTarget, OpenHid } from '../transport/hid-device.ts';
import { type NodeHidApi, type NodeHidLoad, openHidDevice } from '../transport/node-hid.ts';

export interface FakeHidDeviceOptions {
  /** What the pad speaks; `pressLevel` builds reports for it. Default: a keyboard wedge with the default keys. */
  decoder?: DecoderConfigInput | DecoderConfig;
  /** What `devicesAsync()` lists. Default: 1209:0001 (pid.codes' test IDs) at `/dev/hidraw-fake0`. */
  info?: Partial<HidDeviceInfo>;
}

/**
 * A rating pad for tests, dev mode and the demo: the same shape as an open node-hid `HIDAsync`
 * (`data`, `error`, `close()`), plus MockBinding-style controls. Reports are emitted synchronously,
 * and only while the device is open.
 *
 * @example
 * const pad = new FakeHidDevice({ decoder: { kind: 'custom-report', byteIndex: 1, values: { '0x01': 5 } } });
 * const bus = new FakeHidBus([pad]);
 * const driver = new HidPadDriver({ target: { path: pad.path }, decoder: pad.decoder, openHid: bus.openHid });
 * driver.start(); … pad.pressLevel(5); … pad.unplug(); … pad.replug();
 */
export class FakeHidDevice extends EventEmitter implements HidDeviceLike {
  readonly info: HidDeviceInfo;
  readonly decoder: DecoderConfig;
  /** Every report emitted while open, oldest first. */
  readonly reports: Buffer[] = [];
  #plugged = true;
  #open = false;
  #refusal: string | null = null;
  opens = 0;
  closes = 0;

  constructor(opts: FakeHidDeviceOptions = {}) {
    super();
    this.decoder = resolveDecoderConfig(opts.decoder ?? { kind: 'keyboard-wedge' });
    this.info = { vendorId: 0x1209, productId: 0x0001, path: '/dev/hidraw-fake0', manufacturer: 'hallq', product: 'Fake rating pad', release: 0x0100, interface: 0, ...opts.info };
  }

  get path(): string {
    return this.info.path ?? '';
  }
  get isOpen(): boolean {
    return this.#open;
  }
  get plugged(): boolean {
    return this.#plugged;
  }
  get lastReport(): Buffer | undefined {
    return this.reports.at(-1);
  }

  // --- the HIDAsync side ----------------------------------------------------------------

  /** Called by FakeHidBus when the driver opens the device. */
  open(): void {
    if (!this.#plugged) throw new Error(`cannot open device with path ${this.path}`);
    if (this.#refusal !== null) throw new Error(this.#refusal);
    this.#open = true;
    this.opens += 1;
  }

  async close(): Promise<void> {
    if (!this.#open) return;
    this.#open = false;
    this.closes += 1;
    // HIDAsync.close() does the same.
    this.removeAllListeners('data');
    this.removeAllListeners('error');
  }

  // --- controls -------------------------------------------------------------------------

  /** Emits one input report (bytes or hex text). Returns false, emitting nothing, when not open. */
  emitReport(report: Uint8Array | readonly number[] | string): boolean {
    if (!this.#open) return false;
    const bytes = typeof report === 'string' ? Buffer.from(report.replace(/\s+/g, ''), 'hex') : Buffer.from(report);
    this.reports.push(bytes);
    this.emit('data', Buffer.from(bytes));
    return true;
  }

  /**
   * Presses the key for `level` as this pad's decoder config maps it: a keyboard wedge sends
   * key-down then all-keys-up; a custom pad its value report (then an idle one with `onlyOnChange`).
   * Returns the reports sent (none when closed). Throws RangeError when the config maps nothing to `level`.
   */
  pressLevel(level: RatingLevel): Buffer[] {
    const reports = reportsForLevel(this.decoder, level);
    if (!reports) throw new RangeError(`the pad's ${this.decoder.kind} config maps nothing to level ${level}`);
    return this.#open ? reports.filter((r) => this.emitReport(r)) : [];
  }

  /** Keyboard wedge only: sends a report holding these keys (usages or `KeyboardEvent.code`s); `[]` releases. */
  holdKeys(keys: readonly (number | string)[], modifiers = 0): boolean {
    if (this.decoder.kind !== 'keyboard-wedge') throw new TypeError('holdKeys needs a keyboard-wedge pad');
    const usages = keys.map((k) => {
      const u = typeof k === 'number' ? k : usageOfCode(k);
      if (u === undefined) throw new RangeError(`unknown key ${String(k)}`);
      return u;
    });
    return this.emitReport(keyboardReport(this.decoder, usages, modifiers));
  }

  /** Pulls the cable: an open device errors as node-hid does on a failed read; opening fails until replug(). */
  unplug(): void {
    this.#plugged = false;
    if (!this.#open) return;
    this.#open = false;
    this.emit('error', new Error('could not read data from device'));
  }

  replug(): void {
    this.#plugged = true;
  }

  /** Makes every open fail with `message` (permissions, another reader), or succeed again with null. */
  refuseOpen(message: string | null = `cannot open device with path ${this.path}`): void {
    this.#refusal = message;
  }
}

/**
 * A USB bus of fake pads standing in for node-hid: `openHid` for HidPadDriver, `load` for
 * `learn hid`. Opening goes through the real `openHidDevice` lookup (device list, then path).
 */
export class FakeHidBus {
  readonly devices: FakeHidDevice[];

  constructor(devices: FakeHidDevice[] = []) {
    this.devices = [...devices];
  }

  add(device: FakeHidDevice): FakeHidDevice {
    this.devices.push(device);
    return device;
  }

  /** node-hid's API over the plugged fakes. */
  readonly hid: NodeHidApi = {
    devicesAsync: async () => this.devices.filter((d) => d.plugged).map((d) => ({ ...d.info })),
    HIDAsync: {
      open: async (path: string) => {
        const device = this.devices.find((d) => d.path === path);
        if (!device) throw new Error(`cannot open device with path ${path}`);
        device.open();
        return device;
      },
    },
    getHidapiVersion: () => 'fake',
  };

  /** A successful `loadNodeHid()` result over this bus. */
  readonly load = async (): Promise<NodeHidLoad> => ({ available: true, hid: this.hid, version: 'fake' });

  /** An `OpenHid` for HidPadDriver. The fake bus has no filesystem: paths are not followed as symlinks. */
  readonly openHid: OpenHid = (target: HidTarget) => openHidDevice(target, this.load, async () => undefined);
}
