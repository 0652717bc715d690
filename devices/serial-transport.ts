import { EventEmitter } from 'node:events';
import type { SerialPortStream } from '@serialport/stream';
import { SerialPort } from 'serialport';
import { toTransportError } from './serial-errors.ts';
import { TransportError, type ByteTransport } from './transport.ts';

/** What SerialTransport asks `createPort` for. */
export interface SerialPortFactoryOptions {
  path: string;
  baudRate: number;
  rtscts: boolean;
  autoOpen: false;
}

export interface SerialTransportOptions {
  /** `/dev/ttyUSB0`, `COM3`, or a socat pty link. */
  path: string;
  /**
   * Default 115200, the ID-card readers' factory setting (57600, 38400, 19200, 9600 also exist).
   * Serial receipt printers usually run at 9600: `serial:` printer URIs default to that and always
   * pass it (printer/transport/from-uri.ts).
   */
  baudRate?: number;
  /** Hardware flow control; most serial printers use it (or XON/XOFF) to pace a full buffer. Default false. */
  rtscts?: boolean;
  /** Builds the port. Default: `new SerialPort(opts)`; tests pass `SerialPortMock`. */
  createPort?: (opts: SerialPortFactoryOptions) => SerialPortStream;
}

/**
 * ByteTransport over serialport (8N1), shared by the ID-card reader and serial receipt printers.
 *
 * Merged from the two drivers' copies. The base is the ID-card reader's: it can be tested against
 * serialport's MockBinding (`createPort`), validates `path`, maps errors with `canceled` semantics
 * (serial-errors.ts), unhooks a dead port, makes a fresh SerialPort on every open() so a device can
 * be reopened after its USB adapter was pulled and plugged back in, and close() also works on a
 * port that is no longer open. From the printer's copy: `rtscts`; `error` is only emitted when
 * someone listens (an unheard `error` event would throw inside serialport's callback); a close we
 * did not ask for counts as a disconnect even when serialport gives no reason; and writing while
 * the link is down says `disconnected` (or `canceled` after our own close()).
 */
export class SerialTransport extends EventEmitter implements ByteTransport {
  readonly description: string;
  readonly #path: string;
  readonly #baudRate: number;
  readonly #rtscts: boolean;
  readonly #createPort: (opts: SerialPortFactoryOptions) => SerialPortStream;
  #port: SerialPortStream | null = null;
  #closing = false;
  #opening: Promise<void> | null = null;

  constructor(opts: SerialTransportOptions) {
    super();
    if (!opts.path) throw new TypeError('"path" is required');
    this.#path = opts.path;
    this.#baudRate = opts.baudRate ?? 115200;
    this.#rtscts = opts.rtscts ?? false;
    this.#createPort = opts.createPort ?? ((o) => new SerialPort(o));
    this.description = `serial:${opts.path}`;
  }

  get isOpen(): boolean {
    return this.#port?.isOpen ?? false;
  }

  /** Opens a fresh port. Resolves at once when already open; a second call while opening shares the first. */
  open(): Promise<void> {
    if (this.#port) return Promise.resolve();
    this.#opening ??= this.#open().finally(() => {
      this.#opening = null;
    });
    return this.#opening;
  }

  async #open(): Promise<void> {
    const port = this.#createPort({ path: this.#path, baudRate: this.#baudRate, rtscts: this.#rtscts, autoOpen: false });
    await new Promise<void>((resolve, reject) => {
      port.open((err) => (err ? reject(toTransportError(err, `cannot open ${this.#path}`)) : resolve()));
    });
    this.#closing = false;
    this.#port = port;
    port.on('data', (chunk: Buffer) => this.emit('data', chunk));
    port.on('error', (err: unknown) => {
      if (this.listenerCount('error') > 0) this.emit('error', toTransportError(err, this.description, { closing: this.#closing }));
    });
    port.on('close', (err: unknown) => {
      if (this.#port === port) this.#port = null;
      port.removeAllListeners();
      port.on('error', () => {});
      // serialport passes a DisconnectedError when the device went away, nothing on a normal close.
      if (this.#closing && !err) {
        this.emit('close');
        return;
      }
      const lost = err ? toTransportError(err, `${this.description} disconnected`) : new TransportError(`${this.description} disconnected`);
      lost.disconnected = true;
      this.emit('close', lost);
    });
  }

  async write(bytes: Buffer): Promise<void> {
    const port = this.#port;
    if (!port || !port.isOpen) {
      throw new TransportError(`${this.description} is not open`, { canceled: this.#closing, disconnected: !this.#closing });
    }
    await new Promise<void>((resolve, reject) => {
      const fail = (err: unknown): void => reject(toTransportError(err, `write to ${this.description}`, { closing: this.#closing }));
      port.write(bytes, (err) => {
        if (err) return fail(err);
        port.drain((err2) => (err2 ? fail(err2) : resolve()));
      });
    });
  }

  async close(): Promise<void> {
    const port = this.#port;
    if (!port) return;
    this.#closing = true;
    if (!port.isOpen) {
      this.#port = null;
      return;
    }
    await new Promise<void>((resolve) => port.close(() => resolve()));
  }
}
