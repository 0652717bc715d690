import type { HidAddress } from '../../device-uri.ts';

/**
 * The seam between the pad driver and node-hid, in node-hid's own shapes so the real
 * `HIDAsync` object fits without a wrapper and a test's fake needs four methods.
 */

/** One entry of `HID.devicesAsync()`. */
export interface HidDeviceInfo {
  vendorId: number;
  productId: number;
  /** `/dev/hidraw3` with the hidraw backend (Linux default), `1-1.2:1.0` with libusb. */
  path?: string | undefined;
  serialNumber?: string | undefined;
  manufacturer?: string | undefined;
  product?: string | undefined;
  release?: number | undefined;
  interface?: number | undefined;
  usagePage?: number | undefined;
  usage?: number | undefined;
}

/**
 * An open HID device, as node-hid's `HIDAsync` (and `HID`) are:
 * - `data` (report: Buffer): one input report; byte 0 is the report ID when the device numbers its reports;
 * - `error` (err): a read failed, usually because the device was unplugged; no more `data` follows.
 * Adding a `data` listener starts reading. `close()` may be sync (`HID`) or async (`HIDAsync`).
 */
export interface HidDeviceLike {
  on(event: 'data', listener: (report: Buffer) => void): unknown;
  on(event: 'error', listener: (err: unknown) => void): unknown;
  close(): void | Promise<void>;
}

/**
 * Which device to open: a path from `learn hid`, or vendor/product IDs, narrowed when a pad model
 * has several interfaces (a keyboard-wedge pad often adds a consumer-control one) or when several
 * identical pads are plugged in. What a `hid:` uri parses to (devices/device-uri.ts).
 */
export type HidTarget = HidAddress;

/** Opens the target; rejects when it cannot (not found, no permission, node-hid unavailable). */
export type OpenHid = (target: HidTarget) => Promise<HidDeviceLike>;

/** `hid:/dev/hidraw3`, `hid:1a2b:3c4d`, `hid:1a2b:3c4d#SN123/if0`. */
export function describeTarget(target: HidTarget): string {
  if ('path' in target) return `hid:${target.path}`;
  let out = `hid:${hex4(target.vendorId)}:${hex4(target.productId)}`;
  if (target.serialNumber !== undefined) out += `#${target.serialNumber}`;
  if (target.interface !== undefined) out += `/if${target.interface}`;
  if (target.usagePage !== undefined) out += `/up${hex4(target.usagePage)}`;
  return out;
}

/** The devices of `devices` that `target` designates, in listing order. */
export function matchDevices(devices: readonly HidDeviceInfo[], target: HidTarget): HidDeviceInfo[] {
  if ('path' in target) return devices.filter((d) => d.path === target.path);
  return devices.filter(
    (d) =>
      d.vendorId === target.vendorId &&
      d.productId === target.productId &&
      (target.serialNumber === undefined || d.serialNumber === target.serialNumber) &&
      (target.interface === undefined || d.interface === target.interface) &&
      (target.usagePage === undefined || d.usagePage === target.usagePage),
  );
}

export function hex4(n: number): string {
  return n.toString(16).padStart(4, '0');
}
