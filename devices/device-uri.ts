/** Where a device is, as config writes it (printers, LED bars and walls, keypad buses). */
export type DeviceUri =
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'serial'; path: string; baudRate: number; rtscts: boolean }
  | { kind: 'file'; path: string; create: boolean | undefined };

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

const PREFIX: Record<DeviceUri['kind'], string> = { tcp: 'tcp://', serial: 'serial:', file: 'file:' };

/**
 * Parses a device address:
 * - `tcp://10.0.0.5:9100` (IPv6 as `tcp://[fe80::1]:9100`);
 * - `serial:/dev/ttyUSB0?baud=9600&rtscts=1`;
 * - `file:/dev/usb/lp0` (also `file:///dev/usb/lp0`; `?create=1` for a capture file).
 * Throws TypeError naming the bad part.
 */
export function parseDeviceUri(uri: string, rules: DeviceUriRules): DeviceUri {
  const what = rules.what ?? 'device';
  const allowed = rules.kinds.map((k) => PREFIX[k]);
  const wrongKind = () =>
    new TypeError(`"${uri}": ${what} address must start with ${allowed.length > 1 ? `${allowed.slice(0, -1).join(', ')} or ${allowed.at(-1)}` : allowed[0]}`);
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
  throw wrongKind();
}

/** How each configured device may be reached; the config check and the hosts read the same rules. */
export const DEVICE_URI_RULES = {
  printer: { kinds: ['tcp', 'serial', 'file'], tcpPort: 9100, baudRate: 9600, what: 'printer' },
  ledBars: { kinds: ['serial'], baudRate: 9600, what: 'LED bars' },
  ledWall: { kinds: ['tcp', 'serial'], tcpPort: 5005, baudRate: 9600, what: 'LED wall' },
  caller: { kinds: ['serial'], baudRate: 9600, what: 'caller keypad bus' },
} as const satisfies Record<string, DeviceUriRules>;
