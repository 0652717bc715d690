import { DEVICE_URI_RULES, parseDeviceUri, type DeviceUri } from '../../device-uri.ts';
import type { ByteTransport } from '../../transport.ts';
import { FileTransport } from './file-transport.ts';
import { SerialTransport } from '../../serial-transport.ts';
import { TcpTransport, type TcpTransportOptions } from './tcp-transport.ts';

export type PrinterUri = DeviceUri;

/** A printer address from config: `tcp://host[:9100]`, `serial:/dev/ttyUSB0?baud=9600`, `file:/dev/usb/lp0`. */
export function parsePrinterUri(uri: string): PrinterUri {
  return parseDeviceUri(uri, DEVICE_URI_RULES.printer);
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
    case 'hid':
      throw new TypeError('a printer is not reached over HID');
    default: {
      const _exhaustive: never = p;
      return _exhaustive;
    }
  }
}
