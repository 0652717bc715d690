import { TransportError } from '../../transport.ts';

/** errno codes that mean the device or host is gone (or never answered): reconnect with backoff. */
const DISCONNECT_CODES = new Set([
  'ECONNREFUSED', // nothing listening (printer off, wrong port, another client holds the only slot)
  'EHOSTUNREACH', // no route to the printer
  'ENETUNREACH',
  'EHOSTDOWN',
  'ECONNRESET', // printer rebooted mid-job
  'EPIPE', // wrote after the printer closed
  'ETIMEDOUT',
  'ENOENT', // /dev/usb/lp0 vanished (unplugged)
  'ENODEV',
  'ENXIO',
  'EIO',
]);

/**
 * Wraps a network or file I/O error (TcpTransport, FileTransport) as a TransportError, tagging `disconnected`
 * from its errno code. Serial ports use the shared ../../serial-errors.ts.
 */
export function toTransportError(what: string, err: unknown): TransportError {
  if (err instanceof TransportError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const message = err instanceof Error ? err.message : String(err);
  const disconnected = (code !== undefined && DISCONNECT_CODES.has(code)) || /No such file|cannot open/i.test(message);
  return new TransportError(`${what}: ${code ?? message}`, { disconnected, cause: err });
}

export function timeoutError(what: string, ms: number): TransportError {
  return new TransportError(`${what}: timed out after ${ms} ms`, { disconnected: true });
}
