import { EventEmitter } from 'node:events';
import { type ByteTransport, TransportError } from './transport.ts';

/**
 * A ByteTransport whose real transport is made on the first open(): for a peer whose address is
 * known only later, such as a fake LAN printer that has not been given its port yet. Events of the
 * real transport are passed on as its own.
 */
export class LazyTransport extends EventEmitter implements ByteTransport {
  #inner: ByteTransport | null = null;
  #making: Promise<ByteTransport> | null = null;

  constructor(
    readonly description: string,
    private readonly make: () => Promise<ByteTransport>,
  ) {
    super();
  }

  get isOpen(): boolean {
    return this.#inner?.isOpen ?? false;
  }

  async open(): Promise<void> {
    this.#making ??= this.make().then((inner) => {
      inner.on('data', (chunk: Buffer) => this.emit('data', chunk));
      inner.on('close', (err?: TransportError) => this.emit('close', err));
      inner.on('error', (err: TransportError) => {
        if (this.listenerCount('error') > 0) this.emit('error', err);
      });
      this.#inner = inner;
      return inner;
    });
    const inner = await this.#making.catch((err: unknown) => {
      // A failed make is tried again on the next open().
      this.#making = null;
      throw err instanceof TransportError ? err : new TransportError(`${this.description}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    });
    await inner.open();
  }

  write(bytes: Buffer): Promise<void> {
    if (!this.#inner) return Promise.reject(new TransportError(`${this.description} is not open`, { disconnected: true }));
    return this.#inner.write(bytes);
  }

  async close(): Promise<void> {
    await this.#inner?.close();
  }
}
