import { EventEmitter } from 'node:events';
import { constants, promises as fs } from 'node:fs';
import { TransportError, type ByteTransport } from '../../transport.ts';
import { timeoutError, toTransportError } from './errors.ts';

export interface FileTransportOptions {
  path: string;
  /**
   * Create the file when missing. Default: false under /dev/ (a missing /dev/usb/lp0 means the printer is
   * unplugged, and creating a regular file there would swallow every ticket), true elsewhere.
   */
  create?: boolean;
  /** usblp blocks a write while the printer is out of paper; give up after this. Default 10000. */
  writeTimeoutMs?: number;
}

/** A printer device file such as /dev/usb/lp0 (Linux usblp), or a plain file for tests. Write-only: no status. */
export class FileTransport extends EventEmitter implements ByteTransport {
  readonly description: string;
  #handle: fs.FileHandle | null = null;

  constructor(readonly options: FileTransportOptions) {
    super();
    this.description = `file:${options.path}`;
  }

  get isOpen(): boolean {
    return this.#handle !== null;
  }

  async open(): Promise<void> {
    if (this.#handle) throw new TransportError(`${this.description} is already open`);
    const create = this.options.create ?? !this.options.path.startsWith('/dev/');
    // Append: never truncates what an earlier job wrote (meaningless for a device, vital for a capture file).
    const flags = constants.O_WRONLY | constants.O_APPEND | (create ? constants.O_CREAT : 0);
    try {
      this.#handle = await fs.open(this.options.path, flags, 0o644);
    } catch (err) {
      throw toTransportError(`open ${this.description}`, err);
    }
  }

  async write(bytes: Buffer): Promise<void> {
    const handle = this.#handle;
    if (!handle) throw new TransportError(`${this.description} is not open`, { disconnected: true });
    const ms = this.options.writeTimeoutMs ?? 10_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(timeoutError(`write ${this.description}`, ms)), ms);
    });
    try {
      await Promise.race([writeAll(handle, bytes), timeout]);
    } catch (err) {
      throw toTransportError(`write ${this.description}`, err);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    const handle = this.#handle;
    if (!handle) return;
    this.#handle = null;
    await handle.close().catch(() => undefined);
    this.emit('close');
  }
}

async function writeAll(handle: fs.FileHandle, bytes: Buffer): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset);
    offset += bytesWritten;
  }
}
