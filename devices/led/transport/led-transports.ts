import { TcpTransport, type TcpTransportOptions } from '../../printer/transport/tcp-transport.ts';
import { SerialTransport, type SerialTransportOptions } from '../../serial-transport.ts';

/** Onbon controllers listen on TCP 5005. The printer's TcpTransport, with that port as default. */
export function onbonTcpTransport(host: string, opts: Omit<TcpTransportOptions, 'host'> = {}): TcpTransport {
  return new TcpTransport({ ...opts, host, port: opts.port ?? 5005 });
}

/**
 * A serial LED link. simple-bar bars and Onbon RS-232/485 controllers default to 9600 8N1 (Onbon
 * also 57600). SerialTransport's own default, 115200, is the ID-card readers': never right here.
 */
export function serialLedTransport(path: string, baudRate = 9600, opts: Omit<SerialTransportOptions, 'path' | 'baudRate'> = {}): SerialTransport {
  return new SerialTransport({ ...opts, path, baudRate });
}
