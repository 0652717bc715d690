import { EventEmitter } from 'node:events';
import type { SerialPortStream } from '@serialport/stream';
import { SerialPort } from 'serialport';
import { TransportError, type ByteTransport } from '../../transport.ts';
import { toTransportError } from './serial-errors.ts';

export interface SerialPortFactoryOptions {
  path: string;
  baudRate: number;
  autoOpen: false;
}

export interface SerialTransportOptions {
  /** `/dev/ttyUSB0`, `COM3`, or a socat pty link. */
  path: string;
  /** Default 115200 (the readers' factory setting; 57600, 38400, 19200, 9600 also exist). */
  baudRate?: number;
  /** Builds the port. Default: `new SerialPort(opts)`; tests pass `SerialPortMock`. */
  createPort?: (opts: SerialPortFactoryOptions) => SerialPortStream;
}

/**
 * ByteTransport over serialport (8N1). A fresh SerialPort is made on every open(), so a reader
 * can be reopened after its USB adapter was pulled and plugged back in.
 */
export class SerialTransport extends EventEmitter implements ByteTransport {
  readonly description: string;
  readonly #path: string;
  readonly #baudRate: number;
  readonly #createPort: (opts: SerialPortFactoryOptions) => SerialPortStream;
  #port: SerialPortStream | null = null;
  #closing = false;

  constructor(opts: SerialTransportOptions) {
    super();
    if (!opts.path) throw new TypeError('"path" is required');
    this.#path = opts.path;
    this.#baudRate = opts.baudRate ?? 115200;
    this.#createPort = opts.createPort ?? ((o) => new SerialPort(o));
    this.description = `serial:${opts.path}`;
  }

  get isOpen(): boolean {
    return this.#port?.isOpen ?? false;
  }

  async open(): Promise<void> {
    if (this.#port) return;
    const port = this.#createPort({ path: this.#path, baudRate: this.#baudRate, autoOpen: false });
    await new Promise<void>((resolve, reject) => {
      port.open((err) => (err ? reject(toTransportError(err, `cannot open ${this.#path}`)) : resolve()));
    });
    this.#closing = false;
    this.#port = port;
    port.on('data', (chunk: Buffer) => this.emit('data', chunk));
    port.on('error', (err: unknown) => this.emit('error', toTransportError(err, this.description, { closing: this.#closing })));
    port.on('close', (err: unknown) => {
      if (this.#port === port) this.#port = null;
      port.removeAllListeners();
      port.on('error', () => {});
      // serialport passes a DisconnectedError when the device went away, nothing on a normal close.
      const lost = err ? toTransportError(err, `${this.description} disconnected`) : undefined;
      if (lost) lost.disconnected = true;
      this.emit('close', lost);
    });
  }

  async write(bytes: Buffer): Promise<void> {
    const port = this.#port;
    if (!port || !port.isOpen) throw new TransportError(`${this.description} is not open`, { canceled: this.#closing });
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
