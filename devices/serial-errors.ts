import { TransportError } from './transport.ts';

/**
 * The errno → TransportError mapping for serial ports (SerialTransport). Kept from the ID-card
 * driver's copy rather than the printer's because it knows the `canceled` side of the contract
 * (errors while we close the port are not faults) and serialport's own flags (`disconnected`,
 * `disconnect`, `canceled`), and it does not call "Permission denied, cannot open" a disconnect.
 * Network and file errors keep their own mapping in printer/transport/errors.ts.
 */

/** errno codes meaning the device is gone (USB adapter pulled, pty peer closed). */
const GONE_CODES = new Set(['ENXIO', 'EIO', 'ENODEV', 'ENOENT', 'EBADF']);
/** bindings-cpp open errors carry no code, only text such as "No such file or directory, cannot open …". */
const GONE_TEXT = /No such file or directory|No such device|Input\/output error|\bENXIO\b|\bENODEV\b|\bEIO\b|does not exist/i;

/**
 * Maps a serialport error onto the ByteTransport contract:
 * - `canceled` when we were closing the port (or the binding says so): not a fault;
 * - `disconnected` when the device is gone: the driver reopens with backoff;
 * - otherwise a plain TransportError (permissions, port locked, bad baud): also retried, but a
 *   person probably has to act.
 */
export function toTransportError(err: unknown, what: string, opts: { closing?: boolean } = {}): TransportError {
  if (err instanceof TransportError) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as { message?: unknown; code?: unknown; disconnected?: unknown; disconnect?: unknown; canceled?: unknown };
  const message = typeof e.message === 'string' ? e.message : String(err);
  const canceled = opts.closing === true || e.canceled === true;
  const disconnected =
    !canceled && (e.disconnected === true || e.disconnect === true || (typeof e.code === 'string' && GONE_CODES.has(e.code)) || GONE_TEXT.test(message));
  return new TransportError(`${what}: ${message}`, { disconnected, canceled, cause: err });
}
