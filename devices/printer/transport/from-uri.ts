import type { ByteTransport } from '../../transport.ts';
import { FileTransport } from './file-transport.ts';
import { SerialTransport } from '../../serial-transport.ts';
import { TcpTransport, type TcpTransportOptions } from './tcp-transport.ts';

export type PrinterUri =
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'serial'; path: string; baudRate: number; rtscts: boolean }
  | { kind: 'file'; path: string; create: boolean | undefined };

/**
 * Parses a printer address from config:
 * - `tcp://10.0.0.5:9100` (port defaults to 9100; IPv6 as `tcp://[fe80::1]:9100`);
 * - `serial:/dev/ttyUSB0?baud=9600&rtscts=1` (baud defaults to 9600);
 * - `file:/dev/usb/lp0` (also `file:///dev/usb/lp0`; `?create=1` for a capture file).
 * Throws TypeError naming the bad part.
 */
export function parsePrinterUri(uri: string): PrinterUri {
  const [base = '', query = ''] = uri.split('?', 2);
  const params = new URLSearchParams(query);
  const tcp = /^tcp:\/\/(\[[0-9a-f:.]+\]|[^/:?]+)(?::(\d+))?\/?$/i.exec(base);
  if (tcp) {
    const port = tcp[2] === undefined ? 9100 : Number(tcp[2]);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new TypeError(`"${uri}": port must be 1..65535`);
    return { kind: 'tcp', host: tcp[1]!.replace(/^\[|\]$/g, ''), port };
  }
  if (base.startsWith('serial:')) {
    const path = base.slice('serial:'.length).replace(/^\/\/(?=\/)/, '');
    if (!path) throw new TypeError(`"${uri}": serial needs a device path, e.g. serial:/dev/ttyUSB0`);
    const baudRate = Number(params.get('baud') ?? 9600);
    if (!Number.isInteger(baudRate) || baudRate <= 0) throw new TypeError(`"${uri}": baud must be a positive integer`);
    return { kind: 'serial', path, baudRate, rtscts: params.get('rtscts') === '1' || params.get('rtscts') === 'true' };
  }
  if (base.startsWith('file:')) {
    const path = base.slice('file:'.length).replace(/^\/\/(?=\/)/, '');
    if (!path) throw new TypeError(`"${uri}": file needs a path, e.g. file:/dev/usb/lp0`);
    const c = params.get('create');
    return { kind: 'file', path, create: c === null ? undefined : c === '1' || c === 'true' };
  }
  throw new TypeError(`"${uri}": printer address must start with tcp://, serial: or file:`);
}

/** A new, unopened transport for the address. Callers open and close it per job. */
export function transportFromUri(uri: string | PrinterUri, tcp: Omit<TcpTransportOptions, 'host' | 'port'> = {}): ByteTransport {
  const p = typeof uri === 'string' ? parsePrinterUri(uri) : uri;
  switch (p.kind) {
    case 'tcp':
      return new TcpTransport({ ...tcp, host: p.host, port: p.port });
    case 'serial':
      return new SerialTransport({ path: p.path, baudRate: p.baudRate, rtscts: p.rtscts });
    case 'file':
      return new FileTransport({ path: p.path, ...(p.create === undefined ? {} : { create: p.create }) });
    default: {
      const _exhaustive: never = p;
      return _exhaustive;
    }
  }
}
