import { EventEmitter } from 'node:events';
import { type ByteTransport, TransportError } from '../../transport.ts';
import { RatingPadError } from '../errors.ts';
import { type HidDeviceLike, type HidTarget, type OpenHid, describeTarget } from './hid-device.ts';
import { openHidDevice } from './node-hid.ts';

/**
 * ByteTransport over one HID device (node-hid, or FakeHidBus.openHid in tests), so a pad runs
 * through the same link supervisor as every other device. Message-preserving: each `data` chunk is
 * exactly one input report. Read-only: write() rejects (the pads take no output reports here).
 *
 * Errors are TransportErrors carrying the pad's RatingPadError as `cause`:
 * - open: NOT_FOUND is `disconnected`; UNAVAILABLE (node-hid or libusb cannot load) is
 *   `unavailable` (no retry can help); OPEN_FAILED (permissions, busy) is neither; anything else
 *   thrown by `openHid` becomes OPEN_FAILED;
 * - a read error (the pad was unplugged) closes the device and emits `close` with READ_FAILED,
 *   `disconnected`. Reports and errors from a device already let go are ignored.
 */
export class HidTransport extends EventEmitter implements ByteTransport {
  readonly description: string;
  readonly #target: HidTarget;
  readonly #openHid: OpenHid;
  #device: HidDeviceLike | null = null;

  constructor(target: HidTarget, openHid: OpenHid = (t) => openHidDevice(t)) {
    super();
    this.#target = target;
    this.#openHid = openHid;
    this.description = describeTarget(target);
  }

  get isOpen(): boolean {
    return this.#device !== null;
  }

  async open(): Promise<void> {
    if (this.#device) return;
    let device: HidDeviceLike;
    try {
      device = await this.#openHid(this.#target);
    } catch (err) {
      const e = err instanceof RatingPadError ? err : new RatingPadError('HQ_ERR_RATINGPAD_OPEN_FAILED', `${this.description}: ${messageOf(err)}`, { cause: err });
      throw new TransportError(e.message, { disconnected: e.code === 'HQ_ERR_RATINGPAD_NOT_FOUND', unavailable: e.code === 'HQ_ERR_RATINGPAD_UNAVAILABLE', cause: e });
    }
    this.#device = device;
    device.on('data', (report) => {
      if (this.#device === device) this.emit('data', report);
    });
    device.on('error', (err) => {
      if (this.#device !== device) return;
      this.#device = null;
      void closeQuietly(device);
      const e = new RatingPadError('HQ_ERR_RATINGPAD_READ_FAILED', `${this.description}: ${messageOf(err)}`, { cause: err });
      this.emit('close', new TransportError(e.message, { disconnected: true, cause: e }));
    });
  }

  async write(): Promise<void> {
    throw new TransportError(`${this.description}: the pad takes no output reports`);
  }

  async close(): Promise<void> {
    const device = this.#device;
    if (!device) return;
    this.#device = null;
    await closeQuietly(device);
    this.emit('close');
  }
}

async function closeQuietly(device: HidDeviceLike): Promise<void> {
  try {
    await device.close();
  } catch {
    // Closing a device that is already gone fails; it is closed either way.
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
