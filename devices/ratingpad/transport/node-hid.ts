import { realpath } from 'node:fs/promises';
import { RatingPadError } from '../errors.ts';
import { type HidDeviceInfo, type HidDeviceLike, type HidTarget, describeTarget, matchDevices } from './hid-device.ts';

/**
 * The only file that touches node-hid. It is an optional dependency with a native part linked to
 * libusb-1.0 (hardware.md §4.1), so it is imported on first use, never at start-up, and every
 * failure becomes a typed "unavailable" result: the hub runs on without USB pads.
 */

/** The part of node-hid 3.x the pads use. */
export interface NodeHidApi {
  devicesAsync(): Promise<HidDeviceInfo[]>;
  HIDAsync: { open(path: string): Promise<HidDeviceLike> };
  getHidapiVersion(): string;
}

export type NodeHidUnavailableReason =
  /** Not installed (optional dependency skipped, or installed with --omit=optional). */
  | 'module-missing'
  /** Installed, but its native module does not load: typically libusb-1.0.so.0 missing. */
  | 'native-load-failed'
  /** Something answering to `node-hid` that lacks the API above. */
  | 'bad-module';

export type NodeHidLoad =
  | { available: true; hid: NodeHidApi; version: string }
  | {
      available: false;
      reason: NodeHidUnavailableReason;
      /** `中文 / English`. */
      message: string;
      /** HQ_ERR_RATINGPAD_UNAVAILABLE, with `messageZh` and the cause. */
      error: RatingPadError;
    };

export interface LoadNodeHidOptions {
  /** Imports the module. Default: `import('node-hid')`. Tests pass a failing or fake one. */
  importer?: () => Promise<unknown>;
}

// A variable, not a literal: tsc must not require the optional module's types, and nothing may
// bundle it.
const NODE_HID = 'node-hid';

let loaded: Promise<NodeHidLoad> | null = null;

/**
 * Loads node-hid and its native binding (node-hid itself loads the binding lazily, so the probe
 * calls `getHidapiVersion()`). A success is cached; a failure is not, so a later call retries.
 * Never throws.
 */
export function loadNodeHid(opts: LoadNodeHidOptions = {}): Promise<NodeHidLoad> {
  if (opts.importer) return load(opts.importer);
  if (!loaded) {
    loaded = load(() => import(NODE_HID));
    void loaded.then((r) => {
      if (!r.available) loaded = null;
    });
  }
  return loaded;
}

async function load(importer: () => Promise<unknown>): Promise<NodeHidLoad> {
  let mod: unknown;
  try {
    mod = await importer();
  } catch (err) {
    if (isModuleMissing(err)) {
      return unavailable(
        'module-missing',
        '未安装 node-hid（可选依赖）。安装方法：npm install node-hid',
        'node-hid (an optional dependency) is not installed. Install it with: npm install node-hid',
        err,
      );
    }
    return nativeFailed(err);
  }
  const hid = apiOf(mod);
  if (!hid) return unavailable('bad-module', '导入的 node-hid 模块缺少 devicesAsync / HIDAsync.open', 'the imported node-hid module lacks devicesAsync / HIDAsync.open', undefined);
  try {
    return { available: true, hid, version: String(hid.getHidapiVersion()) };
  } catch (err) {
    return nativeFailed(err);
  }
}

function nativeFailed(err: unknown): NodeHidLoad {
  const msg = messageOf(err).split('\n')[0] ?? '';
  return unavailable(
    'native-load-failed',
    `node-hid 原生模块加载失败（${msg}）。Linux 上请安装 libusb：sudo apt-get install -y libusb-1.0-0，然后重启服务`,
    `node-hid's native module failed to load (${msg}). On Linux install libusb: sudo apt-get install -y libusb-1.0-0, then restart the hub`,
    err,
  );
}

function unavailable(reason: NodeHidUnavailableReason, zh: string, en: string, cause: unknown): NodeHidLoad {
  const error = new RatingPadError('HQ_ERR_RATINGPAD_UNAVAILABLE', en, { detailZh: zh, cause });
  return { available: false, reason, message: error.bilingual, error };
}

function isModuleMissing(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as Error & { code?: unknown }).code;
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && /Cannot find (module|package) '?node-hid'?/.test(err.message);
}

/** node-hid is CommonJS: its API is the namespace or its `default`. */
function apiOf(mod: unknown): NodeHidApi | null {
  for (const candidate of [mod, (mod as { default?: unknown } | null)?.default]) {
    if (typeof candidate !== 'object' || candidate === null) continue;
    const c = candidate as Record<string, unknown>;
    const hidAsync = c['HIDAsync'] as Record<string, unknown> | undefined;
    if (typeof c['devicesAsync'] === 'function' && typeof hidAsync?.['open'] === 'function' && typeof c['getHidapiVersion'] === 'function') {
      return candidate as NodeHidApi;
    }
  }
  return null;
}

export type HidListing = { available: true; devices: HidDeviceInfo[]; version: string } | Extract<NodeHidLoad, { available: false }>;

/** Every HID device node-hid sees (`[]` on a machine without USB). Never throws. */
export async function listHidDevices(load: () => Promise<NodeHidLoad> = loadNodeHid): Promise<HidListing> {
  const r = await load();
  if (!r.available) return r;
  try {
    return { available: true, devices: await r.hid.devicesAsync(), version: r.version };
  } catch (err) {
    return nativeFailed(err) as Extract<NodeHidLoad, { available: false }>;
  }
}

/**
 * Opens a pad through node-hid (the driver's default `OpenHid`). The target is looked up in the
 * device list first, so a pad that is not plugged in reads HQ_ERR_RATINGPAD_NOT_FOUND and one that
 * is there but cannot be opened (permissions, another reader) HQ_ERR_RATINGPAD_OPEN_FAILED.
 * Rejects with HQ_ERR_RATINGPAD_UNAVAILABLE when node-hid cannot be loaded.
 */
export async function openHidDevice(
  target: HidTarget,
  load: () => Promise<NodeHidLoad> = loadNodeHid,
  resolveLink: (path: string) => Promise<string | undefined> = realpathOf,
): Promise<HidDeviceLike> {
  const r = await load();
  if (!r.available) throw r.error;
  let devices: HidDeviceInfo[];
  try {
    devices = await r.hid.devicesAsync();
  } catch (err) {
    throw new RatingPadError('HQ_ERR_RATINGPAD_OPEN_FAILED', `listing HID devices: ${messageOf(err)}`, { cause: err });
  }
  let path = matchDevices(devices, target).find((d) => d.path)?.path;
  if (!path && 'path' in target) {
    // A udev symlink (/dev/ratingpad-window3 → hidraw5) is listed under the node it points to.
    const real = await resolveLink(target.path);
    if (real !== undefined && real !== target.path) path = matchDevices(devices, { path: real }).find((d) => d.path)?.path;
  }
  if (!path) throw new RatingPadError('HQ_ERR_RATINGPAD_NOT_FOUND', describeTarget(target));
  try {
    return await r.hid.HIDAsync.open(path);
  } catch (err) {
    throw new RatingPadError('HQ_ERR_RATINGPAD_OPEN_FAILED', `${path}: ${messageOf(err)}`, { cause: err });
  }
}

/** The target of a symlink, or undefined when the path does not exist. */
export function realpathOf(path: string): Promise<string | undefined> {
  return realpath(path).catch(() => undefined);
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
