import { EventEmitter } from 'node:events';
import net from 'node:net';
import { TransportError, type ByteTransport } from '../../transport.ts';
import { timeoutError, toTransportError } from './errors.ts';

export interface TcpTransportOptions {
  host: string;
  /** Default 9100 (raw/JetDirect). */
  port?: number;
  /** Default 3000. */
  connectTimeoutMs?: number;
  /** A write not handed to the kernel in this time means the printer stopped reading (buffer full). Default 10000. */
  writeTimeoutMs?: number;
  /** How long close() waits for the printer to finish the connection before destroying it. Default 2000. */
  closeTimeoutMs?: number;
}

/**
 * A LAN printer's raw port (tcp://host:9100). ECONNREFUSED, EHOSTUNREACH, resets and every timeout reject with
 * `disconnected: true`. `error` is emitted only when someone listens; the `close` event carries the reason anyway.
 */
export class TcpTransport extends EventEmitter implements ByteTransport {
  readonly description: string;
  readonly host: string;
  readonly port: number;
  #socket: net.Socket | null = null;
  #closing = false;
  readonly #opts: Required<Omit<TcpTransportOptions, 'host' | 'port'>>;

  constructor(opts: TcpTransportOptions) {
    super();
    this.host = opts.host;
    this.port = opts.port ?? 9100;
    this.description = `tcp://${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${this.port}`;
    this.#opts = {
      connectTimeoutMs: opts.connectTimeoutMs ?? 3000,
      writeTimeoutMs: opts.writeTimeoutMs ?? 10_000,
      closeTimeoutMs: opts.closeTimeoutMs ?? 2000,
    };
  }

  get isOpen(): boolean {
    return this.#socket !== null && !this.#socket.destroyed && this.#socket.readyState === 'open';
  }

  open(): Promise<void> {
    if (this.#socket) return Promise.reject(new TransportError(`${this.description} is already open`));
    this.#closing = false;
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: this.host, port: this.port });
      socket.setNoDelay(true);
      this.#socket = socket;
      const timer = setTimeout(() => {
        socket.destroy();
        fail(timeoutError(`connect ${this.description}`, this.#opts.connectTimeoutMs));
      }, this.#opts.connectTimeoutMs);
      const fail = (err: TransportError): void => {
        clearTimeout(timer);
        this.#socket = null;
        reject(err);
      };
      socket.once('error', (err) => fail(toTransportError(`connect ${this.description}`, err)));
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        this.#wire(socket);
        resolve();
      });
    });
  }

  #wire(socket: net.Socket): void {
    let lastError: TransportError | undefined;
    socket.on('data', (chunk: Buffer) => this.emit('data', chunk));
    socket.on('error', (err) => {
      lastError = toTransportError(this.description, err);
      if (this.listenerCount('error') > 0) this.emit('error', lastError);
    });
    socket.on('close', () => {
      if (this.#socket === socket) this.#socket = null;
      if (this.#closing) this.emit('close');
      else this.emit('close', lastError ?? new TransportError(`${this.description} closed by the printer`, { disconnected: true }));
    });
  }

  write(bytes: Buffer): Promise<void> {
    const socket = this.#socket;
    if (!socket || !this.isOpen) return Promise.reject(new TransportError(`${this.description} is not open`, { disconnected: true }));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const err = timeoutError(`write ${this.description}`, this.#opts.writeTimeoutMs);
        socket.destroy(err);
        reject(err);
      }, this.#opts.writeTimeoutMs);
      socket.write(bytes, (err) => {
        clearTimeout(timer);
        if (err) reject(toTransportError(`write ${this.description}`, err));
        else resolve();
      });
    });
  }

  /** Sends FIN after the written bytes and waits for the printer to close its side (or the close timeout). */
  close(): Promise<void> {
    const socket = this.#socket;
    if (!socket) return Promise.resolve();
    this.#closing = true;
    return new Promise((resolve) => {
      const timer = setTimeout(() => socket.destroy(), this.#opts.closeTimeoutMs);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      // A raw-port printer may never close its side; we don't read after this point, so drop what it sends.
      socket.resume();
      socket.end();
    });
  }
}
