/**
 * One USB HID device: a path from `npm run devices -- learn hid`, or vendor and product IDs,
 * narrowed when a model has several interfaces or several identical pads are plugged in.
 */
export type HidAddress =
  | { path: string }
  | { vendorId: number; productId: number; serialNumber?: string; interface?: number; usagePage?: number };

/**
 * Where a device is, as config writes it, for every kind (printers, LED bars and walls, keypad
 * buses, ID-card readers, rating pads). `sim` is not an address but the simulator: endpointForUri
 * (devices/endpoint.ts) is the one place that tells them apart.
 */
export type DeviceUri =
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'serial'; path: string; baudRate: number; rtscts: boolean }
  | { kind: 'file'; path: string; create: boolean | undefined }
  | { kind: 'hid'; target: HidAddress };

export interface DeviceUriRules {
  /** The kinds this device can be reached by. */
  kinds: readonly DeviceUri['kind'][];
  /** Port when `tcp://host` names none (9100 for printers, 5005 for Onbon controllers). */
  tcpPort?: number;
  /** Baud when `serial:` names none. */
  baudRate?: number;
  /** For messages: "printer", "LED bars", … */
  what?: string;
}

const PREFIX: Record<DeviceUri['kind'], string> = { tcp: 'tcp://', serial: 'serial:', file: 'file:', hid: 'hid:' };

/**
 * Parses a device address:
 * - `tcp://10.0.0.5:9100` (IPv6 as `tcp://[fe80::1]:9100`);
 * - `serial:/dev/ttyUSB0?baud=9600&rtscts=1`;
 * - `file:/dev/usb/lp0` (also `file:///dev/usb/lp0`; `?create=1` for a capture file);
 * - `hid:/dev/hidraw3`, or `hid:1a2b:3c4d` (vendor:product, hex) with `?serial=PAD-05&interface=0&usagePage=0x01`.
 * Throws TypeError naming the bad part.
 */
export function parseDeviceUri(uri: string, rules: DeviceUriRules): DeviceUri {
  const what = rules.what ?? 'device';
  const allowed = rules.kinds.map((k) => PREFIX[k]);
  const wrongKind = () =>
    new TypeError(`"${uri}": ${what} address must start with ${allowed.length > 1 ? `${allowed.slice(0, -1).join(', ')} or ${allowed.at(-1)}` : allowed[0]}`);
  if (uri === 'sim') throw new TypeError(`"sim" is the simulator, not a ${what} address (endpointForUri handles it)`);
  const [base = '', query = ''] = uri.split('?', 2);
  const params = new URLSearchParams(query);
  const tcp = /^tcp:\/\/(\[[0-9a-f:.]+\]|[^/:?]+)(?::(\d+))?\/?$/i.exec(base);
  if (tcp) {
    if (!rules.kinds.includes('tcp')) throw wrongKind();
    const port = tcp[2] === undefined ? (rules.tcpPort ?? NaN) : Number(tcp[2]);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new TypeError(`"${uri}": port must be 1..65535`);
    return { kind: 'tcp', host: tcp[1]!.replace(/^\[|\]$/g, ''), port };
  }
  if (base.startsWith('serial:')) {
    if (!rules.kinds.includes('serial')) throw wrongKind();
    const path = base.slice('serial:'.length).replace(/^\/\/(?=\/)/, '');
    if (!path) throw new TypeError(`"${uri}": serial needs a device path, e.g. serial:/dev/ttyUSB0`);
    const baudRate = Number(params.get('baud') ?? rules.baudRate ?? 9600);
    if (!Number.isInteger(baudRate) || baudRate <= 0) throw new TypeError(`"${uri}": baud must be a positive integer`);
    return { kind: 'serial', path, baudRate, rtscts: params.get('rtscts') === '1' || params.get('rtscts') === 'true' };
  }
  if (base.startsWith('file:')) {
    if (!rules.kinds.includes('file')) throw wrongKind();
    const path = base.slice('file:'.length).replace(/^\/\/(?=\/)/, '');
    if (!path) throw new TypeError(`"${uri}": file needs a path, e.g. file:/dev/usb/lp0`);
    const c = params.get('create');
    return { kind: 'file', path, create: c === null ? undefined : c === '1' || c === 'true' };
  }
  if (base.startsWith('hid:')) {
    if (!rules.kinds.includes('hid')) throw wrongKind();
    return { kind: 'hid', target: parseHidAddress(uri, base.slice('hid:'.length), params) };
  }
  throw wrongKind();
}

const HID_PARAMS = ['serial', 'interface', 'usagePage'];

function parseHidAddress(uri: string, rest: string, params: URLSearchParams): HidAddress {
  for (const key of params.keys()) if (!HID_PARAMS.includes(key)) throw new TypeError(`"${uri}": unknown parameter "${key}" (known: ${HID_PARAMS.join(', ')})`);
  if (rest.startsWith('/')) {
    if ([...params.keys()].length > 0) throw new TypeError(`"${uri}": a device path takes no parameters; they narrow vendor:product`);
    return { path: rest };
  }
  const ids = /^(?:0x)?([0-9a-f]{1,4}):(?:0x)?([0-9a-f]{1,4})$/i.exec(rest);
  if (!ids) throw new TypeError(`"${uri}": write hid:<vendor>:<product> in hex (hid:1a2b:3c4d) or hid:<path> (hid:/dev/hidraw3)`);
  const target: HidAddress = { vendorId: Number.parseInt(ids[1]!, 16), productId: Number.parseInt(ids[2]!, 16) };
  const serial = params.get('serial');
  if (serial !== null) {
    if (serial === '') throw new TypeError(`"${uri}": serial must not be empty`);
    target.serialNumber = serial;
  }
  const iface = params.get('interface');
  if (iface !== null) {
    const n = Number(iface);
    if (!/^\d{1,3}$/.test(iface) || n > 255) throw new TypeError(`"${uri}": interface must be 0..255`);
    target.interface = n;
  }
  const page = params.get('usagePage');
  if (page !== null) {
    const n = /^0x[0-9a-f]{1,4}$/i.test(page) ? Number.parseInt(page.slice(2), 16) : /^\d{1,5}$/.test(page) ? Number(page) : NaN;
    if (!(n >= 0 && n <= 0xffff)) throw new TypeError(`"${uri}": usagePage must be a 16-bit number (0x01 or 1)`);
    target.usagePage = n;
  }
  return target;
}

/** How each configured device may be reached; the config check and endpointForUri read the same rules. */
export const DEVICE_URI_RULES = {
  idcard: { kinds: ['serial'], baudRate: 115200, what: 'ID-card reader' },
  printer: { kinds: ['tcp', 'serial', 'file'], tcpPort: 9100, baudRate: 9600, what: 'printer' },
  ledBars: { kinds: ['serial'], baudRate: 9600, what: 'LED bars' },
  ledWall: { kinds: ['tcp', 'serial'], tcpPort: 5005, baudRate: 9600, what: 'LED wall' },
  caller: { kinds: ['serial'], baudRate: 9600, what: 'caller keypad bus' },
  ratingPad: { kinds: ['hid'], what: 'rating pad' },
  // 短信猫: USB-serial GSM modems (Wavecom, SIM800, Huawei) ship at 115200.
  smsModem: { kinds: ['serial'], baudRate: 115200, what: 'SMS modem' },
} as const satisfies Record<string, DeviceUriRules>;

/** The device kinds a uri can name. */
export type DeviceKind = keyof typeof DEVICE_URI_RULES;

export const DEVICE_KINDS = Object.keys(DEVICE_URI_RULES) as DeviceKind[];
