import { EventEmitter } from 'node:events';
import { SerialPort } from 'serialport';
import { TransportError, type ByteTransport } from '../../transport.ts';
import { toTransportError } from './errors.ts';

export interface SerialTransportOptions {
  path: string;
  /** Default 9600, the usual factory setting of serial receipt printers. */
  baudRate?: number;
  /** Hardware flow control; most serial printers use it (or XON/XOFF) to pace a full buffer. Default false. */
  rtscts?: boolean;
}

/** A serial printer (RS-232 or a USB-serial adapter) through serialport. */
export class SerialTransport extends EventEmitter implements ByteTransport {
  readonly description: string;
  #port: SerialPort | null = null;
  #closing = false;

  constructor(readonly options: SerialTransportOptions) {
    super();
    this.description = `serial:${options.path}`;
  }

  get isOpen(): boolean {
    return this.#port?.isOpen ?? false;
  }

  open(): Promise<void> {
    if (this.#port) return Promise.reject(new TransportError(`${this.description} is already open`));
    this.#closing = false;
    const port = new SerialPort({
      path: this.options.path,
      baudRate: this.options.baudRate ?? 9600,
      rtscts: this.options.rtscts ?? false,
      autoOpen: false,
    });
    return new Promise((resolve, reject) => {
      port.open((err) => {
        if (err) {
          reject(toTransportError(`open ${this.description}`, err));
          return;
        }
        this.#port = port;
        port.on('data', (chunk: Buffer) => this.emit('data', chunk));
        port.on('error', (e: Error) => {
          if (this.listenerCount('error') > 0) this.emit('error', toTransportError(this.description, e));
        });
        port.on('close', (e?: Error & { disconnected?: boolean }) => {
          if (this.#port === port) this.#port = null;
          if (this.#closing && !e) this.emit('close');
          else this.emit('close', new TransportError(`${this.description} disconnected`, { disconnected: true, cause: e }));
        });
        resolve();
      });
    });
  }

  write(bytes: Buffer): Promise<void> {
    const port = this.#port;
    if (!port) return Promise.reject(new TransportError(`${this.description} is not open`, { disconnected: true }));
    return new Promise((resolve, reject) => {
      port.write(bytes, (err) => {
        if (err) return reject(toTransportError(`write ${this.description}`, err));
        port.drain((e) => (e ? reject(toTransportError(`drain ${this.description}`, e)) : resolve()));
      });
    });
  }

  close(): Promise<void> {
    const port = this.#port;
    if (!port) return Promise.resolve();
    this.#closing = true;
    return new Promise((resolve) => {
      port.close(() => resolve());
    });
  }
}
