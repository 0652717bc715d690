import { EventEmitter } from 'node:events';

/**
 * The one seam between a device driver and the wire (serialport, TCP, a file such as /dev/usb/lp0,
 * node-hid, or an in-memory pair in tests). Drivers never import those modules; transports do.
 *
 * Events:
 * - `data` (chunk: Buffer) — bytes from the device, split wherever the OS split them;
 * - `close` (err?: TransportError) — the link is gone; `err.disconnected` is true for a pulled cable;
 * - `error` (err: TransportError) — a failed write or read; the link may still be up.
 */
export interface ByteTransport extends EventEmitter {
  /** Opens the link; resolves when bytes can flow. Rejects with a TransportError. */
  open(): Promise<void>;
  /** Writes bytes; resolves when handed to the OS (drained). Rejects with a TransportError. */
  write(bytes: Buffer): Promise<void>;
  /** Closes the link; pending reads end with an error whose `canceled` is true. */
  close(): Promise<void>;
  readonly isOpen: boolean;
  /** For logs and device.status: `serial:/dev/ttyUSB0`, `tcp://10.0.0.5:9100`, `memory:a`. */
  readonly description: string;
}

export class TransportError extends Error {
  /** The device went away (unplugged, port vanished): reconnect with backoff. */
  disconnected = false;
  /** The operation was canceled by close(): not a fault. */
  canceled = false;
  /**
   * The transport cannot work in this process at all (a native module or library is missing, e.g.
   * node-hid without libusb): retrying cannot help until someone installs it and restarts the hub.
   */
  unavailable = false;
  constructor(message: string, opts: { disconnected?: boolean; canceled?: boolean; unavailable?: boolean; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'TransportError';
    this.disconnected = opts.disconnected ?? false;
    this.canceled = opts.canceled ?? false;
    this.unavailable = opts.unavailable ?? false;
  }
}

/** Chunks a MemoryTransport keeps of what was written through it. */
export const WRITTEN_KEPT = 2_000;

/** One end of an in-memory byte link. Writes to one end come out as `data` on the other. */
export class MemoryTransport extends EventEmitter implements ByteTransport {
  peer: MemoryTransport | null = null;
  #open = false;
  /**
   * The latest chunks written through this end (up to `WRITTEN_KEPT`), for assertions (MockBinding's
   * `recording`). Bounded: a demo hall's simulated buses run for days.
   */
  readonly written: Buffer[] = [];
  constructor(readonly description: string) {
    super();
  }
  get isOpen(): boolean {
    return this.#open;
  }
  async open(): Promise<void> {
    this.#open = true;
  }
  async write(bytes: Buffer): Promise<void> {
    if (!this.#open) throw new TransportError(`${this.description} is not open`);
    this.written.push(Buffer.from(bytes));
    if (this.written.length > WRITTEN_KEPT) this.written.splice(0, this.written.length - WRITTEN_KEPT / 2);
    const peer = this.peer;
    // Delivered on a later tick, as a real link would.
    if (peer && peer.#open) setImmediate(() => peer.emit('data', Buffer.from(bytes)));
  }
  async close(): Promise<void> {
    if (!this.#open) return;
    this.#open = false;
    this.emit('close');
  }
  /** Simulates a pulled cable on this end. */
  unplug(): void {
    this.#open = false;
    this.emit('close', new TransportError(`${this.description} disconnected`, { disconnected: true }));
  }
}

/** Two connected in-memory ends (Node 20 has no stream.duplexPair). */
export function memoryPair(name = 'memory'): [MemoryTransport, MemoryTransport] {
  const a = new MemoryTransport(`${name}:a`);
  const b = new MemoryTransport(`${name}:b`);
  a.peer = b;
  b.peer = a;
  return [a, b];
}
