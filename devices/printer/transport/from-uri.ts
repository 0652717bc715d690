import { DEVICE_URI_RULES, parseDeviceUri, type DeviceUri } from '../../device-uri.ts';
import { transportForAddress } from '../../endpoint.ts';
import type { ByteTransport } from '../../transport.ts';
import type { TcpTransportOptions } from './tcp-transport.ts';

export type PrinterUri = DeviceUri;

/** A printer address from config: `tcp://host[:9100]`, `serial:/dev/ttyUSB0?baud=9600`, `file:/dev/usb/lp0`. */
export function parsePrinterUri(uri: string): PrinterUri {
  return parseDeviceUri(uri, DEVICE_URI_RULES.printer);
}

/**
 * A new, unopened hardware transport for a printer address (endpointForUri's, without `sim`: the
 * hub goes through endpointForUri('printer', uri), which also makes the simulator).
 */
export function transportFromUri(uri: string | PrinterUri, tcp: Omit<TcpTransportOptions, 'host' | 'port'> = {}): ByteTransport {
  return transportForAddress(typeof uri === 'string' ? parsePrinterUri(uri) : uri, { tcp });
}
