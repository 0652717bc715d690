import { EventEmitter } from 'node:events';
import type net from 'node:net';
import { TransportError, type ByteTransport } from '../../transport.ts';

/**
 * ByteTransport over a socket that is already connected: the server side of a fake TCP
 * controller (FakeTcpOnbon hands each accepted connection to the simulator through one).
 */
export class SocketTransport extends EventEmitter implements ByteTransport {
  readonly description: string;
  readonly #socket: net.Socket;

  constructor(socket: net.Socket) {
    super();
    this.#socket = socket;
    this.description = `tcp-peer://${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    socket.on('data', (chunk: Buffer) => this.emit('data', chunk));
    socket.on('error', (err) => {
      if (this.listenerCount('error') > 0) this.emit('error', new TransportError(`${this.description}: ${err.message}`, { disconnected: true, cause: err }));
    });
    socket.on('close', () => this.emit('close'));
  }

  get isOpen(): boolean {
    return !this.#socket.destroyed && this.#socket.writable;
  }

  async open(): Promise<void> {
    if (!this.isOpen) throw new TransportError(`${this.description} is closed`, { disconnected: true });
  }

  write(bytes: Buffer): Promise<void> {
    if (!this.isOpen) return Promise.reject(new TransportError(`${this.description} is closed`, { disconnected: true }));
    return new Promise((resolve, reject) => {
      this.#socket.write(bytes, (err) => (err ? reject(new TransportError(`write ${this.description}: ${err.message}`, { disconnected: true, cause: err })) : resolve()));
    });
  }

  async close(): Promise<void> {
    this.#socket.destroy();
  }
}
