import { TransportError } from '../../transport.ts';
import { COMMANDS, type CommandName } from '../codec/commands.ts';
import { encodeRequest } from '../codec/encode-request.ts';
import type { ResponseFrame } from '../codec/frame.ts';
import { ResponseDecoder } from '../codec/frame-decoder.ts';
import { IdCardDriverError } from '../status/errors.ts';
import type { Scheduler } from '../../scheduler.ts';

interface Pending {
  command: CommandName;
  resolve: (frame: ResponseFrame) => void;
  reject: (err: Error) => void;
  /** Cancels the reply timeout. */
  cancelTimeout: () => void;
  /** Set once a garbled frame arrived (cancels its timer): fail with TRANSFER unless a good one follows quickly. */
  cancelGrace: (() => void) | null;
}

export interface CommandChannelOptions {
  /**
   * After a frame with a bad checksum, how long to wait for a good one before failing with a
   * transfer error. Noise can fake a preamble that swallows the start of the real reply, which
   * then still decodes a moment later. Default 100 ms.
   */
  corruptGraceMs?: number;
}

/** Where commands go: the reader's link (anything with a `write` that rejects with a TransportError). */
export interface ByteSink {
  write(bytes: Buffer): Promise<void>;
}

/**
 * One command in flight at a time over a ByteSink: write the request, wait for one reply
 * frame or the timeout. Replies nobody waits for (late answers after a timeout) are dropped.
 */
export class CommandChannel {
  readonly #decoder = new ResponseDecoder();
  #pending: Pending | null = null;
  /** Frames that arrived with no command waiting (late replies, noise that looked like a frame). */
  unsolicited = 0;

  readonly #corruptGraceMs: number;

  constructor(
    private readonly transport: ByteSink,
    private readonly scheduler: Scheduler,
    opts: CommandChannelOptions = {},
  ) {
    this.#corruptGraceMs = opts.corruptGraceMs ?? 100;
  }

  /** Feed bytes from the transport's `data` event. */
  onData(chunk: Buffer): void {
    for (const item of this.#decoder.push(chunk)) {
      const p = this.#pending;
      if (!p) {
        this.unsolicited += 1;
        continue;
      }
      if (item.ok) {
        this.#settle(p, () => p.resolve(item.frame));
      } else if (p.cancelGrace === null) {
        const garbled = new IdCardDriverError('HQ_ERR_IDCARD_TRANSFER', `bad checksum in the ${p.command} reply`, { sdkCode: 0x03 });
        p.cancelGrace = this.scheduler.schedule(this.#corruptGraceMs, () => this.#settle(p, () => p.reject(garbled)));
      }
    }
  }

  /** Sends a command and resolves with its reply. Rejects with IdCardDriverError or TransportError. */
  exchange(command: CommandName, timeoutMs: number, data?: Uint8Array): Promise<ResponseFrame> {
    if (this.#pending) return Promise.reject(new Error(`${command} sent while ${this.#pending.command} is in flight`));
    // The reader speaks only when spoken to: whatever is buffered now is not the coming reply.
    this.#decoder.reset();
    const reply = new Promise<ResponseFrame>((resolve, reject) => {
      const cancelTimeout = this.scheduler.schedule(timeoutMs, () => {
        const p = this.#pending;
        p?.cancelGrace?.();
        this.#pending = null;
        // Half a reply, or a false preamble with a large LEN, must not hold up the next one.
        this.#decoder.reset();
        reject(new IdCardDriverError('HQ_ERR_IDCARD_TIMEOUT', `no reply to ${command} within ${timeoutMs} ms`, { sdkCode: 0x02 }));
      });
      this.#pending = { command, resolve, reject, cancelTimeout, cancelGrace: null };
    });
    const { cmd, para } = COMMANDS[command];
    this.transport.write(encodeRequest(cmd, para, data)).catch((err: unknown) => {
      const p = this.#pending;
      if (p) this.#settle(p, () => p.reject(asTransportError(err)));
    });
    return reply;
  }

  /** Ends the command in flight, if any, with `err`. Returns whether there was one. */
  failPending(err: Error): boolean {
    const p = this.#pending;
    if (!p) return false;
    this.#settle(p, () => p.reject(err));
    return true;
  }

  /** Drops buffered bytes (after a reopen or a failure). */
  reset(): void {
    this.#decoder.reset();
  }

  #settle(p: Pending, fn: () => void): void {
    if (this.#pending !== p) return;
    this.#pending = null;
    p.cancelTimeout();
    p.cancelGrace?.();
    fn();
  }
}

function asTransportError(err: unknown): TransportError {
  return err instanceof TransportError ? err : new TransportError(err instanceof Error ? err.message : String(err), { cause: err });
}
